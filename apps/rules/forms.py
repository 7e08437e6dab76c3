"""Admin forms: a rule (checked with the same functions the services use) and a backtest request."""
from __future__ import annotations

from django import forms

from .choices import RuleStatus, Weekday
from .effects import EFFECTS, effects_clean
from .errors import RuleConditionInvalid, RuleEffectsInvalid
from .expressions import condition_check
from .models import Backtest, Rule

CONDITION_HELP = (
    "A CEL expression, e.g. bill.amount >= 1000.0 && lines.exists(l, l.category == \"Footwear\"). Names: bill, "
    "lines, customer, tier, store, time (hour, weekday 1-7, ...), event. Amounts are decimals: write 100.0. "
    "Empty: always true.")


def _names(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class RuleAdminForm(forms.ModelForm):
    days_of_week = forms.TypedMultipleChoiceField(choices=Weekday.choices, coerce=int, required=False,
                                                  widget=forms.CheckboxSelectMultiple,
                                                  help_text="None ticked: every day.")
    audience_labels = forms.CharField(required=False, help_text="Label names, comma-separated; empty: everyone.")
    audience_tiers = forms.CharField(required=False, help_text="Tier names or numbers, comma-separated; empty: all.")

    class Meta:
        model = Rule
        fields = ("program", "name", "description", "event_type", "status", "priority", "condition", "effects",
                  "stop_if_false", "stop_on_error", "stop_after_match", "valid_from", "valid_until", "days_of_week",
                  "stores", "zones", "audience_labels", "audience_tiers", "max_points_per_bill",
                  "max_points_per_customer", "customer_cap_period", "budget_points", "allow_partial_on_cap")
        widgets = {"condition": forms.Textarea(attrs={"rows": 3, "cols": 100}),
                   "effects": forms.Textarea(attrs={"rows": 6, "cols": 100})}

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["condition"].help_text = CONDITION_HELP
        self.fields["effects"].help_text = ('Ordered list of {"type": ..., "params": {...}}. Types — '
                                            + " | ".join(effect.describe() for effect in EFFECTS.values()))
        if self.instance.pk:
            self.initial["audience_labels"] = ", ".join(self.instance.audience_labels or [])
            self.initial["audience_tiers"] = ", ".join(self.instance.audience_tiers or [])

    def clean_audience_labels(self):
        return _names(self.cleaned_data.get("audience_labels"))

    def clean_audience_tiers(self):
        return _names(self.cleaned_data.get("audience_tiers"))

    def clean_condition(self):
        condition = (self.cleaned_data.get("condition") or "").strip()
        try:
            condition_check(condition)
        except RuleConditionInvalid as exc:
            raise forms.ValidationError(exc.message) from None
        return condition

    def clean(self):
        data = super().clean()
        org = self.org or getattr(data.get("program"), "org", None)
        if "effects" in data:
            try:
                data["effects"] = effects_clean(data["effects"], org=org)
            except RuleEffectsInvalid as exc:
                self.add_error("effects", exc.message)
        if data.get("status") == RuleStatus.RUNNING and not data.get("effects") and "effects" not in self.errors:
            self.add_error("status", "A rule needs at least one effect to run.")
        return data


class BacktestForm(forms.ModelForm):
    class Meta:
        model = Backtest
        fields = ("rules", "start", "end")
        help_texts = {"rules": "Draft rules may be tested; bills come from the transactions of the date range.",
                      "start": "First day (org's time zone)", "end": "Last day, included"}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end must be on or after the start.")
        return data
