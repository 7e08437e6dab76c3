"""The rules engine's view of a bill: an EventContext built from a bill, its lines and tenders.

One builder serves earning (a saved bill), simulation (an unsaved bill) and the rules app's backtests
(selectors.bill_context), so a rule sees exactly the same facts in all three.
"""
from __future__ import annotations

from .choices import LineType

EVENT_BILL_ADDED = "BILL_ADDED"
EVENT_BILL_RETURNED = "BILL_RETURNED"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def bill_facts(bill, lines, tenders) -> dict:
    """The `bill` part of the context. An exchange's amount is that of its sold lines (the platform's `amount` of a
    mixed bill; computed from them when the client leaves it out)."""
    return {
        "number": bill.number, "type": bill.type, "amount": bill.amount, "gross_amount": bill.gross_amount,
        "discount": bill.discount, "billing_time": bill.billing_time,
        "payment_modes": [{"mode": t.mode, "value": t.value} for t in tenders],
        "extended_fields": dict(bill.extended_fields or {}), "custom_fields": dict(bill.custom_fields or {}),
        "currency": bill.currency, "source": bill.source,
    }


def line_facts(lines) -> list[dict]:
    """The sold lines, indexed by their position in the bill (line_points of an evaluation use these indexes)."""
    return [{
        "index": line.position, "item_code": line.item_code, "description": line.description, "qty": line.qty,
        "rate": line.rate, "value": line.value, "discount": line.discount, "amount": line.amount,
        "category": line.category, "brand": line.brand, "attributes": dict(line.attributes or {}),
    } for line in lines if line.type == LineType.REGULAR]


def customer_facts(customer, *, label_names: list[str], tier: dict | None = None) -> dict:
    if customer is None:
        return {}
    return {"id": customer.pk, "labels": label_names, "tier": tier, "registered_on": _iso(customer.registered_on),
            "loyalty_type": customer.loyalty_type, "extended_fields": dict(customer.extended_fields or {})}


def customer_label_names(*, org, customer) -> list[str]:
    """Names of the labels the customer carries now (one query)."""
    if customer is None or customer.pk is None:
        return []
    from apps.labels.selectors import customer_label_names_query

    return list(customer_label_names_query(org=org, customer_ref=customer.pk))


def context_build(*, bill, lines, tenders, customer, program, event_type: str = EVENT_BILL_ADDED,
                  label_names: list[str] | None = None):
    """An EventContext for the bill (saved or not); lines and tenders are lists already in memory."""
    from apps.rules.engine import EventContext
    from apps.rules.hooks import customer_tier

    if label_names is None:
        label_names = customer_label_names(org=bill.org, customer=customer)
    return EventContext(
        event_type=event_type, occurred_at=bill.billing_time, org=bill.org, program=program, customer=customer,
        store=bill.store, bill=bill_facts(bill, lines, tenders), lines=line_facts(lines),
        attributes={"customer": customer_facts(customer, label_names=label_names,
                                               tier=customer_tier(org=bill.org, customer=customer, program=program)),
                    "event": {}},
    )
