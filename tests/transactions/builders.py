"""Builders of normalised bills (BillInput) and config helpers for the transaction tests."""
from __future__ import annotations

from decimal import Decimal

from apps.organizations.selectors import org_config_cache_clear
from apps.organizations.services import org_config_set
from apps.transactions.services import BillInput, CustomerRef, LineInput

D = Decimal


def set_config(org, key: str, value, store=None) -> None:
    """Set an org (or store) config and drop the cached map (on_commit does not fire inside a test transaction)."""
    org_config_set(org=org, key=key, value=value, store=store)
    org_config_cache_clear(org=org)


def lines(*specs) -> list[LineInput]:
    """lines(("RICE5", 2, "250"), ("DAL1", 1, "120")) -> sold lines (item code, qty, rate)."""
    return [LineInput(item_code=code, qty=D(str(qty)), rate=D(rate), description=f"{code} item")
            for code, qty, rate in specs]


def sale(number: str, *line_specs, mobile: str = "919845012345", **extra) -> BillInput:
    """A REGULAR bill naming its customer by mobile (amount = sum of the lines unless given)."""
    ref = CustomerRef(identifier_name="mobile", identifier_value=mobile)
    return BillInput(type="REGULAR", number=number, lines=lines(*line_specs), customer=ref, **extra)


def return_of(number: str, return_type: str, *line_specs, mobile: str = "919845012345", **extra) -> BillInput:
    """A RETURN citing bill `number` (v2 style: billNumber is the original's)."""
    ref = CustomerRef(identifier_name="mobile", identifier_value=mobile)
    returned = [LineInput(item_code=code, qty=D(str(qty)) if qty is not None else None) for code, qty in line_specs]
    return BillInput(type="RETURN", number=number, parent_number=number, return_type=return_type, lines=returned,
                     customer=ref, **extra)
