"""Helpers shared by the coupon API versions: customers from each version's identifiers, flags, numbers, dates."""
from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.core.api.params import flag  # noqa: F401 - re-exported for this app's views
from apps.core.errors import DomainError, InvalidInput
from apps.customers.selectors import customer_find
from apps.points.selectors import org_zone

from .. import errors

V2_KEYS = {"id": "id", "userId": "id", "mobile": "mobile", "email": "email", "externalId": "external_id",
           "external_id": "external_id", "cardnumber": "card_number", "cardNumber": "card_number"}
V11_KEYS = ("id", "user_id", "mobile", "email", "external_id", "card_number")
NO_MAX_BILL = Decimal("9007199254740991")


def decimal_of(value, name: str, *, allow_none: bool = False) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    if isinstance(value, bool) or value in (None, ""):
        raise InvalidInput(f"Invalid input. {name}: must be a number", field=name)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"Invalid input. {name}: must be a number", field=name) from None
    if not number.is_finite():
        raise InvalidInput(f"Invalid input. {name}: must be a number", field=name)
    return number


def int_of(value, name: str) -> int:
    if isinstance(value, bool):
        raise InvalidInput(f"Invalid input. {name}: must be a whole number", field=name)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"Invalid input. {name}: must be a whole number", field=name) from None


def moment_of(value, name: str, org) -> datetime:
    """An ISO timestamp (offset or Z), `YYYY-MM-DD HH:MM:SS` or a date, read in the org's zone when naive."""
    text = str(value or "").strip()
    parsed = parse_datetime(text.replace(" ", "T", 1)) if text else None
    if parsed is None and len(text) == 10:
        parsed = parse_datetime(text + "T23:59:59")
    if parsed is None:
        raise InvalidInput(f"Invalid input. {name}: give YYYY-MM-DDTHH:MM:SS+hh:mm", field=name)
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=org_zone(org))
    return parsed


def iso(value, org=None) -> str | None:
    """UTC with Z, as the v2 coupon answers print moments."""
    if value is None:
        return None
    return value.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_stamp(value, org) -> str | None:
    return value.astimezone(org_zone(org)).strftime("%Y-%m-%d %H:%M:%S") if value else None


def local_day(value, org) -> str | None:
    return value.astimezone(org_zone(org)).date().isoformat() if value else None


def number(value: Decimal | None):
    """Money as a JSON number (the platform prints 10.0); Decimal is rendered exactly by the JSON renderer."""
    return float(value) if value is not None else None


def _find(org, identifiers: dict):
    try:
        customer = customer_find(org=org, identifiers=identifiers)
    except DomainError as exc:
        raise errors.CustomerNotFound(field=exc.field or "customer") from None
    prefetch_related_objects([customer], "identifiers")
    return customer


def v2_customer(*, org, data) -> object:
    """The customer of a v2 body/query object with id / mobile / email / externalId (empty strings ignored)."""
    if not isinstance(data, dict):
        raise errors.CustomerNotFound(field="customer")
    identifiers = {V2_KEYS[k]: str(v).strip() for k, v in data.items() if k in V2_KEYS and str(v or "").strip()}
    if not identifiers:
        raise errors.CustomerNotFound(field="customer")
    return _find(org, identifiers)


def v11_customer(*, org, data) -> object:
    if not isinstance(data, dict):
        raise errors.CustomerNotFound(field="customer")
    identifiers = {("id" if k == "user_id" else k): str(data[k]).strip() for k in V11_KEYS
                   if str(data.get(k) or "").strip()}
    if not identifiers:
        raise errors.CustomerNotFound(field="customer")
    return _find(org, identifiers)


def identity(customer) -> dict:
    """First mobile, email and external id of a customer whose identifiers are prefetched."""
    found = {"mobile": "", "email": "", "external_id": ""}
    for row in customer.identifiers.all():
        key = "external_id" if row.type == "externalId" else row.type
        if key in found and not found[key]:
            found[key] = row.value
    return found


def code_case(code: str, case: str | None) -> str:
    case = (case or "").strip().upper()
    return code.lower() if case == "LOWER" else code
