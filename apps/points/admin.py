from django.contrib import admin

from apps.core.admin import OrgScopedAdmin

from .models import LoyaltyProgram


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(OrgScopedAdmin):
    list_display = ("name", "point_value", "is_default", "is_active", "created_at")
    list_filter = ("is_default", "is_active")
    search_fields = ("name",)
