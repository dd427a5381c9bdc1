"""The replenishment run and the approval of its proposals.

For every planned part-warehouse, projected stock = on hand + on order + in
transit − reserved − backorders. Below the reorder point (the min, which is
the reorder point rounded up to a whole unit) the shortfall up to the max is
covered in this order: a neighbour's surplus above its own maximum (nearest
first), the parent's stock above its own minimum, then a supplier order to
the best supplier, rounded to its pack size and minimum order quantity.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fastpath.rows import copy_rows
from core.limits import request_max_items
from core.permissions import has_role
from core.roles import Role
from core.services.outbox import outbox_enqueue
from inventory import quantities
from inventory.bounds import check_line_count
from inventory.demand.services.transfers import transfer_order_create
from inventory.models import (
    Part,
    StockLevel,
    TransferOrder,
    TransferOrderLine,
    TransferState,
    Warehouse,
    WarehouseNeighbour,
)
from suppliers import services as supplier_services
from suppliers.models import OrderState, OrderType, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierPart

from ..exceptions import NotPermitted, PlanningError, ProposalNotOpen
from ..models import (
    ProposalOrigin,
    ProposalSource,
    ProposalState,
    ReplenishmentProposal,
    ReplenishmentRun,
    RunState,
    StockingParameter,
)
from ..selectors import best_supplier_parts
from .forecast import forecast_run
from .parameters import parameters_compute

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
APPROVERS = (Role.PURCHASER, Role.MANAGER, Role.PLANNER)
# Draft orders count as on order for planning: an approved proposal becomes a
# draft order, and the next night must not propose the same quantity again.
PLANNING_ON_ORDER_STATES = (OrderState.DRAFT, *OrderState.on_order())


def _fmt(value: Decimal) -> str:
    value = Decimal(value)
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


@dataclass
class Position:
    part_id: int
    warehouse_id: int
    class_code: str
    forecast_per_month: Decimal
    method: str
    pattern: str
    safety_stock: Decimal
    reorder_point: Decimal
    eoq: Decimal
    min_qty: Decimal
    max_qty: Decimal
    order_on_demand: bool
    on_hand: Decimal
    reserved: Decimal
    in_transit: Decimal
    backordered: Decimal
    on_order: Decimal

    @property
    def projected(self) -> Decimal:
        return self.on_hand + self.on_order + self.in_transit - self.reserved - self.backordered


def positions(
    *, warehouse_ids=None, part_ids=None, today: date | None = None, needy_only: bool = False
) -> list[Position]:
    """Every planned part-warehouse (not VMI) with its effective parameters and stock position, one query."""
    today = today or timezone.localdate()
    active = "(p.override_reason <> '' AND (p.override_expires_on IS NULL OR p.override_expires_on >= %(today)s))"

    def eff(name: str) -> str:
        return f"CASE WHEN {active} AND p.override_{name} IS NOT NULL THEN p.override_{name} ELSE p.{name} END"

    where = "WHERE NOT p.is_vmi"
    params: dict = {"today": today, "states": list(PLANNING_ON_ORDER_STATES), "requested": TransferState.REQUESTED}
    if warehouse_ids is not None:
        where += " AND p.warehouse_id = ANY(%(wh)s)"
        params["wh"] = list(warehouse_ids)
    if part_ids is not None:
        where += " AND p.part_id = ANY(%(parts)s)"
        params["parts"] = list(part_ids)
    sql = f"""
        SELECT p.part_id, p.warehouse_id, p.class_code, p.forecast_per_month, COALESCE(f.method, ''),
               COALESCE(f.pattern, ''), {eff("safety_stock")}, {eff("reorder_point")}, {eff("eoq")},
               {eff("min_qty")}, {eff("max_qty")}, p.order_on_demand,
               COALESCE(l.on_hand, 0), COALESCE(l.reserved, 0), COALESCE(l.in_transit, 0),
               COALESCE(l.backordered, 0), COALESCE(po.qty, 0) + COALESCE(tr.qty, 0)
        FROM {StockingParameter._meta.db_table} p
        LEFT JOIN planning_forecast f USING (part_id, warehouse_id)
        LEFT JOIN {StockLevel._meta.db_table} l USING (part_id, warehouse_id)
        LEFT JOIN (
            SELECT pol.part_id, po.warehouse_id, SUM(GREATEST(pol.quantity - pol.quantity_received, 0)) AS qty
            FROM {PurchaseOrderLine._meta.db_table} pol JOIN {PurchaseOrder._meta.db_table} po ON po.id = pol.order_id
            WHERE po.state = ANY(%(states)s) GROUP BY 1, 2
        ) po USING (part_id, warehouse_id)
        LEFT JOIN (
            SELECT tl.part_id, t.to_warehouse_id AS warehouse_id, SUM(tl.quantity_requested) AS qty
            FROM {TransferOrderLine._meta.db_table} tl JOIN {TransferOrder._meta.db_table} t ON t.id = tl.transfer_id
            WHERE t.state = %(requested)s GROUP BY 1, 2
        ) tr USING (part_id, warehouse_id)
        {where}
        ORDER BY p.warehouse_id, p.part_id
    """  # noqa: S608 - table names from the models
    if needy_only:
        # The same test as _needs_cover, in SQL, so that only the few short rows come back.
        projected = (
            "COALESCE(l.on_hand, 0) + COALESCE(po.qty, 0) + COALESCE(tr.qty, 0) + COALESCE(l.in_transit, 0) "
            "- COALESCE(l.reserved, 0) - COALESCE(l.backordered, 0)"
        )
        sql = sql.replace(
            "ORDER BY p.warehouse_id",
            f"AND (({projected}) < {eff('min_qty')} OR (p.order_on_demand AND ({projected}) < 0)) "
            "ORDER BY p.warehouse_id",
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Position(*row) for row in cursor.fetchall()]


def _needs_cover(pos: Position) -> bool:
    if pos.order_on_demand:
        return pos.projected < 0
    return pos.projected < pos.min_qty


def _target(pos: Position) -> Decimal:
    if pos.order_on_demand:
        return ZERO
    return max(pos.max_qty, pos.min_qty)


@dataclass
class _Spare:
    """Stock a warehouse can give away, shrinking as this run hands it out."""

    left: dict[tuple[int, int], Decimal] = field(default_factory=dict)

    def take(self, key: tuple[int, int], wanted: Decimal) -> Decimal:
        have = self.left.get(key, ZERO)
        given = min(have, wanted)
        if given > 0:
            self.left[key] = have - given
        return max(given, ZERO)


def _whole(part_whole: bool, quantity: Decimal) -> Decimal:
    return quantities.whole_units(quantity, is_whole_unit=part_whole)


@dataclass
class _Cover:
    """What covering shortages of some parts needs: the sources and the stock they can still give."""

    warehouses: dict
    neighbours: dict[int, list[int]]
    surplus: _Spare
    spare_at_parent: _Spare
    whole: set[int]
    suppliers: dict

    def promise(self, proposals) -> None:
        """Open transfer proposals already take stock from their sources: less is left for new ones."""
        for p in proposals:
            if p.source == ProposalSource.NEIGHBOUR:
                self.surplus.take((p.part_id, p.from_warehouse_id), p.quantity)
            elif p.source == ProposalSource.PARENT:
                self.spare_at_parent.take((p.part_id, p.from_warehouse_id), p.quantity)


def _cover_for(part_ids) -> _Cover:
    neighbours = defaultdict(list)
    for link in WarehouseNeighbour.objects.order_by("transfer_lead_time_days", "neighbour__code"):
        neighbours[link.warehouse_id].append(link.neighbour_id)
    surplus, spare_at_parent = _Spare(), _Spare()
    for lv in StockLevel.objects.filter(part_id__in=part_ids):
        free = quantities.free_stock(
            on_hand=lv.on_hand, reserved=lv.reserved, quarantined=lv.quarantined, backordered=lv.backordered
        )
        surplus.left[(lv.part_id, lv.warehouse_id)] = quantities.surplus(
            free=free, min_qty=lv.min_qty, max_qty=lv.max_qty
        )
        spare_at_parent.left[(lv.part_id, lv.warehouse_id)] = quantities.spare_at_parent(free=free, min_qty=lv.min_qty)
    return _Cover(
        warehouses=Warehouse.objects.in_bulk(),
        neighbours=neighbours,
        surplus=surplus,
        spare_at_parent=spare_at_parent,
        whole={part.pk for part in Part.objects.filter(pk__in=part_ids).only("pk", "unit") if part.is_whole_unit},
        suppliers=best_supplier_parts(part_ids),
    )


def _cover_rows(pos: Position, cover: _Cover) -> list[dict]:
    """The proposal rows (column values) that cover one short position: the transfer-first rule."""
    rows: list[dict] = []
    need = _target(pos) - pos.projected
    why = (
        f"Projected {_fmt(pos.projected)} (on hand {_fmt(pos.on_hand)} + on order {_fmt(pos.on_order)} "
        f"+ in transit {_fmt(pos.in_transit)} − reserved {_fmt(pos.reserved)} − backordered "
        f"{_fmt(pos.backordered)}) "
    )
    if pos.order_on_demand:
        why += "is below zero (order on demand)"
    else:
        why += f"is below the reorder point {_fmt(pos.reorder_point)}; order up to max {_fmt(_target(pos))}"
    base = {
        "part_id": pos.part_id,
        "warehouse_id": pos.warehouse_id,
        "class_code": pos.class_code,
        "forecast_per_month": pos.forecast_per_month,
        "method": pos.method,
        "pattern": pos.pattern,
        "safety_stock": pos.safety_stock,
        "reorder_point": pos.reorder_point,
        "eoq": pos.eoq,
        "min_qty": pos.min_qty,
        "max_qty": pos.max_qty,
        "on_hand": pos.on_hand,
        "on_order": pos.on_order,
        "in_transit": pos.in_transit,
        "reserved": pos.reserved,
        "backordered": pos.backordered,
        "projected": pos.projected,
    }
    warehouses = cover.warehouses
    is_whole = pos.part_id in cover.whole
    for neighbour_id in cover.neighbours.get(pos.warehouse_id, []):
        if need <= 0:
            break
        given = _whole(is_whole, cover.surplus.take((pos.part_id, neighbour_id), need))
        if given > 0:
            need -= given
            rows.append(
                base
                | {
                    "source": ProposalSource.NEIGHBOUR.value,
                    "from_warehouse_id": neighbour_id,
                    "suggested_quantity": given,
                    "quantity": given,
                    "reason": f"{why}; {warehouses[neighbour_id].code} has stock above its maximum.",
                }
            )
    parent_id = warehouses[pos.warehouse_id].parent_id
    if need > 0 and parent_id:
        given = _whole(is_whole, cover.spare_at_parent.take((pos.part_id, parent_id), need))
        if given > 0:
            need -= given
            rows.append(
                base
                | {
                    "source": ProposalSource.PARENT.value,
                    "from_warehouse_id": parent_id,
                    "suggested_quantity": given,
                    "quantity": given,
                    "reason": f"{why}; the parent {warehouses[parent_id].code} has stock above its minimum.",
                }
            )
    if need > 0:
        sp = cover.suppliers.get(pos.part_id)
        if sp is None:
            logger.warning("No active supplier sells part %s; shortfall %s not proposed", pos.part_id, need)
            return rows
        # The supplier's terms are in its purchase unit: whole boxes, its minimum and packs (one rule, in suppliers).
        boxes = supplier_services.order_quantity_for_need(need=need, part_is_whole=is_whole, supplier_part=sp)
        quantity = boxes * sp.purchase_factor
        if sp.purchase_unit:
            rounding = (
                f" (rounded from {_fmt(need)} to {_fmt(boxes)} {sp.purchase_unit} of {_fmt(sp.purchase_factor)}, "
                f"pack {_fmt(sp.pack_size)}, MOQ {_fmt(sp.min_order_qty)})"
            )
        else:
            rounding = f" (rounded from {_fmt(need)} to pack {_fmt(sp.pack_size)}, MOQ {_fmt(sp.min_order_qty)})"
        rows.append(
            base
            | {
                "source": ProposalSource.SUPPLIER.value,
                "supplier_id": sp.supplier_id,
                # per stock unit, like the proposal's quantity; the order takes the price per purchase unit
                "unit_price": sp.stock_unit_cost,
                "suggested_quantity": quantity,
                "quantity": quantity,
                "reason": (
                    f"{why}; order from {sp.supplier.code} (best by rating, price, lead time)"
                    + (rounding if quantity != need else "")
                    + "."
                ),
            }
        )
    return rows


def proposals_build(*, run: ReplenishmentRun, warehouse_ids=None, today: date | None = None) -> int:
    """Write the run's proposals; the open proposals of earlier runs in scope are superseded.

    Open proposals a posting made (``origin`` event) are merged, not doubled:
    a pair still short keeps its event-made proposal and gets no second one
    (its transfers keep their claim on the source's stock); a pair no longer
    short has it superseded with the rest.
    """
    needy = [pos for pos in positions(warehouse_ids=warehouse_ids, today=today, needy_only=True) if _needs_cover(pos)]
    part_ids = {pos.part_id for pos in needy}
    cover = _cover_for(part_ids)
    open_proposals = ReplenishmentProposal.objects.filter(state=ProposalState.OPEN).exclude(run=run)
    if warehouse_ids is not None:
        open_proposals = open_proposals.filter(warehouse_id__in=list(warehouse_ids))
    short = {(pos.part_id, pos.warehouse_id) for pos in needy}
    kept = [
        p
        for p in open_proposals.filter(origin=ProposalOrigin.EVENT, part_id__in=part_ids)
        if (p.part_id, p.warehouse_id) in short
    ]
    cover.promise(kept)
    kept_pairs = {(p.part_id, p.warehouse_id) for p in kept}

    rows: list[dict] = [
        row | {"run_id": run.pk, "origin": ProposalOrigin.RUN.value}
        for pos in needy
        if (pos.part_id, pos.warehouse_id) not in kept_pairs
        for row in _cover_rows(pos, cover)
    ]
    with transaction.atomic():
        open_proposals.exclude(pk__in=[p.pk for p in kept]).update(state=ProposalState.SUPERSEDED)
        # COPY, not bulk_create: building 20,000 model instances took most of the run.
        now = timezone.now()
        columns = (
            [*rows[0].keys(), "from_warehouse_id", "supplier_id", "unit_price", "state", "created_at"] if rows else []
        )
        columns = list(dict.fromkeys(columns))
        fixed = {"state": ProposalState.OPEN.value, "created_at": now}
        for row in rows:
            row.update(fixed)
            row["reason"] = row["reason"][:300]
        copy_rows(ReplenishmentProposal._meta.db_table, columns, ([row.get(c) for c in columns] for row in rows))
    return len(rows)


# --- replenishment as it happens ------------------------------------------------------------

# The classes whose parts are replenished the moment a posting takes them below the reorder point
# (besides critical parts): A and new A, the classes with the highest service level.
EVENT_CLASSES = ("A", "NA")
PAIR_TASK = "planning.replenishment_pair"


def replenishment_below_reorder_point(*, part, warehouse) -> None:
    """A posting just took ``part``'s available stock in ``warehouse`` below its reorder point.

    The hook inventory calls inside the posting's transaction (setting
    ``STOCK_BELOW_REORDER_POINT_HOOKS``): one outbox row, so the proposal is
    made after the commit by a task (``replenishment_pair_propose``) and a
    rolled-back posting asks for nothing.
    """
    outbox_enqueue(task_name=PAIR_TASK, kwargs={"part_id": part.pk, "warehouse_id": warehouse.pk})


def replenishment_pair_propose(*, part_id: int, warehouse_id: int, today: date | None = None) -> list[int]:
    """Propose cover for one part-warehouse now, by the nightly run's rules; returns the new proposals' ids.

    Only for a critical part or an A / NA class pair that is planned (not VMI)
    and still short by the run's own test (projected stock below the min).
    A pair that already has an open proposal (of a run or of an earlier
    posting) gets no second one. The pair's stocking parameter row is locked,
    so two postings at once make one proposal.
    """
    with transaction.atomic():
        parameter = (
            StockingParameter.objects.select_for_update()
            .select_related("part")
            .filter(part_id=part_id, warehouse_id=warehouse_id, is_vmi=False)
            .first()
        )
        if parameter is None:
            return []
        if not (parameter.part.is_critical or parameter.class_code.upper() in EVENT_CLASSES):
            return []
        if ReplenishmentProposal.objects.filter(
            part_id=part_id, warehouse_id=warehouse_id, state=ProposalState.OPEN
        ).exists():
            return []
        needy = [
            pos
            for pos in positions(warehouse_ids=[warehouse_id], part_ids=[part_id], today=today, needy_only=True)
            if _needs_cover(pos)
        ]
        if not needy:
            return []
        cover = _cover_for({part_id})
        cover.promise(
            ReplenishmentProposal.objects.filter(part_id=part_id, state=ProposalState.OPEN).exclude(from_warehouse=None)
        )
        made = ReplenishmentProposal.objects.bulk_create(
            [
                ReplenishmentProposal(**(row | {"reason": row["reason"][:300]}), origin=ProposalOrigin.EVENT)
                for row in _cover_rows(needy[0], cover)
            ]
        )
        return [p.pk for p in made]


def replenishment_run(
    *, run: ReplenishmentRun | None = None, user=None, today: date | None = None, warehouse_ids=None
) -> ReplenishmentRun:
    """Forecast, compute parameters and propose cover, recording progress and failure on the run.

    Each step commits on its own: a failure in a later step keeps the
    earlier steps' results and leaves the run marked failed with the error.
    """
    run = run or ReplenishmentRun.objects.create(requested_by=user)
    run.state, run.started_at, run.error = RunState.RUNNING, timezone.now(), ""
    run.save(update_fields=["state", "started_at", "error"])
    try:
        run.step = "forecast"
        run.save(update_fields=["step"])
        result = forecast_run(today=today, warehouse_ids=warehouse_ids)
        run.series, run.step = result.series, "parameters"
        run.save(update_fields=["series", "step"])
        parameters_compute(warehouse_ids=warehouse_ids, today=today)
        run.step = "proposals"
        run.save(update_fields=["step"])
        run.proposals = proposals_build(run=run, warehouse_ids=warehouse_ids, today=today)
    except Exception as exc:
        run.state, run.error, run.finished_at = RunState.FAILED, str(exc)[:2000], timezone.now()
        run.save(update_fields=["state", "error", "finished_at"])
        raise
    run.state, run.step, run.finished_at = RunState.DONE, "", timezone.now()
    run.save(update_fields=["state", "step", "proposals", "finished_at"])
    return run


# --- approval ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalResult:
    transfer_orders: list[TransferOrder]
    purchase_orders: list[PurchaseOrder]


def _proposal_supplier(proposal: ReplenishmentProposal) -> Supplier:
    if proposal.supplier is None:
        raise PlanningError(
            _("The proposal for %(part)s in %(warehouse)s has no supplier; run the replenishment again.")
            % {"part": proposal.part.number, "warehouse": proposal.warehouse.code},
            field="proposals",
        )
    return proposal.supplier


def _proposal_source(proposal: ReplenishmentProposal) -> Warehouse:
    if proposal.from_warehouse is None:
        raise PlanningError(
            _(
                "The transfer proposal for %(part)s in %(warehouse)s has no "
                "source warehouse; run the replenishment again."
            )
            % {"part": proposal.part.number, "warehouse": proposal.warehouse.code},
            field="proposals",
        )
    return proposal.from_warehouse


def _locked_open(ids: list[int]) -> list[ReplenishmentProposal]:
    proposals = list(
        ReplenishmentProposal.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("part", "warehouse", "from_warehouse", "supplier")
        .order_by("pk")
    )
    if len(proposals) != len(set(ids)):
        raise PlanningError(_("Some of these proposals do not exist."), field="proposals")
    closed = [p for p in proposals if p.state != ProposalState.OPEN]
    if closed:
        raise ProposalNotOpen(
            _("%(count)s of the proposals are already %(state)s; reload the list.")
            % {"count": len(closed), "state": closed[0].get_state_display()}
        )
    return proposals


@transaction.atomic
def proposals_approve(*, items: list[tuple[int, Decimal | None]], user) -> ApprovalResult:
    """Approve proposals in bulk, with edited quantities: transfers become transfer orders (one per
    source and destination), supplier lines draft purchase orders grouped by supplier and warehouse.

    All or nothing: a refused proposal leaves every proposal and document as it was.
    """
    if not has_role(user, *APPROVERS):
        raise NotPermitted(_("Only purchasing, planners and managers approve replenishment proposals."))
    check_line_count(items, field="items", limit=request_max_items())
    if not items:
        raise PlanningError(_("Select at least one proposal."), field="proposals")
    quantities: dict[int, Decimal | None] = {}
    for pk, quantity in items:
        if quantity is not None:
            quantity = Decimal(quantity)
            if quantity <= 0:
                raise PlanningError(_("An approved quantity must be more than zero."), field="quantity")
        quantities[int(pk)] = quantity
    proposals = _locked_open(list(quantities))
    transfers: dict[tuple[int, int], list[ReplenishmentProposal]] = defaultdict(list)
    orders: dict[tuple[int, int], list[ReplenishmentProposal]] = defaultdict(list)
    for proposal in proposals:
        approved = quantities[proposal.pk]
        if approved is not None:
            proposal.quantity = approved
        if proposal.source == ProposalSource.SUPPLIER:
            orders[(_proposal_supplier(proposal).pk, proposal.warehouse_id)].append(proposal)
        else:
            transfers[(_proposal_source(proposal).pk, proposal.warehouse_id)].append(proposal)
    now = timezone.now()
    made_transfers, made_orders = [], []
    for group in transfers.values():
        merged: dict[int, list] = {}
        for p in group:
            merged.setdefault(p.part_id, [p.part, ZERO])[1] += p.quantity
        transfer = transfer_order_create(
            from_warehouse=_proposal_source(group[0]),
            to_warehouse=group[0].warehouse,
            lines=[tuple(v) for v in merged.values()],
            user=user,
            now=now,
        )
        made_transfers.append(transfer)
        for p in group:
            p.transfer_order = transfer
    for group in orders.values():
        order = supplier_services.purchase_order_create(
            supplier=_proposal_supplier(group[0]),
            warehouse=group[0].warehouse,
            order_type=OrderType.STOCK,
            lines=_order_lines(group),
            user=user,
            reference=(
                f"Replenishment run #{group[0].run_id}" if group[0].run_id else "Replenishment below reorder point"
            ),
        )
        made_orders.append(order)
        for p in group:
            p.purchase_order = order
    for p in proposals:
        p.state, p.decided_by, p.decided_at = ProposalState.APPROVED, user, now
    ReplenishmentProposal.objects.bulk_update(
        proposals, ["quantity", "state", "decided_by", "decided_at", "transfer_order", "purchase_order"]
    )
    return ApprovalResult(transfer_orders=made_transfers, purchase_orders=made_orders)


def _order_lines(group: list[ReplenishmentProposal]) -> list[tuple[Part, Decimal, Decimal | None]]:
    """The order lines of approved supplier proposals (stock units) in the supplier's purchase unit.

    A proposal's quantity, edited or not, is rounded up to whole purchase
    units (13 pieces from a box of 10 orders 2 boxes); such a line takes the
    supplier's price per purchase unit, a line in stock units the proposal's price.
    """
    terms = {
        sp.part_id: sp
        for sp in SupplierPart.objects.filter(
            supplier=_proposal_supplier(group[0]), part__in=[p.part_id for p in group]
        )
    }
    lines: list[tuple[Part, Decimal, Decimal | None]] = []
    for p in group:
        sp = terms.get(p.part_id)
        if sp is None or not sp.purchase_unit:
            lines.append((p.part, p.quantity, p.unit_price))
            continue
        quantity = supplier_services.order_quantity_for_need(
            need=p.quantity, part_is_whole=p.part.is_whole_unit, supplier_part=sp
        )
        lines.append((p.part, quantity, None))
    return lines


@transaction.atomic
def proposals_reject(*, ids: list[int], user) -> int:
    if not has_role(user, *APPROVERS):
        raise NotPermitted(_("Only purchasing, planners and managers reject replenishment proposals."))
    check_line_count(ids, field="ids", limit=request_max_items())
    if not ids:
        raise PlanningError(_("Select at least one proposal."), field="proposals")
    proposals = _locked_open([int(i) for i in ids])
    now = timezone.now()
    for p in proposals:
        p.state, p.decided_by, p.decided_at = ProposalState.REJECTED, user, now
    ReplenishmentProposal.objects.bulk_update(proposals, ["state", "decided_by", "decided_at"])
    return len(proposals)
