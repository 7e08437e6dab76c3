"""Back-office screens for access groups (a resource x level matrix) and OAuth API clients."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages

from apps.core.admin import OrgScopedAdmin

from . import services
from .choices import AccessLevel, AccessResource
from .models import AccessGroup, ApiClient


class _AccessGroupFormBase(forms.ModelForm):
    """One select per resource instead of raw JSON."""

    class Meta:
        model = AccessGroup
        fields = ("name", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.instance.permissions or {}) if self.instance and self.instance.pk else {}
        for resource in AccessResource:
            self.fields[f"perm_{resource.name}"].initial = current.get(resource.value, AccessLevel.NONE)

    def save(self, commit=True):  # noqa: D102
        self.instance.permissions = {
            resource.value: self.cleaned_data[f"perm_{resource.name}"] for resource in AccessResource
            if self.cleaned_data[f"perm_{resource.name}"] != AccessLevel.NONE
        }
        return super().save(commit)


AccessGroupForm = type("AccessGroupForm", (_AccessGroupFormBase,), {
    f"perm_{resource.name}": forms.ChoiceField(label=resource.label, choices=AccessLevel.choices,
                                               initial=AccessLevel.NONE)
    for resource in AccessResource
})


@admin.register(AccessGroup)
class AccessGroupAdmin(OrgScopedAdmin):
    form = AccessGroupForm
    list_display = ("name", "description", "resources")
    search_fields = ("name",)

    def get_fields(self, request, obj=None):
        return ["name", "description"] + [f"perm_{r.name}" for r in AccessResource]

    @admin.display(description="Resources")
    def resources(self, obj):
        return ", ".join(f"{k}: {v.title()}" for k, v in sorted(obj.permissions.items())) or "—"


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "till", "token_ttl_seconds", "access_groups", "is_active")

    def clean_token_ttl_seconds(self):
        ttl = self.cleaned_data["token_ttl_seconds"]
        if not 30 <= ttl <= settings.OAUTH_TOKEN_MAX_TTL_SECONDS:
            raise forms.ValidationError(f"Between 30 and {settings.OAUTH_TOKEN_MAX_TTL_SECONDS} seconds.")
        return ttl


@admin.register(ApiClient)
class ApiClientAdmin(OrgScopedAdmin):
    form = ApiClientForm
    list_display = ("name", "key", "till", "token_ttl_seconds", "is_active", "last_token_at")
    list_select_related = ("till",)
    search_fields = ("name", "key")
    readonly_fields = ("key", "last_token_at", "created_at")
    filter_horizontal = ("access_groups",)
    actions = ["revoke_tokens"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        client, secret = services.api_client_create(
            org=self._org(request) or obj.till.org, name=obj.name, till=obj.till,
            token_ttl_seconds=obj.token_ttl_seconds)
        obj.pk, obj.key, obj.org = client.pk, client.key, client.org
        obj._state.adding = False
        self.message_user(request, f"Client key: {client.key} — secret: {secret} (shown once; store it now).",
                          messages.WARNING)

    @admin.action(description="Revoke all issued tokens")
    def revoke_tokens(self, request, queryset):
        for client in queryset:
            services.api_client_revoke_tokens(client=client)
        self.message_user(request, f"Tokens revoked for {queryset.count()} client(s).")
