"""Month-end results: demand history, month-end stock, classes, KPI snapshots, and the runs that make them.

Every result row belongs to one ``MonthClose`` run. A run writes its rows
beside the published ones and publishes them in one transaction at the end
(old rows of the month are deleted then), so readers, who only read rows of
published runs, see either the previous results or the complete new ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inventory.classification import AbcClass, ValueClass, XyzClass
from inventory.models import QTY, VALUE, Part, Warehouse

RATE: dict[str, Any] = {"max_digits": 20, "decimal_places": 6}
ZERO = Decimal("0")


class ClassThresholds(models.Model):
    """The one row of classification settings (editable in the admin); defaults are DOMAIN.md's."""

    a_min_hits = models.PositiveSmallIntegerField(default=12, help_text=_("Hits in 12 months for class A."))
    b_min_hits = models.PositiveSmallIntegerField(default=4, help_text=_("Hits in 12 months for class B."))
    new_part_months = models.PositiveSmallIntegerField(
        default=12, help_text=_("A part first stocked fewer months ago than this is new (NA/NB/NC).")
    )
    x_max_cv = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("0.5"), help_text=_("Highest CV of monthly demand for X.")
    )
    y_max_cv = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("1.0"), help_text=_("Highest CV of monthly demand for Y.")
    )
    review_period_months = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), help_text=_("How often stock is reviewed, in months.")
    )
    lead_time_months = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.5"), help_text=_("Replenishment lead time, in months.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification thresholds")
        verbose_name_plural = _("classification thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="class_thresholds_single_row"),
            models.CheckConstraint(
                condition=Q(b_min_hits__gte=1) & Q(a_min_hits__gt=F("b_min_hits")), name="class_thresholds_a_above_b"
            ),
            models.CheckConstraint(condition=Q(new_part_months__gte=1), name="class_thresholds_new_months_positive"),
            models.CheckConstraint(
                condition=Q(x_max_cv__gte=0) & Q(y_max_cv__gte=F("x_max_cv")), name="class_thresholds_x_below_y"
            ),
            models.CheckConstraint(
                condition=Q(review_period_months__gte=0) & Q(lead_time_months__gte=0),
                name="class_thresholds_periods_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(review_period_months__gt=0) | Q(lead_time_months__gt=0),
                name="class_thresholds_reorder_period_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"A ≥ {self.a_min_hits}, B ≥ {self.b_min_hits} hits; new for {self.new_part_months} months"

    @property
    def reorder_period_months(self) -> Decimal:
        return self.review_period_months + self.lead_time_months


class Kpi(models.TextChoices):
    FILL_RATE = "fill_rate", _("fill rate")
    TURNOVER = "turnover", _("turnover")
    EMERGENCY_LINES = "emergency_lines", _("emergency order ratio (lines)")
    EMERGENCY_VALUE = "emergency_value", _("emergency order ratio (value)")
    EMERGENCY_A_SHARE = "emergency_a_share", _("A lines among emergency lines")
    FIRST_PICK = "first_pick", _("first-pick availability")
    INSTANT_FILL = "instant_fill", _("instant fill rate")
    TARGET_ACHIEVEMENT = "target_achievement", _("daily fill target achievement")
    DEAD_STOCK = "dead_stock", _("dead stock (C0) ratio")
    SALES_PER_RO = "sales_per_ro", _("parts sales per repair order")
    REPAIR_ORDERS = "repair_orders", _("repair orders")
    PARTS_SALES = "parts_sales", _("parts sales")
    ZERO_STOCK = "zero_stock", _("zero-stock items")
    BELOW_MIN = "below_min", _("below-minimum items")
    OVER_MAX = "over_max", _("over-maximum value")
    C_VALUE_GROWTH = "c_value_growth", _("C stock value growth (year)")
    NC_SHARE_NEW = "nc_share_new", _("NC value / NA + NB value")
    NC_SHARE_ALL = "nc_share_all", _("NC value / all stock value")
    ITEMS = "items", _("classified items")
    STOCKED_ITEMS = "stocked_items", _("stocked items")
    NEGATIVE_STOCK = "negative_stock", _("items with negative month-end stock")
    STOCK_VALUE = "stock_value", _("stock value")
    SCRAP_RATE = "scrap_rate", _("scrap rate")
    EXCHANGE_DISPOSED = "exchange_disposed", _("value sold through the dealer exchange")
    SUPPLIER_ON_TIME = "supplier_on_time", _("supplier on-time delivery")
    RECEIPT_DELAY = "receipt_delay", _("receipts posted within 2 hours")
    RECORD_ACCURACY = "record_accuracy", _("inventory record accuracy")
    COUNT_VARIANCE = "count_variance", _("count variance value (absolute)")
    FORECAST_MAPE = "forecast_mape", _("demand forecast error (MAPE)")
    FORECAST_BIAS = "forecast_bias", _("demand forecast bias")


class Status(models.TextChoices):
    MET = "met", _("met")
    NEAR = "near", _("near")
    MISSED = "missed", _("missed")
    NONE = "none", _("no target")
    NO_DATA = "nodata", _("no data")


class Target(models.Model):
    """A KPI's target band: met inside [lower, upper], near within ``near_band`` of it, missed beyond.

    ``warehouse`` empty: the default for every warehouse and the network; a
    row for a warehouse overrides it there.
    """

    kpi = models.CharField(max_length=30, choices=Kpi.choices)
    class_key = models.CharField(
        max_length=2, blank=True, choices=AbcClass.CHOICES, help_text=_("Empty: the KPI over all classes it covers.")
    )
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.CASCADE, related_name="kpi_targets"
    )
    lower = models.DecimalField(**RATE, null=True, blank=True, help_text=_("Lowest value that meets the target."))
    upper = models.DecimalField(**RATE, null=True, blank=True, help_text=_("Highest value that meets the target."))
    near_band = models.DecimalField(
        **RATE, default=ZERO, help_text=_("How far outside the band still counts as near (amber, not red).")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "class_key", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "class_key", "warehouse"], name="unique_kpi_target", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=False) | Q(upper__isnull=False), name="kpi_target_has_a_bound"
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(upper__gte=F("lower")),
                name="kpi_target_lower_not_above_upper",
            ),
            models.CheckConstraint(condition=Q(near_band__gte=0), name="kpi_target_near_band_not_negative"),
        ]

    def __str__(self) -> str:
        where = self.warehouse.code if self.warehouse is not None else "all"
        return f"{self.get_kpi_display()} {self.class_key or 'overall'} @ {where}"


class CloseState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


ACTIVE_STATES = (CloseState.QUEUED, CloseState.RUNNING)


class MonthClose(models.Model):
    """One run of the month-end close for one month; the published run's rows are the month's results."""

    month = models.DateField(help_text=_("First day of the closed month."))
    state = models.CharField(max_length=10, choices=CloseState.choices, default=CloseState.QUEUED)
    step = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done."))
    is_published = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text=_("Last progress of a step."))
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    demand_figures = models.JSONField(
        null=True,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("The month's demand per warehouse, network and day, summed by the demand step for the KPIs."),
    )

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            # Two closes of one month at once are refused by the database itself.
            models.UniqueConstraint(
                fields=["month"], condition=Q(state__in=["queued", "running"]), name="one_active_close_per_month"
            ),
            models.UniqueConstraint(fields=["month"], condition=Q(is_published=True), name="one_published_close"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="close_progress_percent"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(state="done"), name="close_published_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return f"close {self.month:%Y-%m} #{self.pk} ({self.state})"


class MonthResult(models.Model):
    """Rows derived in bulk from the ledger and hits, whose parts and warehouses are already checked there.

    No single-column indexes and no database foreign keys: each would cost a
    lookup per inserted row (100,000s per close); the unique (run, warehouse,
    part) index serves reads by run. Runs are never deleted (the admin
    refuses it); the close deletes a month's superseded rows itself.
    """

    run = models.ForeignKey(
        MonthClose, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    month = models.DateField()
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    part = models.ForeignKey(Part, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.month:%Y-%m} part {self.part_id} @ {self.warehouse_id}"


class DemandMonth(MonthResult):
    """Demand history: the month's hits and quantities per part and warehouse."""

    hits = models.PositiveIntegerField()
    quantity_requested = models.DecimalField(**QTY)
    quantity_supplied = models.DecimalField(**QTY, help_text=_("Supplied at once."))
    quantity_lost = models.DecimalField(**QTY)
    sales_value = models.DecimalField(**VALUE)
    cost_value = models.DecimalField(**VALUE)

    class Meta:
        ordering = ["month", "warehouse_id", "part_id"]
        constraints = [models.UniqueConstraint(fields=["run", "warehouse", "part"], name="unique_demand_month")]
        # No index by month: the demand drill-down reads the month's published run, by the unique index.


class StockMonthEnd(MonthResult):
    """Stock at month end per part and warehouse, summed from the ledger (not today's levels)."""

    quantity = models.DecimalField(**QTY)
    value = models.DecimalField(**VALUE)
    average_value_12m = models.DecimalField(
        **VALUE, help_text=_("Average of the 12 month-end values up to this month: turnover's denominator.")
    )
    issued_12m = models.DecimalField(**QTY, help_text=_("Quantity issued in the 12 months up to month end."))
    scrap_value = models.DecimalField(**VALUE, help_text=_("Value scrapped in the month."))
    exchange_value = models.DecimalField(
        **VALUE, default=0, help_text=_("Value sold to partner dealers through the exchange in the month, at cost.")
    )
    first_stocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["month", "warehouse_id", "part_id"]
        constraints = [models.UniqueConstraint(fields=["run", "warehouse", "part"], name="unique_stock_month_end")]
        # No index by month: month-end rows are read by run only (classification, scrap KPI, superseded runs).


class PartClass(MonthResult):
    """A part's class in a warehouse for a month, with the figures it was graded on."""

    abc_class = models.CharField(max_length=2, choices=AbcClass.CHOICES)
    previous_class = models.CharField(
        max_length=2, blank=True, help_text=_("Class in the month before; empty if none.")
    )
    xyz_class = models.CharField(max_length=1, blank=True, choices=XyzClass.CHOICES)
    value_class = models.CharField(
        max_length=1, blank=True, choices=ValueClass.CHOICES, help_text=_("ABC by 12-month cost of sales (Pareto).")
    )
    problems = models.CharField(
        max_length=80, blank=True, help_text=_("Codes of ``Problem`` the close found, space-separated; empty: none.")
    )
    hits_12m = models.PositiveIntegerField()
    months_stocked = models.PositiveSmallIntegerField(null=True, blank=True)
    scaled_hits = models.DecimalField(max_digits=12, decimal_places=3)
    demand_cv = models.DecimalField(**RATE, null=True, blank=True)
    quantity_12m = models.DecimalField(**QTY, help_text=_("Quantity requested in 12 months."))
    issued_12m = models.DecimalField(**QTY)
    cost_of_sales_12m = models.DecimalField(**VALUE)
    on_hand = models.DecimalField(**QTY, help_text=_("Month-end quantity from the ledger."))
    stock_value = models.DecimalField(**VALUE, help_text=_("Month-end value from the ledger."))
    average_value_12m = models.DecimalField(**VALUE)
    available = models.DecimalField(**QTY, help_text=_("Available per the stock level when the month was closed."))
    min_qty = models.DecimalField(**QTY)
    max_qty = models.DecimalField(**QTY)
    excess_value = models.DecimalField(**VALUE, help_text=_("Value of the month-end stock above the maximum."))
    fill_rate = models.DecimalField(**RATE, null=True, blank=True, help_text=_("A, B, NA and NB parts only."))

    class Meta:
        ordering = ["month", "warehouse_id", "part_id"]
        constraints = [models.UniqueConstraint(fields=["run", "warehouse", "part"], name="unique_part_class")]
        # No index by month and class: readers go through the month's published run, whose rows (and a
        # warehouse's among them) the unique (run, warehouse, part) index finds, and every index here is
        # written 100,000 times by each close.
        indexes = [models.Index(fields=["part", "warehouse", "month"], name="partclass_part_idx")]


class Problem(models.TextChoices):
    """Why a part cannot be classified properly (DOMAIN.md); each has its own way to clear it.

    The close writes a pair's problems into ``PartClass.problems`` as it grades the pair.
    """

    NEGATIVE_STOCK = "negative_stock", _("negative month-end stock")
    NO_COST = "no_cost", _("stock without a cost")
    NO_MOVEMENT = "no_movement", _("stock without a movement in 24 months")
    SUPERSEDED = "superseded", _("superseded part still stocked")
    LIMITS = "limits", _("min/max contradicts the class")


class Snapshot(models.Model):
    """One KPI for one month in one warehouse (or the network: no warehouse), with its target then."""

    run = models.ForeignKey(MonthClose, on_delete=models.CASCADE, related_name="snapshots")
    month = models.DateField()
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kpi = models.CharField(max_length=30, choices=Kpi.choices)
    class_key = models.CharField(max_length=2, blank=True, choices=AbcClass.CHOICES)
    value = models.DecimalField(**RATE, null=True, blank=True, help_text=_("Empty: undefined (no demand, no stock)."))
    target_lower = models.DecimalField(**RATE, null=True, blank=True)
    target_upper = models.DecimalField(**RATE, null=True, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices)

    class Meta:
        ordering = ["month", "warehouse_id", "kpi", "class_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "warehouse", "kpi", "class_key"], name="unique_kpi_snapshot", nulls_distinct=False
            )
        ]
        indexes = [models.Index(fields=["month", "warehouse", "kpi"], name="snapshot_month_idx")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.class_key} {self.month:%Y-%m}: {self.value} ({self.status})"


class ReportSubscription(models.Model):
    """A user who gets the monthly KPI report as a PDF by mail after each close: one warehouse, or the network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kpi_report_subscriptions"
    )
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    last_sent_month = models.DateField(null=True, blank=True, help_text=_("A retried mail task sends a month once."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "warehouse"], name="unique_kpi_report_subscription", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.warehouse.code if self.warehouse else 'network'}"
