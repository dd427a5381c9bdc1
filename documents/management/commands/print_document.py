"""Print one document (purchase order, pick list, receipt slip, delivery note, count sheet, return note) to PDF."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.documents import KINDS, document_pdf
from documents.selectors import DocumentNotFound


class Command(BaseCommand):
    help = (
        "po NUMBER | picklist WR-NUMBER or WAREHOUSE:YYYY-MM-DD | receipt NUMBER | transfer TO-NUMBER | "
        "count LIST-ID | return RMA-NUMBER"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("number")
        parser.add_argument("--output", required=True, help="The PDF file to write.")

    def handle(self, *args, **options):
        try:
            pdf = document_pdf(kind=options["kind"], number=options["number"])
        except DocumentNotFound:
            raise CommandError(f"No {options['kind']} {options['number']!r}.") from None
        Path(options["output"]).write_bytes(pdf)
        self.stdout.write(f"{options['kind']} {options['number']} written to {options['output']}")
