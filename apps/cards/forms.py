"""Back-office forms of cards."""
from __future__ import annotations

from django import forms
from django.db import transaction

from apps.core.errors import DomainError

from . import services
from .models import CardSeries
from .services import GENERATION_MAX_COUNT


class _DryRun(Exception):
    pass


class CardSeriesAdminForm(forms.ModelForm):
    """The series screen; runs the service in a rolled-back savepoint so its checks show as form errors."""

    org = None  # set per request by CardSeriesAdmin.get_form

    class Meta:
        model = CardSeries
        fields = ("code", "name", "type", "prefix", "suffix", "length", "offset", "method", "generation_enabled",
                  "is_active", "is_default", "trigger", "expiry_days", "max_active_cards_per_customer")

    def create_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"code": d.get("code"), "type": d.get("type"), "name": d.get("name") or "",
                "expiry_days": d.get("expiry_days"), "max_active_cards_per_customer": d.get("max_active_cards_per_customer"),
                "prefix": d.get("prefix") or "", "suffix": d.get("suffix") or "", "length": d.get("length") or None,
                "offset": d.get("offset"), "method": d.get("method"), "generation_enabled": d.get("generation_enabled"),
                "is_active": d.get("is_active"), "is_default": d.get("is_default"), "trigger": d.get("trigger")}

    def update_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"name": d.get("name"), "expiry_days": d.get("expiry_days"),
                "max_active_cards_per_customer": d.get("max_active_cards_per_customer"),
                "generation_enabled": d.get("generation_enabled"), "is_active": d.get("is_active"),
                "is_default": d.get("is_default")}

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.org is None:
            return cleaned
        try:
            with transaction.atomic():
                if self.instance.pk:
                    services.series_update(org=self.org, series=self.instance, **self.update_kwargs())
                else:
                    services.series_create(org=self.org, **self.create_kwargs())
                raise _DryRun
        except _DryRun:
            pass
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned

    def validate_unique(self):
        pass  # the org is not a form field; the service's checks above cover (org, code) and (org, format)


class GenerateCardsForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=GENERATION_MAX_COUNT, help_text="Numbers to generate.")
    description = forms.CharField(max_length=255, required=False)


class CardStatusForm(forms.Form):
    status_label = forms.ChoiceField(label="New status", choices=())
    reason = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status_label"].choices = choices
