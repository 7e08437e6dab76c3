"""Helpers shared by the points API versions: resolving customers the way each version names them, parsing the
platform's flags and dates, and rendering points and moments in the platform's formats."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import prefetch_related_objects

from apps.core.api.params import flag  # noqa: F401 - re-exported for this app's views
from apps.core.errors import DomainError, InvalidInput
from apps.customers import errors as customer_errors
from apps.customers import selectors as customers
from apps.points.selectors import org_zone

THREE_PLACES = Decimal("0.001")


def points_text(value: Decimal | None) -> str:
    """Points as the ledger APIs print them: a string with three decimals ("30000.000")."""
    return f"{(value or Decimal(0)).quantize(THREE_PLACES):f}"


def local(value: datetime | None, org) -> datetime | None:
    return value.astimezone(org_zone(org)) if value is not None else None


def stamp(value: datetime | None, org, *, tenths: bool = False) -> str | None:
    """`YYYY-MM-DD HH:MM:SS` in the org's time zone (ledger dates add the platform's `.0`)."""
    if value is None:
        return None
    text = local(value, org).strftime("%Y-%m-%d %H:%M:%S")
    return text + ".0" if tenths else text


def iso(value: datetime | None, org) -> str | None:
    return local(value, org).isoformat(timespec="seconds") if value is not None else None


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_moment(raw: str | None, org, error) -> datetime | None:
    """`YYYY-MM-DDThh:mm:ss` (or a plain date) in the org's time zone; `error` (a DomainError class) otherwise."""
    text = str(raw or "").strip()
    if not text:
        return None
    for layout in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=org_zone(org))
        except ValueError:
            continue
    raise error()


# -- customers -----------------------------------------------------------------------------------------------------
def v2_lookup(*, org, params) -> object:
    """The customer named by `source` + `identifierName` + `identifierValue` (source is mandatory: 8001)."""
    if not str(params.get("source") or "").strip():
        raise customer_errors.LookupSourceMissing(field="source")
    return customers.customer_lookup_by_names(org=org, identifier_names=params.get("identifierName", ""),
                                              identifier_values=params.get("identifierValue", ""),
                                              source=params.get("source"), account_id=params.get("accountId"))


_TYPED = {"ID": "id", "USER_ID": "id", "MOBILE": "mobile", "PHONE": "mobile", "EMAIL": "email",
          "EXTERNAL_ID": "externalId", "EXTERNALID": "externalId", "CARDNUMBER": "cardnumber",
          "CARD_NUMBER": "cardnumber", "CARDEXTERNALID": "cardExternalId", "CARD_EXTERNAL_ID": "cardExternalId"}


def typed_identifier_customer(*, org, identifier, side: str, invalid_type_error):
    """The customer of a `{"type": "MOBILE", "value": "..."}` body identifier (transfer and reversal bodies)."""
    if not isinstance(identifier, dict):
        raise InvalidInput(f"Invalid input. {side}: must be an object with type and value", field=side)
    kind = _TYPED.get(str(identifier.get("type") or "").strip().upper().replace(" ", ""))
    if kind is None:
        raise invalid_type_error(side=side)
    value = identifier.get("value")
    if value in (None, ""):
        raise customer_errors.CustomerNotFound(field=f"{side}.value")
    return customers.customer_lookup(org=org, identifier_type=kind, value=str(value))


def v11_customer(*, org, identifiers: dict):
    """The customer of v1.1 identifier keys (mobile, email, external_id, id, card_number...), with v1.1 codes."""
    try:
        customer = customers.customer_find(org=org, identifiers=identifiers if isinstance(identifiers, dict) else {})
    except DomainError as exc:
        raise customer_errors.as_v11(exc) from None
    prefetch_related_objects([customer], "identifiers")  # the answers echo mobile / email / external id
    return customer


def identity(customer) -> dict:
    """A prefetched customer's first mobile, email and external id (the v1.1 points answers echo them)."""
    found = {"mobile": "", "email": "", "externalId": ""}
    for row in customer.identifiers.all():
        if row.type in found and not found[row.type]:
            found[row.type] = row.value
    return found
