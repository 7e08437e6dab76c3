"""Type coercion of extended- and custom-field values into their stored, JSON-serialisable form.

Each cleaner takes the raw value a client sent and returns the canonical stored value, or raises ValueError with a
short reason; services turn that into the domain error of the field. Stored forms: INTEGER -> int, DOUBLE -> the
Decimal's string ("12.50", exact, never a float), BOOLEAN -> bool, DATE -> "YYYY-MM-DD", DATETIME -> ISO 8601 with
the offset (a date-only value stays "YYYY-MM-DD"), enums -> the configured spelling, codes -> upper/lower case.
"""
from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import phonenumbers

from apps.organizations.reference import CURRENCIES

_INTEGER_RE = re.compile(r"^[+-]?\d{1,18}$")
_LANGUAGE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{2,8}))?$")
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_string(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal, float)):
        raise ValueError("expected a string")
    return value.strip() if isinstance(value, str) else str(value)


_LIMIT = 10 ** 18  # numbers are stored in JSON and compared as Decimals; keep them within 18 digits


def clean_integer(value) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        if abs(value) >= _LIMIT:
            raise ValueError("expected an integer of at most 18 digits")
        return value
    if isinstance(value, float) and value.is_integer():
        return clean_integer(int(value))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return clean_integer(int(value))
    if isinstance(value, str) and _INTEGER_RE.match(value.strip()):
        return int(value.strip())
    raise ValueError("expected an integer")


def to_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= _LIMIT:
        raise ValueError("expected a number")
    return number


def clean_double(value) -> str:
    """The exact decimal as plain text ("12.50", "1000" for "1e3"), never a float."""
    return format(to_decimal(value), "f")


def clean_boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected true or false")


def clean_date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    if len(text) == 10:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise ValueError("expected a date YYYY-MM-DD")


def clean_datetime(value, *, tz_name: str = "UTC") -> str:
    """A date-only value stays a date; a naive date-time is read in the org's time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return clean_date(text)
        moment = _parse_datetime(text)
    else:
        raise ValueError("expected a date-time YYYY-MM-DDTHH:MM:SS+HH:MM")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(tz_name or "UTC"))
    return moment.isoformat()


def _parse_datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError("expected a date-time YYYY-MM-DDTHH:MM:SS+HH:MM")


def clean_enum(value, allowed: list[str]) -> str:
    """The allowed value matching case-insensitively, in its configured spelling."""
    text = clean_string(value)
    by_key = {str(option).casefold(): str(option) for option in allowed}
    try:
        return by_key[text.casefold()]
    except KeyError:
        raise ValueError("not an allowed value") from None


def clean_country(value) -> str:
    code = clean_string(value).upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("expected an ISO 3166 alpha-2 country code")
    return code


def clean_currency(value) -> str:
    code = clean_string(value).upper()
    if code not in CURRENCIES:
        raise ValueError("expected an ISO 4217 currency code")
    return code


def clean_language(value) -> str:
    match = _LANGUAGE_RE.match(clean_string(value))
    if not match:
        raise ValueError("expected an ISO 639 language code")
    primary, region = match.groups()
    return primary.lower() + (f"-{region.upper()}" if region else "")


def number_of(value) -> Decimal | None:
    """The numeric value of a stored INTEGER/DOUBLE value (for range checks)."""
    return None if value is None else Decimal(str(value))
