"""Back-office forms of coupons: the series editor, issue to a label, upload codes."""
from __future__ import annotations

from django import forms

from apps.labels.models import Label

from .choices import UploadIdentifier
from .errors import CouponError
from .models import CouponSeries
from .services import series_settings_check
from .services.series import EDITABLE


class CouponSeriesAdminForm(forms.ModelForm):
    """Every documented setting; checked with the service's own rules so save_model's service call succeeds."""

    org = None  # set per request by CouponSeriesAdmin.get_form

    class Meta:
        model = CouponSeries
        fields = sorted(EDITABLE - {"series_code"})

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.org is None:
            return cleaned
        probe = CouponSeries(pk=self.instance.pk, org=self.org,
                             **{k: v for k, v in cleaned.items() if k in EDITABLE})
        try:
            series_settings_check(org=self.org, series=probe)
        except CouponError as exc:
            raise forms.ValidationError(exc.message) from None
        return cleaned


class IssueToLabelForm(forms.Form):
    label = forms.ModelChoiceField(queryset=Label.objects.none(), empty_label=None)
    notify = forms.BooleanField(required=False, initial=False, help_text="Send each customer their coupon")

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].queryset = Label.objects.for_org(org).filter(is_active=True).order_by("name")


class UploadCodesForm(forms.Form):
    file = forms.FileField(help_text="CSV: one code per row, or customer identifier, code")
    customer_identifier = forms.ChoiceField(choices=UploadIdentifier.choices, initial=UploadIdentifier.NOT_TAGGED)
    identifier_column = forms.TypedChoiceField(choices=((0, "First column"), (1, "Second column")), coerce=int,
                                               initial=0)
