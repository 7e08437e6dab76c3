"""v1.1 input shapes of the customer family: plain serializers that check types and map the legacy field names
(`firstname`, `external_id`, `{"field": [{"name", "value"}]}` ...) onto the customer services' keyword arguments.

Values are accepted as strings or numbers (the platform's own samples send `"mobile": 919845012345` unquoted);
every rule about what a value may be lives in the services.
"""
from __future__ import annotations

import zoneinfo
from datetime import datetime

from rest_framework import serializers

from apps.customers.choices import IdentifierType, InteractionNetwork, Source

V11_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
# Lookup keys of a v1.1 item, in the order the customer is looked up by (see selectors.customer_find).
LOOKUP_KEYS = ("id", "user_id", "mobile", "email", "external_id", "card_number", "card_external_id")
# The v1.1 fraud status spellings that differ from ours (the add-customer sample sends "Fraud_Suspected").
FRAUD_STATUS_ALIASES = {"FRAUD_SUSPECTED": "MARKED"}


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, **kwargs)


class V11DateTimeField(serializers.Field):
    """`YYYY-MM-DD HH:MM:SS` (or a date) read in the organisation's time zone; blank is None."""

    default_error_messages = {"invalid": "Expected a date-time as YYYY-MM-DD HH:MM:SS"}

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        if not isinstance(data, str):
            self.fail("invalid")
        for fmt in V11_DATETIME_FORMATS:
            try:
                moment = datetime.strptime(data.strip(), fmt)
            except ValueError:
                continue
            return moment.replace(tzinfo=zoneinfo.ZoneInfo(self.context["org"].timezone))
        self.fail("invalid")

    def to_representation(self, value):
        return value


class NameValueListField(serializers.Field):
    """`{"field": [{"name": ..., "value": ...}]}` (one object in place of the list too) as [{"name", "value"}]."""

    default_error_messages = {"invalid": 'Expected {{"field": [{{"name": "...", "value": "..."}}]}}'}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("field", [])
        if data in (None, "", {}):
            return []
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            self.fail("invalid")
        pairs = []
        for entry in data:
            if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
                self.fail("invalid")
            value = entry.get("value")
            if isinstance(value, dict):
                self.fail("invalid")
            pairs.append({"name": str(entry["name"]).strip(), "value": value})
        return pairs

    def to_representation(self, value):
        return value


class WrappedListField(serializers.Field):
    """`{"<key>": [ ... ]}` or a bare list (or one object) of items validated by `child`."""

    default_error_messages = {"invalid": "Expected a list of objects"}

    def __init__(self, *, key: str, child: serializers.Serializer, **kwargs):
        self.key = key
        self.child = child
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.child.bind("", self)

    def to_internal_value(self, data):
        if isinstance(data, dict) and self.key in data:
            data = data[self.key]
        if data in (None, "", {}):
            return []
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
            self.fail("invalid")
        errors, values = {}, []
        for index, entry in enumerate(data):
            try:
                values.append(self.child.run_validation(entry))
            except serializers.ValidationError as exc:
                errors[index] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def to_representation(self, value):
        return value


class CustomerRefInputV11(serializers.Serializer):
    """The identifiers a v1.1 item names its customer by (`id`/`user_id`, `mobile`, `email`, `external_id`...)."""

    id = _text()
    user_id = _text()
    mobile = _text()
    email = _text()
    external_id = _text()
    card_number = _text()
    card_external_id = _text()

    def lookup(self) -> dict:
        return {key: self.validated_data[key] for key in LOOKUP_KEYS if self.validated_data.get(key)}


class SubscriptionInputV11(serializers.Serializer):
    channel = _text()
    priority = _text()
    is_subscribed = _text()
    scope = _text()

    @staticmethod
    def as_service(item: dict) -> dict:
        return {"channel": item.get("channel"), "priority": item.get("priority"),
                "is_subscribed": item.get("is_subscribed")}


class CardDetailsInputV11(serializers.Serializer):
    card_number = _text()
    series_code = _text()


class FraudStatusInputV11(serializers.Serializer):
    status = _text()
    reason = _text()


def _fraud_status(data: dict) -> tuple[str, str] | None:
    block = data.get("fraud_status") or {}
    status = str(block.get("status") or "").strip().upper()
    if not status:
        return None
    return FRAUD_STATUS_ALIASES.get(status, status), block.get("reason") or ""


class _ProfileInputV11(CustomerRefInputV11):
    firstname = _text(max_length=100)
    lastname = _text(max_length=100)
    registered_on = V11DateTimeField(required=False, allow_null=True)
    updated_on = _text()
    registered_till = _text()
    associated_with = _text()
    type = _text()
    extended_fields = NameValueListField(required=False)
    custom_fields = NameValueListField(required=False)
    subscriptions = WrappedListField(key="subscription", child=SubscriptionInputV11(), required=False)
    fraud_status = FraudStatusInputV11(required=False, allow_null=True)
    commChannels = serializers.ListField(child=serializers.DictField(), required=False, allow_null=True)

    def identifiers(self) -> list[dict]:
        d = self.validated_data
        return [{"type": kind, "value": d[key]} for key, kind in (
            ("mobile", IdentifierType.MOBILE), ("email", IdentifierType.EMAIL),
            ("external_id", IdentifierType.EXTERNAL_ID)) if d.get(key) not in (None, "")]

    def subscription_items(self) -> list[dict]:
        return [SubscriptionInputV11.as_service(item) for item in self.validated_data.get("subscriptions") or []]

    def fraud(self) -> tuple[str, str] | None:
        return _fraud_status(self.validated_data)

    def _associated_with(self) -> str:
        d = self.validated_data
        return d.get("associated_with") or d.get("registered_till") or ""


class CustomerAddInputV11(_ProfileInputV11):
    source = _text()
    accountId = _text()
    account_id = _text()
    referral_code = _text()
    card_details = CardDetailsInputV11(required=False, allow_null=True)
    series_code = _text()

    def identifiers(self) -> list[dict]:
        identifiers = super().identifiers()
        d = self.validated_data
        card = d.get("card_details") or {}
        number = card.get("card_number") or d.get("card_number")
        if number:
            series = card.get("series_code") or d.get("series_code")
            identifiers.append({"type": IdentifierType.CARD_NUMBER, "value": number,
                                **({"seriesCode": series} if series else {})})
        return identifiers

    def create_kwargs(self) -> dict:
        """Keyword arguments of services.customer_create."""
        d = self.validated_data
        return {
            "source": d.get("source") or Source.INSTORE, "account_id": d.get("accountId") or d.get("account_id") or "",
            "identifiers": self.identifiers(), "first_name": d.get("firstname") or "",
            "last_name": d.get("lastname") or "", "loyalty_type": d.get("type") or "LOYALTY",
            "comm_channels": d.get("commChannels") or None, "extended_fields": d.get("extended_fields") or None,
            "custom_fields": d.get("custom_fields") or None, "registered_on": d.get("registered_on"),
            "associated_with": self._associated_with(), "referred_by_code": d.get("referral_code") or "",
        }


class CustomerUpdateInputV11(_ProfileInputV11):
    def update_kwargs(self) -> dict:
        """Keyword arguments of services.customer_update: only what the item sends (None leaves a field as it is)."""
        d = self.validated_data
        kwargs = {"identifiers": self.identifiers() or None, "associated_with": self._associated_with() or None,
                  "extended_fields": d.get("extended_fields") or None, "custom_fields": d.get("custom_fields") or None,
                  "comm_channels": d.get("commChannels") or None, "loyalty_type": d.get("type") or None}
        for key, name in (("firstname", "first_name"), ("lastname", "last_name")):
            if d.get(key) is not None:
                kwargs[name] = d[key]
        return kwargs


class IdentityChangeInputV11(serializers.Serializer):
    identifier = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()


class NoteInputV11(serializers.Serializer):
    id = _text()
    date = V11DateTimeField(required=False, allow_null=True)
    description = _text()


class CustomerNotesInputV11(CustomerRefInputV11):
    notes = WrappedListField(key="note", child=NoteInputV11())


class TicketInputV11(serializers.Serializer):
    subject = _text()
    message = _text()
    status = _text(max_length=32)
    priority = _text()
    department = _text(max_length=100)
    ticket_code = _text(max_length=32)
    reported_from = _text()
    type = _text(max_length=20)
    custom_fields = NameValueListField(required=False)

    @staticmethod
    def create_kwargs(item: dict) -> dict:
        """Keyword arguments of services.customer_ticket_create."""
        return {"subject": item.get("subject") or "", "message": item.get("message") or "",
                "status": item.get("status") or "OPEN", "priority": item.get("priority") or "MEDIUM",
                "department": item.get("department") or "", "reported_from": item.get("reported_from") or "",
                "type": item.get("type") or "", "code": item.get("ticket_code") or None,
                "custom_fields": {pair["name"]: pair["value"] for pair in item.get("custom_fields") or []}}


class CustomerTicketsInputV11(CustomerRefInputV11):
    ticket = WrappedListField(key="ticket", child=TicketInputV11())


class StoreRefInputV11(serializers.Serializer):
    id = _text()
    code = _text()


class CustomerPreferencesInputV11(CustomerRefInputV11):
    store = StoreRefInputV11(required=False, allow_null=True)
    custom_fields = NameValueListField(required=False)


class CustomerSubscriptionInputV11(CustomerRefInputV11, SubscriptionInputV11):
    pass


class CustomerGetQueryV11(serializers.Serializer):
    user_id = serializers.BooleanField(required=False, default=False)
    coupon_limit = serializers.IntegerField(required=False, default=10, min_value=0, max_value=100,
                                            help_text="Coupons listed per customer (default 10, at most 100).")
    coupon_offset = serializers.IntegerField(required=False, default=0, min_value=0)
    coupon_order_by = serializers.ChoiceField(choices=["created_date", "created_by", "valid_till"], required=False,
                                              default="created_date")
    coupon_sort_order = serializers.ChoiceField(choices=["asc", "desc"], required=False, default="desc")
    mlp = serializers.BooleanField(required=False, default=False)
    gap_to_upgrade_for = serializers.IntegerField(required=False, min_value=0, max_value=36500,
                                                  help_text="With mlp=true: the upgrade gap per programme, "
                                                            "projected this many days from today.")
    gap_to_renew_for = serializers.IntegerField(required=False, min_value=0, max_value=36500,
                                                help_text="With mlp=true: the renewal gap per programme (left out "
                                                          "for the base tier or a tier that never expires).")


class InteractionQueryV11(serializers.Serializer):
    network = serializers.ChoiceField(choices=InteractionNetwork.values, required=False)
    type = serializers.CharField(required=False, max_length=20)
    start_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    end_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


class SubscriptionQueryV11(serializers.Serializer):
    channel = serializers.CharField(required=False)
    priority = serializers.CharField(required=False)
