"""Print part and bin labels to a PDF file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.label_sets import bin_labels, labels_pdf, part_labels
from documents.labels import LAYOUTS
from documents.selectors import DocumentNotFound


class Command(BaseCommand):
    help = "Part labels (--part) and bin labels (--bin WAREHOUSE:BIN) as an A4 sheet or 62 mm thermal labels."

    def add_arguments(self, parser):
        parser.add_argument("--part", action="append", default=[], help="Part number; repeat for more.")
        parser.add_argument("--bin", action="append", default=[], help="WAREHOUSE:BIN; repeat for more.")
        parser.add_argument("--layout", choices=LAYOUTS, default="a4")
        parser.add_argument("--qr", action="store_true", help="Bin labels as QR codes instead of Code 128.")
        parser.add_argument("--output", required=True, help="The PDF file to write.")

    def handle(self, *args, **options):
        if not options["part"] and not options["bin"]:
            raise CommandError("Give at least one --part or --bin.")
        pairs = []
        for raw in options["bin"]:
            warehouse, sep, code = raw.partition(":")
            if not sep or not warehouse or not code:
                raise CommandError(f"--bin {raw!r}: write it as WAREHOUSE:BIN.")
            pairs.append((warehouse, code))
        try:
            labels = part_labels(numbers=options["part"]) if options["part"] else []
            labels += bin_labels(pairs=pairs, symbology="qr" if options["qr"] else "code128") if pairs else []
        except DocumentNotFound as error:
            raise CommandError(f"Not found: {error}") from None
        Path(options["output"]).write_bytes(labels_pdf(labels, layout=options["layout"]))
        self.stdout.write(f"{len(labels)} labels written to {options['output']}")
