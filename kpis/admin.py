"""Admin: thresholds and targets are edited here; results and runs are read-only records."""

from django.contrib import admin

from .models import ClassThresholds, MonthClose, PartClass, Snapshot, Target


@admin.register(ClassThresholds)
class ClassThresholdsAdmin(admin.ModelAdmin):
    list_display = [
        "a_min_hits",
        "b_min_hits",
        "new_part_months",
        "x_max_cv",
        "y_max_cv",
        "review_period_months",
        "lead_time_months",
    ]

    def has_add_permission(self, request):
        return not ClassThresholds.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Per-warehouse targets override the default row (warehouse empty) for that warehouse."""

    list_display = ["kpi", "class_key", "warehouse", "lower", "upper", "near_band"]
    list_editable = ["lower", "upper", "near_band"]
    list_filter = ["kpi", "class_key", "warehouse"]
    list_select_related = ["warehouse"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    list_display = ["month", "state", "step", "progress", "is_published", "requested_by", "started_at", "finished_at"]
    list_filter = ["state", "is_published"]
    list_select_related = ["requested_by"]

    def has_delete_permission(self, request, obj=None):
        return False  # a run's result rows hang on it; the close replaces months itself


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["month", "warehouse", "kpi", "class_key", "value", "target_lower", "target_upper", "status"]
    list_filter = ["month", "kpi", "status", "warehouse"]
    list_select_related = ["warehouse"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartClass)
class PartClassAdmin(ReadOnlyAdmin):
    list_display = ["month", "warehouse", "part", "abc_class", "previous_class", "xyz_class", "hits_12m", "stock_value"]
    list_filter = ["month", "abc_class", "xyz_class", "warehouse"]
    list_select_related = ["warehouse", "part"]
    search_fields = ["part__number_normalized"]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False
