"""Helpers shared by the customer services (not part of the public service API)."""
from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.core.errors import DomainError, InvalidInput
from apps.organizations.selectors import org_config_flag

from .. import errors
from ..choices import Channel, CommChannelType, IdentifierType, Priority
from ..identifiers import comm_channel_type_parse, truthy

# Extended fields whose values also live in a column of the customer (for search, birthdays, the admin).
EXTENDED_FIELD_COLUMNS = {"gender": "gender", "dob": "birth_date", "wedding_date": "anniversary_date",
                          "preferred_language": "language"}
DATE_COLUMNS = {"birth_date", "anniversary_date"}

# The channels a contact point or identifier opens, subscribed (TRANS and BULK) by default at registration.
CHANNELS_OF_IDENTIFIER = {IdentifierType.MOBILE: (Channel.SMS, Channel.WHATSAPP), IdentifierType.EMAIL: (Channel.EMAIL,),
                          IdentifierType.WECHAT: (Channel.WECHAT,), IdentifierType.LINE: (Channel.LINE,)}
CHANNELS_OF_COMM_CHANNEL = {CommChannelType.MOBILE_PUSH: (Channel.PUSH,), CommChannelType.IOS: (Channel.IOS,),
                            CommChannelType.ANDROID: (Channel.ANDROID,), CommChannelType.WHATSAPP: (Channel.WHATSAPP,)}
PRIORITIES = (Priority.TRANS, Priority.BULK)


def as_date(value, *, field: str) -> date | None:
    """A date from a date, datetime or text (YYYY-MM-DD, YYYY/MM/DD, ISO datetime); None for blank."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-")
    parsed = parse_date(text[:10]) if len(text) >= 10 else None
    if parsed is None:
        raise InvalidInput(f"Invalid input. {field}: expected a date as YYYY-MM-DD", field=field)
    return parsed


def as_datetime(value, *, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        result = value
    else:
        text = str(value).strip()
        result = parse_datetime(text.replace(" ", "T", 1)) if len(text) > 10 else None
        if result is None:
            day = parse_date(text[:10]) if len(text) >= 10 else None
            if day is None:
                raise InvalidInput(f"Invalid input. {field}: expected an ISO-8601 date-time", field=field)
            result = datetime(day.year, day.month, day.day)
    if timezone.is_naive(result):
        result = timezone.make_aware(result)
    return result


def mirror_extended_fields(values: dict) -> dict:
    """Column values implied by extended fields (gender, dob, wedding_date, preferred_language)."""
    columns = {}
    for name, column in EXTENDED_FIELD_COLUMNS.items():
        if name not in values:
            continue
        raw = values[name]
        if column in DATE_COLUMNS:
            try:
                columns[column] = as_date(raw, field=f"extendedFields.{name}")
            except DomainError:
                columns[column] = None
        else:
            columns[column] = "" if raw is None else str(raw)[:16]
    return columns


def comm_channels_parse(items) -> list[dict]:
    """Validate `commChannels` into {type, value, is_primary, is_verified, meta, attributes} dicts."""
    if items in (None, ""):
        return []
    if not isinstance(items, list):
        raise errors.CommChannelInvalid(field="commChannels")
    out = []
    for item in items:
        if not isinstance(item, dict) or item.get("value") in (None, ""):
            raise errors.CommChannelInvalid(field="commChannels")
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        attributes = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
        out.append({"type": comm_channel_type_parse(item.get("type")), "value": str(item["value"]).strip()[:255],
                    "is_primary": truthy(item.get("primary", False)), "is_verified": truthy(item.get("verified", False)),
                    "meta": meta, "attributes": attributes})
    return out


def mandatory_identifiers_check(*, org, types: set[str]) -> None:
    """The org's registration configuration: mobile / email / external id may be mandatory."""
    if IdentifierType.MOBILE not in types and org_config_flag(org=org, key="CONF_USERS_IS_MOBILE_REQUIRED"):
        raise errors.MobileRequired(field="mobile")
    if IdentifierType.EMAIL not in types and org_config_flag(org=org, key="CONF_USERS_IS_EMAIL_REQUIRED"):
        raise errors.EmailRequired(field="email")
    if (IdentifierType.EXTERNAL_ID not in types
            and org_config_flag(org=org, key="CONF_USERS_IS_EXTERNAL_ID_REQUIRED")):
        raise errors.ExternalIdRequired(field="externalId")
