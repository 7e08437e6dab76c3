"""v2 transaction input shapes (camelCase) and their mapping onto the services' BillInput."""
from __future__ import annotations

from rest_framework import serializers

from apps.core.api.serializers import InputSerializer

from apps.transactions.choices import BillType, LineType
from apps.transactions.services import BillInput, CustomerRef, LineInput, TenderInput

from ..fields import LenientDateTimeField, LooseBooleanField, MoneyField, QtyField, TextField


class LineItemV2(InputSerializer):
    itemCode = TextField(max_length=100)
    description = TextField(max_length=250)
    serial = TextField(max_length=50)
    qty = QtyField()
    rate = MoneyField()
    value = MoneyField()
    discount = MoneyField()
    amount = MoneyField()
    category = TextField(max_length=100)
    brand = TextField(max_length=100)
    attributes = serializers.DictField(required=False, default=dict)
    extendedFields = serializers.DictField(required=False, default=dict)
    customFields = serializers.DictField(required=False, default=dict)
    type = TextField(max_length=20)
    returnType = TextField(max_length=20)
    parentBillNumber = TextField(max_length=50)
    purchaseTime = LenientDateTimeField()
    returnable = serializers.BooleanField(required=False, default=True)
    returnableDays = serializers.IntegerField(required=False, default=-1)

    @staticmethod
    def to_line(d: dict) -> LineInput:
        return LineInput(
            item_code=d["itemCode"], description=d["description"], serial=d["serial"], qty=d.get("qty"),
            rate=d.get("rate"), value=d.get("value"), discount=d.get("discount"), amount=d.get("amount"),
            category=d["category"], brand=d["brand"], attributes=d["attributes"], extended_fields=d["extendedFields"],
            custom_fields=d["customFields"], type=(d["type"] or LineType.REGULAR).upper(),
            return_type=d["returnType"].upper(), parent_number=d["parentBillNumber"], purchase_time=d.get("purchaseTime"),
            returnable=d["returnable"], returnable_days=d["returnableDays"],
        )


class PaymentModeV2(InputSerializer):
    mode = TextField(max_length=50)
    value = MoneyField()
    notes = TextField(max_length=250)
    attributes = serializers.DictField(required=False, default=dict)


class RedemptionsV2(InputSerializer):
    pointsRedemptions = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    couponRedemptions = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class AttributionCreatedByV2(InputSerializer):
    code = TextField(max_length=50)
    type = TextField(max_length=20)


class AttributionV2(InputSerializer):
    createDate = LenientDateTimeField()
    createdBy = AttributionCreatedByV2(required=False)


class TransactionInputV2(InputSerializer):
    """POST /v2/transactions body (and each element of /bulk, which adds the customer's identifier)."""

    type = serializers.CharField(max_length=30)
    returnType = TextField(max_length=20)
    billNumber = serializers.CharField(max_length=100, allow_blank=True)
    id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    billAmount = MoneyField()
    billingDate = LenientDateTimeField()
    discount = MoneyField()
    grossAmount = MoneyField()
    note = TextField(max_length=500)
    outlierStatus = TextField(max_length=20)
    deliveryStatus = TextField(max_length=20)
    notInterestedReason = TextField(max_length=255)
    currencyCode = TextField(max_length=3)
    addWithLocalCurrency = LooseBooleanField()
    customFields = serializers.DictField(required=False, default=dict)
    extendedFields = serializers.DictField(required=False, default=dict)
    purchaseTime = LenientDateTimeField()
    paymentModes = PaymentModeV2(many=True, required=False, default=list)
    redemptions = RedemptionsV2(required=False)
    lineItemsV2 = LineItemV2(many=True, required=False, default=list)
    attribution = AttributionV2(required=False)
    tillCode = TextField(max_length=50)

    def to_input(self, *, customer: CustomerRef, source: str = "", account_id: str = "") -> BillInput:
        d = self.validated_data
        lines = [LineItemV2.to_line(item) for item in d["lineItemsV2"]]
        bill_type = d["type"].strip().upper()
        # The platform's exchange sample is a REGULAR bill carrying RETURN lines: that is a MIXED bill.
        if bill_type == BillType.REGULAR and any(line.type == LineType.RETURN for line in lines):
            bill_type = BillType.MIXED
        is_return = bill_type in (BillType.RETURN, BillType.NOT_INTERESTED_RETURN)
        created_by = (d.get("attribution") or {}).get("createdBy") or {}
        till_code = d["tillCode"] or (created_by.get("code", "") if created_by.get("type", "TILL").upper() == "TILL" else "")
        store_code = created_by.get("code", "") if created_by.get("type", "").upper() in ("STORE", "STORE_CODE") else ""
        redemptions = d.get("redemptions") or {}
        return BillInput(
            type=bill_type, number=d["billNumber"], billing_time=d.get("billingDate"), amount=d.get("billAmount"),
            gross_amount=d.get("grossAmount"), discount=d.get("discount"), note=d["note"],
            return_type=d["returnType"], parent_id=d.get("id") if is_return else None,
            parent_number=d["billNumber"] if is_return else "", purchase_time=d.get("purchaseTime"),
            delivery_status=d["deliveryStatus"], outlier_status=d["outlierStatus"], source=source,
            account_id=account_id, not_interested_reason=d["notInterestedReason"], currency_code=d["currencyCode"],
            add_with_local_currency=d["addWithLocalCurrency"], extended_fields=d["extendedFields"],
            custom_fields=d["customFields"], lines=lines,
            tenders=[TenderInput(mode=t["mode"], value=t.get("value") or 0, notes=t["notes"],
                                 attributes=t["attributes"]) for t in d["paymentModes"]],
            redemption_codes=list(redemptions.get("pointsRedemptions") or []), customer=customer,
            till_code=till_code, store_code=store_code,
        )


class TransactionBulkItemV2(TransactionInputV2):
    identifierType = TextField(max_length=100)
    identifierName = TextField(max_length=100)
    identifierValue = TextField(max_length=300)
    source = TextField(max_length=20)
    accountId = TextField(max_length=100)

    def customer_ref(self) -> CustomerRef:
        d = self.validated_data
        return CustomerRef(identifier_name=d["identifierType"] or d["identifierName"],
                           identifier_value=d["identifierValue"], source=d["source"], account_id=d["accountId"])


class CustomerQueryV2(InputSerializer):
    """identifierName / identifierValue / source / accountId of the transaction endpoints' query string."""

    identifierName = TextField(max_length=100)
    identifierValue = TextField(max_length=300)
    source = TextField(max_length=20)
    accountId = TextField(max_length=100)
    rawSideEffects = LooseBooleanField()

    def customer_ref(self) -> CustomerRef:
        d = self.validated_data
        return CustomerRef(identifier_name=d["identifierName"], identifier_value=d["identifierValue"],
                           source=d["source"], account_id=d["accountId"])


class TransactionUpdateV2(InputSerializer):
    id = serializers.IntegerField(required=False, allow_null=True)
    number = TextField(max_length=50)
    extendedFields = serializers.DictField(required=False, default=dict)
    customFields = serializers.DictField(required=False, default=dict)
    deliveryStatus = TextField(max_length=20)
    loyaltyPromotionIdentifiers = serializers.ListField(required=False, default=list)
    tillCode = TextField(max_length=50)


class TransactionGetQueryV2(InputSerializer):
    type = TextField(max_length=30)
    tenders = LooseBooleanField()
    credit_notes = LooseBooleanField()
    mlp = LooseBooleanField()
    points_breakup = LooseBooleanField()


class CustomerTransactionsQueryV2(InputSerializer):
    startDate = LenientDateTimeField()
    endDate = LenientDateTimeField()
    startId = serializers.IntegerField(required=False, min_value=1)
    endId = serializers.IntegerField(required=False, min_value=1)
    transactionId = TextField(max_length=2000)
    sortBy = TextField(max_length=20)
    sortOrder = TextField(max_length=4)
    embed = TextField(max_length=200)
    type = TextField(max_length=30)


class EvaluationLogSearchV2(InputSerializer):
    class Search(serializers.Serializer):
        transactionNumber = TextField(max_length=50)
        transactionId = serializers.IntegerField(required=False, min_value=1)

    search = Search()


class RejectedListQueryV2(InputSerializer):
    status = TextField(max_length=10)
    startDate = LenientDateTimeField()
    endDate = LenientDateTimeField()


class RejectedIdsV2(InputSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=100)
    reason = TextField(max_length=250)
