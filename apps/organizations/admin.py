"""Back-office screens for the organisation, its hierarchy, tills, config, tenders, custom fields and locations."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.core.admin import OrgScopedAdmin

from . import services
from .configs import CONFIG_KEYS, coerce
from .models import Concept, Location, OrgConfig, Organization, PaymentMode, Store, Till, Zone


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "base_currency", "timezone", "is_active", "created_at")
    search_fields = ("name", "code")
    list_filter = ("is_active", "base_currency")
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        org = getattr(request.user, "org", None)
        return qs if request.user.is_superuser and org is None else qs.filter(pk=getattr(org, "pk", None))

    def has_add_permission(self, request):
        return request.user.is_superuser and getattr(request.user, "org", None) is None

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and getattr(request.user, "org", None) is None


@admin.register(Zone)
class ZoneAdmin(OrgScopedAdmin):
    list_display = ("code", "name", "parent", "is_active")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    list_filter = ("is_active",)


@admin.register(Concept)
class ConceptAdmin(OrgScopedAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")
    list_filter = ("is_active",)


class TillInline(admin.TabularInline):
    model = Till
    fields = ("code", "name", "type", "username", "is_default", "is_active")
    readonly_fields = ("username",)
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # tills need credentials: add them on the till screen


@admin.register(Store)
class StoreAdmin(OrgScopedAdmin):
    list_display = ("code", "name", "zone", "concept", "city", "external_id", "is_active")
    list_select_related = ("zone", "concept")
    search_fields = ("code", "name", "external_id", "city")
    list_filter = ("is_active", "admin_type")
    inlines = [TillInline]
    fieldsets = (
        (None, {"fields": ("org", "code", "name", "description", "zone", "concept", "admin_type", "is_active")}),
        ("External ids", {"fields": ("external_id", "external_id_1", "external_id_2")}),
        ("Contact and address", {"fields": ("email", "mobile", "land_line", "address", "area", "city", "state",
                                            "country", "pincode", "latitude", "longitude")}),
        ("Locale", {"fields": ("currency", "timezone", "language")}),
        ("Custom fields", {"fields": ("custom_fields",)}),
    )

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if self._is_operator(request):
            return sets
        first = (sets[0][0], {"fields": tuple(f for f in sets[0][1]["fields"] if f != "org")})
        return (first, *sets[1:])


class TillForm(forms.ModelForm):
    new_password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                                   help_text="API password for HTTP Basic. Stored only as a hash; leave blank to keep.")

    class Meta:
        model = Till
        fields = ("store", "code", "name", "description", "type", "admin_type", "username", "is_default", "is_active",
                  "access_groups", "custom_fields")


@admin.register(Till)
class TillAdmin(OrgScopedAdmin):
    form = TillForm
    list_display = ("code", "name", "store", "type", "username", "is_default", "is_active")
    list_select_related = ("store",)
    search_fields = ("code", "name", "username", "store__code")
    list_filter = ("type", "is_active")
    filter_horizontal = ("access_groups",)

    def save_model(self, request, obj, form, change):
        password = form.cleaned_data.get("new_password")
        if password:
            obj.set_api_password(password)
        super().save_model(request, obj, form, change)


class OrgConfigForm(forms.ModelForm):
    key = forms.ChoiceField(choices=())

    class Meta:
        model = OrgConfig
        fields = ("key", "value", "store")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, f"{k} — {c.description}") for k, c in sorted(CONFIG_KEYS.items())]

    def clean(self):
        cleaned = super().clean()
        meta = CONFIG_KEYS.get(cleaned.get("key"))
        if meta is None:
            return cleaned
        if cleaned.get("store") and not meta.store_scoped:
            raise ValidationError({"store": f"{meta.key} cannot be set per store."})
        try:
            cleaned["value"] = coerce(meta, cleaned.get("value"))
        except ValueError as exc:
            raise ValidationError({"value": str(exc)}) from None
        return cleaned


@admin.register(OrgConfig)
class OrgConfigAdmin(OrgScopedAdmin):
    form = OrgConfigForm
    list_display = ("key", "value", "store", "updated_at")
    list_select_related = ("store",)
    search_fields = ("key",)

    def save_model(self, request, obj, form, change):
        """Writes go through the service, which validates the value against the key's type."""
        org = obj.org if obj.org_id else self._org(request)
        saved = services.org_config_set(org=org, key=obj.key, value=obj.value, store=obj.store)
        obj.pk, obj.org = saved.pk, org


@admin.register(PaymentMode)
class PaymentModeAdmin(OrgScopedAdmin):
    list_display = ("name", "canonical_name", "description", "position", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("name", "canonical_name")


@admin.register(Location)
class LocationAdmin(OrgScopedAdmin):
    list_display = ("code", "label", "tags", "created_at")
    search_fields = ("code", "label")
