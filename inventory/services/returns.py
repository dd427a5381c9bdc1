"""Stock that comes back: from the workshop or from a counter customer.

A return is not a receipt: the parts left stock with a cost and come back
with exactly that value, so the level's average moves only as far as that
value differs from today's average. Returns are movements of their own kind
(``workshop_return``, ``customer_return``), so the ledger and the month-end
can tell them from receipts.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from ..exceptions import InventoryError
from ..models import RETURN_KINDS, Part, StockMovement, Warehouse
from ..quantities import money
from .stock import _check_quantity, _fill_backorders, _idempotent, _Line, _locked, _post, _same


def stock_return_in(
    *,
    kind: str,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    value: Decimal,
    user,
    document_type: str,
    document_ref: str,
    reason: str = "",
    quarantine: bool = False,
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Put returned stock back at the value it left with.

    ``quarantine`` brings it back frozen (on hand, not available): damaged goods
    wait for a decision. Stock that comes back available fills open backorders.
    """
    if kind not in RETURN_KINDS:
        raise InventoryError(_("Only workshop and customer returns are posted here."), field="kind")
    quantity = _check_quantity(part, quantity)
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise InventoryError(_("A returned value cannot be negative."), field="value")

    def post() -> StockMovement:
        level = _locked(part, warehouse)
        if quarantine:
            level.quarantined += quantity
        movement = _post(
            lines=[_Line(kind, level, quantity, unit_cost=money(value / quantity), value=value)],
            user=user,
            document_type=document_type,
            document_ref=document_ref,
            reason=reason,
            posted_at=posted_at,
            idempotency_key=idempotency_key,
        )[0]
        if not quarantine:
            _fill_backorders(level, user, posted_at)
        return movement

    same = _same(
        kind,
        part,
        warehouse,
        quantity,
        value=value,
        document_type=document_type,
        document_ref=document_ref,
        posted_at=posted_at,
    )
    return _idempotent(idempotency_key, same, post)
