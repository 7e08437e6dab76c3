"""Back office: set a staff member's till PIN (stored hashed through services.staff_pin_set)."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import OrgScopedAdmin
from apps.staff.models import User

from . import services
from .models import StaffPin


class StaffPinForm(forms.ModelForm):
    pin = forms.CharField(label=_("New PIN"), widget=forms.PasswordInput(render_value=False), min_length=4,
                          max_length=8, help_text=_("4 to 8 digits. Only its hash is kept."))

    class Meta:
        model = StaffPin
        fields = ("user",)


@admin.register(StaffPin)
class StaffPinAdmin(OrgScopedAdmin):
    form = StaffPinForm
    list_display = ("user", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__code")
    ordering = ("user__username",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            org = self._org(request)
            users = User.objects.filter(is_active=True).exclude(role="")
            kwargs["queryset"] = users.filter(org=org) if org is not None else users.filter(org__isnull=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = services.staff_pin_set(org=obj.user.org, user=obj.user, pin=form.cleaned_data["pin"])
        obj.pk, obj.pin_hash, obj.org_id = saved.pk, saved.pin_hash, saved.org_id

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Checked(form):
            def clean(self_inner):
                data = super().clean()
                pin = data.get("pin", "")
                if pin and (not pin.isdigit() or len(set(pin)) == 1):
                    self_inner.add_error("pin", _("A PIN is 4 to 8 digits, not all the same."))
                return data
        return Checked
