"""Recompute every stock level from the ledger; exit non-zero listing any that disagree."""

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import ledger_differences


class Command(BaseCommand):
    help = "Recompute stock levels from the ledger and list every level that disagrees."

    def handle(self, *args, **options):
        differences = ledger_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS("Ledger verified: every stock level equals its movements."))
            return
        for d in differences:
            self.stderr.write(
                f"{d.part_number} @ {d.warehouse_code}: on hand {d.stored_on_hand} vs ledger {d.ledger_on_hand}; "
                f"value {d.stored_value} vs ledger {d.ledger_value}"
            )
        raise CommandError(f"{len(differences)} stock level(s) disagree with the ledger.")
