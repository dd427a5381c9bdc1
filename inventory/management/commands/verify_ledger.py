"""Recompute every stock level from the ledger and re-prove its hash chains; exit non-zero on any fault."""

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import bin_differences, ledger_broken_links, ledger_differences


class Command(BaseCommand):
    help = "Recompute stock levels from the ledger, re-prove each level's hash chain, and list every fault."

    def handle(self, *args, **options):
        differences = ledger_differences()
        broken = ledger_broken_links()
        binned = bin_differences()
        for d in differences:
            self.stderr.write(
                f"{d.part_number} @ {d.warehouse_code}: on hand {d.stored_on_hand} vs ledger {d.ledger_on_hand}; "
                f"value {d.stored_value} vs ledger {d.ledger_value}"
            )
        for link in broken:
            where = (
                f"movement {link.movement_id}" if link.movement_id else "the level's last hash (a movement is missing)"
            )
            self.stderr.write(
                f"{link.part_number} @ {link.warehouse_code}: chain broken at {where}: "
                f"stored {link.stored_hash[:16]}…, computed {link.computed_hash[:16]}…"
            )
        for b in binned:
            where = f"{b.part_number} @ {b.warehouse_code}" if b.warehouse_code else b.part_number
            if b.bin_code:
                self.stderr.write(f"{where} bin {b.bin_code}: {b.stored} vs its entries {b.expected}")
            elif b.warehouse_code:
                self.stderr.write(f"{where}: on hand {b.stored} vs its bins {b.expected}")
            else:
                self.stderr.write(f"{where}: quantity {b.stored} vs its bin entries {b.expected}")
        if differences or broken or binned:
            raise CommandError(
                f"{len(differences)} stock level(s) disagree with the ledger; {len(broken)} hash chain(s) broken; "
                f"{len(binned)} bin figure(s) disagree."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Ledger verified: every stock level equals its movements and its bins, every bin its entries, "
                "and every hash chain holds."
            )
        )
