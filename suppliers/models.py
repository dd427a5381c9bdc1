"""Suppliers, purchase orders, goods receipts, quality rejects and supplier ratings.

Every write goes through ``suppliers.services``; stock itself only ever
changes through ``inventory.services`` (a goods receipt posts receipts to the
ledger in the same transaction that updates the order lines).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inventory.models import Bin, Part, StockMovement, Unit, Warehouse

from .quantities import in_purchase_units, stock_unit_cost

ZERO = Decimal("0")
ONE = Decimal("1")
# Same precision as the inventory ledger (quantities 3 places, prices 4), typed for mypy.
QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}
COST: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}
RATE: dict[str, Any] = {"max_digits": 7, "decimal_places": 4}
# A purchase unit's size in stock units: as many places as a stock quantity, so whole purchase units convert exactly.
FACTOR: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


def order_unit_is_whole(purchase_unit: str, *, part_is_whole: bool) -> bool:
    """Whether an order unit is only ever counted whole.

    Without a purchase unit the order is in the part's stock unit, with its
    own rule (pieces and sets whole; litres, metres, kilograms fractional). A
    pack (a box, a drum, a set of 4) is counted whole, unless it is named by a
    measured unit (KG, L, M), which may be ordered in fractions.
    """
    if not purchase_unit:
        return part_is_whole
    name = purchase_unit.strip().upper()
    measured = {code.upper() for code in Unit.values} - {code.upper() for code in Unit.whole()}
    measured |= {str(label).upper() for code, label in Unit.choices if code.upper() in measured}
    return name not in measured


class OrderUnit:
    """What an order of a part is counted in: a purchase unit of ``factor`` stock units, or the stock unit itself."""

    purchase_unit: str
    purchase_factor: Decimal
    price: Decimal
    part: Part

    @property
    def stock_unit_cost(self) -> Decimal:
        """Price per stock unit (price per purchase unit ÷ factor) to the ledger's places.

        Receipts carry the exact value of the purchase units instead of this × quantity.
        """
        return stock_unit_cost(self.price, self.purchase_factor)

    @property
    def stock_unit_price(self) -> Decimal:
        """Price per stock unit, unrounded: for comparing suppliers that sell in different units."""
        return self.price / self.purchase_factor

    @property
    def order_unit(self) -> str:
        """The unit's name as printed: the purchase unit, else the part's stock unit."""
        return self.purchase_unit or self.part.unit

    @property
    def order_unit_label(self) -> str:
        """e.g. "box of 10 PCS"; the stock unit alone when the order is in it."""
        if not self.purchase_unit:
            return self.part.unit
        return f"{self.purchase_unit} = {self.purchase_factor.normalize():f} {self.part.unit}"

    @property
    def order_unit_is_whole(self) -> bool:
        return order_unit_is_whole(self.purchase_unit, part_is_whole=self.part.is_whole_unit)

    @property
    def has_purchase_unit(self) -> bool:
        return bool(self.purchase_unit)


class Supplier(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True, help_text=_("Purchase orders are mailed here."))
    phone = models.CharField(max_length=40, blank=True)
    contact_name = models.CharField(max_length=100, blank=True)
    payment_terms = models.CharField(max_length=60, blank=True, help_text=_("e.g. 30 days net"))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierPart(OrderUnit, models.Model):
    """What one supplier sells of a part: its own number, price, lead time, MOQ and pack size.

    The supplier may sell in its own purchase unit (a box of 10 pieces, a drum
    of 208 l): then the price, the order minimum and the pack size are per
    purchase unit, and ``purchase_factor`` says exactly how many stock units
    one purchase unit holds.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supplier_parts")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="supplier_parts")
    supplier_part_number = models.CharField(max_length=40, blank=True)
    price = models.DecimalField(
        **COST, help_text=_("Currency-free price per purchase unit (per stock unit without one).")
    )
    lead_time_days = models.PositiveSmallIntegerField(default=7)
    min_order_qty = models.DecimalField(**QTY, default=ONE, help_text=_("In purchase units."))
    pack_size = models.DecimalField(**QTY, default=ONE, help_text=_("Order multiple, in purchase units."))
    purchase_unit = models.CharField(
        max_length=20, blank=True, help_text=_("The supplier's unit (box, drum, set); empty: the part's stock unit.")
    )
    purchase_factor = models.DecimalField(**FACTOR, default=ONE, help_text=_("Stock units in one purchase unit."))
    is_preferred = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["part_id", "-is_preferred", "price"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "part"], name="unique_supplier_part"),
            models.CheckConstraint(condition=Q(price__gte=0), name="supplier_part_price_not_negative"),
            models.CheckConstraint(condition=Q(min_order_qty__gt=0), name="supplier_part_moq_positive"),
            models.CheckConstraint(condition=Q(pack_size__gt=0), name="supplier_part_pack_positive"),
            models.CheckConstraint(condition=Q(purchase_factor__gt=0), name="supplier_part_factor_positive"),
            models.CheckConstraint(
                condition=~Q(purchase_unit="") | Q(purchase_factor=1), name="supplier_part_stock_unit_factor_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code}: {self.part.number} @ {self.price}"


class SupplierUser(models.Model):
    """A portal login: a user in the ``supplier`` role belongs to exactly one supplier."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_user")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="users")

    class Meta:
        ordering = ["supplier", "user"]

    def __str__(self) -> str:
        return f"{self.user} for {self.supplier.code}"


class NumberSequence(models.Model):
    """Per-prefix counter for readable document numbers (PO-2026-000123); bumped under a row lock."""

    prefix = models.CharField(max_length=20, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_value}"


class OrderType(models.TextChoices):
    STOCK = "stock", _("stock order")
    EMERGENCY = "emergency", _("emergency order")


class OrderState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENT = "sent", _("sent")
    CONFIRMED = "confirmed", _("confirmed")
    PARTIALLY_RECEIVED = "partially_received", _("partially received")
    RECEIVED = "received", _("received")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")

    @classmethod
    def open_for_receipt(cls) -> tuple[str, ...]:
        return (cls.SENT, cls.CONFIRMED, cls.PARTIALLY_RECEIVED)

    @classmethod
    def on_order(cls) -> tuple[str, ...]:
        """States whose outstanding quantities count as 'on order'."""
        return (cls.SENT, cls.CONFIRMED, cls.PARTIALLY_RECEIVED)


class PurchaseOrder(models.Model):
    number = models.CharField(max_length=20, unique=True, editable=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="purchase_orders")
    order_type = models.CharField(max_length=10, choices=OrderType.choices, default=OrderType.STOCK)
    state = models.CharField(max_length=20, choices=OrderState.choices, default=OrderState.DRAFT, db_index=True)
    reference = models.CharField(
        max_length=60, blank=True, help_text=_("What caused the order (a backorder, a proposal), for tracing.")
    )
    notes = models.TextField(blank=True)
    expected_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the last outstanding quantity arrived.")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["supplier", "state"], name="po_supplier_state_idx"),
            models.Index(fields=["warehouse", "state"], name="po_warehouse_state_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def awaits_delivery(self) -> bool:
        """Sent or confirmed and not fully received: its expected date can still be missed."""
        return self.state in OrderState.on_order()

    @property
    def is_draft(self) -> bool:
        return self.state == OrderState.DRAFT


class PurchaseOrderLine(OrderUnit, models.Model):
    """One part on an order, ordered in the supplier's purchase unit (kept on the line as it was ordered).

    Quantities (ordered, confirmed, received, rejected) are stock units, as
    the ledger and planning count; the price is per purchase unit, as the
    supplier bills. ``purchase_quantity`` and ``value`` are exact.
    """

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField()
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="purchase_order_lines")
    supplier_part_number = models.CharField(max_length=40, blank=True)
    quantity = models.DecimalField(**QTY, help_text=_("Ordered, in stock units."))
    price = models.DecimalField(**COST, help_text=_("Per purchase unit (per stock unit without one)."))
    purchase_unit = models.CharField(max_length=20, blank=True, help_text=_("Empty: ordered in the stock unit."))
    purchase_factor = models.DecimalField(**FACTOR, default=ONE, help_text=_("Stock units in one purchase unit."))
    promised_date = models.DateField(null=True, blank=True)
    confirmed_quantity = models.DecimalField(
        **QTY, null=True, blank=True, help_text=_("What the supplier confirmed it will deliver.")
    )
    quantity_received = models.DecimalField(**QTY, default=ZERO)
    quantity_rejected = models.DecimalField(**QTY, default=ZERO, help_text=_("Returned after a quality reject."))
    warning = models.CharField(max_length=200, blank=True, help_text=_("MOQ / pack-size note shown to purchasing."))
    rated_due_date = models.DateField(
        null=True,
        blank=True,
        help_text=_("The promised date the rating holds the supplier to: the last one confirmed before the cut-off."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="unique_po_line_no"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="po_line_price_not_negative"),
            models.CheckConstraint(condition=Q(quantity_received__gte=0), name="po_line_received_not_negative"),
            models.CheckConstraint(condition=Q(purchase_factor__gt=0), name="po_line_factor_positive"),
            models.CheckConstraint(
                condition=Q(quantity_rejected__gte=0) & Q(quantity_rejected__lte=F("quantity_received")),
                name="po_line_rejected_within_received",
            ),
        ]
        indexes = [models.Index(fields=["part", "order"], name="po_line_part_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no} {self.part_id} × {self.quantity}"

    @property
    def value(self) -> Decimal:
        """Purchase quantity × price per purchase unit: exact (the quantity is whole purchase units)."""
        return self.quantity * self.price / self.purchase_factor

    @property
    def purchase_quantity(self) -> Decimal:
        return in_purchase_units(self.quantity, self.purchase_factor)

    @property
    def purchase_received(self) -> Decimal:
        return in_purchase_units(self.quantity_received, self.purchase_factor)

    @property
    def purchase_rejected(self) -> Decimal:
        return in_purchase_units(self.quantity_rejected, self.purchase_factor)

    @property
    def purchase_outstanding(self) -> Decimal:
        return in_purchase_units(self.outstanding, self.purchase_factor)

    @property
    def purchase_confirmed(self) -> Decimal | None:
        if self.confirmed_quantity is None:
            return None
        return in_purchase_units(self.confirmed_quantity, self.purchase_factor)

    @property
    def outstanding(self) -> Decimal:
        return max(self.quantity - self.quantity_received, ZERO)

    def due_date(self):
        return self.promised_date or self.order.expected_date


class GoodsReceipt(models.Model):
    """One posting at the goods-in desk: its lines entered stock together, or none did."""

    number = models.CharField(max_length=20, unique=True, editable=False)
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="goods_receipts")
    delivery_note = models.CharField(max_length=60, blank=True, help_text=_("The supplier's delivery note number."))
    arrived_at = models.DateTimeField(help_text=_("When the goods arrived at the dock."))
    posted_at = models.DateTimeField(db_index=True, help_text=_("When the receipt was posted to stock."))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(arrived_at__lte=F("posted_at")), name="receipt_arrived_before_posted"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def posting_delay(self):
        return self.posted_at - self.arrived_at


class HoldState(models.TextChoices):
    NONE = "none", _("not held")
    HELD = "held", _("on quality hold")
    RELEASED = "released", _("released to stock")
    REJECTED = "rejected", _("rejected, returned to supplier")


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    po_line = models.ForeignKey(
        PurchaseOrderLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipt_lines",
        help_text=_("Empty for an unplanned receipt (a part not on the order, received by a manager)."),
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    unit_cost = models.DecimalField(**COST)
    bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hold_state = models.CharField(max_length=10, choices=HoldState.choices, default=HoldState.NONE, db_index=True)
    hold_decided_at = models.DateTimeField(null=True, blank=True)
    hold_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hold_note = models.CharField(max_length=200, blank=True)
    movement = models.ForeignKey(StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["receipt_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.part_id} × {self.quantity}"

    @property
    def on_hold(self) -> bool:
        return self.hold_state == HoldState.HELD

    @property
    def purchase_quantity(self) -> Decimal | None:
        """What arrived in the order line's purchase unit (2 boxes); None when the line was ordered in stock units."""
        if self.po_line is None or not self.po_line.purchase_unit:
            return None
        return in_purchase_units(self.quantity, self.po_line.purchase_factor)

    @property
    def is_unplanned(self) -> bool:
        return self.po_line_id is None


class QualityReject(models.Model):
    """A quality reject recorded against a supplier (feeds the supplier rating)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="quality_rejects")
    receipt_line = models.OneToOneField(GoodsReceiptLine, on_delete=models.PROTECT, related_name="quality_reject")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    reason = models.CharField(max_length=200)
    rejected_at = models.DateTimeField()
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    movement = models.ForeignKey(StockMovement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-rejected_at", "-id"]

    def __str__(self) -> str:
        return f"reject {self.supplier_id} {self.part_id} × {self.quantity}"


class SupplierReturnReason(models.TextChoices):
    OVERSTOCK = "overstock", _("overstock")
    WARRANTY = "warranty", _("warranty claim")
    WRONG_DELIVERY = "wrong_delivery", _("wrong delivery")
    QUALITY = "quality", _("rejected at the quality hold")


# What a person chooses when sending goods back; "quality" is only written by a rejection at the hold.
RETURN_REASON_CHOICES = [(value, label) for value, label in SupplierReturnReason.choices if value != "quality"]


class SupplierReturn(models.Model):
    """Goods going back to a supplier under its RMA number, with the credit expected for them.

    Each line is a ``return_to_supplier`` movement at the current average cost.
    A rejected quality hold makes one (``quality_reject``); the purchaser then
    decides whether to order a replacement (``replacement_order``).
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="returns")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=SupplierReturnReason.choices)
    rma_number = models.CharField(max_length=40, blank=True, help_text=_("The supplier's return authorisation."))
    expected_credit = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    note = models.CharField(max_length=200, blank=True)
    quality_reject = models.OneToOneField(
        "QualityReject", null=True, blank=True, on_delete=models.PROTECT, related_name="supplier_return"
    )
    replacement_order = models.ForeignKey(
        "PurchaseOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement_decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expected_credit__gte=0), name="supplier_return_credit_not_negative"),
            models.UniqueConstraint(fields=["idempotency_key"], name="unique_supplier_return_idempotency_key"),
        ]
        indexes = [models.Index(fields=["supplier", "created_at"], name="supplier_return_time_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"SR-{self.pk:06d}" if self.pk else "SR-new"


class SupplierReturnLine(models.Model):
    supplier_return = models.ForeignKey(SupplierReturn, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    value = models.DecimalField(max_digits=18, decimal_places=4, help_text=_("Cost that left stock."))
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["supplier_return_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="supplier_return_line_positive")]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"


class RatingWeights(models.Model):
    """The editable weights and grade limits of the supplier score. The newest row is in force."""

    on_time_weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.40"))
    fill_rate_weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.30"))
    quality_weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.20"))
    lead_time_weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.10"))
    response_weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.10"), help_text=_("Speed from order sent to confirmation.")
    )
    notice_weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.10"),
        help_text=_("Shipping notices received exactly as announced."),
    )
    response_full_hours = models.PositiveIntegerField(
        default=24, help_text=_("A confirmation within this many hours of sending scores 1.")
    )
    response_zero_hours = models.PositiveIntegerField(
        default=168, help_text=_("A confirmation this many hours or later after sending scores 0.")
    )
    reconfirm_cutoff_days = models.PositiveSmallIntegerField(
        default=7,
        help_text=_(
            "A changed date counts for the rating only when made at least this many days before the date it replaces."
        ),
    )
    grade_a_min = models.DecimalField(**RATE, default=Decimal("0.95"), help_text=_("Score at least this: grade A."))
    grade_b_min = models.DecimalField(**RATE, default=Decimal("0.85"))
    grade_c_min = models.DecimalField(**RATE, default=Decimal("0.70"), help_text=_("Below this: grade D."))
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("rating weights")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_time_weight__gte=0)
                & Q(fill_rate_weight__gte=0)
                & Q(quality_weight__gte=0)
                & Q(lead_time_weight__gte=0)
                & Q(response_weight__gte=0)
                & Q(notice_weight__gte=0),
                name="rating_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(response_zero_hours__gt=F("response_full_hours")),
                name="rating_response_hours_ordered",
            ),
            models.CheckConstraint(
                condition=Q(grade_a_min__gte=F("grade_b_min")) & Q(grade_b_min__gte=F("grade_c_min")),
                name="rating_grades_ordered",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"on time {self.on_time_weight}, fill {self.fill_rate_weight}, "
            f"quality {self.quality_weight}, lead time {self.lead_time_weight}"
        )


class PurchasingSettings(models.Model):
    """Purchasing's settings edited in the app; the newest row is in force.

    Without a row, ``PURCHASE_APPROVAL_THRESHOLD`` from the environment applies.
    """

    approval_threshold = models.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("Orders worth more need a manager's approval before sending.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("purchasing settings")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(approval_threshold__gte=0), name="purchasing_threshold_not_negative")
        ]

    def __str__(self) -> str:
        return f"approval above {self.approval_threshold}"


class SupplierRating(models.Model):
    """One supplier's figures for one month. Rerunning the month replaces its rows."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="ratings")
    month = models.DateField(help_text=_("First day of the rated month."))
    lines_due = models.PositiveIntegerField(default=0)
    lines_on_time = models.PositiveIntegerField(default=0)
    on_time_rate = models.DecimalField(**RATE, null=True, blank=True)
    quantity_ordered = models.DecimalField(**QTY, default=ZERO)
    quantity_delivered = models.DecimalField(**QTY, default=ZERO)
    fill_rate = models.DecimalField(**RATE, null=True, blank=True)
    quantity_received = models.DecimalField(**QTY, default=ZERO)
    quantity_rejected = models.DecimalField(**QTY, default=ZERO)
    reject_rate = models.DecimalField(**RATE, null=True, blank=True)
    lead_time_mean_days = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    lead_time_stddev_days = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    orders_confirmed = models.PositiveIntegerField(default=0)
    response_hours_mean = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    response_speed = models.DecimalField(**RATE, null=True, blank=True)
    notice_lines = models.PositiveIntegerField(default=0)
    notice_lines_exact = models.PositiveIntegerField(default=0)
    notice_accuracy = models.DecimalField(**RATE, null=True, blank=True)
    score = models.DecimalField(**RATE, null=True, blank=True)
    grade = models.CharField(max_length=1, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "supplier_id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "month"], name="unique_supplier_rating_month"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.month:%Y-%m}: {self.grade}"


class NoticeState(models.TextChoices):
    ANNOUNCED = "announced", _("announced")
    RECEIVED = "received", _("received")


class NoticeSource(models.TextChoices):
    PORTAL = "portal", _("portal form")
    CSV = "csv", _("CSV upload")
    API = "api", _("API")


class ShipmentNotice(models.Model):
    """An advance shipping notice: the supplier announces what is on the way against one order.

    The clerk scans its number (or the delivery note number) at goods-in and
    the receipt opens with the announced quantities; the receipt posted
    against it records what actually came, line by line.
    """

    number = models.CharField(max_length=20, unique=True, editable=False)
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="shipment_notices")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="shipment_notices")
    delivery_note = models.CharField(max_length=60, help_text=_("The supplier's delivery note number."))
    expected_arrival = models.DateField()
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.ANNOUNCED, db_index=True)
    source = models.CharField(max_length=10, choices=NoticeSource.choices, default=NoticeSource.PORTAL)
    announced_at = models.DateTimeField(default=timezone.now)
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receipt = models.OneToOneField(
        GoodsReceipt, null=True, blank=True, on_delete=models.PROTECT, related_name="shipment_notice"
    )

    class Meta:
        ordering = ["-announced_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "delivery_note"], name="unique_notice_delivery_note"),
        ]
        indexes = [models.Index(fields=["purchase_order", "state"], name="notice_order_state_idx")]

    def __str__(self) -> str:
        return self.number


class ShipmentNoticeLine(models.Model):
    """One order line as announced, and (once received) as it arrived on the notice's receipt."""

    notice = models.ForeignKey(ShipmentNotice, on_delete=models.CASCADE, related_name="lines")
    po_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="notice_lines")
    quantity_announced = models.DecimalField(**QTY)
    quantity_received = models.DecimalField(**QTY, null=True, blank=True, help_text=_("Empty until received."))

    class Meta:
        ordering = ["notice_id", "po_line_id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "po_line"], name="unique_notice_po_line"),
            models.CheckConstraint(condition=Q(quantity_announced__gte=0), name="notice_line_announced_not_negative"),
            models.CheckConstraint(condition=Q(quantity_received__gte=0), name="notice_line_received_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.po_line_id} × {self.quantity_announced}"

    @property
    def purchase_announced(self) -> Decimal:
        """Announced, in the order line's purchase unit (as the supplier entered it)."""
        return in_purchase_units(self.quantity_announced, self.po_line.purchase_factor)

    @property
    def purchase_received(self) -> Decimal | None:
        if self.quantity_received is None:
            return None
        return in_purchase_units(self.quantity_received, self.po_line.purchase_factor)

    @property
    def purchase_difference(self) -> Decimal | None:
        difference = self.difference
        return None if difference is None else in_purchase_units(difference, self.po_line.purchase_factor)

    @property
    def difference(self) -> Decimal | None:
        """Received − announced (negative: short), None before the receipt."""
        if self.quantity_received is None:
            return None
        return self.quantity_received - self.quantity_announced


class LineConfirmation(models.Model):
    """One confirmation of an order line by the supplier: the first one and every re-confirmation.

    The order line holds the date and quantity in force; these rows are its
    history, and the rating reads them for the date it holds the supplier to.
    """

    po_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.CASCADE, related_name="confirmations")
    promised_date = models.DateField(null=True, blank=True)
    confirmed_quantity = models.DecimalField(**QTY, null=True, blank=True)
    previous_date = models.DateField(null=True, blank=True)
    previous_quantity = models.DecimalField(**QTY, null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["po_line_id", "confirmed_at", "id"]

    def __str__(self) -> str:
        return f"{self.po_line_id}: {self.promised_date} × {self.confirmed_quantity}"

    @property
    def purchase_confirmed(self) -> Decimal | None:
        """The confirmed quantity in the order line's purchase unit."""
        if self.confirmed_quantity is None:
            return None
        return in_purchase_units(self.confirmed_quantity, self.po_line.purchase_factor)
