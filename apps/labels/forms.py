"""Back-office forms of customer labels."""
from __future__ import annotations

from django import forms

from .models import Label
from .selectors import label_limit, label_name_exists


class LabelAdminForm(forms.ModelForm):
    """The label screen; checks the org's rules up front so the service call in save_model succeeds."""

    org = None  # set per request by LabelAdmin.get_form

    class Meta:
        model = Label
        fields = ("name", "description", "is_active")

    def clean(self):
        cleaned = super().clean()
        org = cleaned.get("org") or self.org
        name = (cleaned.get("name") or "").strip()
        if org is None or not name:
            return cleaned
        if label_name_exists(org=org, name=name, exclude_pk=self.instance.pk):
            self.add_error("name", f"The org already has a label named “{name}”.")
        if self.instance.pk is None:
            limit = label_limit(org=org)
            if limit <= 0:
                raise forms.ValidationError("Set ORG_MAX_LABEL_COUNT for the org before adding labels.")
            if Label.objects.for_org(org).count() >= limit:
                raise forms.ValidationError(f"The org already has {limit} labels (ORG_MAX_LABEL_COUNT).")
        return cleaned


class TagWithLabelForm(forms.Form):
    """Which label the selected customers get (the org's active labels only)."""

    label = forms.ModelChoiceField(queryset=Label.objects.none(), empty_label=None)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = Label.objects.filter(is_active=True).select_related("org")
        if org is not None:
            labels = labels.filter(org=org)
        self.fields["label"].queryset = labels.order_by("org_id", "name", "id")
        if org is None:  # platform operators pick among every org's labels
            self.fields["label"].label_from_instance = lambda label: f"{label.name} ({label.org.name})"
