from django.contrib import admin

from apps.core.admin import OrgScopedAdmin, ReadOnlyAdminMixin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, OrgScopedAdmin):
    list_display = ("created_at", "channel", "recipient", "purpose", "status", "attempts", "sent_at")
    list_filter = ("channel", "status", "purpose")
    search_fields = ("recipient",)
    list_select_related = ("customer",)
