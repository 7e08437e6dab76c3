"""Back-office screens for staff users, scoped to the org of whoever is logged in."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.core.admin import OrgScopedAdmin

from .models import User


@admin.register(User)
class StaffUserAdmin(OrgScopedAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "store", "is_active", "is_staff")
    list_select_related = ("store",)
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "mobile", "code")
    filter_horizontal = ("access_groups", "groups", "user_permissions")
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Organisation", {"fields": ("org", "role", "store", "till", "code", "mobile", "access_groups")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Organisation", {"fields": ("org", "role", "store", "till")}),
    )

    def _strip_org(self, request, fieldsets):
        if self._is_operator(request):
            return fieldsets
        out = []
        for name, opts in fieldsets:
            fields = tuple(f for f in opts["fields"] if f not in ("org", "is_superuser", "user_permissions"))
            out.append((name, {**opts, "fields": fields}))
        return out

    def get_fieldsets(self, request, obj=None):
        return self._strip_org(request, super().get_fieldsets(request, obj))
