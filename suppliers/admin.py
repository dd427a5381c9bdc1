"""Admin for everything purchasing. Order states and received quantities are read-only here:
they change only through the services (screens and API), which check roles and states."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityReject,
    RatingWeights,
    Supplier,
    SupplierPart,
    SupplierRating,
    SupplierUser,
)
from .resources import SupplierPartResource


class SupplierUserInline(admin.TabularInline):
    model = SupplierUser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "contact_name", "email", "phone", "payment_terms", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "email"]
    inlines = [SupplierUserInline]


@admin.register(SupplierPart)
class SupplierPartAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """Price lists: import CSV or XLSX with a dry-run preview; any failing row stops the whole import."""

    resource_classes = [SupplierPartResource]
    list_display = [
        "supplier",
        "part",
        "supplier_part_number",
        "price",
        "lead_time_days",
        "min_order_qty",
        "pack_size",
        "purchase_unit",
        "purchase_factor",
        "is_preferred",
    ]
    list_filter = ["is_preferred", "supplier"]
    search_fields = ["part__number", "part__number_normalized", "supplier_part_number", "supplier__code"]
    raw_id_fields = ["part"]
    list_select_related = ["supplier", "part"]


@admin.register(SupplierUser)
class SupplierUserAdmin(admin.ModelAdmin):
    list_display = ["user", "supplier"]
    search_fields = ["user__username", "supplier__code"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "supplier"]


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    can_delete = False
    fields = (
        "line_no",
        "part",
        "supplier_part_number",
        "quantity",
        "purchase_unit",
        "purchase_factor",
        "price",
        "promised_date",
        "confirmed_quantity",
        "quantity_received",
        "quantity_rejected",
        "warning",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(SimpleHistoryAdmin):
    list_display = ["number", "supplier", "warehouse", "order_type", "state", "created_at", "sent_at", "expected_date"]
    list_filter = ["state", "order_type", "warehouse", "supplier"]
    search_fields = ["number", "reference", "supplier__code"]
    date_hierarchy = "created_at"
    list_select_related = ["supplier", "warehouse"]
    inlines = [PurchaseOrderLineInline]
    readonly_fields = [
        "number",
        "supplier",
        "warehouse",
        "order_type",
        "state",
        "created_at",
        "created_by",
        "approved_at",
        "approved_by",
        "sent_at",
        "sent_by",
        "confirmed_at",
        "confirmed_by",
        "received_at",
        "closed_at",
        "closed_by",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "emailed_at",
    ]

    def has_add_permission(self, request):
        return False  # orders are created on the purchasing screen or the API (numbering, prices, MOQ)


class GoodsReceiptLineInline(admin.TabularInline):
    model = GoodsReceiptLine
    extra = 0
    can_delete = False
    fields = (
        "po_line",
        "part",
        "quantity",
        "unit_cost",
        "bin",
        "hold_state",
        "hold_decided_at",
        "hold_decided_by",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GoodsReceipt)
class GoodsReceiptAdmin(admin.ModelAdmin):
    """Posted receipts, read-only: a wrong receipt is corrected by a reversing movement, not an edit."""

    list_display = ["number", "purchase_order", "warehouse", "arrived_at", "posted_at", "posted_by"]
    list_filter = ["warehouse"]
    search_fields = ["number", "purchase_order__number", "delivery_note"]
    date_hierarchy = "posted_at"
    list_select_related = ["purchase_order", "warehouse", "posted_by"]
    inlines = [GoodsReceiptLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QualityReject)
class QualityRejectAdmin(admin.ModelAdmin):
    list_display = ["supplier", "part", "quantity", "reason", "rejected_at", "rejected_by"]
    list_filter = ["supplier"]
    list_select_related = ["supplier", "part", "rejected_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RatingWeights)
class RatingWeightsAdmin(SimpleHistoryAdmin):
    """The newest row is in force; add a row to change weights (history kept)."""

    list_display = [
        "id",
        "on_time_weight",
        "fill_rate_weight",
        "quality_weight",
        "lead_time_weight",
        "grade_a_min",
        "grade_b_min",
        "grade_c_min",
        "updated_at",
    ]


@admin.register(SupplierRating)
class SupplierRatingAdmin(admin.ModelAdmin):
    list_display = [
        "supplier",
        "month",
        "on_time_rate",
        "fill_rate",
        "reject_rate",
        "lead_time_mean_days",
        "score",
        "grade",
    ]
    list_filter = ["month", "grade"]
    list_select_related = ["supplier"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
