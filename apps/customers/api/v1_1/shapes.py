"""v1.1 output shapes of the customer family (dates `YYYY-MM-DD HH:MM:SS` in the organisation's time zone).

customer/get carries the points, tier and purchase figures (`lifetime_points`, `lifetime_purchases`,
`loyalty_points`, `current_slab`, `tier_expiry_date` of the default programme, `points_summaries` per programme)
and the customer's recent `coupons`, all read by apps.customers.api.loyalty in a fixed number of queries. The
`transactions` block of the legacy answer is still left out (the bill history has its own endpoint).
"""
from __future__ import annotations

import json
import zoneinfo
from decimal import Decimal

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


def number(value) -> str:
    """A figure as the v1.1 answers print it: `2300`, `12.5` (exact, no float)."""
    if value is None:
        return ""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _slab_expiry(slab) -> str:
    return f"{slab.expires_on.isoformat()} 23:59:59" if slab is not None else ""


def gap_to_upgrade(gaps) -> dict:
    return {"upgrade_strategy": [
        {"upgrade_based_on": g.based_on, "upgrade_threshold": number(g.threshold),
         "customer_upgrade_entity_values": {"current_value": number(g.current), "gap_to_upgrade": number(g.gap),
                                            "value_valid_upto": g.valid_up_to.isoformat() if g.valid_up_to else ""}}
        for g in gaps]}


def gap_to_renew(renew) -> dict:
    return {"tier_expiry_date": renew.expires_on.isoformat(),
            "renew_confirmed": "true" if renew.verdict.renewed else "false",
            "renew_strategy": [{"renew_based_on": c["name"], "renew_entity_identifiers": {},
                                "renew_threshold": number(c["required"]),
                                "customer_renew_entity_value": number(c["actual"]),
                                "customer_gap_to_renew_value": number(c["shortfall"])}
                               for c in renew.verdict.conditions]}


def points_summary(figures, *, upgrade=None, renew=None) -> dict:
    """One `points_summaries.points_summary[]` item: a programme's points, purchases and tier; `upgrade` /
    `renew` (per programme id, given when asked with mlp=true) add gap_to_upgrade / gap_to_renew."""
    balance, slab = figures.balance, figures.slab
    nxt = slab.next if slab is not None else None
    item = {
        "programId": str(figures.program.pk), "redeemed": number(balance.figure("redeemed")),
        "expired": number(balance.figure("expired")), "returned": number(figures.returned),
        "adjusted": number(balance.figure("adjusted")), "lifetimePoints": number(balance.figure("lifetime_earned")),
        "loyaltyPoints": number(balance.available), "cumulativePurchases": number(figures.purchases),
        "currentSlab": slab.current.name if slab else "", "nextSlab": nxt.name if nxt else "",
        "nextSlabSerialNumber": str(nxt.serial) if nxt else "-1", "nextSlabDescription": nxt.description if nxt else "",
        "slabSNo": str(slab.current.serial) if slab else "", "slabExpiryDate": _slab_expiry(slab),
        "totalPoints": number(balance.available + balance.promised),
    }
    if upgrade is not None:
        item["gap_to_upgrade"] = gap_to_upgrade(upgrade.get(figures.program.pk, []))
    if renew is not None and figures.program.pk in renew:
        item["gap_to_renew"] = gap_to_renew(renew[figures.program.pk])
    return item


def loyalty_fields(loyalty, *, upgrade=None, renew=None) -> dict:
    """lifetime_points ... points_summaries of a customer/get item (default programme first; blanks without one)."""
    default = loyalty.default
    slab = default.slab if default else None
    return {
        "lifetime_points": number(default.balance.figure("lifetime_earned")) if default else "0",
        "lifetime_purchases": number(loyalty.lifetime_purchases),
        "loyalty_points": number(default.balance.available) if default else "0",
        "current_slab": slab.current.name if slab else "",
        "tier_expiry_date": _slab_expiry(slab),
        "points_summaries": {"points_summary": [points_summary(f, upgrade=upgrade, renew=renew)
                                                for f in loyalty.programs]},
    }


def coupon(row, org) -> dict:
    """One `coupons[]` item of customer/get."""
    return {"id": str(row.pk), "series_id": str(row.series_id), "code": row.code,
            "description": row.series.description, "created_date": dt(row.issued_at or row.created_at, org),
            "valid_till": dt(row.valid_till, org), "redeemed": "true" if row.redemption_count > 0 else "false"}


def detail(customer, org, *, with_user_id: bool, loyalty=None, coupons=None, upgrade=None, renew=None) -> dict:
    """An item of the customer/get answer (with the loyalty figures and coupons when given)."""
    item = {"user_id": customer.pk} if with_user_id else {}
    item.update({
        "firstname": customer.first_name, "lastname": customer.last_name, **contact(customer),
        **(loyalty_fields(loyalty, upgrade=upgrade, renew=renew) if loyalty is not None else {}),
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
        **({"coupons": [coupon(row, org) for row in coupons]} if coupons is not None else {}),
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
