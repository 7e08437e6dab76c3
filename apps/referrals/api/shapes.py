"""Renderings shared by the v1.1 and v2 referral views (the platform uses the same legacy date spelling in both)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from apps.customers.choices import IdentifierType


def legacy_datetime(value, org) -> str | None:
    """`2020-01-29 12:25:46` in the org's timezone, as the platform's referral answers show times."""
    if value is None:
        return None
    try:
        zone = ZoneInfo(org.timezone or "UTC")
    except Exception:  # noqa: BLE001 (an unknown zone name falls back to UTC)
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def till_block(till) -> dict | None:
    return {"code": till.code, "name": till.name} if till is not None else None


def identifier_values(customer) -> dict[str, str | None]:
    """A (prefetched) customer's first mobile, email and external id."""
    found: dict[str, str | None] = {IdentifierType.MOBILE: None, IdentifierType.EMAIL: None,
                                    IdentifierType.EXTERNAL_ID: None}
    for row in customer.identifiers.all():
        if row.type in found and found[row.type] is None:
            found[row.type] = row.value
    return found
