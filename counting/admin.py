"""Admin of counting: the editable policy, the plan, and read-only count documents."""

from django.contrib import admin

from .models import CountLine, CountList, CountPlanItem, CountPolicy


@admin.register(CountPolicy)
class CountPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "interval_a_days",
        "interval_b_days",
        "interval_c_days",
        "hits_for_a",
        "hits_for_b",
        "recount_quantity",
        "recount_value",
        "working_weekdays",
    ]


@admin.register(CountPlanItem)
class CountPlanItemAdmin(admin.ModelAdmin):
    list_display = ["part", "warehouse", "class_code", "class_source", "hits_12m", "last_counted_at", "is_active"]
    list_filter = ["warehouse", "class_code", "class_source", "is_active"]
    search_fields = ["part__number", "part__number_normalized"]
    list_select_related = ["part", "warehouse"]
    raw_id_fields = ["part"]
    readonly_fields = ["hits_12m", "class_set_at", "last_counted_at"]


class CountLineInline(admin.TabularInline):
    model = CountLine
    extra = 0
    can_delete = False
    fields = ("sequence", "part", "bin", "status", "counted_qty", "variance_qty", "variance_value", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CountList)
class CountListAdmin(admin.ModelAdmin):
    """Count documents are made by the planner and the counting screens; here they are only read."""

    list_display = ["pk", "warehouse", "kind", "scheduled_for", "status", "created_by", "closed_at"]
    list_filter = ["warehouse", "kind", "status"]
    date_hierarchy = "scheduled_for"
    list_select_related = ["warehouse", "created_by"]
    inlines = [CountLineInline]
    readonly_fields = ["warehouse", "kind", "status", "scheduled_for", "created_by", "created_at", "closed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
