"""v2 output shapes of the transaction family (times in ISO 8601 with the store's offset, money as numbers)."""
from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.utils import timezone
from django.utils.html import escape

from apps.core.api.envelopes import V2Envelope
from apps.transactions.choices import BillType, LineType

from ..common import zone_of


def iso(value, zone_name: str = "UTC") -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, zoneinfo.ZoneInfo(zone_name)).isoformat(timespec="seconds")


def num(value: Decimal | None):
    """A decimal as a JSON number with no float rounding artefacts (int when whole)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def entity(obj, kind: str) -> dict:
    if obj is None:
        return {}
    return {"id": obj.pk, "code": obj.code, "description": obj.description, "name": obj.name, "type": kind,
            "adminType": obj.admin_type, "isActive": obj.is_active, "isOuEnabled": False}


def line_v2(line) -> dict:
    return {
        "id": line.pk, "customerId": 0,
        "details": {
            "amount": num(line.amount), "description": line.description, "discount": num(line.discount),
            "itemCode": line.item_code, "qty": num(line.qty), "rate": num(line.rate), "serial": line.serial,
            "value": num(line.value), "returnable": line.returnable, "returnableDays": line.returnable_days,
            "attributes": line.attributes, "extendedFields": line.extended_fields, "customFields": line.custom_fields,
            "category": line.category, "brand": line.brand,
        },
        "type": line.type, "returnType": line.return_type,
        "outlierStatus": "NORMAL", "valid": True,
        "returnDetails": {"returnedQty": num(line.returned_qty), "returnedAmount": num(line.returned_amount)}
        if line.type == LineType.REGULAR and line.returned_qty else {},
        "parentLineItemId": line.parent_line_id,
        "returnLineItemsDtos": [], "niReturnLineItemsDtos": [], "addonDetails": [], "splitItemsDetails": [],
        "niReturn": False,
    }


def tender_v2(tender) -> dict:
    return {"id": tender.pk, "mode": tender.mode, "amount": num(tender.value), "notes": tender.notes,
            "attributes": tender.attributes, "orgPaymentModeId": tender.payment_mode_id}


def points_breakup(bill) -> dict:
    return {
        "awardedPoints": num(bill.points), "billLevelPoints": num(bill.bill_points),
        "returnedPoints": num(bill.points_returned), "reversedPoints": num(bill.points_reversed),
        "programId": bill.program_id,
        "lineItemPoints": [{"lineItemId": line.pk, "itemCode": line.item_code, "points": num(line.points),
                            "returnedPoints": num(line.points_returned)} for line in bill.lines.all() if line.points],
    }


def return_details(bill) -> dict:
    if bill.type in (BillType.RETURN, BillType.NOT_INTERESTED_RETURN):
        return {"canceled": False, "returnType": bill.return_type, "parentId": bill.parent_id,
                "parentBillNumber": bill.parent.number if bill.parent_id else None}
    return {"canceled": False, "returnMode": bill.return_mode or None, "returnedAmount": num(bill.returned_amount),
            "fullyReturned": bill.is_fully_returned}


def bill_v2(bill, *, tenders: bool = False, points: bool = False) -> dict:
    """GET /v2/transactions/{id} (and each item of getByBillNumber): lines and tenders prefetched."""
    zone = zone_of(bill)
    body = {
        "id": bill.pk, "customerId": bill.customer_id, "type": bill.type, "returnType": bill.return_type or None,
        "outlierStatus": bill.outlier_status, "deliveryStatus": bill.delivery_status, "source": bill.source.lower(),
        "attribution": {
            "createDate": iso(bill.created_at, zone),
            "createdBy": entity(bill.till, "TILL"), "modifiedBy": {}, "modifiedDate": iso(bill.updated_at, zone),
        },
        "billDetails": {
            "amount": num(bill.amount), "billingStore": entity(bill.store, "STORE"), "billNumber": bill.number,
            "billingTime": iso(bill.billing_time, zone), "billingTimeInputOffset": iso(bill.billing_time, zone)[-6:],
            "discount": num(bill.discount), "grossAmount": num(bill.gross_amount), "note": bill.note,
            "returnDetails": return_details(bill), "niReturnDetails": {}, "invalidBill": False,
        },
        "customFields": bill.custom_fields, "extendedFields": bill.extended_fields,
        "addWithLocalCurrency": bool(bill.local_currency),
        "currency": {"baseCurrency": bill.currency, "transactionCurrency": bill.local_currency or bill.currency,
                     "ratio": num(bill.conversion_ratio) if bill.conversion_ratio is not None else 1,
                     "localAmount": num(bill.local_amount)},
        "async": False, "useV2": True, "simulation": False, "ignorePoints": False, "useDefaultFleetGroup": False,
        "lineItems": [line_v2(line) for line in bill.lines.all()],
        "basketSize": num(sum((line.qty for line in bill.lines.all() if line.type == LineType.REGULAR), Decimal(0))),
        "autoUpdateTime": iso(bill.updated_at, zone),
        "returnDetails": return_details(bill), "niReturnDetails": {},
        "loyaltiesPointDetails": [], "billPointsBreakup": [points_breakup(bill)] if points else [],
        "warnings": [],
    }
    if tenders:
        body["paymentModes"] = [tender_v2(t) for t in bill.tenders.all()]
    return body


EMBEDS = ("BILL_CF", "BILL_EF", "ATTRIBUTION", "PAYMENT_MODES", "CREDIT_NOTES", "BILL_STORE_DETAILS", "BILL_POINTS")


def customer_transaction_v2(bill, embed: set[str]) -> dict:
    """An item of GET /v2/customers/{id}/transactions; optional blocks per `embed`."""
    zone = zone_of(bill)
    item = {
        "id": bill.pk, "customerId": bill.customer_id, "loyaltyLogId": bill.pk, "billingTime": iso(bill.billing_time, zone),
        "billNumber": bill.number, "type": bill.type, "returnType": bill.return_type or None, "notes": bill.note,
        "amount": num(bill.amount), "grossAmount": num(bill.gross_amount), "discount": num(bill.discount),
        "outlierStatus": bill.outlier_status, "deliveryStatus": bill.delivery_status,
        "billingStore": entity(bill.store, "STORE") if "BILL_STORE_DETAILS" in embed else {"id": bill.store_id,
                                                                                          "code": bill.store.code},
    }
    if "BILL_CF" in embed:
        item["customFields"] = bill.custom_fields
    if "BILL_EF" in embed:
        item["extendedFields"] = bill.extended_fields
    if "PAYMENT_MODES" in embed:
        item["paymentModes"] = [tender_v2(t) for t in bill.tenders.all()]
    if "CREDIT_NOTES" in embed:
        item["creditNotes"] = []
    if "ATTRIBUTION" in embed:
        item["attribution"] = {"createDate": iso(bill.created_at, zone), "createdBy": entity(bill.till, "TILL"),
                               "modifiedBy": {}, "modifiedDate": iso(bill.updated_at, zone)}
    if "BILL_POINTS" in embed:
        breakup = points_breakup(bill)
        item["billPoints"] = {"pointsBreakup": breakup["lineItemPoints"],
                              "aggregatedBillPoints": {"awardedPoints": breakup["awardedPoints"],
                                                       "billLevelPoints": breakup["billLevelPoints"],
                                                       "returnedPoints": breakup["returnedPoints"]}}
    return item


def side_effects(result) -> list[dict]:
    """`sideEffects` of an add: points awarded (a return reports the points it took back as negative)."""
    effects = []
    if result.points_awarded:
        effects.append({"entityType": "USER", "rawAwardedPoints": num(result.points_awarded),
                        "awardedPoints": num(result.points_awarded), "type": "points"})
    if result.points_reversed:
        effects.append({"entityType": "USER", "rawAwardedPoints": num(-result.points_reversed),
                        "awardedPoints": num(-result.points_reversed), "type": "points"})
    return effects


def raw_side_effects(result) -> list[dict]:
    """`rawSideEffects` (all values strings, as the platform sends them): one AWARD per applied effect."""
    bill = result.bill
    rows = []
    for effect in result.effects:
        rows.append({"type": "AWARD", "awardOn": "BILL", "billNumber": bill.number, "customerId": str(bill.customer_id),
                     "points": str(effect.get("points", "")), "programId": str(bill.program_id or ""),
                     "sourceType": "Bill", "sourceId": str(bill.pk), "ruleId": str(effect.get("ruleId", "")),
                     "effectType": str(effect.get("type", effect.get("effect_type", "")))})
    return rows


def add_response(result, *, raw: bool = False) -> dict:
    customer = result.customer
    body = {
        "createdId": result.bill.pk, "warnings": [V2Envelope.error_item(w) for w in result.warnings], "errors": [],
        "sideEffects": [] if raw else side_effects(result), "loyaltyDetails": [],
        "customerInfo": {"firstName": customer.first_name, "lastName": customer.last_name} if customer else {},
    }
    if raw:
        body["rawSideEffects"] = raw_side_effects(result)
    return body


def evaluation_tree(log: list[dict]) -> str:
    """The stored log as the small HTML tree the platform's `evaluationTree` is (escaped, one div per rule)."""
    parts = ["<div class=\"RuleSets\">"]
    for item in log:
        verdict = "matched" if item.get("matched") else "not matched"
        parts.append(f"<div class=\"Rule\" data-id=\"{escape(item.get('ruleId', ''))}\">"
                     f"{escape(item.get('ruleName', ''))}: {verdict}. {escape(item.get('reason', ''))}</div>")
    parts.append("</div>")
    return "".join(parts)


def evaluation_log_v2(bill) -> dict:
    return {
        "id": str(bill.pk), "customerId": bill.customer_id, "date": iso(bill.billing_time, zone_of(bill)),
        "eventName": "TransactionAdd", "orgId": bill.org_id, "transactionId": bill.pk,
        "transactionNumber": bill.number, "evaluationTree": evaluation_tree(bill.evaluation_log),
        "evaluationLog": bill.evaluation_log, "effects": bill.effects,
    }


def rejected_v2(row) -> dict:
    return {
        "id": row.pk, "billNumber": row.number, "type": row.type, "status": row.status,
        "billingTime": iso(row.billing_time), "storeCode": row.store.code if row.store else None,
        "tillCode": row.till.code if row.till else None, "customer": row.customer_reference, "reasons": row.reasons,
        "attempts": row.attempts, "transactionId": row.bill_id, "failedReason": row.failed_reason,
        "createdOn": iso(row.created_at), "updatedOn": iso(row.updated_at), "payload": row.payload,
    }


def loyalty_details(*, org, customer) -> list[dict]:
    """`loyaltyDetails` of PUT /v2/transactions: the customer's figures in each programme (one query)."""
    from apps.points.selectors import balances_for, program_list

    rows = balances_for(org=org, customer=customer, programs=list(program_list(org=org)), now=timezone.now())
    return [{
        "programId": row.program.pk, "programTitle": row.program.name, "programDescription": row.program.description,
        "programPointsToCurrencyRatio": num(row.program.point_value), "loyaltyId": customer.pk,
        "loyaltyPoints": num(row.available), "lifetimePoints": num(row.figure("lifetime_earned")),
        "redeemed": num(row.figure("redeemed")), "expired": num(row.figure("expired")),
        "returned": num(row.figure("revoked")), "adjusted": num(row.figure("adjusted")),
        "delayedPoints": num(row.promised), "delayedReturnedPoints": num(row.promised_returned),
        "totalAvailablePoints": num(row.available), "totalReturnedPoints": num(row.figure("revoked")),
    } for row in rows]
