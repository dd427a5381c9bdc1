from django.contrib import admin

from .models import WarehouseMembership


@admin.register(WarehouseMembership)
class WarehouseMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "warehouse"]
    list_filter = ["warehouse"]
    search_fields = ["user__username"]
