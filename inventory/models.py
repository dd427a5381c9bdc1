"""Catalogue, warehouse network and the stock ledger.

The ledger (``StockMovement``) is append-only; ``StockLevel`` is its
projection per part and warehouse. Both change only through
``inventory.services``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

QTY = {"max_digits": 14, "decimal_places": 3}
COST = {"max_digits": 14, "decimal_places": 4}
VALUE = {"max_digits": 18, "decimal_places": 4}
MONEY = {"max_digits": 12, "decimal_places": 2}

ZERO = Decimal("0")

_NOT_IN_NUMBER = re.compile(r"[\s\-./_]+")


def normalize_part_number(number: str) -> str:
    """Lookup form of a part number: upper case, no spaces, dashes, dots or slashes."""
    return _NOT_IN_NUMBER.sub("", number or "").upper()


class Unit(models.TextChoices):
    PIECE = "PCS", "piece"
    SET = "SET", "set"
    LITRE = "L", "litre"
    METRE = "M", "metre"
    KILOGRAM = "KG", "kilogram"

    @classmethod
    def whole(cls) -> set[str]:
        """Units that are only ever counted in whole numbers."""
        return {cls.PIECE.value, cls.SET.value}


class Part(models.Model):
    number = models.CharField(max_length=40, help_text="Part number as printed.")
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
        help_text="The newer part that replaces this one; requests are served from it.",
    )
    is_critical = models.BooleanField(default=False, help_text="Keeps a safety buffer.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["number_normalized"])

    class Meta:
        ordering = ["number_normalized"]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="part_list_price_not_negative"),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("pk")), name="part_not_superseded_by_itself"
            ),
        ]
        indexes = [models.Index(fields=["description"], name="part_description_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    def clean(self) -> None:
        self.number = (self.number or "").strip()
        if not normalize_part_number(self.number):
            raise ValidationError({"number": "A part number needs at least one letter or digit."})
        if self.list_price is not None and self.list_price < 0:
            raise ValidationError({"list_price": "The list price cannot be negative."})

    def save(self, *args, **kwargs) -> None:
        # The lookup key is derived data, kept in step with the number.
        self.number_normalized = normalize_part_number(self.number)
        super().save(*args, **kwargs)

    @property
    def is_whole_unit(self) -> bool:
        return self.unit in Unit.whole()


class Echelon(models.TextChoices):
    CENTRAL = "central", "central warehouse"
    REGIONAL = "regional", "regional warehouse"
    STORE = "store", "workshop store"


class Warehouse(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    echelon = models.CharField(max_length=10, choices=Echelon.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
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
            raise ValidationError({"parent": "The central warehouse has no parent."})
        if self.echelon != Echelon.CENTRAL and not self.parent_id:
            raise ValidationError({"parent": "Regional warehouses and stores need a parent."})
        seen = {self.pk}
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": "This parent would make a cycle in the network."})
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
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["warehouse", "code"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="unique_bin_code")]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class WarehouseMembership(models.Model):
    """The warehouses a user posts in. Managers post everywhere; others only here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="warehouse_memberships")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "warehouse"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.warehouse.code}"


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
        **QTY, default=ZERO, help_text="Open backorder quantity waiting for stock here."
    )
    value = models.DecimalField(**VALUE, default=ZERO)
    average_cost = models.DecimalField(**COST, default=ZERO)
    min_qty = models.DecimalField(**QTY, default=ZERO)
    max_qty = models.DecimalField(**QTY, default=ZERO)
    first_stocked_at = models.DateTimeField(null=True, blank=True)
    last_movement_at = models.DateTimeField(null=True, blank=True)

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
        indexes = [models.Index(fields=["warehouse", "part"], name="stocklevel_wh_part_idx")]

    def __str__(self) -> str:
        return f"{self.part.number} @ {self.warehouse.code}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved - self.quarantined


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", "receipt"
    ISSUE = "issue", "issue"
    TRANSFER_OUT = "transfer_out", "transfer out"
    TRANSFER_IN = "transfer_in", "transfer in"
    ADJUSTMENT = "adjustment", "adjustment"
    COUNT_CORRECTION = "count_correction", "count correction"
    RETURN_TO_SUPPLIER = "return_to_supplier", "return to supplier"
    SCRAP = "scrap", "scrap"


INBOUND_KINDS = {MovementKind.RECEIPT, MovementKind.TRANSFER_IN}
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
    quantity = models.DecimalField(**QTY, help_text="Signed: positive in, negative out.")
    unit_cost = models.DecimalField(**COST)
    value = models.DecimalField(**VALUE, help_text="Signed value at cost.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stock_movements")
    posted_at = models.DateTimeField(db_index=True)
    document_type = models.CharField(max_length=40, blank=True)
    document_ref = models.CharField(max_length=60, blank=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    other_warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="For transfers: the warehouse at the other end.",
    )
    counterpart = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The other leg of a transfer.",
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.part_id}@{self.warehouse_id}"


class DemandSource(models.TextChoices):
    WORKSHOP = "workshop", "workshop request"
    COUNTER = "counter", "counter sale"
    IMPORT = "import", "imported history"


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
    quantity_supplied = models.DecimalField(**QTY, help_text="Supplied at once from stock (the first pick).")
    quantity_lost = models.DecimalField(**QTY, default=ZERO, help_text="Cancelled by the requester: lost demand.")
    unit_price = models.DecimalField(**MONEY, default=ZERO, help_text="Selling price per unit.")
    sales_value = models.DecimalField(**VALUE, default=ZERO, help_text="Selling value of what was supplied.")
    cost_value = models.DecimalField(**VALUE, default=ZERO, help_text="Cost of what was supplied (cost of sales).")

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


class Notification(models.Model):
    """An in-app message to one user (quality hold, backorder filled, ...). Mail is sent besides."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read_idx")]

    def __str__(self) -> str:
        return self.message
