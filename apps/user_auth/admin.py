"""Back-office screens of customer logins: who has one, failed attempts and locks (with an unlock action), and
the login log. The password hash is never shown."""
from __future__ import annotations

from django.contrib import admin, messages

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin

from . import services
from .models import CredentialEvent, CustomerCredential


@admin.register(CustomerCredential)
class CustomerCredentialAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("customer", "registered_with", "username", "failed_attempts", "locked_until", "last_login_at",
                    "password_changed_at")
    list_select_related = ("customer",)
    list_filter = ("registered_with",)
    search_fields = ("username",)
    exclude = ("password",)
    actions = ["unlock_selected"]
    ordering = ("-id",)

    def has_unlock_permission(self, request) -> bool:
        return request.user.has_perm("user_auth.change_customercredential")

    @admin.action(description="Unlock the selected logins", permissions=["unlock"])
    def unlock_selected(self, request, queryset):
        unlocked = 0
        for credential in queryset.select_related("org")[:1000]:
            unlocked += services.user_auth_unlock(org=credential.org, credential=credential, user=request.user)
        self.message_user(request, f"{unlocked} login(s) unlocked.", messages.SUCCESS)


@admin.register(CredentialEvent)
class CredentialEventAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("created_at", "customer", "type", "till", "user")
    list_select_related = ("customer", "till", "user")
    list_filter = ("type",)
    ordering = ("-created_at", "-id")
