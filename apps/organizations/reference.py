"""Reference data: ISO 4217 currencies (with their numeric codes) and IANA time zones."""
from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.core.exceptions import ValidationError

# alpha code -> (numeric code, name, symbol)
CURRENCIES: dict[str, tuple[int, str, str]] = {
    "AED": (784, "UAE Dirham", "د.إ"), "AUD": (36, "Australian Dollar", "$"), "BDT": (50, "Taka", "৳"),
    "BRL": (986, "Brazilian Real", "R$"), "CAD": (124, "Canadian Dollar", "$"), "CHF": (756, "Swiss Franc", "CHF"),
    "CNY": (156, "Yuan Renminbi", "¥"), "EGP": (818, "Egyptian Pound", "£"), "EUR": (978, "Euro", "€"),
    "GBP": (826, "Pound Sterling", "£"), "HKD": (344, "Hong Kong Dollar", "$"), "IDR": (360, "Rupiah", "Rp"),
    "INR": (356, "Indian Rupee", "₹"), "JPY": (392, "Yen", "¥"), "KRW": (410, "Won", "₩"),
    "KWD": (414, "Kuwaiti Dinar", "KD"), "LKR": (144, "Sri Lanka Rupee", "Rs"), "MXN": (484, "Mexican Peso", "$"),
    "MYR": (458, "Malaysian Ringgit", "RM"), "NGN": (566, "Naira", "₦"), "NZD": (554, "New Zealand Dollar", "$"),
    "OMR": (512, "Rial Omani", "ر.ع."), "PHP": (608, "Philippine Peso", "₱"), "PKR": (586, "Pakistan Rupee", "Rs"),
    "QAR": (634, "Qatari Rial", "ر.ق"), "SAR": (682, "Saudi Riyal", "﷼"), "SEK": (752, "Swedish Krona", "kr"),
    "SGD": (702, "Singapore Dollar", "$"), "THB": (764, "Baht", "฿"), "TRY": (949, "Turkish Lira", "₺"),
    "TWD": (901, "New Taiwan Dollar", "$"), "USD": (840, "US Dollar", "$"), "VND": (704, "Dong", "₫"),
    "ZAR": (710, "Rand", "R"),
}


def validate_currency(value: str) -> None:
    if value and value not in CURRENCIES:
        raise ValidationError(f"'{value}' is not a supported ISO 4217 currency code.")


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone.")


def currency_numeric(alpha: str) -> int | None:
    entry = CURRENCIES.get(alpha)
    return entry[0] if entry else None


def utc_offset(tz_name: str, at: datetime | None = None) -> str:
    """'+05:30' style offset of a zone now (or at a given instant)."""
    moment = (at or datetime.now(zoneinfo.ZoneInfo("UTC"))).astimezone(zoneinfo.ZoneInfo(tz_name or "UTC"))
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"
