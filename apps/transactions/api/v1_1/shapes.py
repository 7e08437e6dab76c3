"""v1.1 output shapes of the transaction family (times `YYYY-MM-DD HH:MM:SS` in the store's zone, values strings)."""
from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.utils import timezone

from apps.customers.api.v1_1.batch import item_status
from apps.customers.api.v1_1.shapes import contact, name_values
from apps.transactions.choices import BillType

from ..common import zone_of


def dt(value, zone_name: str) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, zoneinfo.ZoneInfo(zone_name)).strftime("%Y-%m-%d %H:%M:%S")


def text(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def customer_v11(customer, summary: dict) -> dict:
    """The customer block of a transaction answer (identifiers prefetched; summary from customer_summary)."""
    if customer is None:
        return {}
    return {
        "user_id": str(customer.pk), **{k: v or "" for k, v in contact(customer).items()},
        "firstname": customer.first_name, "lastname": customer.last_name,
        "lifetime_points": text(summary.get("lifetime_points")), "loyalty_points": text(summary.get("loyalty_points")),
        "current_slab": "", "tier_expiry_date": "", "lifetime_purchases": text(summary.get("lifetime_purchases")),
        "type": customer.loyalty_type, "source": customer.registered_source.lower(),
    }


def side_effects_v11(result) -> dict:
    effects = []
    if result.points_awarded:
        effects.append({"awarded_points": text(result.points_awarded), "type": "points"})
    return {"effect": effects}


def added_v11(result, summary: dict) -> dict:
    """An item of transaction/add: the bill, its customer and what it earned or took back."""
    bill = result.bill
    item = {
        "id": bill.pk, "number": bill.number, "bill_client_id": bill.bill_client_id, "type": bill.type,
        "return_type": bill.return_type, "delivery_status": bill.delivery_status,
        "parent_bill_number": bill.parent.number if bill.parent_id else "", "outlier_status": bill.outlier_status,
        "customer": customer_v11(result.customer, summary), "side_effects": side_effects_v11(result),
        "source": bill.source,
        "item_status": item_status(success=True, code=600, message="Transaction added successfully",
                                   warnings=result.warnings),
    }
    if bill.type in (BillType.RETURN, BillType.MIXED):
        item["points_deducted"] = text(result.points_reversed)
        item["points_balance"] = text(summary.get("loyalty_points"))
    return item


def line_v11(line, zone: str) -> dict:
    return {
        "type": line.type, "outlier_status": "NORMAL", "serial": line.serial, "item_code": line.item_code,
        "description": line.description, "qty": text(line.qty), "rate": text(line.rate), "value": text(line.value),
        "discount": text(line.discount), "amount": text(line.amount), "img_url": "",
        "returnable_days": str(line.returnable_days), "points": text(line.points),
        "extended_fields": {"field": name_values(line.extended_fields)},
        "attributes": {"attribute": name_values(line.attributes)},
    }


def bill_v11(bill, *, tenders: bool = False, with_user_id: bool = False, lines: bool = True) -> dict:
    """An item of transaction/get and of customer/transactions (lines and tenders prefetched)."""
    zone = zone_of(bill)
    item = {
        "id": str(bill.pk), "number": bill.number, "type": bill.type, "return_type": bill.return_type,
        "outlier_status": bill.outlier_status, "delivery_status": bill.delivery_status, "source": bill.source.lower(),
        "store": bill.store.name, "store_code": bill.store.code,
        "billing_till": {"code": bill.till.code, "name": bill.till.name} if bill.till_id else {},
        "billing_store": {"code": bill.store.code, "name": bill.store.name},
        "amount": text(bill.amount), "gross_amount": text(bill.gross_amount), "discount": text(bill.discount),
        "notes": bill.note, "billing_time": dt(bill.billing_time, zone), "auto_update_time": dt(bill.updated_at, zone),
        "parent_bill_number": bill.parent.number if bill.parent_id else "",
        "returned_points_on_bill": text(bill.points_returned),
        "points": {"issued": text(bill.points), "returned": text(bill.points_returned),
                   "returnedPointsOnBill": text(bill.points_returned), "program_id": str(bill.program_id or "")},
        "custom_fields": {"field": name_values(bill.custom_fields)},
        "extended_fields": {"field": name_values(bill.extended_fields)},
        "basket_size": text(sum((line.qty for line in bill.lines.all()), Decimal(0))),
    }
    if bill.local_currency:
        item["local_currency"] = {"ratio": text(bill.conversion_ratio), "base_currency": {"name": bill.currency},
                                  "transaction_currency": {"name": bill.local_currency},
                                  "amount": text(bill.local_amount), "value": text(bill.amount)}
    if with_user_id:
        item["customer"] = {"user_id": str(bill.customer_id or "")}
    if lines:
        item["line_items"] = {"line_item": [line_v11(line, zone) for line in bill.lines.all()]}
    if tenders:
        item["payment_details"] = {"payment": [{"mode": t.mode, "value": text(t.value), "notes": t.notes}
                                               for t in bill.tenders.all()]}
    return item
