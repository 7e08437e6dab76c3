"""Screens to configure the org's extended fields and custom fields; writes go through the services."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from apps.core.admin import OrgScopedAdmin
from apps.core.errors import DomainError
from apps.organizations.models import CustomField

from . import services
from .models import ExtendedField

# The admin field a service error's `field` (API name) belongs to.
_FORM_FIELD = {"dataType": "data_type", "defaultValue": "default_value", "parent": "parent", "name": "name",
               "enableAuditTrail": "enable_audit_trail"}


class _ServiceCheckedForm(forms.ModelForm):
    """Runs the service's checks on the instance so the form shows the errors the API would give."""

    org = None  # the staff member's org, set by the admin per request (None for platform operators)

    def _check(self, org, instance) -> None:
        raise NotImplementedError

    def _post_clean(self):
        if self.org is not None and not self.instance.org_id:
            self.instance.org = self.org  # model rules compare the parent's org with this one
        super()._post_clean()
        org = self.org or (self.instance.org if self.instance.org_id else None)
        if self.errors or org is None:
            return
        try:
            self._check(org, self.instance)
        except DomainError as exc:
            target = _FORM_FIELD.get(exc.field or "")
            self.add_error(target if target in self.fields else None, ValidationError(exc.message))


class ExtendedFieldForm(_ServiceCheckedForm):
    enum_values = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="Allowed values of an enum field, one per line.")

    class Meta:
        model = ExtendedField
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["enum_values"] = "\n".join(self.instance.enum_values or [])

    def clean_enum_values(self):
        return [line.strip() for line in self.cleaned_data["enum_values"].splitlines() if line.strip()]

    def _check(self, org, instance) -> None:
        services.extended_field_check(org=org, field=instance)


@admin.register(ExtendedField)
class ExtendedFieldAdmin(OrgScopedAdmin):
    form = ExtendedFieldForm
    list_display = ("name", "label", "entity", "data_type", "is_mandatory", "is_active", "is_hidden", "position",
                    "parent")
    list_filter = ("entity", "data_type", "is_mandatory", "is_active")
    list_select_related = ("parent",)
    search_fields = ("name", "label")
    ordering = ("entity", "position", "name")
    fieldsets = (
        (None, {"fields": ("entity", "name", "label", "data_type", "enum_values", "default_value", "parent")}),
        ("Validation", {"fields": ("is_mandatory", "regex", "max_length", "min_value", "max_value")}),
        ("Display", {"fields": ("is_active", "is_hidden", "is_updatable", "position", "is_pii_data", "is_psi_data")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.org = self._org(request)
        return form

    def save_model(self, request, obj, form, change):
        try:
            services.extended_field_save(org=obj.org if obj.org_id else self._org(request), field=obj)
        except DomainError as exc:  # a race with another writer; the form already ran the same checks
            self.message_user(request, exc.message, messages.ERROR)


class CustomFieldForm(_ServiceCheckedForm):
    class Meta:
        model = CustomField
        fields = "__all__"

    def _check(self, org, instance) -> None:
        services.custom_field_check(org=org, field=instance)


@admin.register(CustomField)
class CustomFieldAdmin(OrgScopedAdmin):
    form = CustomFieldForm
    list_display = ("name", "label", "scope", "type", "data_type", "is_mandatory", "is_disabled", "position")
    list_filter = ("scope", "type", "is_mandatory", "is_disabled")
    search_fields = ("name", "label")
    ordering = ("scope", "position", "name")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.org = self._org(request)
        return form

    def save_model(self, request, obj, form, change):
        try:
            services.custom_field_save(org=obj.org if obj.org_id else self._org(request), field=obj)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
