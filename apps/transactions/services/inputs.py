"""The normalised bill every API version (and the demo loader, and the rejection queue) hands to the services.

v2 and v1.1 serializers map their own field names onto these dataclasses; the services never see a version.
A BillInput round-trips through JSON (`to_payload` / `from_payload`) so a rejected bill can be replayed as is.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from decimal import Decimal

from django.utils.dateparse import parse_datetime


@dataclass
class CustomerRef:
    """How a bill names its customer: one v2 identifier (name, value) or v1.1 keys (mobile, email, ...)."""

    identifier_name: str = ""
    identifier_value: str = ""
    identifiers: dict = field(default_factory=dict)  # v1.1: {"mobile": ..., "email": ..., "external_id": ..., "id": ...}
    first_name: str = ""
    last_name: str = ""
    source: str = ""
    account_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.identifier_value or any(v not in (None, "") for v in self.identifiers.values()))

    def as_reference(self) -> dict:
        if self.identifier_value:
            return {self.identifier_name or "id": self.identifier_value}
        return {k: v for k, v in self.identifiers.items() if v not in (None, "")}


@dataclass
class LineInput:
    item_code: str = ""
    description: str = ""
    serial: str = ""
    qty: Decimal | None = None
    rate: Decimal | None = None
    value: Decimal | None = None
    discount: Decimal | None = None
    amount: Decimal | None = None
    category: str = ""
    brand: str = ""
    attributes: dict = field(default_factory=dict)
    extended_fields: dict = field(default_factory=dict)
    custom_fields: dict = field(default_factory=dict)
    type: str = "REGULAR"          # MIXED bills: REGULAR (sold) or RETURN
    return_type: str = ""          # MIXED return lines: LINE_ITEM / AMOUNT / ...
    parent_number: str = ""        # MIXED return lines: the bill they return
    purchase_time: datetime | None = None
    returnable: bool = True
    returnable_days: int = -1


@dataclass
class TenderInput:
    mode: str
    value: Decimal = Decimal(0)
    notes: str = ""
    attributes: dict = field(default_factory=dict)


@dataclass
class BillInput:
    type: str
    number: str
    billing_time: datetime | None = None
    amount: Decimal | None = None
    gross_amount: Decimal | None = None
    discount: Decimal | None = None
    note: str = ""
    return_type: str = ""
    parent_id: int | None = None         # v2 `id`: which bill a return returns when numbers collide
    parent_number: str = ""              # the bill a return returns
    purchase_time: datetime | None = None
    delivery_status: str = ""
    outlier_status: str = ""
    source: str = ""
    account_id: str = ""
    bill_client_id: str = ""
    not_interested_reason: str = ""
    currency_code: str = ""
    add_with_local_currency: bool = False
    extended_fields: dict = field(default_factory=dict)
    custom_fields: dict = field(default_factory=dict)
    lines: list[LineInput] = field(default_factory=list)
    tenders: list[TenderInput] = field(default_factory=list)
    redemption_codes: list[str] = field(default_factory=list)
    customer: CustomerRef = field(default_factory=CustomerRef)
    store_code: str = ""                 # attribution to another store / till of the org
    till_code: str = ""

    def to_payload(self) -> dict:
        """A JSON-safe dict (decimals and times as strings) that from_payload turns back into this input."""
        return _jsonable(asdict(self))

    @classmethod
    def from_payload(cls, payload: dict) -> BillInput:
        data = dict(payload)
        data["lines"] = [_build(LineInput, item) for item in data.get("lines", [])]
        data["tenders"] = [_build(TenderInput, item) for item in data.get("tenders", [])]
        data["customer"] = CustomerRef(**data.get("customer", {}))
        return _build(cls, data)


_DECIMALS = {"qty", "rate", "value", "discount", "amount", "gross_amount"}
_TIMES = {"billing_time", "purchase_time"}


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _build(cls, data: dict):
    known = {f.name for f in fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            continue
        if key in _DECIMALS and value is not None and not isinstance(value, Decimal):
            value = Decimal(str(value))
        elif key in _TIMES and isinstance(value, str):
            value = parse_datetime(value)
        kwargs[key] = value
    return cls(**kwargs)
