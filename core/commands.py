"""The base of the management commands whose output people read (imports, printing, closes, ratings).

Django runs a command in ``LANGUAGE_CODE``: nothing activates a language, since there is no request
and no user. ``--language zh-hant`` prints the help, the messages, the summary and any PDF in that
language instead; the help is shown in it too (``manage.py import_data --help --language zh-hant``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def language_in(argv: list[str]) -> str:
    """The ``--language`` of a command line, read before the parser is built so the help is in it too."""
    for index, arg in enumerate(argv):
        if arg == "--language" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--language="):
            return arg.split("=", 1)[1]
    return settings.LANGUAGE_CODE


class LocalizedCommand(BaseCommand):
    """A command that speaks ``--language`` (default ``LANGUAGE_CODE``); its texts are marked as anywhere else."""

    help: Any = ""  # a lazy text, translated when the parser is built

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse wraps the description with re, which needs a str, not a lazy text.
        parser.description = str(self.help) if self.help else None
        parser.add_argument(
            "--language",
            choices=LANGUAGE_CODES,
            default=settings.LANGUAGE_CODE,
            help=_("The language of the output (default: %(default)s)."),
        )
        return parser

    def run_from_argv(self, argv):
        language = language_in(argv)
        with translation.override(language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE):
            super().run_from_argv(argv)

    def execute(self, *args, **options):
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
