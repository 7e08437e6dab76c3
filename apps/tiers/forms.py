"""Back-office forms of the tiers domain (thin: shape and type only; services decide)."""
from __future__ import annotations

import json

from django import forms

from .choices import LadderChangeKind, ManualValidity, SlabAction
from .models import LadderChange, Tier


class SelectedAdjustmentForm(forms.Form):
    """Manual tier adjustment of customers picked on a changelist (the same choices as the v2 API's body)."""

    program = forms.ModelChoiceField(queryset=None, label="Programme")
    slab_action = forms.ChoiceField(choices=SlabAction.choices, label="Action")
    to_tier = forms.CharField(max_length=60, required=False, label="To tier (name)",
                              help_text="Upgrade / downgrade only.")
    validity = forms.ChoiceField(choices=ManualValidity.choices)
    validity_upto = forms.CharField(max_length=20, required=False, label="Days or date",
                                    help_text="Days for FIXED_DURATION, YYYY-MM-DD for SPECIFIC_DATE.")
    reassess_on_next_activity = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=255)

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class ManualAdjustmentForm(SelectedAdjustmentForm):
    """Manual tier adjustment of one customer, by id."""

    customer_id = forms.IntegerField(min_value=1, label="Customer id")
    field_order = ["customer_id", "program"]


class LadderChangeForm(forms.ModelForm):
    """Propose a ladder change; `params` per kind:
    INSERT {"name", "threshold"}, RETIRE {"tier_id"}, THRESHOLDS {"thresholds": {tier_id: threshold}}."""

    params = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), initial="{}",
                             help_text='INSERT {"name": "Gold Plus", "threshold": "3000"} · RETIRE {"tier_id": 7} · '
                                       'THRESHOLDS {"thresholds": {"7": "2000"}}')

    class Meta:
        model = LadderChange
        fields = ("program", "kind", "params", "move_down")

    def clean_params(self):
        try:
            value = json.loads(self.cleaned_data["params"] or "{}")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not JSON: {exc.msg}") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("An object is expected")
        return value

    def clean(self):
        from .errors import TierInvalid
        from .selectors import ladder
        from .services.ladder import proposed_ladder

        data = super().clean()
        program, kind = data.get("program"), data.get("kind")
        if program is not None and kind in LadderChangeKind.values and isinstance(data.get("params"), dict):
            probe = LadderChange(program=program, kind=kind, params=data["params"])
            try:
                tiers = ladder(org=program.org, program=program)
                if not tiers:
                    raise TierInvalid(detail="the programme has no tiers yet")
                proposed_ladder(probe, tiers)
            except TierInvalid as exc:
                raise forms.ValidationError(exc.message) from None
        return data


class TierAdminForm(forms.ModelForm):
    """A new tier goes on top of its programme's ladder: its threshold must exceed the top tier's."""

    class Meta:
        model = Tier
        fields = "__all__"

    def clean(self):
        from .selectors import ladder

        data = super().clean()
        program = data.get("program")
        if self.instance.pk is None and program is not None:
            tiers = ladder(org=program.org, program=program)
            threshold = data.get("threshold") or 0
            if tiers and threshold <= tiers[-1].threshold:
                self.add_error("threshold", f"Must be greater than {tiers[-1].name}'s {tiers[-1].threshold:f} "
                                            "(tiers are added on top; insert one through a ladder change).")
        return data
