"""Admin for master data. Quantities are read-only here: they change only through movements."""

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Bin, Part, StockLevel, StockMovement, Warehouse, WarehouseNeighbour
from .services.catalogue import _check_supersession


@admin.register(Part)
class PartAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "description",
        "unit",
        "category",
        "list_price",
        "superseded_by",
        "is_critical",
        "is_active",
    ]
    list_filter = ["unit", "category", "is_critical", "is_active"]
    search_fields = ["number", "number_normalized", "description"]
    raw_id_fields = ["superseded_by"]
    list_select_related = ["superseded_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        original_clean = form.clean

        def clean(self_form):
            cleaned = original_clean(self_form)
            new_part = cleaned.get("superseded_by")
            if obj is not None and new_part is not None:
                from django.core.exceptions import ValidationError

                from .exceptions import SupersessionCycle

                try:
                    _check_supersession(obj, new_part)
                except SupersessionCycle as error:
                    raise ValidationError({"superseded_by": error.message}) from error
            return cleaned

        form.clean = clean
        return form


class NeighbourInline(admin.TabularInline):
    model = WarehouseNeighbour
    fk_name = "warehouse"
    extra = 0


class BinInline(admin.TabularInline):
    model = Bin
    extra = 0
    show_change_link = True


@admin.register(Warehouse)
class WarehouseAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "echelon", "parent", "is_active"]
    list_filter = ["echelon", "is_active"]
    search_fields = ["code", "name"]
    inlines = [NeighbourInline]


@admin.register(Bin)
class BinAdmin(admin.ModelAdmin):
    list_display = ["code", "warehouse", "route", "is_active"]
    list_editable = ["route"]  # the pick route is set bin by bin, along the aisles
    list_filter = ["warehouse", "is_active"]
    search_fields = ["code"]


@admin.register(StockLevel)
class StockLevelAdmin(ImportExportModelAdmin):
    list_display = [
        "part",
        "warehouse",
        "on_hand",
        "reserved",
        "quarantined",
        "in_transit",
        "value",
        "average_cost",
        "min_qty",
        "max_qty",
    ]
    list_filter = ["warehouse"]
    search_fields = ["part__number_normalized", "part__description"]
    list_select_related = ["part", "warehouse"]
    readonly_fields = [
        "part",
        "warehouse",
        "on_hand",
        "reserved",
        "quarantined",
        "in_transit",
        "value",
        "average_cost",
        "first_stocked_at",
        "last_movement_at",
    ]
    fields = [*readonly_fields, "default_bin", "min_qty", "max_qty"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ImportExportModelAdmin):
    """The ledger: readable and exportable, never editable."""

    list_display = [
        "posted_at",
        "kind",
        "part",
        "warehouse",
        "quantity",
        "unit_cost",
        "value",
        "document_type",
        "document_ref",
        "user",
    ]
    list_filter = ["kind", "warehouse"]
    search_fields = ["part__number_normalized", "document_ref"]
    list_select_related = ["part", "warehouse", "user"]
    date_hierarchy = "posted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


# Demand documents, backorders and transfer orders register themselves here.
from .demand import admin as admin_demand  # noqa: E402, F401
