"""Helpers shared by the v2 and v1.1 transaction shapes."""
from __future__ import annotations


def zone_of(bill) -> str:
    """The time zone a bill's times are shown in: its store's, else its org's (both already loaded with the bill)."""
    return bill.store.timezone or bill.org.timezone or "UTC"
