"""Admin pages for planning: settings are edited here; the rest is read-mostly (services own the writes)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Forecast,
    ForecastError,
    KnownDemand,
    PlanningSettings,
    ReplenishmentProposal,
    ReplenishmentRun,
    StockingParameter,
    VmiProposal,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services: viewable and searchable, not editable here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanningSettings)
class PlanningSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "id", "ordering_cost", "holding_rate", "service_level_a", "service_level_b", "service_level_c",
        "method_choice", "updated_at",
    ]  # fmt: skip


@admin.register(Forecast)
class ForecastAdmin(ReadOnlyAdmin):
    list_display = ["part", "warehouse", "per_month", "method", "pattern", "holdout_mae", "computed_at"]
    list_filter = ["method", "pattern", "warehouse"]
    search_fields = ["part__number_normalized", "part__description"]
    list_select_related = ["part", "warehouse"]
    raw_id_fields = ["part"]


@admin.register(ForecastError)
class ForecastErrorAdmin(ReadOnlyAdmin):
    list_display = ["month", "warehouse", "series", "series_with_demand", "mape", "bias"]
    list_filter = ["warehouse"]
    list_select_related = ["warehouse"]


@admin.register(KnownDemand)
class KnownDemandAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["part", "warehouse", "month", "quantity", "reason", "created_by"]
    search_fields = ["part__number_normalized", "reason"]
    list_select_related = ["part", "warehouse", "created_by"]


@admin.register(StockingParameter)
class StockingParameterAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = [
        "part", "warehouse", "class_code", "service_level", "safety_stock", "reorder_point", "eoq", "min_qty",
        "max_qty", "override_reason", "override_expires_on", "order_on_demand", "is_vmi",
    ]  # fmt: skip
    list_filter = ["class_code", "order_on_demand", "is_vmi", "warehouse"]
    search_fields = ["part__number_normalized", "override_reason"]
    list_select_related = ["part", "warehouse"]


@admin.register(ReplenishmentRun)
class ReplenishmentRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "state", "step", "created_at", "finished_at", "series", "proposals"]
    list_filter = ["state"]


@admin.register(ReplenishmentProposal)
class ReplenishmentProposalAdmin(ReadOnlyAdmin):
    list_display = ["part", "warehouse", "source", "from_warehouse", "supplier", "quantity", "state", "run"]
    list_filter = ["state", "source", "warehouse"]
    search_fields = ["part__number_normalized"]
    list_select_related = ["part", "warehouse", "from_warehouse", "supplier"]


@admin.register(VmiProposal)
class VmiProposalAdmin(ReadOnlyAdmin):
    list_display = ["supplier", "part", "warehouse", "quantity", "state", "accepted_quantity", "purchase_order"]
    list_filter = ["state", "supplier"]
    list_select_related = ["supplier", "part", "warehouse", "purchase_order"]
