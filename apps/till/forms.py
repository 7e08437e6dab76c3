"""Forms of the till screens: shape and type only. Rules and their error messages come from the domain services."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.fields.choices import ENUM_TYPES, ExtendedFieldDataType

POINTS_MAX = Decimal("99999999")


class TillForm(forms.Form):
    """Adds a service's DomainError to the form: on the field it names when the form has it, else on the form."""

    field_aliases: dict[str, str] = {}

    def add_domain_error(self, exc: DomainError) -> None:
        name = (exc.field or "").strip()
        name = self.field_aliases.get(name, name)
        if name.startswith("extendedFields."):
            name = "ef_" + name.split(".", 1)[1]
        message = f"{exc.message} ({exc.code})"
        self.add_error(name if name in self.fields else None, message)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    till = forms.CharField(label=_("Till code (optional)"), max_length=50, required=False,
                           help_text=_("Leave empty to use your assigned till or the store's default till."))


class PinLoginForm(forms.Form):
    """The till signs in with its own API credentials; the staff member adds their username (or staff code) and PIN."""

    till_username = forms.CharField(label=_("Till username"), max_length=100,
                                    widget=forms.TextInput(attrs={"autocomplete": "username"}))
    till_password = forms.CharField(label=_("Till password"), max_length=128,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    staff = forms.CharField(label=_("Your username or staff code"), max_length=150,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}))
    pin = forms.CharField(label=_("PIN"), max_length=8, min_length=4,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class EnrolForm(TillForm):
    """Identifiers and names, plus one field per active customer extended field of the org (prefix ef_)."""

    field_aliases = {"externalId": "external_id", "cardnumber": "card_number", "identifiers": "mobile",
                     "firstname": "first_name", "lastname": "last_name"}

    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    email = forms.CharField(label=_("Email"), max_length=255, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    external_id = forms.CharField(label=_("External id"), max_length=150, required=False)
    card_number = forms.CharField(label=_("Card number"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)

    def __init__(self, *args, required_identifiers=(), extended_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in required_identifiers:
            self.fields[name].required = True
        self.extended_names = []
        for definition in extended_fields:
            key = f"ef_{definition.name}"
            self.extended_names.append((key, definition.name))
            label = definition.label or definition.name
            if definition.data_type in ENUM_TYPES and definition.enum_values:
                choices = [("", "—")] + [(v, v) for v in definition.enum_values]
                field = forms.ChoiceField(label=label, choices=choices, required=definition.is_mandatory)
            elif definition.data_type == ExtendedFieldDataType.DATE:
                field = forms.CharField(label=label, required=definition.is_mandatory,
                                        widget=forms.DateInput(attrs={"type": "date"}))
            else:
                field = forms.CharField(label=label, required=definition.is_mandatory,
                                        max_length=definition.max_length or 255)
            self.fields[key] = field

    def identifiers(self) -> list[dict]:
        d = self.cleaned_data
        pairs = (("mobile", "mobile"), ("email", "email"), ("externalId", "external_id"),
                 ("cardnumber", "card_number"))
        return [{"type": kind, "value": d[name].strip()} for kind, name in pairs if d.get(name, "").strip()]

    def extended_values(self) -> dict:
        return {name: self.cleaned_data[key] for key, name in self.extended_names
                if self.cleaned_data.get(key) not in (None, "")}


class RedeemPointsForm(TillForm):
    field_aliases = {"points": "points", "validationCode": "code", "validation_code": "code",
                     "transactionNumber": "bill_number", "billNumber": "bill_number"}

    points = forms.DecimalField(label=_("Points to redeem"), min_value=Decimal("0.001"), max_value=POINTS_MAX,
                                decimal_places=3, widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                                  "autofocus": True}))
    bill_number = forms.CharField(label=_("Bill number"), max_length=64)
    code = forms.CharField(label=_("Validation code"), max_length=12, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    # Drawn when the screen is first shown: a repeated submit of the same screen redeems once.
    nonce = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput,
                             error_messages={"required": _("The form has expired; open the screen again."),
                                             "invalid": _("The form has expired; open the screen again.")})


class RedeemCouponForm(TillForm):
    field_aliases = {"transactionNumber": "bill_number", "validationCode": "validation_code"}

    code = forms.CharField(label=_("Coupon code"), max_length=64,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    bill_number = forms.CharField(label=_("Bill number"), max_length=64)
    bill_amount = forms.DecimalField(label=_("Bill amount"), min_value=Decimal(0), decimal_places=2, required=False)
    validation_code = forms.CharField(label=_("Coupon validation code (if asked)"), max_length=20, required=False)


class IssueCouponForm(TillForm):
    series = forms.TypedChoiceField(label=_("Offer"), coerce=int)

    def __init__(self, *args, series_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = list(series_choices)


class ReturnFindForm(forms.Form):
    number = forms.CharField(label=_("Original bill number"), max_length=50,
                             widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
