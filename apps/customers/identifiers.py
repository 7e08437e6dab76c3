"""Parsing and normalising identifiers, sources and channels: the one place their spellings are decided.

Mobile numbers are stored as E.164 digits without "+" (the platform's `919988221100`), parsed with the org's
country as the default region; emails are lower-cased; other identifiers are trimmed and kept as sent.
"""
from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from . import errors
from .choices import (
    CHANNEL_ALIASES, IDENTIFIER_ALIASES, IDENTIFIER_ID, MULTI_ACCOUNT_SOURCES, SOURCE_ALL, CommChannelType,
    IdentifierType, Priority, Source,
)

DEFAULT_REGION = "IN"
MAX_VALUE_LENGTH = 255
MAX_EXTERNAL_ID_LENGTH = 150


def region_of(org) -> str:
    return (getattr(org, "country_code", "") or DEFAULT_REGION).upper()


def identifier_type_parse(name, *, allow_id: bool = False) -> str:
    """The canonical identifier type for a client's spelling; IdentifierNameInvalid when unknown."""
    key = str(name or "").strip().lower()
    if allow_id and key in (IDENTIFIER_ID, "user_id", "userid"):
        return IDENTIFIER_ID
    if key not in IDENTIFIER_ALIASES:
        raise errors.IdentifierNameInvalid(field="identifierName")
    return IDENTIFIER_ALIASES[key]


def mobile_normalise(raw, *, org) -> str | None:
    """E.164 digits (no '+') of a valid mobile number, or None when it is not one."""
    text = str(raw or "").strip()
    if not text:
        return None
    compact = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if not compact or compact.count("+") > 1 or ("+" in compact and not compact.startswith("+")):
        return None
    if len(compact) > 32:  # E.164 numbers have at most 15 digits; nothing this long is one (nor cached)
        return None
    return _mobile_e164(compact, None if compact.startswith("+") else region_of(org))


@lru_cache(maxsize=8192)
def _mobile_e164(compact: str, region: str | None) -> str | None:
    """mobile_normalise of a compacted number in the org's default region: a pure function of the two (the
    numbering plans are phonenumbers' static metadata), so a process remembers the numbers its tills keep sending."""
    candidates = [(compact, None)] if compact.startswith("+") else [(compact, region), ("+" + compact, None)]
    for number, region in candidates:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    return None


def email_normalise(raw) -> str | None:
    text = str(raw or "").strip().lower()
    if not text or len(text) > MAX_VALUE_LENGTH:
        return None
    try:
        validate_email(text)
    except ValidationError:
        return None
    return text


def identifier_normalise(*, org, type: str, value) -> str:
    """The stored form of one identifier value; raises the platform's invalid-identifier error."""
    if type == IdentifierType.MOBILE:
        normalised = mobile_normalise(value, org=org)
        if normalised is None:
            raise errors.InvalidMobile(value=value, field="mobile")
        return normalised
    if type == IdentifierType.EMAIL:
        normalised = email_normalise(value)
        if normalised is None:
            raise errors.InvalidEmail(value=value, field="email")
        return normalised
    text = str(value if value is not None else "").strip()
    limit = MAX_EXTERNAL_ID_LENGTH if type == IdentifierType.EXTERNAL_ID else MAX_VALUE_LENGTH
    if not text or len(text) > limit or any(ch in text for ch in "\r\n\t"):
        error = errors.InvalidExternalId if type == IdentifierType.EXTERNAL_ID else errors.InvalidIdentifierValue
        raise error(value=value, field=type)
    return text


def identifiers_parse(*, org, items) -> list[dict]:
    """Validate and normalise `[{type, value, ...extra}]`; duplicates collapse. Raises on the first bad one."""
    if not isinstance(items, (list, tuple)):
        raise errors.NoValidIdentifiers()
    out, seen = [], set()
    for item in items:
        if not isinstance(item, dict) or item.get("type") in (None, "") or item.get("value") in (None, ""):
            raise errors.NoValidIdentifiers()
        kind = identifier_type_parse(item["type"])
        value = identifier_normalise(org=org, type=kind, value=item["value"])
        if (kind, value) in seen:
            continue
        seen.add((kind, value))
        extra = {k: v for k, v in item.items() if k in ("seriesId", "seriesCode", "statusLabel") and v not in (None, "")}
        out.append({"type": kind, "value": value, "attributes": extra})
    return out


def source_parse(raw, *, allow_all: bool = False, error=errors.SourceInvalid) -> str:
    """The canonical source name (case-insensitive); `ALL` only where reads accept it."""
    text = str(raw or "").strip().upper()
    if allow_all and text == SOURCE_ALL:
        return SOURCE_ALL
    if text not in Source.values:
        raise error(field="source")
    return text


def account_id_check(*, source: str, account_id: str | None) -> str:
    """Multi-account sources (WeChat, Facebook, LINE, app, WebEngage) need the account; others have none."""
    account = str(account_id or "").strip()
    if source in MULTI_ACCOUNT_SOURCES and not account:
        raise errors.AccountIdMissing(field="accountId")
    return account if source in MULTI_ACCOUNT_SOURCES else ""


def channel_parse(raw) -> str:
    key = str(raw or "").strip().lower()
    if key not in CHANNEL_ALIASES:
        raise errors.ChannelInvalid(field="channel")
    return CHANNEL_ALIASES[key]


def priority_parse(raw) -> str:
    text = str(raw or "").strip().upper()
    if text not in Priority.values:
        raise errors.PriorityInvalid(field="priority")
    return text


def comm_channel_type_parse(raw) -> str:
    key = str(raw or "").strip().lower()
    for value in CommChannelType.values:
        if value.lower() == key:
            return value
    raise errors.CommChannelInvalid(field="commChannels")


def truthy(value) -> bool:
    """The platform sends booleans as true/"true"/1/"1"."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")
