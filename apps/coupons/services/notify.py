"""Coupon messages (issue, resend, expiry reminder) through apps.communications."""
from __future__ import annotations

import re

from django.utils import timezone

from apps.communications.services import message_queue
from apps.customers.models import CustomerIdentifier

from ..selectors import validation_code_for

DEFAULT_TEMPLATE = "Dear {{first_name}}, your coupon {{voucher}} for {{offer_name}} is valid till {{valid_till}}."
REMINDER_TEMPLATE = "Dear {{first_name}}, your coupon {{voucher}} for {{offer_name}} expires on {{valid_till}}."
TAG = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _render(template: str, values: dict) -> str:
    return TAG.sub(lambda m: str(values.get(m.group(1), "")), template)


def _recipient(*, org, customer) -> tuple[str, str]:
    """(channel, address): the customer's first mobile, else first email; ("", "") when neither exists."""
    rows = CustomerIdentifier.objects.filter(org=org, customer=customer, type__in=("mobile", "email")).order_by("id")
    found = {}
    for kind, value in rows.values_list("type", "value"):
        found.setdefault(kind, value)
    if "mobile" in found:
        return "SMS", found["mobile"]
    if "email" in found:
        return "EMAIL", found["email"]
    return "", ""


def coupon_message_send(*, coupon, purpose: str, dedupe_key: str = "", template: str = ""):
    """Queue the coupon's message to its holder (sent after commit); None when the series sends none or the
    customer has no mobile or email."""
    series, customer = coupon.series, coupon.customer
    if customer is None or series.is_sms_disabled:
        return None
    channel, recipient = _recipient(org=coupon.org, customer=customer)
    if not channel:
        return None
    valid_till = timezone.localtime(coupon.valid_till).date().isoformat()
    values = {"first_name": customer.first_name, "last_name": customer.last_name,
              "fullname": f"{customer.first_name} {customer.last_name}".strip(),
              "full_name": f"{customer.first_name} {customer.last_name}".strip(), "voucher": coupon.code,
              "offer_name": series.description, "valid_till": valid_till, "valid_days_from_create": valid_till}
    body = _render(template or series.sms_template or DEFAULT_TEMPLATE, values)
    if series.is_validation_required:
        body += f" Validation code: {validation_code_for(coupon=coupon)}"
    return message_queue(org=coupon.org, channel=channel, recipient=recipient, purpose=purpose, body=body,
                         subject=series.description[:200], customer=customer, dedupe_key=dedupe_key,
                         store_body=not series.is_validation_required)
