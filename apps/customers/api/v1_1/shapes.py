"""v1.1 output shapes of the customer family (dates `YYYY-MM-DD HH:MM:SS` in the organisation's time zone).

Points, tier, coupon and transaction blocks of the legacy answers (`loyalty_points`, `current_slab`,
`points_summaries`, `coupons`, `transactions` ...) belong to other domains and are left out rather than invented.
"""
from __future__ import annotations

import json
import zoneinfo

from django.utils import timezone

from apps.customers.choices import Channel, IdentifierType, Priority

from .batch import collapse, item_status

PRIMARY_TYPES = {IdentifierType.MOBILE: "mobile", IdentifierType.EMAIL: "email",
                 IdentifierType.EXTERNAL_ID: "external_id"}
# The channels a v1.1 subscription answer always lists (the legacy API manages SMS and email).
V11_CHANNELS = (Channel.SMS, Channel.EMAIL)


def dt(value, org) -> str:
    if not value:
        return ""
    return timezone.localtime(value, zoneinfo.ZoneInfo(org.timezone)).strftime("%Y-%m-%d %H:%M:%S")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def name_values(values: dict) -> list[dict]:
    """`field[]` of a name -> value mapping, by name (the stored JSON keeps no order)."""
    return [{"name": name, "value": _text(value)} for name, value in sorted((values or {}).items())]


def contact(customer) -> dict:
    """mobile / email / external_id of a customer whose identifiers are prefetched (None when absent)."""
    out = {"mobile": None, "email": None, "external_id": None}
    for row in customer.identifiers.all():
        key = PRIMARY_TYPES.get(row.type)
        if key and out[key] is None:
            out[key] = row.value
    return out


def ref(customer, *, user_id_key: str = "user_id") -> dict:
    """The customer as the smaller v1.1 answers (notes, preferences, tickets) name it."""
    return {user_id_key: str(customer.pk), **{k: v or "" for k, v in contact(customer).items()}}


def subscription_rows(rows) -> list[dict]:
    return [{"channel": row.channel, "priority": row.priority, "scope": "ALL",
             "status": "1" if row.is_subscribed else "0"} for row in rows]


def profile(customer, org, *, subscriptions, code: int, message: str, warnings=()) -> dict:
    """An item of the customer/add and customer/update answers."""
    return {
        "user_id": customer.pk, "firstname": customer.first_name, "lastname": customer.last_name,
        **contact(customer),
        "registered_on": dt(customer.registered_on, org), "updated_on": dt(customer.updated_at, org),
        "type": customer.loyalty_type, "source": customer.registered_source.lower(),
        "fraud_status": customer.fraud_status,
        "custom_fields": {"field": name_values(customer.custom_fields)},
        "extended_fields": {"field": name_values(customer.extended_fields)},
        "subscriptions": {"subscription": subscription_rows(subscriptions)},
        "side_effects": {"effect": []},
        "item_status": item_status(success=True, code=code, message=message, warnings=warnings),
    }


def _code_name(obj) -> dict:
    return {"code": obj.code if obj else "", "name": obj.name if obj else ""}


def detail(customer, org, *, with_user_id: bool) -> dict:
    """An item of the customer/get answer."""
    item = {"user_id": customer.pk} if with_user_id else {}
    item.update({
        "firstname": customer.first_name, "lastname": customer.last_name, **contact(customer),
        "registered_on": dt(customer.registered_on, org), "updated_on": dt(customer.updated_at, org),
        "type": customer.loyalty_type, "source": customer.registered_source.lower(),
        "identifiers": [{"type": row.type, "value": row.value} for row in customer.identifiers.all()
                        if row.type not in PRIMARY_TYPES],
        "gender": customer.gender,
        "registered_by": customer.registered_till.code if customer.registered_till else "",
        "registered_store": _code_name(customer.registered_store),
        "registered_till": _code_name(customer.registered_till),
        "fraud_details": {"status": customer.fraud_status, "marked_by": customer.fraud_marked_by,
                          "modified_on": dt(customer.fraud_updated_at, org), "reason": customer.fraud_reason},
        "custom_fields": {"field": name_values(customer.custom_fields)},
        "extended_fields": {"field": name_values(customer.extended_fields)},
        "item_status": item_status(success=True, code=1000, message="Customer successfully retrieved"),
    })
    return item


def note(row, org, *, date_key: str) -> dict:
    return {"id": str(row.pk), date_key: dt(row.note_date, org), "description": row.description}


def ticket(row) -> dict:
    return {"code": row.code, "status": row.status, "priority": row.priority, "department": row.department,
            "subject": row.subject, "message": row.message,
            "custom_fields": {"field": collapse(name_values(row.custom_fields)) if row.custom_fields else []}}


def preferences(rows) -> dict:
    return {"field": [{"name": row.name, "value": row.value} for row in rows]}


def store(obj) -> dict:
    return {"id": str(obj.pk), "code": obj.code, "name": obj.name, "status": "SUCCESS"}


def channel_preferences(rows, *, channel: str | None = None, priority: str | None = None) -> list[dict]:
    """`channel[]` of a subscription answer: per channel and priority, the customer's choice or NOT_SET.

    A priority nobody chose counts as subscribed (the platform's default), as its sample answers show.
    """
    chosen = {(row.channel, row.priority): row.is_subscribed for row in rows}
    known = dict.fromkeys([*V11_CHANNELS, *(row.channel for row in rows)])
    channels = [name for name in known if not channel or name == channel]
    priorities = [p for p in Priority.values if not priority or p == priority]
    out = []
    for name in channels:
        levels = []
        for level in priorities:
            state = chosen.get((name, level))
            subscribed = state is not False
            levels.append({"name": level, "subscribed": "ALL" if subscribed else "",
                           "unsubscribed": "" if subscribed else "ALL",
                           "user_preference": "NOT_SET" if state is None else
                           ("SUBSCRIBED" if state else "UNSUBSCRIBED")})
        out.append({"name": name, "priority": levels})
    return out


def _message(row, org) -> dict:
    return {"id": str(row.pk), "sender": row.sender, "receiver": row.receiver, "subject": row.subject,
            "sent_time": dt(row.occurred_at, org), "status": row.status}


def interactions(rows, org) -> dict:
    """`interactions.network[]`: per network, per interaction type, its count and messages (newest first)."""
    networks: dict[str, dict[str, list]] = {}
    for row in rows:
        networks.setdefault(row.network, {}).setdefault(row.type, []).append(row)
    return {"network": [
        {"name": network, "interaction": collapse([
            {"type": kind, "count": str(len(group)),
             "messages": {"message": collapse([_message(row, org) for row in group])}}
            for kind, group in types.items()])}
        for network, types in networks.items()]}
