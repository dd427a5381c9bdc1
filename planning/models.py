"""Planning: forecasts, known future demand, stocking parameters, replenishment proposals, VMI.

Every write goes through ``planning.services``. Stock levels' min / max are
written through ``inventory.services.stock_level_set_limits``; transfer
orders and purchase orders are created through the inventory and purchasing
services when a proposal is approved.
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

from inventory.models import COST, QTY, Part, TransferOrder, Warehouse
from suppliers.models import PurchaseOrder, Supplier

ZERO = Decimal("0")
RATE: dict[str, Any] = {"max_digits": 7, "decimal_places": 4}
STAT: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class MethodChoice(models.TextChoices):
    PATTERN = "pattern", _("by demand pattern")
    HOLDOUT = "holdout", _("least error on a holdout")


class PlanningSettings(models.Model):
    """The editable planning settings. The newest row is in force."""

    ordering_cost = models.DecimalField(**COST, default=Decimal("50"), help_text=_("Cost of placing one order (S)."))
    holding_rate = models.DecimalField(
        **RATE, default=Decimal("0.25"), help_text=_("Annual holding cost as a share of unit cost (H = rate × cost).")
    )
    service_level_a = models.DecimalField(**RATE, default=Decimal("0.95"), help_text=_("Class A and NA."))
    service_level_b = models.DecimalField(**RATE, default=Decimal("0.90"), help_text=_("Class B and NB."))
    service_level_c = models.DecimalField(**RATE, default=Decimal("0.85"), help_text=_("Class C, NC and C0."))
    service_level_default = models.DecimalField(
        **RATE, default=Decimal("0.90"), help_text=_("Parts without a month-end class yet.")
    )
    default_lead_time_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Lead time when no supplier part says otherwise.")
    )
    critical_buffer = models.DecimalField(
        **QTY, default=Decimal("1"), help_text=_("Least safety stock a critical part keeps.")
    )
    method_choice = models.CharField(max_length=10, choices=MethodChoice.choices, default=MethodChoice.PATTERN)
    history_months = models.PositiveSmallIntegerField(
        default=24, help_text=_("Months of demand history forecast from.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("planning settings")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_level_a__gt=0)
                & Q(service_level_a__lt=1)
                & Q(service_level_b__gt=0)
                & Q(service_level_b__lt=1)
                & Q(service_level_c__gt=0)
                & Q(service_level_c__lt=1)
                & Q(service_level_default__gt=0)
                & Q(service_level_default__lt=1),
                name="planning_service_levels_are_shares",
            ),
            models.CheckConstraint(condition=Q(ordering_cost__gte=0), name="planning_ordering_cost_not_negative"),
            models.CheckConstraint(condition=Q(holding_rate__gte=0), name="planning_holding_rate_not_negative"),
            models.CheckConstraint(condition=Q(history_months__gte=3), name="planning_history_at_least_3"),
        ]

    def __str__(self) -> str:
        return f"S {self.ordering_cost}, H {self.holding_rate}, A {self.service_level_a}, B {self.service_level_b}"

    def service_level_for(self, class_code: str) -> Decimal:
        code = (class_code or "").upper()
        if code in ("A", "NA"):
            return self.service_level_a
        if code in ("B", "NB"):
            return self.service_level_b
        if code in ("C", "NC", "C0"):
            return self.service_level_c
        return self.service_level_default


class Forecast(models.Model):
    """The statistical forecast of one part in one warehouse: a monthly rate for the next 12 months.

    All methods used give a flat rate; known future demand is added per month
    on top (``KnownDemand``) and shown as such.
    """

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    first_month = models.DateField(help_text=_("First forecast month (first day)."))
    per_month = models.DecimalField(**STAT, help_text=_("Forecast demand per month."))
    std_per_month = models.DecimalField(**STAT, help_text=_("Standard deviation of monthly demand in the history."))
    method = models.CharField(max_length=20)
    pattern = models.CharField(max_length=12)
    adi = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    cv2 = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    holdout_mae = models.DecimalField(**STAT, null=True, blank=True)
    holdout_mape = models.DecimalField(**STAT, null=True, blank=True)
    holdout_bias = models.DecimalField(**STAT, null=True, blank=True)
    history_months = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["warehouse_id", "part_id"]
        constraints = [models.UniqueConstraint(fields=["part", "warehouse"], name="unique_forecast")]
        indexes = [models.Index(fields=["warehouse", "part"], name="forecast_wh_part_idx")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id}: {self.per_month}/month ({self.method})"


class KnownDemand(models.Model):
    """Demand a planner knows is coming (a campaign, a fleet service contract), added to the forecast."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text=_("First day of the month."))
    quantity = models.DecimalField(**QTY)
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "part_id", "warehouse_id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="known_demand_positive"),
            models.CheckConstraint(condition=Q(month__day=1), name="known_demand_first_of_month"),
        ]
        indexes = [models.Index(fields=["part", "warehouse", "month"], name="known_demand_idx")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id} {self.month:%Y-%m}: +{self.quantity}"


class ForecastError(models.Model):
    """How far the forecast for a month was from what happened, per warehouse (the forecast-error KPI).

    ``mape`` is the mean over part-warehouses with demand in the month of
    |forecast − actual| / actual; ``bias`` is Σ(forecast − actual) / Σ actual
    (positive: forecasting too much).
    """

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    series = models.PositiveIntegerField(help_text=_("Part-warehouses compared."))
    series_with_demand = models.PositiveIntegerField()
    forecast_total = models.DecimalField(**STAT)
    actual_total = models.DecimalField(**STAT)
    mape = models.DecimalField(**STAT, null=True, blank=True)
    bias = models.DecimalField(**STAT, null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "warehouse_id"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "month"], name="unique_forecast_error")]

    def __str__(self) -> str:
        return f"{self.warehouse_id} {self.month:%Y-%m}: MAPE {self.mape}, bias {self.bias}"


class MonthEndClass(models.Model):
    """The class the last month-end close gave a part in a warehouse, handed to planning by the close.

    Planning keeps its own copy (``planning.services.month_end_classes_set``,
    called by the close after it publishes) so that it never reads the
    month-end app's tables: the class chooses the service level.
    """

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    class_code = models.CharField(max_length=2)
    month = models.DateField(help_text=_("The closed month the class is from."))

    class Meta:
        ordering = ["warehouse_id", "part_id"]
        constraints = [models.UniqueConstraint(fields=["part", "warehouse"], name="unique_month_end_class")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id} {self.class_code} ({self.month:%Y-%m})"


OVERRIDABLE = ("safety_stock", "reorder_point", "eoq", "min_qty", "max_qty")


class StockingParameter(models.Model):
    """Computed stocking parameters of a part in a warehouse, with a planner's overrides.

    An override replaces the computed figure until it expires (end of the
    ``override_expires_on`` day); the computed figure is kept so both show.
    """

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    class_code = models.CharField(max_length=2, blank=True)
    service_level = models.DecimalField(**RATE)
    lead_time_days = models.PositiveSmallIntegerField()
    forecast_per_month = models.DecimalField(**STAT, default=ZERO)
    safety_stock = models.DecimalField(**QTY, default=ZERO)
    reorder_point = models.DecimalField(**QTY, default=ZERO)
    eoq = models.DecimalField(**QTY, default=ZERO)
    min_qty = models.DecimalField(**QTY, default=ZERO)
    max_qty = models.DecimalField(**QTY, default=ZERO)
    order_on_demand = models.BooleanField(default=False, help_text=_("Keep no stock; order when asked for."))
    is_vmi = models.BooleanField(default=False, help_text=_("Vendor-managed: the supplier proposes replenishment."))
    override_safety_stock = models.DecimalField(**QTY, null=True, blank=True)
    override_reorder_point = models.DecimalField(**QTY, null=True, blank=True)
    override_eoq = models.DecimalField(**QTY, null=True, blank=True)
    override_min_qty = models.DecimalField(**QTY, null=True, blank=True)
    override_max_qty = models.DecimalField(**QTY, null=True, blank=True)
    override_reason = models.CharField(max_length=200, blank=True)
    override_expires_on = models.DateField(null=True, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["warehouse_id", "part_id"]
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse"], name="unique_stocking_parameter"),
            models.CheckConstraint(
                condition=Q(override_safety_stock__isnull=True)
                & Q(override_reorder_point__isnull=True)
                & Q(override_eoq__isnull=True)
                & Q(override_min_qty__isnull=True)
                & Q(override_max_qty__isnull=True)
                | ~Q(override_reason=""),
                name="override_needs_reason",
            ),
            models.CheckConstraint(condition=Q(min_qty__gte=0) & Q(max_qty__gte=F("min_qty")), name="param_min_max"),
        ]
        indexes = [models.Index(fields=["warehouse", "part"], name="param_wh_part_idx")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id}: min {self.min_qty}, max {self.max_qty}"

    def override_active(self, today=None) -> bool:
        if not self.override_reason:
            return False
        today = today or timezone.localdate()
        return self.override_expires_on is None or self.override_expires_on >= today

    def effective(self, name: str, today=None) -> Decimal:
        """The figure in force: the override while it is active, else the computed one."""
        override = getattr(self, f"override_{name}")
        if override is not None and self.override_active(today):
            return override
        return getattr(self, name)

    def is_overridden(self, name: str, today=None) -> bool:
        return getattr(self, f"override_{name}") is not None and self.override_active(today)


class RunState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ReplenishmentRun(models.Model):
    """One replenishment run (nightly or on demand): forecast, parameters, proposals."""

    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    step = models.CharField(max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    series = models.PositiveIntegerField(default=0)
    proposals = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run #{self.pk} {self.state}"


class ProposalSource(models.TextChoices):
    NEIGHBOUR = "neighbour", _("transfer from a neighbour")
    PARENT = "parent", _("transfer from the parent")
    SUPPLIER = "supplier", _("supplier order")


class ProposalOrigin(models.TextChoices):
    RUN = "run", _("replenishment run")
    EVENT = "event", _("posting below the reorder point")


class ProposalState(models.TextChoices):
    OPEN = "open", _("open")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SUPERSEDED = "superseded", _("superseded by a later run")


class ReplenishmentProposal(models.Model):
    """One proposed cover for a part in a warehouse, with the figures that made it."""

    # Empty for a proposal a posting made (origin event) rather than a run.
    run = models.ForeignKey(
        ReplenishmentRun, null=True, blank=True, on_delete=models.CASCADE, related_name="proposal_rows"
    )
    origin = models.CharField(max_length=5, choices=ProposalOrigin.choices, default=ProposalOrigin.RUN)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=ProposalSource.choices)
    from_warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(**COST, null=True, blank=True)
    suggested_quantity = models.DecimalField(**QTY)
    quantity = models.DecimalField(**QTY, help_text=_("What purchasing approves; starts as suggested."))
    state = models.CharField(max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN, db_index=True)
    class_code = models.CharField(max_length=2, blank=True)
    forecast_per_month = models.DecimalField(**STAT, default=ZERO)
    method = models.CharField(max_length=20, blank=True)
    pattern = models.CharField(max_length=12, blank=True)
    safety_stock = models.DecimalField(**QTY, default=ZERO)
    reorder_point = models.DecimalField(**QTY, default=ZERO)
    eoq = models.DecimalField(**QTY, default=ZERO)
    min_qty = models.DecimalField(**QTY, default=ZERO)
    max_qty = models.DecimalField(**QTY, default=ZERO)
    on_hand = models.DecimalField(**QTY, default=ZERO)
    on_order = models.DecimalField(**QTY, default=ZERO)
    in_transit = models.DecimalField(**QTY, default=ZERO)
    reserved = models.DecimalField(**QTY, default=ZERO)
    backordered = models.DecimalField(**QTY, default=ZERO)
    projected = models.DecimalField(**QTY, default=ZERO)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    transfer_order = models.ForeignKey(
        TransferOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["warehouse_id", "part_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="proposal_quantity_positive"),
            models.CheckConstraint(
                condition=(Q(source="supplier") & Q(supplier__isnull=False) & Q(from_warehouse__isnull=True))
                | (~Q(source="supplier") & Q(supplier__isnull=True) & Q(from_warehouse__isnull=False)),
                name="proposal_source_consistent",
            ),
        ]
        indexes = [models.Index(fields=["state", "warehouse", "supplier"], name="proposal_review_idx")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.part_id}@{self.warehouse_id} × {self.quantity}"


class VmiState(models.TextChoices):
    PROPOSED = "proposed", _("proposed by the supplier")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class VmiProposal(models.Model):
    """A replenishment quantity a supplier proposes for a VMI part; purchasing accepts or changes it."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY, help_text=_("What the supplier proposed."))
    note = models.CharField(max_length=200, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=VmiState.choices, default=VmiState.PROPOSED, db_index=True)
    accepted_quantity = models.DecimalField(**QTY, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    purchase_order = models.ForeignKey(
        PurchaseOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="vmi_quantity_positive"),
            models.CheckConstraint(
                condition=Q(accepted_quantity__isnull=True) | Q(accepted_quantity__gt=0),
                name="vmi_accepted_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"VMI {self.supplier_id}: {self.part_id}@{self.warehouse_id} × {self.quantity}"
