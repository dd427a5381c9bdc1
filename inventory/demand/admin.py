"""Admin for demand documents, backorders and transfer orders: readable, never a way around the services.

Quantities and states change only through the services (submission, fill,
send, receive), so the admin shows them read-only; repair orders may be
corrected (vehicle, customer, closing date).
"""

from django.contrib import admin

from inventory.models import (
    Backorder,
    CounterSale,
    CounterSaleLine,
    CustomerReturn,
    RepairOrder,
    TransferOrder,
    TransferOrderLine,
    WorkshopRequest,
    WorkshopRequestLine,
    WorkshopReturn,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "warehouse", "vehicle_ref", "customer_ref", "opened_at", "closed_at"]
    list_filter = ["warehouse"]
    search_fields = ["number", "vehicle_ref", "customer_ref"]
    list_select_related = ["warehouse"]
    readonly_fields = ["number", "warehouse", "opened_at"]
    date_hierarchy = "opened_at"

    def has_delete_permission(self, request, obj=None):
        return False


class WorkshopRequestLineInline(ReadOnlyInline):
    model = WorkshopRequestLine
    fields = (
        "requested_part",
        "part",
        "quantity_requested",
        "quantity_supplied",
        "quantity_backordered",
        "quantity_filled",
        "quantity_lost",
        "quantity_picked",
        "unit_price",
        "sales_value",
        "cost_value",
    )
    readonly_fields = fields


@admin.register(WorkshopRequest)
class WorkshopRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "repair_order", "warehouse", "requested_by", "state", "created_at"]
    list_filter = ["state", "warehouse"]
    search_fields = ["repair_order__number", "requested_by__username"]
    list_select_related = ["repair_order", "warehouse", "requested_by"]
    date_hierarchy = "created_at"
    inlines = [WorkshopRequestLineInline]


@admin.register(Backorder)
class BackorderAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "part",
        "warehouse",
        "requested_at",
        "quantity",
        "quantity_filled",
        "quantity_cancelled",
        "state",
        "sourcing_note",
    ]
    list_filter = ["state", "warehouse"]
    search_fields = ["part__number_normalized"]
    list_select_related = ["part", "warehouse"]
    date_hierarchy = "requested_at"


class CounterSaleLineInline(ReadOnlyInline):
    model = CounterSaleLine
    fields = (
        "requested_part",
        "part",
        "quantity_requested",
        "quantity_supplied",
        "unit_price",
        "sales_value",
        "cost_value",
    )
    readonly_fields = fields


@admin.register(CounterSale)
class CounterSaleAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "warehouse", "sold_by", "customer_ref", "occurred_at"]
    list_filter = ["warehouse"]
    list_select_related = ["warehouse", "sold_by"]
    date_hierarchy = "occurred_at"
    inlines = [CounterSaleLineInline]


class TransferOrderLineInline(ReadOnlyInline):
    model = TransferOrderLine
    fields = ("part", "quantity_requested", "quantity_sent", "quantity_received", "quantity_lost", "unit_cost")
    readonly_fields = fields


@admin.register(TransferOrder)
class TransferOrderAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "from_warehouse", "to_warehouse", "state", "created_at", "sent_at", "received_at"]
    list_filter = ["state", "from_warehouse", "to_warehouse"]
    list_select_related = ["from_warehouse", "to_warehouse"]
    date_hierarchy = "created_at"
    inlines = [TransferOrderLineInline]


@admin.register(WorkshopReturn)
class WorkshopReturnAdmin(ReadOnlyAdmin):
    list_display = ["number", "part", "warehouse", "quantity", "value", "reason", "hit_withdrawn", "returned_at"]
    list_filter = ["reason", "warehouse"]
    list_select_related = ["part", "warehouse"]
    date_hierarchy = "returned_at"


@admin.register(CustomerReturn)
class CustomerReturnAdmin(ReadOnlyAdmin):
    list_display = ["number", "part", "warehouse", "quantity", "value", "refund", "condition", "returned_at"]
    list_filter = ["condition", "warehouse"]
    list_select_related = ["part", "warehouse"]
    date_hierarchy = "returned_at"
