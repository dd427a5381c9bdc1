"""Print part and bin labels to a PDF file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.commands import LocalizedCommand
from documents.label_sets import bin_labels, labels_pdf, part_labels
from documents.labels import LAYOUTS
from documents.selectors import DocumentNotFound


class Command(LocalizedCommand):
    help = gettext_lazy(
        "Part labels (--part) and bin labels (--bin WAREHOUSE:BIN) as an A4 sheet or 62 mm thermal labels."
    )

    def add_arguments(self, parser):
        parser.add_argument("--part", action="append", default=[], help=gettext_lazy("Part number; repeat for more."))
        parser.add_argument("--bin", action="append", default=[], help=gettext_lazy("WAREHOUSE:BIN; repeat for more."))
        parser.add_argument("--layout", choices=LAYOUTS, default="a4")
        parser.add_argument(
            "--qr", action="store_true", help=gettext_lazy("Bin labels as QR codes instead of Code 128.")
        )
        parser.add_argument("--output", required=True, help=gettext_lazy("The PDF file to write."))

    def handle(self, *args, **options):
        if not options["part"] and not options["bin"]:
            raise CommandError(_("Give at least one --part or --bin."))
        pairs = []
        for raw in options["bin"]:
            warehouse, sep, code = raw.partition(":")
            if not sep or not warehouse or not code:
                raise CommandError(_("--bin %(value)s: write it as WAREHOUSE:BIN.") % {"value": repr(raw)})
            pairs.append((warehouse, code))
        try:
            labels = part_labels(numbers=options["part"]) if options["part"] else []
            labels += bin_labels(pairs=pairs, symbology="qr" if options["qr"] else "code128") if pairs else []
        except DocumentNotFound as error:
            raise CommandError(_("Not found: %(error)s") % {"error": error}) from None
        Path(options["output"]).write_bytes(labels_pdf(labels, layout=options["layout"]))
        self.stdout.write(
            ngettext("%(count)s label written to %(file)s", "%(count)s labels written to %(file)s", len(labels))
            % {"count": len(labels), "file": options["output"]}
        )
