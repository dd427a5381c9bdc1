"""Cycle counting: the policy, the count plan per part and warehouse, count lists and their lines.

A count line is blind for the counter: the system quantity is snapshotted when
the line's count starts and is shown only to managers reviewing variances.
Approved variances become ``count_correction`` movements in the ledger,
posted by ``counting.services`` through ``inventory.services.stock_adjust``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from inventory.models import QTY, VALUE, Bin, Part, StockMovement, Warehouse

ZERO = Decimal("0")


class ABCClass(models.TextChoices):
    A = "A", gettext_lazy("A (counted most often)")
    B = "B", gettext_lazy("B")
    C = "C", gettext_lazy("C and the rest")


class ClassSource(models.TextChoices):
    HITS = "hits", gettext_lazy("12-month hits (planner)")
    MONTH_END = "month_end", gettext_lazy("month-end classification")


class CountPolicy(models.Model):
    """The editable rules of cycle counting. One row (``name="default"``) is used.

    Intervals are calendar days between two counts of a part; the hit
    thresholds grade a part when no month-end class is known; the recount
    thresholds say when a variance is large enough to need a second counter.
    """

    name = models.CharField(max_length=20, unique=True, default="default")
    interval_a_days = models.PositiveSmallIntegerField(default=30, help_text=gettext_lazy("A parts: monthly."))
    interval_b_days = models.PositiveSmallIntegerField(default=91, help_text=gettext_lazy("B parts: quarterly."))
    interval_c_days = models.PositiveSmallIntegerField(default=365, help_text=gettext_lazy("C and the rest: yearly."))
    hits_for_a = models.PositiveSmallIntegerField(
        default=12, help_text=gettext_lazy("12-month hits for class A (at least).")
    )
    hits_for_b = models.PositiveSmallIntegerField(
        default=4, help_text=gettext_lazy("12-month hits for class B (at least).")
    )
    working_weekdays = models.CharField(
        max_length=13,
        default="0,1,2,3,4",
        help_text=gettext_lazy("Days counts are planned on, 0 = Monday … 6 = Sunday, comma separated."),
    )
    recount_quantity = models.DecimalField(
        **QTY, default=Decimal("2"), help_text=gettext_lazy("A variance of more than this many units needs a recount.")
    )
    recount_value = models.DecimalField(
        **VALUE,
        default=Decimal("100"),
        help_text=gettext_lazy("A variance worth more than this at average cost needs a recount."),
    )
    month_end_class_max_age_days = models.PositiveSmallIntegerField(
        default=45,
        help_text=gettext_lazy("A month-end class older than this is replaced by the planner's hit-based class."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = gettext_lazy("count policies")
        constraints = [
            models.CheckConstraint(condition=Q(interval_a_days__gt=0), name="count_policy_interval_a_positive"),
            models.CheckConstraint(condition=Q(interval_b_days__gt=0), name="count_policy_interval_b_positive"),
            models.CheckConstraint(condition=Q(interval_c_days__gt=0), name="count_policy_interval_c_positive"),
            models.CheckConstraint(condition=Q(hits_for_a__gt=models.F("hits_for_b")), name="count_policy_a_above_b"),
            models.CheckConstraint(condition=Q(recount_quantity__gte=0), name="count_policy_recount_qty_not_negative"),
            models.CheckConstraint(condition=Q(recount_value__gte=0), name="count_policy_recount_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Count policy {self.name}"

    @property
    def weekdays(self) -> set[int]:
        return {int(day) for day in self.working_weekdays.split(",") if day.strip().isdigit()}

    def interval_for(self, class_code: str) -> int:
        intervals: dict[str, int] = {ABCClass.A: self.interval_a_days, ABCClass.B: self.interval_b_days}
        return intervals.get(class_code, self.interval_c_days)


class CountPlanItem(models.Model):
    """One part in one warehouse as the planner sees it: its class and when it was last counted.

    ``class_code`` is cached here so that counting never imports the KPI app:
    the planner fills it from 12-month hits, and the month-end may overwrite it
    through ``counting.services.count_plan_classes_set``.
    """

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="count_plan_items")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="count_plan_items")
    class_code = models.CharField(max_length=1, choices=ABCClass.choices, default=ABCClass.C)
    class_source = models.CharField(max_length=10, choices=ClassSource.choices, default=ClassSource.HITS)
    class_set_at = models.DateTimeField(null=True, blank=True)
    hits_12m = models.PositiveIntegerField(default=0)
    last_counted_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(
        default=True, help_text=gettext_lazy("Held or asked for in the warehouse: planned for counts.")
    )

    class Meta:
        ordering = ["warehouse_id", "part_id"]
        constraints = [models.UniqueConstraint(fields=["part", "warehouse"], name="unique_count_plan_item")]
        indexes = [models.Index(fields=["warehouse", "class_code", "last_counted_at"], name="countplan_due_idx")]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id} class {self.class_code}"


class CountKind(models.TextChoices):
    CYCLE = "cycle", gettext_lazy("cycle count (planned)")
    BIN = "bin", gettext_lazy("ad-hoc: one bin")
    PART = "part", gettext_lazy("ad-hoc: one part")
    WAREHOUSE = "warehouse", gettext_lazy("ad-hoc: whole warehouse")


class CountListStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("open")
    CLOSED = "closed", gettext_lazy("closed")


class CountList(models.Model):
    """A list of lines to count in one warehouse, ordered by bin so that the counter walks a route."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="count_lists")
    kind = models.CharField(max_length=10, choices=CountKind.choices)
    status = models.CharField(max_length=10, choices=CountListStatus.choices, default=CountListStatus.OPEN)
    scheduled_for = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            # The daily planner runs again safely: one planned list per warehouse and day.
            models.UniqueConstraint(
                fields=["warehouse", "scheduled_for"],
                condition=Q(kind="cycle"),
                name="unique_cycle_count_per_day",
            )
        ]
        indexes = [models.Index(fields=["warehouse", "status"], name="countlist_wh_status_idx")]

    def __str__(self) -> str:
        return f"Count {self.pk} {self.warehouse.code} {self.scheduled_for} ({self.get_kind_display()})"


class CountLineStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("to count")
    STARTED = "started", gettext_lazy("counting")
    RECOUNT = "recount", gettext_lazy("recount by another counter")
    TO_APPROVE = "to_approve", gettext_lazy("variance to approve")
    MATCHED = "matched", gettext_lazy("no variance")
    APPROVED = "approved", gettext_lazy("variance approved and posted")
    REJECTED = "rejected", gettext_lazy("variance rejected")


OPEN_LINE_STATUSES = (CountLineStatus.PENDING, CountLineStatus.STARTED, CountLineStatus.RECOUNT)
FINAL_LINE_STATUSES = (CountLineStatus.MATCHED, CountLineStatus.APPROVED, CountLineStatus.REJECTED)
COUNTED_LINE_STATUSES = (CountLineStatus.TO_APPROVE, *FINAL_LINE_STATUSES)


class CountLine(models.Model):
    """One part to count in one bin.

    ``snapshot_qty`` is the system quantity when the count started and
    ``snapshot_movement_id`` the last ledger movement of the part in the
    warehouse at that moment; at entry, ``movements_qty`` is the net quantity
    posted since, so ``variance_qty = counted_qty − (snapshot_qty + movements_qty)``
    and a receipt or issue posted during the count is never undone.
    """

    count_list = models.ForeignKey(CountList, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField(help_text=gettext_lazy("Position on the walking route."))
    status = models.CharField(max_length=10, choices=CountLineStatus.choices, default=CountLineStatus.PENDING)

    snapshot_qty = models.DecimalField(**QTY, null=True, blank=True)
    snapshot_movement_id = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    counted_qty = models.DecimalField(**QTY, null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(null=True, blank=True)
    movements_qty = models.DecimalField(
        **QTY, default=ZERO, help_text=gettext_lazy("Net quantity posted between start and entry.")
    )
    variance_qty = models.DecimalField(**QTY, null=True, blank=True)
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    variance_value = models.DecimalField(**VALUE, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    first_counted_qty = models.DecimalField(**QTY, null=True, blank=True)
    first_variance_qty = models.DecimalField(**QTY, null=True, blank=True)
    first_counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("Why the variance was approved or rejected.")
    )
    movement = models.OneToOneField(
        StockMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="count_line"
    )

    class Meta:
        ordering = ["count_list_id", "sequence", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(counted_qty__gte=0), name="count_counted_not_negative"),
            models.CheckConstraint(
                condition=~Q(status__in=["to_approve", "matched", "approved", "rejected"])
                | (Q(counted_qty__isnull=False) & Q(variance_qty__isnull=False)),
                name="count_counted_line_has_quantities",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(movement__isnull=False) | Q(variance_qty=0),
                name="count_approved_line_posted",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "counted_at"], name="countline_status_time_idx"),
            models.Index(fields=["part", "status"], name="countline_part_status_idx"),
        ]

    def __str__(self) -> str:
        return f"line {self.sequence} of count {self.count_list_id}: {self.part_id}"
