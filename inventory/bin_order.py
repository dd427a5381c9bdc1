"""Which bins a posting takes stock from, and in what order (pure: imports no Django).

The one home of the order rule, used by every posting that takes stock out
(issues, picks, scraps, transfers, returns to the supplier) and by the pick
list that tells the clerk where to go:

1. the bins the caller prefers (a reversal takes back from where a receipt put it);
2. the level's default bin;
3. the other bins along the pick route (``Bin.route``), then by bin code;
4. stock that lies in no bin, last.

Bins are emptied in that order until the quantity is taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Shelf:
    """What one bin holds of a part: the bin (None: no bin), its place on the route and code, the quantity."""

    bin_id: int | None
    quantity: Decimal
    route: int = 0
    code: str = ""


def shelf_order(
    shelves: Iterable[Shelf], *, default_bin_id: int | None, prefer: Sequence[int | None] = ()
) -> list[Shelf]:
    """The shelves in the order stock is taken from them."""
    preferred = {bin_id: rank for rank, bin_id in enumerate(prefer)}

    def key(shelf: Shelf) -> tuple:
        return (
            preferred.get(shelf.bin_id, len(preferred)),
            shelf.bin_id is None,
            shelf.bin_id != default_bin_id,
            shelf.route,
            shelf.code,
            shelf.bin_id or 0,
        )

    return sorted(shelves, key=key)


def bins_to_take(
    shelves: Iterable[Shelf],
    quantity: Decimal,
    *,
    default_bin_id: int | None,
    prefer: Sequence[int | None] = (),
) -> tuple[list[tuple[int | None, Decimal]], Decimal]:
    """Split ``quantity`` over the shelves in the order rule: [(bin_id, quantity taken)], and what is left over.

    Nothing left over when the shelves hold enough; the caller refuses the rest.
    """
    left = quantity
    taken: list[tuple[int | None, Decimal]] = []
    for shelf in shelf_order(shelves, default_bin_id=default_bin_id, prefer=prefer):
        if left <= 0:
            break
        if shelf.quantity <= 0:
            continue
        take = min(shelf.quantity, left)
        taken.append((shelf.bin_id, take))
        left -= take
    return taken, left
