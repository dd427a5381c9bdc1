"""A hand-made month (March 2026) whose every class and KPI is worked out by hand in the tests.

Two warehouses: CEN (central) and ST1 (a store). Costs are single-price
receipts, so every issue leaves at the receipt cost. All times are noon in
the business time zone (Europe/Berlin), well inside their days.

CEN
  A1  30 @ 10 received 2025-01-15; one hit a month Apr 2025 – Mar 2026, 2 requested, 2 supplied and
      issued each (sales 50, cost 20): 12 hits, issued 24, month end 6 = 60.00; min 0, max 4.
  B1  10 @ 5 received 2025-02-01; one hit a month Oct 2025 – Feb 2026, 1 requested/supplied/issued
      (sales 12, cost 5): 5 hits, month end 5 = 25.00; min 6, max 8.
  C1  4 @ 20 received 2025-03-01; hits 2026-01-10 (1 of 1, issued, sales 30, cost 20) and
      2026-03-20 (0 of 2): month end 3 = 60.00; max 2.
  D1  5 @ 40 received 2024-12-01, never asked for: 200.00 of dead stock.
  N1  10 @ 3 received 2026-01-10 (new); hits 2026-03-03 (workshop), 2026-03-04 (workshop and counter),
      each 1 of 1, issued (sales 6, cost 3): month end 7 = 21.00.
  N2  4 @ 2.50 received 2026-02-20 (new), no hits: 10.00.
ST1
  A1  1 @ 10 received 2025-01-20; hits 2026-03-15 (1 of 3, issued, sales 25, cost 10) and
      2026-03-16 (0 of 2): month end 0.
Repair orders in March: RO-1 (A1 and N1 at CEN), RO-2 (C1), RO-3 (N1), RO-4 (both ST1 lines);
the counter sale has none.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.roles import Role
from inventory import services
from inventory.models import DemandHit

from ..factories import PartFactory, UserFactory, WarehouseFactory

BERLIN = ZoneInfo("Europe/Berlin")
MARCH = date(2026, 3, 1)
D = Decimal


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=BERLIN)


def hit(part, warehouse, when, requested, supplied, *, sales=0, cost=0, ro="", source="workshop"):
    return DemandHit.objects.create(
        occurred_at=when,
        warehouse=warehouse,
        part=part,
        requested_part=part,
        source=source,
        repair_order_ref=ro,
        quantity_requested=D(requested),
        quantity_supplied=D(supplied),
        sales_value=D(sales),
        cost_value=D(cost),
    )


def ensure_default_targets() -> None:
    """Transactional tests (threads, the live server) flush tables, data migrations included: load them again."""
    from django.apps import apps

    for migration in ("0002_default_targets", "0008_negative_stock_target", "0011_default_targets_for_every_kpi"):
        importlib.import_module(f"kpis.migrations.{migration}").load(apps, None)


def build_handmade_month():
    ensure_default_targets()
    user = UserFactory(roles=[Role.MANAGER])
    cen = WarehouseFactory(code="CEN", name="Central")
    st1 = WarehouseFactory(code="ST1", name="Store one", echelon="store", parent=cen)
    parts = {name: PartFactory(number=name) for name in ("A1", "B1", "C1", "D1", "N1", "N2")}

    def receive(name, warehouse, quantity, cost, when):
        services.stock_receive(
            part=parts[name], warehouse=warehouse, quantity=D(quantity), unit_cost=D(cost), user=user, posted_at=when
        )

    def issue(name, warehouse, quantity, when):
        services.stock_issue(part=parts[name], warehouse=warehouse, quantity=D(quantity), user=user, posted_at=when)

    receive("A1", cen, 30, 10, at(2025, 1, 15))
    receive("B1", cen, 10, 5, at(2025, 2, 1))
    receive("C1", cen, 4, 20, at(2025, 3, 1))
    receive("D1", cen, 5, 40, at(2024, 12, 1))
    receive("N1", cen, 10, 3, at(2026, 1, 10))
    receive("N2", cen, 4, "2.5", at(2026, 2, 20))
    receive("A1", st1, 1, 10, at(2025, 1, 20))

    for offset in range(12):  # Apr 2025 .. Mar 2026
        year, month = (2025, 4 + offset) if offset < 9 else (2026, offset - 8)
        hit(parts["A1"], cen, at(year, month, 15), 2, 2, sales=50, cost=20, ro="RO-1" if offset == 11 else "")
        issue("A1", cen, 2, at(year, month, 15))
    for year, month in ((2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2)):
        hit(parts["B1"], cen, at(year, month, 5), 1, 1, sales=12, cost=5)
        issue("B1", cen, 1, at(year, month, 5))
    hit(parts["C1"], cen, at(2026, 1, 10), 1, 1, sales=30, cost=20)
    issue("C1", cen, 1, at(2026, 1, 10))
    hit(parts["C1"], cen, at(2026, 3, 20), 2, 0, ro="RO-2")
    for when, source, ro in (
        (at(2026, 3, 3), "workshop", "RO-1"),
        (at(2026, 3, 4), "workshop", "RO-3"),
        (at(2026, 3, 4), "counter", ""),
    ):
        hit(parts["N1"], cen, when, 1, 1, sales=6, cost=3, ro=ro, source=source)
        issue("N1", cen, 1, when)
    hit(parts["A1"], st1, at(2026, 3, 15), 3, 1, sales=25, cost=10, ro="RO-4")
    issue("A1", st1, 1, at(2026, 3, 15))
    hit(parts["A1"], st1, at(2026, 3, 16), 2, 0, ro="RO-4")

    services.stock_level_set_limits(part=parts["A1"], warehouse=cen, min_qty=D(0), max_qty=D(4))
    services.stock_level_set_limits(part=parts["B1"], warehouse=cen, min_qty=D(6), max_qty=D(8))
    services.stock_level_set_limits(part=parts["C1"], warehouse=cen, min_qty=D(0), max_qty=D(2))
    return {"user": user, "cen": cen, "st1": st1, "parts": parts}
