"""Catalogue, warehouse network and the stock ledger.

The ledger (``StockMovement``) is append-only; ``StockLevel`` is its
projection per part and warehouse. Both change only through
``inventory.services``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .ledger_hash import GENESIS

QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}
COST: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}
VALUE: dict[str, Any] = {"max_digits": 18, "decimal_places": 4}
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}

ZERO = Decimal("0")

_NOT_IN_NUMBER = re.compile(r"[\s\-./_]+")


def normalize_part_number(number: str) -> str:
    """Lookup form of a part number: upper case, no spaces, dashes, dots or slashes."""
    return _NOT_IN_NUMBER.sub("", number or "").upper()


class Unit(models.TextChoices):
    PIECE = "PCS", _("piece")
    SET = "SET", _("set")
    LITRE = "L", _("litre")
    METRE = "M", _("metre")
    KILOGRAM = "KG", _("kilogram")

    @classmethod
    def whole(cls) -> set[str]:
        """Units that are only ever counted in whole numbers."""
        return {cls.PIECE.value, cls.SET.value}


class Part(models.Model):
    number = models.CharField(max_length=40, help_text=_("Part number as printed."))
    number_normalized = models.CharField(max_length=40, unique=True, editable=False)
    description = models.CharField(max_length=200)
    unit = models.CharField(max_length=3, choices=Unit.choices, default=Unit.PIECE)
    category = models.CharField(max_length=60, blank=True, db_index=True)
    list_price = models.DecimalField(**MONEY, default=ZERO)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text=_("The newer part that replaces this one; requests are served from it."),
    )
    is_critical = models.BooleanField(default=False, help_text=_("Keeps a safety buffer."))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["number_normalized"])

    class Meta:
        ordering = ["number_normalized"]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="part_list_price_not_negative"),
            models.CheckConstraint(condition=~Q(superseded_by=F("pk")), name="part_not_superseded_by_itself"),
        ]
        indexes = [
            models.Index(fields=["description"], name="part_description_idx"),
            # Number search is a prefix (LIKE 'ABC%'), served in any collation by the pattern index
            # (varchar_pattern_ops) that Django gives the unique ``number_normalized`` (``…_like``).
            # Description search is icontains, UPPER(description) LIKE '%…%': only trigrams serve a middle match.
            GinIndex(OpClass(Upper("description"), name="gin_trgm_ops"), name="part_description_trgm_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    def save(self, *args, **kwargs) -> None:
        # The lookup key is derived data, kept in step with the number.
        self.number_normalized = normalize_part_number(self.number)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.number = (self.number or "").strip()
        if not normalize_part_number(self.number):
            raise ValidationError({"number": _("A part number needs at least one letter or digit.")})
        if self.list_price is not None and self.list_price < 0:
            raise ValidationError({"list_price": _("The list price cannot be negative.")})

    @property
    def is_whole_unit(self) -> bool:
        return self.unit in Unit.whole()


class Echelon(models.TextChoices):
    CENTRAL = "central", _("central warehouse")
    REGIONAL = "regional", _("regional warehouse")
    STORE = "store", _("workshop store")


class Warehouse(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    echelon = models.CharField(max_length=10, choices=Echelon.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="warehouse_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.echelon == Echelon.CENTRAL and self.parent_id:
            raise ValidationError({"parent": _("The central warehouse has no parent.")})
        if self.echelon != Echelon.CENTRAL and not self.parent_id:
            raise ValidationError({"parent": _("Regional warehouses and stores need a parent.")})
        seen = {self.pk}
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("This parent would make a cycle in the network.")})
            seen.add(node.pk)
            node = node.parent


class WarehouseNeighbour(models.Model):
    """A warehouse that can cover another's shortage by transfer, with its lead time."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="neighbour_links")
    neighbour = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    transfer_lead_time_days = models.PositiveSmallIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["warehouse", "transfer_lead_time_days"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "neighbour"], name="unique_warehouse_neighbour"),
            models.CheckConstraint(condition=~Q(warehouse=F("neighbour")), name="neighbour_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code} → {self.neighbour.code} ({self.transfer_lead_time_days} d)"


class Bin(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="bins")
    code = models.CharField(max_length=20)
    route = models.PositiveIntegerField(
        default=0, help_text=_("Place on the warehouse's pick route; bins of the same place go by code.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["warehouse", "code"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="unique_bin_code")]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class StockLevel(models.Model):
    """Projection of the ledger for one part in one warehouse.

    ``on_hand`` and ``value`` always equal the sums of the part's movements in
    the warehouse; ``verify_ledger`` proves it. ``in_transit`` is stock sent
    to this warehouse by transfer and not yet received.
    """

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_levels")
    default_bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    on_hand = models.DecimalField(**QTY, default=ZERO)
    reserved = models.DecimalField(**QTY, default=ZERO)
    quarantined = models.DecimalField(**QTY, default=ZERO)
    in_transit = models.DecimalField(**QTY, default=ZERO)
    backordered = models.DecimalField(
        **QTY, default=ZERO, help_text=_("Open backorder quantity waiting for stock here.")
    )
    value = models.DecimalField(**VALUE, default=ZERO)
    average_cost = models.DecimalField(**COST, default=ZERO)
    min_qty = models.DecimalField(**QTY, default=ZERO)
    max_qty = models.DecimalField(**QTY, default=ZERO)
    first_stocked_at = models.DateTimeField(null=True, blank=True)
    last_movement_at = models.DateTimeField(null=True, blank=True)
    last_hash = models.CharField(
        max_length=64, default=GENESIS, help_text=_("Hash of the level's last movement: the head of its chain.")
    )

    class Meta:
        ordering = ["part_id", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse"], name="unique_stock_level"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(quarantined__gte=0), name="stock_quarantined_not_negative"),
            models.CheckConstraint(condition=Q(in_transit__gte=0), name="stock_in_transit_not_negative"),
            models.CheckConstraint(condition=Q(backordered__gte=0), name="stock_backordered_not_negative"),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved") + F("quarantined")),
                name="stock_available_not_negative",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="stock_value_not_negative"),
            models.CheckConstraint(condition=Q(min_qty__gte=0), name="stock_min_not_negative"),
            models.CheckConstraint(
                condition=Q(max_qty=0) | Q(max_qty__gte=F("min_qty")), name="stock_max_not_below_min"
            ),
        ]
        indexes = [
            # A warehouse's levels in part order, and deep pages of the stock list seeking on (warehouse,
            # part, id) from the index alone.
            models.Index(fields=["warehouse", "part"], include=["id"], name="stocklevel_wh_part_cover_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.part.number} @ {self.warehouse.code}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved - self.quarantined


class BinStock(models.Model):
    """How much of a part lies in one bin of a warehouse: its level's on hand, split by place.

    The level's ``on_hand`` is always the sum of its bin stocks, and each bin
    stock the sum of its ``BinMovement`` entries (``verify_ledger`` proves
    both). ``bin`` is empty for stock not put to any bin (a warehouse without
    bins, a receipt naming no bin into a level without a default bin). Written
    only while the level's row lock is held, so the level's lock guards its bins.
    """

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="bin_stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="bin_stocks")
    bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="stocks")
    quantity = models.DecimalField(**QTY, default=ZERO)

    class Meta:
        ordering = ["part_id", "warehouse_id", "bin_id"]
        constraints = [
            # One row per place; the "no bin" place is one row too (nulls not distinct).
            models.UniqueConstraint(fields=["part", "warehouse", "bin"], name="unique_bin_stock", nulls_distinct=False),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="bin_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id}/{self.bin_id or '-'}: {self.quantity}"


class BinMove(models.Model):
    """Stock moved from one bin to another inside a warehouse.

    It changes neither the level's quantity nor its value, so it is not a
    ledger movement; its two ``BinMovement`` entries (out of one bin, into the
    other) keep the bins' own ledger. ``from_bin`` empty puts away stock that
    lay in no bin.
    """

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    from_bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_bin = models.ForeignKey(Bin, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    note = models.CharField(max_length=200, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-moved_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bin_move_quantity_positive"),
            models.CheckConstraint(condition=~Q(from_bin=F("to_bin")), name="bin_move_two_bins"),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_bin_move_idempotency_key"),
        ]
        indexes = [models.Index(fields=["warehouse", "moved_at"], name="bin_move_wh_time_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"BMV-{self.pk:06d}" if self.pk else "BMV-new"


class BinMovement(models.Model):
    """One bin's signed share of a stock movement or of a bin move: the bins' own ledger.

    A bin stock is the sum of its entries; the entries of a stock movement add
    up to its quantity, those of a bin move to zero. Entries with neither are
    the opening balances written when stock was first split by bin.
    """

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY, help_text=_("Signed: positive into the bin, negative out of it."))
    movement = models.ForeignKey(
        "StockMovement", null=True, blank=True, on_delete=models.PROTECT, related_name="bin_entries"
    )
    bin_move = models.ForeignKey(BinMove, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="bin_movement_quantity_not_zero"),
            models.CheckConstraint(
                condition=Q(movement__isnull=True) | Q(bin_move__isnull=True), name="bin_movement_one_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.part_id}@{self.warehouse_id}/{self.bin_id or '-'}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    ISSUE = "issue", _("issue")
    TRANSFER_OUT = "transfer_out", _("transfer out")
    TRANSFER_IN = "transfer_in", _("transfer in")
    ADJUSTMENT = "adjustment", _("adjustment")
    COUNT_CORRECTION = "count_correction", _("count correction")
    RETURN_TO_SUPPLIER = "return_to_supplier", _("return to supplier")
    SCRAP = "scrap", _("scrap")
    WORKSHOP_RETURN = "workshop_return", _("workshop return")
    CUSTOMER_RETURN = "customer_return", _("customer return")


INBOUND_KINDS = {MovementKind.RECEIPT, MovementKind.TRANSFER_IN}
# Stock coming back from the workshop or a customer: not new stock, it left with a cost and returns with it.
RETURN_KINDS = {MovementKind.WORKSHOP_RETURN, MovementKind.CUSTOMER_RETURN}
OUTBOUND_KINDS = {
    MovementKind.ISSUE,
    MovementKind.TRANSFER_OUT,
    MovementKind.RETURN_TO_SUPPLIER,
    MovementKind.SCRAP,
}


class StockMovement(models.Model):
    """One posted change of stock. Never edited or deleted; corrected by a reversal."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="movements")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    quantity = models.DecimalField(**QTY, help_text=_("Signed: positive in, negative out."))
    unit_cost = models.DecimalField(**COST)
    value = models.DecimalField(**VALUE, help_text=_("Signed value at cost."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stock_movements")
    posted_at = models.DateTimeField()
    document_type = models.CharField(max_length=40, blank=True)
    document_ref = models.CharField(max_length=60, blank=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    other_warehouse = models.ForeignKey(
        Warehouse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For transfers: the warehouse at the other end."),
    )
    counterpart = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The other leg of a transfer."),
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    intended_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The date asked for when it fell in a closed month (posted later instead).")
    )
    hash = models.CharField(
        max_length=64, default="", help_text=_("SHA-256 over the level's previous hash and this movement's content.")
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_movement_idempotency_key"),
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_quantity_not_zero"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="movement_unit_cost_not_negative"),
        ]
        indexes = [
            models.Index(fields=["part", "warehouse", "posted_at"], name="movement_part_wh_time_idx"),
            models.Index(fields=["warehouse", "posted_at"], name="movement_wh_time_idx"),
            models.Index(fields=["kind", "posted_at"], name="movement_kind_time_idx"),
            # The ledger's own order (newest first, read backwards): time ranges and deep pages seek on it.
            models.Index(fields=["posted_at", "id"], name="movement_time_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.part_id}@{self.warehouse_id}"


class DemandSource(models.TextChoices):
    WORKSHOP = "workshop", _("workshop request")
    COUNTER = "counter", _("counter sale")
    IMPORT = "import", _("imported history")


class DemandHit(models.Model):
    """One demand line (a hit): what was asked for, and what the shelf gave at once.

    Written once per workshop request line or counter sale line (or imported
    history); the month-end close reads hits, never the documents. ``part`` is
    the part that served the line (after supersession), ``requested_part`` the
    number that was asked for.
    """

    occurred_at = models.DateTimeField(db_index=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="demand_hits")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="demand_hits")
    requested_part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=DemandSource.choices)
    document_ref = models.CharField(max_length=60, blank=True)
    repair_order_ref = models.CharField(max_length=40, blank=True, db_index=True)
    quantity_requested = models.DecimalField(**QTY)
    quantity_supplied = models.DecimalField(**QTY, help_text=_("Supplied at once from stock (the first pick)."))
    quantity_lost = models.DecimalField(**QTY, default=ZERO, help_text=_("Cancelled by the requester: lost demand."))
    unit_price = models.DecimalField(**MONEY, default=ZERO, help_text=_("Selling price per unit."))
    sales_value = models.DecimalField(**VALUE, default=ZERO, help_text=_("Selling value of what was supplied."))
    cost_value = models.DecimalField(**VALUE, default=ZERO, help_text=_("Cost of what was supplied (cost of sales)."))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_requested__gt=0), name="hit_requested_positive"),
            models.CheckConstraint(
                condition=Q(quantity_supplied__gte=0) & Q(quantity_supplied__lte=F("quantity_requested")),
                name="hit_supplied_within_requested",
            ),
            models.CheckConstraint(condition=Q(quantity_lost__gte=0), name="hit_lost_not_negative"),
        ]
        indexes = [
            models.Index(fields=["warehouse", "part", "occurred_at"], name="hit_wh_part_time_idx"),
            models.Index(fields=["part", "occurred_at"], name="hit_part_time_idx"),
        ]

    def __str__(self) -> str:
        return f"hit {self.part_id}@{self.warehouse_id} {self.quantity_requested}/{self.quantity_supplied}"


# --- demand documents: repair orders, workshop requests, counter sales ------------


class RepairOrder(models.Model):
    """A workshop job; workshop requests ask parts for it. Parts sales per repair order read these."""

    number = models.CharField(max_length=40, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="repair_orders", help_text=_("The workshop's store.")
    )
    vehicle_ref = models.CharField(max_length=60, blank=True, help_text=_("Registration or VIN."))
    customer_ref = models.CharField(max_length=100, blank=True)
    opened_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="repair_order_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class RequestState(models.TextChoices):
    TO_PICK = "to_pick", _("to pick")
    WAITING = "waiting", _("waiting for backorders")
    DONE = "done", _("done")


class WorkshopRequest(models.Model):
    """Parts a repair order needs now, asked of one store. Submitted and served in one transaction."""

    repair_order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="requests")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="workshop_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workshop_requests"
    )
    state = models.CharField(max_length=10, choices=RequestState.choices, default=RequestState.TO_PICK)
    created_at = models.DateTimeField(db_index=True)
    picked_at = models.DateTimeField(null=True, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    booked_for = models.DateField(
        null=True, blank=True, help_text=_("A reservation: the day the repair order is booked for (on that pick list).")
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When what is still reserved and not picked goes back to available.")
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["warehouse", "state", "created_at"], name="wreq_wh_state_idx")]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_workshop_request_idempotency_key"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"WR-{self.pk:06d}" if self.pk else "WR-new"


class WorkshopRequestLine(models.Model):
    """One requested part. ``part`` serves the line (after supersession), ``requested_part`` was asked for.

    ``quantity_requested = quantity_supplied + quantity_reserved + quantity_backordered + quantity_lost``
    always: a back-ordered quantity cancelled later moves from backordered to lost; a reserved
    quantity moves to supplied when picked, or to lost when the reservation expires unused. Of the back-ordered
    quantity ``quantity_filled`` has arrived since; the clerk has handed over ``quantity_picked``
    of everything supplied.
    """

    request = models.ForeignKey(WorkshopRequest, on_delete=models.CASCADE, related_name="lines")
    requested_part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="workshop_request_lines")
    quantity_requested = models.DecimalField(**QTY)
    quantity_supplied = models.DecimalField(**QTY, help_text=_("Issued at once (the first pick)."))
    quantity_reserved = models.DecimalField(
        **QTY, default=ZERO, help_text=_("Held on the shelf for a booked repair order; issued when picked.")
    )
    quantity_backordered = models.DecimalField(**QTY, default=ZERO)
    quantity_filled = models.DecimalField(**QTY, default=ZERO, help_text=_("Back-ordered quantity issued since."))
    quantity_lost = models.DecimalField(**QTY, default=ZERO, help_text=_("Cancelled by the requester."))
    quantity_picked = models.DecimalField(**QTY, default=ZERO, help_text=_("Handed over to the workshop."))
    quantity_returned = models.DecimalField(**QTY, default=ZERO, help_text=_("Brought back unused (workshop returns)."))
    cost_returned = models.DecimalField(**VALUE, default=ZERO, help_text=_("Cost that came back with the returns."))
    unit_price = models.DecimalField(**MONEY)
    sales_value = models.DecimalField(**VALUE, default=ZERO)
    cost_value = models.DecimalField(**VALUE, default=ZERO)
    hit = models.OneToOneField(DemandHit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_requested__gt=0), name="wreq_line_requested_positive"),
            models.CheckConstraint(
                condition=Q(
                    quantity_requested=F("quantity_supplied")
                    + F("quantity_reserved")
                    + F("quantity_backordered")
                    + F("quantity_lost")
                ),
                name="wreq_line_quantities_add_up",
            ),
            models.CheckConstraint(
                condition=Q(quantity_filled__lte=F("quantity_backordered")), name="wreq_line_filled_within_backorder"
            ),
            models.CheckConstraint(
                condition=Q(quantity_picked__lte=F("quantity_supplied") + F("quantity_filled")),
                name="wreq_line_picked_within_supplied",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="wreq_line_price_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity_returned__gte=0) & Q(quantity_returned__lte=F("quantity_picked")),
                name="wreq_line_returned_within_picked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity_requested}"

    @property
    def quantity_to_pick(self) -> Decimal:
        return self.quantity_supplied + self.quantity_filled + self.quantity_reserved - self.quantity_picked


class BackorderState(models.TextChoices):
    OPEN = "open", _("open")
    FILLED = "filled", _("filled")
    CANCELLED = "cancelled", _("cancelled")


class Backorder(models.Model):
    """The part of a request line the shelf could not give at once, waiting for stock.

    Open backorders of a part in a warehouse are filled oldest request first;
    ``StockLevel.backordered`` is the sum of their open quantities.
    """

    line = models.OneToOneField(WorkshopRequestLine, on_delete=models.PROTECT, related_name="backorder")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="backorders")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="backorders")
    requested_at = models.DateTimeField(help_text=_("When the request was raised: the filling order."))
    quantity = models.DecimalField(**QTY)
    quantity_filled = models.DecimalField(**QTY, default=ZERO)
    quantity_cancelled = models.DecimalField(**QTY, default=ZERO)
    state = models.CharField(max_length=10, choices=BackorderState.choices, default=BackorderState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    sourcing_note = models.CharField(
        max_length=200, blank=True, help_text=_("How the shortage is being covered (transfer or order).")
    )

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="backorder_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("quantity_filled") + F("quantity_cancelled")),
                name="backorder_not_overfilled",
            ),
        ]
        indexes = [
            models.Index(fields=["warehouse", "part", "state", "requested_at"], name="backorder_fill_order_idx"),
        ]

    def __str__(self) -> str:
        return f"backorder {self.part_id}@{self.warehouse_id} {self.open_quantity}"

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.quantity_filled - self.quantity_cancelled


class CounterSale(models.Model):
    """A sale over the counter: served from the shelf at once; what is missing is lost demand."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="counter_sales")
    sold_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="counter_sales")
    customer_ref = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="unique_counter_sale_idempotency_key")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"CS-{self.pk:06d}" if self.pk else "CS-new"


class CounterSaleLine(models.Model):
    sale = models.ForeignKey(CounterSale, on_delete=models.CASCADE, related_name="lines")
    requested_part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="counter_sale_lines")
    quantity_requested = models.DecimalField(**QTY)
    quantity_supplied = models.DecimalField(**QTY)
    quantity_returned = models.DecimalField(**QTY, default=ZERO, help_text=_("Brought back by the customer."))
    cost_returned = models.DecimalField(**VALUE, default=ZERO, help_text=_("Cost that came back with the returns."))
    unit_price = models.DecimalField(**MONEY)
    sales_value = models.DecimalField(**VALUE, default=ZERO)
    cost_value = models.DecimalField(**VALUE, default=ZERO)
    hit = models.OneToOneField(DemandHit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sale_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_returned__gte=0) & Q(quantity_returned__lte=F("quantity_supplied")),
                name="csale_line_returned_within_supplied",
            ),
            models.CheckConstraint(condition=Q(quantity_requested__gt=0), name="csale_line_requested_positive"),
            models.CheckConstraint(
                condition=Q(quantity_supplied__gte=0) & Q(quantity_supplied__lte=F("quantity_requested")),
                name="csale_line_supplied_within_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity_requested}"


# --- transfer orders ---------------------------------------------------------------


class TransferState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    SENT = "sent", _("picked and sent")
    PARTIAL = "partial", _("partly received")
    RECEIVED = "received", _("received")
    CANCELLED = "cancelled", _("cancelled")


class TransferOrder(models.Model):
    """Stock asked from another warehouse: requested → sent (in transit) → received.

    A receipt may be partial; what never arrives is recorded as lost with a note
    (the documented discrepancy).
    """

    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_out")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_in")
    state = models.CharField(max_length=10, choices=TransferState.choices, default=TransferState.REQUESTED)
    backorder = models.ForeignKey(
        Backorder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
        help_text=_("The backorder this transfer covers, when raised from a sourcing proposal."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    discrepancy_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_warehouse=F("to_warehouse")), name="transfer_two_warehouses"),
        ]
        indexes = [
            models.Index(fields=["from_warehouse", "state"], name="transfer_from_state_idx"),
            models.Index(fields=["to_warehouse", "state"], name="transfer_to_state_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"TO-{self.pk:06d}" if self.pk else "TO-new"


class TransferOrderLine(models.Model):
    transfer = models.ForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity_requested = models.DecimalField(**QTY)
    quantity_sent = models.DecimalField(**QTY, default=ZERO)
    quantity_received = models.DecimalField(**QTY, default=ZERO)
    quantity_lost = models.DecimalField(**QTY, default=ZERO, help_text=_("Sent but never arrived."))
    unit_cost = models.DecimalField(**COST, default=ZERO, help_text=_("The cost the stock left with."))
    out_movement = models.ForeignKey(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["transfer_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_requested__gt=0), name="transfer_line_requested_positive"),
            models.CheckConstraint(
                condition=Q(quantity_sent__gte=F("quantity_received") + F("quantity_lost")),
                name="transfer_line_not_over_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity_requested}"

    @property
    def quantity_outstanding(self) -> Decimal:
        return self.quantity_sent - self.quantity_received - self.quantity_lost


class ClosedPeriod(models.Model):
    """A closed month: no movement may be dated into it (the month-end close locks it).

    Months close in order, so the latest closed month bounds the locked past.
    """

    month = models.DateField(unique=True, help_text=_("First day of the closed month."))
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} closed"


class PeriodAction(models.TextChoices):
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")


class PeriodEvent(models.Model):
    """The log of closing and reopening months: who, when, why."""

    month = models.DateField()
    action = models.CharField(max_length=10, choices=PeriodAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.action} at {self.at:%Y-%m-%d %H:%M}"


class LedgerSettings(models.Model):
    """Settings of the ledger a manager may change (one row)."""

    late_postings_to_open_month = models.BooleanField(
        default=False,
        help_text=(
            _(
                "A posting dated into a closed month is posted on the first day of the open month, "
                "keeping the date asked for and a reason, instead of being refused."
            )
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("ledger settings")

    def __str__(self) -> str:
        return "Ledger settings"


class LimitSource(models.TextChoices):
    PLANNER = "planner", _("planner")
    PLANNING_RUN = "planning_run", _("planning run")
    IMPORT = "import", _("import")


class LimitChange(models.Model):
    """One change of a stock level's minimum or maximum: who or what set it, from which figures to which.

    Written in the same transaction as the change by every service that sets
    limits (one level, many levels in SQL, an import), and only when a figure
    changed, so the audit trail shows each decision once.
    """

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    min_before = models.DecimalField(**QTY)
    max_before = models.DecimalField(**QTY)
    min_after = models.DecimalField(**QTY)
    max_after = models.DecimalField(**QTY)
    source = models.CharField(max_length=20, choices=LimitSource.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        before, after = f"{self.min_before}/{self.max_before}", f"{self.min_after}/{self.max_after}"
        return f"{self.part_id}@{self.warehouse_id}: {before} -> {after}"


# --- returns from the workshop and from counter customers --------------------------


class WorkshopReturnReason(models.TextChoices):
    NOT_NEEDED = "not_needed", _("not needed")
    WRONG_PART = "wrong_part", _("wrong part")
    MISDIAGNOSIS = "misdiagnosis", _("misdiagnosis")
    DAMAGED = "damaged", _("damaged")


class WorkshopReturn(models.Model):
    """Parts that come back unused from a repair order, against the request line they were issued on.

    They come back at the cost they left with; damaged ones come back quarantined
    (on hand, not available) for the clerk to scrap or return to the supplier.
    """

    line = models.ForeignKey(WorkshopRequestLine, on_delete=models.PROTECT, related_name="returns")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    value = models.DecimalField(**VALUE, help_text=_("Cost that came back into stock."))
    reason = models.CharField(max_length=20, choices=WorkshopReturnReason.choices)
    note = models.CharField(max_length=200, blank=True)
    hit_withdrawn = models.BooleanField(default=False, help_text=_("The whole line came back: it was not demand."))
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-returned_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="workshop_return_quantity_positive"),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_workshop_return_idempotency_key"),
        ]
        indexes = [models.Index(fields=["reason", "returned_at"], name="workshop_return_reason_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"WRT-{self.pk:06d}" if self.pk else "WRT-new"


class ReturnCondition(models.TextChoices):
    RESALEABLE = "resaleable", _("as new: back to stock")
    DAMAGED = "damaged", _("damaged: scrapped")


class CustomerReturn(models.Model):
    """A counter customer brings back what was sold, within the return window.

    The parts come back at the cost they left with; damaged ones are scrapped at
    once (both movements in the ledger). ``refund`` is the money the cashier pays back.
    """

    line = models.ForeignKey(CounterSaleLine, on_delete=models.PROTECT, related_name="returns")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    value = models.DecimalField(**VALUE, help_text=_("Cost that came back into stock."))
    refund = models.DecimalField(**MONEY, help_text=_("Money to pay back to the customer."))
    condition = models.CharField(max_length=12, choices=ReturnCondition.choices)
    note = models.CharField(max_length=200, blank=True)
    hit_withdrawn = models.BooleanField(default=False, help_text=_("The whole line came back: it was not demand."))
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")
    scrap_movement = models.OneToOneField(
        StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-returned_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="customer_return_quantity_positive"),
            models.CheckConstraint(condition=Q(refund__gte=0), name="customer_return_refund_not_negative"),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_customer_return_idempotency_key"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"CRT-{self.pk:06d}" if self.pk else "CRT-new"


# --- freezes of stock already on the shelf -----------------------------------------


class FreezeAction(models.TextChoices):
    RELEASE = "release", _("released")
    SCRAP = "scrap", _("scrapped")
    RETURN = "return", _("returned to the supplier")


class StockFreeze(models.Model):
    """Stock on the shelf held back for quality (a suspect batch, a recall).

    The frozen quantity moves from available to quarantined on its level; it
    stays on hand and keeps its value until it is released, scrapped or sent
    back to the supplier, in parts or at once. ``open_quantity`` is what is
    still frozen; a freeze with nothing open is closed.
    """

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    open_quantity = models.DecimalField(**QTY)
    reason = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=60, blank=True, help_text=_("Recall or batch reference, shared by a freeze across the network.")
    )
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-frozen_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="freeze_quantity_positive"),
            models.CheckConstraint(
                condition=Q(open_quantity__gte=0) & Q(open_quantity__lte=F("quantity")), name="freeze_open_in_range"
            ),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_freeze_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["warehouse", "part"], condition=Q(closed_at__isnull=True), name="freeze_open_idx")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"FRZ-{self.pk:06d}" if self.pk else "FRZ-new"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StockFreezeSettlement(models.Model):
    """One decision on frozen stock: a quantity released, scrapped or returned, with its movement."""

    freeze = models.ForeignKey(StockFreeze, on_delete=models.PROTECT, related_name="settlements")
    action = models.CharField(max_length=10, choices=FreezeAction.choices)
    quantity = models.DecimalField(**QTY)
    note = models.CharField(max_length=200, blank=True)
    movement = models.OneToOneField(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document_ref = models.CharField(
        max_length=60, blank=True, help_text=_("The scrap or supplier return it went out on.")
    )
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["settled_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="freeze_settlement_quantity_positive"),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_freeze_settlement_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.freeze.number} {self.action} {self.quantity}"
