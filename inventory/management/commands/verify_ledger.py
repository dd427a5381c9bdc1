"""Recompute every stock level from the ledger and re-prove its hash chains; exit non-zero on any fault."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.commands import LocalizedCommand
from inventory.selectors import bin_differences, ledger_broken_links, ledger_differences


class Command(LocalizedCommand):
    help = gettext_lazy(
        "Recompute stock levels from the ledger, re-prove each level's hash chain, and list every fault."
    )

    def handle(self, *args, **options):
        differences = ledger_differences()
        broken = ledger_broken_links()
        binned = bin_differences()
        for d in differences:
            self.stderr.write(
                _(
                    "%(part)s @ %(warehouse)s: on hand %(on_hand)s vs ledger %(ledger_on_hand)s; "
                    "value %(value)s vs ledger %(ledger_value)s"
                )
                % {
                    "part": d.part_number,
                    "warehouse": d.warehouse_code,
                    "on_hand": d.stored_on_hand,
                    "ledger_on_hand": d.ledger_on_hand,
                    "value": d.stored_value,
                    "ledger_value": d.ledger_value,
                }
            )
        for link in broken:
            values = {
                "part": link.part_number,
                "warehouse": link.warehouse_code,
                "movement": link.movement_id,
                "stored": link.stored_hash[:16],
                "computed": link.computed_hash[:16],
            }
            if link.movement_id:
                text = _(
                    "%(part)s @ %(warehouse)s: chain broken at movement %(movement)s: "
                    "stored %(stored)s…, computed %(computed)s…"
                )
            else:
                text = _(
                    "%(part)s @ %(warehouse)s: chain broken at the level's last hash (a movement is missing): "
                    "stored %(stored)s…, computed %(computed)s…"
                )
            self.stderr.write(text % values)
        for b in binned:
            where = f"{b.part_number} @ {b.warehouse_code}" if b.warehouse_code else b.part_number
            values = {"where": where, "bin": b.bin_code, "stored": b.stored, "expected": b.expected}
            if b.bin_code:
                self.stderr.write(_("%(where)s bin %(bin)s: %(stored)s vs its entries %(expected)s") % values)
            elif b.warehouse_code:
                self.stderr.write(_("%(where)s: on hand %(stored)s vs its bins %(expected)s") % values)
            else:
                self.stderr.write(_("%(where)s: quantity %(stored)s vs its bin entries %(expected)s") % values)
        if differences or broken or binned:
            raise CommandError(
                _(
                    "%(levels)s stock level(s) disagree with the ledger; %(chains)s hash chain(s) broken; "
                    "%(bins)s bin figure(s) disagree."
                )
                % {"levels": len(differences), "chains": len(broken), "bins": len(binned)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Ledger verified: every stock level equals its movements and its bins, every bin its entries, "
                    "and every hash chain holds."
                )
            )
        )
