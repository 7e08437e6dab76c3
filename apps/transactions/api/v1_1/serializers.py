"""v1.1 transaction input shapes (snake_case, XML-shaped lists) mapped onto the services' BillInput.

The legacy bodies wrap lists the XML way (`line_items.line_item`, `extended_fields.field`, `payment_details.payment`)
and a one-element list may arrive as a bare object; `items_of` and `name_values` accept both.
"""
from __future__ import annotations

from rest_framework import serializers

from apps.core.api.serializers import InputSerializer
from apps.transactions.choices import LineType
from apps.transactions.services import BillInput, CustomerRef, LineInput, TenderInput

from ..fields import LenientDateTimeField, LooseBooleanField, MoneyField, QtyField, TextField


def items_of(container, key: str) -> list:
    """container[key] as a list: {"line_item": [..]} / {"line_item": {..}} / [..] / None."""
    if container in (None, "", []):
        return []
    if isinstance(container, list):
        return container
    if not isinstance(container, dict):
        raise serializers.ValidationError(f"must be an object with '{key}'")
    value = container.get(key)
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def name_values(container, key: str = "field", name_key: str = "name", value_key: str = "value") -> dict:
    """{name: value} of `{"field": [{"name", "value"}]}` (or of a plain {name: value} object)."""
    if isinstance(container, dict) and key not in container and all(not isinstance(v, (dict, list))
                                                                     for v in container.values()):
        return dict(container)
    out = {}
    for item in items_of(container, key):
        if isinstance(item, dict) and item.get(name_key) not in (None, ""):
            out[str(item[name_key])] = item.get(value_key)
    return out


class LineItemV11(InputSerializer):
    item_code = TextField(max_length=100)
    description = TextField(max_length=250)
    serial = TextField(max_length=50)
    qty = QtyField()
    rate = MoneyField()
    value = MoneyField()
    discount = MoneyField()
    discount_value = MoneyField()
    amount = MoneyField()
    category = TextField(max_length=100)
    brand = TextField(max_length=100)
    attributes = serializers.JSONField(required=False, default=dict)
    extended_fields = serializers.JSONField(required=False, default=dict)
    custom_fields = serializers.JSONField(required=False, default=dict)
    type = TextField(max_length=20)
    return_type = TextField(max_length=20)
    transaction_number = TextField(max_length=50)
    transaction_date = LenientDateTimeField()

    def to_line(self) -> LineInput:
        d = self.validated_data
        attributes = name_values(d["attributes"], "attribute")
        return LineInput(
            item_code=d["item_code"], description=d["description"], serial=d["serial"], qty=d.get("qty"),
            rate=d.get("rate"), value=d.get("value"), amount=d.get("amount"),
            discount=d.get("discount") if d.get("discount") is not None else d.get("discount_value"),
            category=d["category"] or str(attributes.pop("category", "") or ""),
            brand=d["brand"] or str(attributes.get("brand", "") or ""), attributes=attributes,
            extended_fields=name_values(d["extended_fields"]), custom_fields=name_values(d["custom_fields"]),
            type=(d["type"] or LineType.REGULAR).upper(), return_type=d["return_type"].upper(),
            parent_number=d["transaction_number"], purchase_time=d.get("transaction_date"),
        )


class CustomerV11(InputSerializer):
    id = TextField(max_length=30)
    user_id = TextField(max_length=30)
    mobile = TextField(max_length=30)
    email = TextField(max_length=254)
    external_id = TextField(max_length=100)
    card_details = serializers.DictField(required=False, default=dict)
    card_number = TextField(max_length=100)
    firstname = TextField(max_length=100)
    lastname = TextField(max_length=100)


class TransactionV11(InputSerializer):
    """One element of root.transaction of v1.1 transaction/add (and add_with_local_currency)."""

    type = serializers.CharField(max_length=30)
    number = serializers.CharField(max_length=100, allow_blank=True)
    bill_client_id = TextField(max_length=100)
    amount = MoneyField()
    gross_amount = MoneyField()
    discount = MoneyField()
    currency_code = TextField(max_length=3)
    notes = TextField(max_length=500)
    comment = TextField(max_length=500)
    billing_time = LenientDateTimeField()
    delivery_status = TextField(max_length=20)
    outlier_status = TextField(max_length=20)
    source = TextField(max_length=20)
    account_id = TextField(max_length=100)
    not_interested_reason = TextField(max_length=255)
    return_type = TextField(max_length=20)
    parent_bill_number = TextField(max_length=50)
    purchase_time = LenientDateTimeField()
    store_code = TextField(max_length=50)
    till_code = TextField(max_length=50)
    customer = CustomerV11(required=False)
    redemptions = serializers.JSONField(required=False, default=dict)
    extended_fields = serializers.JSONField(required=False, default=dict)
    custom_fields = serializers.JSONField(required=False, default=dict)
    custom_fields_data = serializers.JSONField(required=False, default=dict)
    payment_details = serializers.JSONField(required=False, default=dict)
    line_items = serializers.JSONField(required=False, default=dict)

    def to_input(self, *, local_currency: bool = False) -> BillInput:
        d = self.validated_data
        lines = []
        for index, raw in enumerate(items_of(d["line_items"], "line_item")):
            if not isinstance(raw, dict):
                raise serializers.ValidationError({f"line_items[{index}]": "must be an object"})
            line = LineItemV11(data=raw)
            if not line.is_valid():
                raise serializers.ValidationError({f"line_items[{index}]": line.errors})
            lines.append(line.to_line())
        customer = d.get("customer") or {}
        card = (customer.get("card_details") or {}).get("card_number") or customer.get("card_number", "")
        ref = CustomerRef(identifiers={"id": customer.get("id") or customer.get("user_id", ""),
                                       "mobile": customer.get("mobile", ""), "email": customer.get("email", ""),
                                       "external_id": customer.get("external_id", ""), "card_number": card},
                          first_name=customer.get("firstname", ""), last_name=customer.get("lastname", ""),
                          source=d["source"], account_id=d["account_id"])
        custom = name_values(d["custom_fields"])
        custom.update(name_values(d["custom_fields_data"], "custom_data_item", "field_name", "field_value"))
        bill_type = d["type"].strip().upper()
        return BillInput(
            type=bill_type, number=d["number"], bill_client_id=d["bill_client_id"], amount=d.get("amount"),
            gross_amount=d.get("gross_amount"), discount=d.get("discount"), note=d["notes"] or d["comment"],
            billing_time=d.get("billing_time"), delivery_status=d["delivery_status"],
            outlier_status=d["outlier_status"], source=d["source"], account_id=d["account_id"],
            not_interested_reason=d["not_interested_reason"], return_type=d["return_type"],
            parent_number=d["parent_bill_number"], purchase_time=d.get("purchase_time"),
            currency_code=d["currency_code"], add_with_local_currency=local_currency,
            extended_fields=name_values(d["extended_fields"]), custom_fields=custom, lines=lines,
            tenders=tenders_of(d["payment_details"]), redemption_codes=redemption_ids(d["redemptions"]),
            customer=ref, store_code=d["store_code"], till_code=d["till_code"],
        )


def tenders_of(payment_details) -> list[TenderInput]:
    """payment_details.payment[]; the platform's sample pairs lists of modes and values in one item."""
    tenders = []
    for item in items_of(payment_details, "payment"):
        if not isinstance(item, dict):
            continue
        modes, values = item.get("mode"), item.get("value")
        modes = modes if isinstance(modes, list) else [modes]
        values = values if isinstance(values, list) else [values] * len(modes)
        attributes = name_values(item.get("attributes") or {}, "attribute")
        for mode, value in zip(modes, values):
            if mode in (None, ""):
                continue
            amount = MoneyField().run_validation(value if value not in (None, "") else "0")
            tenders.append(TenderInput(mode=str(mode), value=amount, notes=str(item.get("notes") or ""),
                                       attributes=attributes))
    return tenders


def redemption_ids(redemptions) -> list[str]:
    if not isinstance(redemptions, dict):
        return []
    points = redemptions.get("points_redemptions") or {}
    ids = points.get("id") if isinstance(points, dict) else points
    if ids in (None, ""):
        return []
    return [str(i) for i in (ids if isinstance(ids, list) else [ids]) if str(i).strip()]


class TransactionUpdateV11(InputSerializer):
    id = TextField(max_length=30)
    number = TextField(max_length=50)
    type = TextField(max_length=30)
    notes = TextField(max_length=500)
    customer = CustomerV11(required=False)
    extended_fields = serializers.JSONField(required=False, default=dict)
    custom_fields = serializers.JSONField(required=False, default=dict)
    delivery_status = TextField(max_length=20)


class TransactionGetQueryV11(InputSerializer):
    id = TextField(max_length=30)
    number = TextField(max_length=50)
    store_code = TextField(max_length=50)
    till_code = TextField(max_length=50)
    type = TextField(max_length=30)
    date = serializers.DateField(required=False, allow_null=True)
    tenders = LooseBooleanField()
    credit_notes = LooseBooleanField()
    user_id = LooseBooleanField()


class CustomerTransactionsQueryV11(InputSerializer):
    mobile = TextField(max_length=30)
    email = TextField(max_length=254)
    external_id = TextField(max_length=100)
    id = TextField(max_length=30)
    user_id = TextField(max_length=30)
    card_number = TextField(max_length=100)
    number = TextField(max_length=50)
    transaction_id = TextField(max_length=30)
    store_code = TextField(max_length=50)
    start_id = serializers.IntegerField(required=False, min_value=1)
    end_id = serializers.IntegerField(required=False, min_value=1)
    start_date = LenientDateTimeField()
    end_date = LenientDateTimeField()
    sort = TextField(max_length=20)
    order = TextField(max_length=4)
    points_breakup = LooseBooleanField()
    custom_fields = LooseBooleanField()
