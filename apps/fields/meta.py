"""The platform's standard extended fields ("meta"): the names and types, per entity, an org can enable.

Names, labels and data types follow the platform's published list of standard extended fields; the values of the
standard enums are ours (the platform documents only sample values such as gender "Male", booking_type "Online").
An org enables a standard field (copying its type and values) or defines its own with any other name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .choices import ExtendedFieldDataType as T
from .choices import ExtendedFieldEntity as E


@dataclass(frozen=True)
class StandardField:
    """One platform-defined extended field."""

    entity: str
    name: str
    label: str
    data_type: str
    enum_values: tuple[str, ...] = field(default_factory=tuple)


_GST = (("CentralGST", "Central GST"), ("StateGST", "State GST"), ("IntegratedGST", "Integrated GST"))

STANDARD_FIELDS: tuple[StandardField, ...] = (
    StandardField(E.CUSTOMER, "gender", "Gender", T.STANDARD_ENUM, ("Male", "Female", "Other")),
    StandardField(E.CUSTOMER, "marital_status", "Marital Status", T.STANDARD_ENUM,
                  ("Single", "Married", "Divorced", "Widowed")),
    StandardField(E.CUSTOMER, "city", "City", T.STRING),
    StandardField(E.CUSTOMER, "dob", "Date of Birth", T.DATETIME),
    StandardField(E.CUSTOMER, "ssnNumber", "SSN Number", T.STRING),
    StandardField(E.CUSTOMER, "nationality", "Nationality", T.COUNTRY),
    StandardField(E.CUSTOMER, "ethnicity", "Ethnicity", T.STRING),
    StandardField(E.CUSTOMER, "zip", "Zip Code", T.STRING),
    StandardField(E.CUSTOMER, "born_in", "Birth Country", T.COUNTRY),
    StandardField(E.CUSTOMER, "preferred_store", "Preferred Store", T.ORG_ENTITY),
    StandardField(E.CUSTOMER, "preferred_cashier", "Preferred Cashier", T.ASSOCIATE_USER),
    StandardField(E.CUSTOMER, "preferred_language", "Preferred Language", T.LANGUAGE),
    StandardField(E.CUSTOMER, "preferred_currency", "Preferred Currency", T.CURRENCY),
    StandardField(E.CUSTOMER, "profession", "Profession", T.STRING),
    StandardField(E.CUSTOMER, "religion", "Religion", T.STRING),
    StandardField(E.CUSTOMER, "wedding_date", "Wedding Date", T.DATETIME),
    StandardField(E.CUSTOMER, "country_of_residence", "Country of Residence", T.COUNTRY),
    StandardField(E.CUSTOMER, "kid_status", "Is customer having kids", T.STANDARD_ENUM, ("Yes", "No")),
    StandardField(E.REGULAR_TRANSACTION, "cashier_id", "Cashier Id", T.STRING),
    *(StandardField(E.REGULAR_TRANSACTION, name, label, T.DOUBLE) for name, label in _GST),
    StandardField(E.REGULAR_TRANSACTION, "tax_amount", "Tax Amount", T.DOUBLE),
    StandardField(E.REGULAR_TRANSACTION, "NPS", "NPS", T.INTEGER),
    StandardField(E.REGULAR_TRANSACTION, "GrossWeight", "Gross Weight", T.DOUBLE),
    StandardField(E.REGULAR_TRANSACTION, "MetalPurity", "Metal Purity", T.DOUBLE),
    StandardField(E.REGULAR_TRANSACTION, "booking_type", "Booking Type", T.STANDARD_ENUM, ("Online", "Offline")),
    StandardField(E.REGULAR_TRANSACTION, "order_date_time", "Order Time", T.DATETIME),
    StandardField(E.REGULAR_TRANSACTION, "delivery_date_time", "Delivery Time", T.DATETIME),
    StandardField(E.REGULAR_TRANSACTION, "order_channel", "Order Channel", T.CUSTOM_ENUM),
    StandardField(E.REGULAR_LINEITEM, "uuid", "UUID", T.STRING),
    StandardField(E.REGULAR_LINEITEM, "serial_number", "Serial Number", T.STRING),
    StandardField(E.REGULAR_LINEITEM, "imei_number", "IMEI Number", T.STRING),
    StandardField(E.REGULAR_LINEITEM, "vat_tax_percentage", "Vat Tax Percentage", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "vat_amount", "Vat Tax Amount", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "service_tax_amount", "Service Tax Amount", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "service_tax_percentage", "Service Tax Percentage", T.DOUBLE),
    *(StandardField(E.REGULAR_LINEITEM, name, label, T.DOUBLE) for name, label in _GST),
    StandardField(E.REGULAR_LINEITEM, "size", "Size", T.STRING),
    StandardField(E.REGULAR_LINEITEM, "special_lineitem_type", "Special LineItem Type", T.STANDARD_ENUM,
                  ("GIFT_CARD", "SERVICE", "DELIVERY_CHARGE", "REGULAR")),
    StandardField(E.REGULAR_LINEITEM, "MetalRate", "Metal Rate", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "MetalWeight", "Metal Weight", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "StoneCharge", "Stone Charge", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "MakingCharge", "Making Charge", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "GrossWeight", "Gross Weight", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "MetalPurity", "Metal Purity", T.DOUBLE),
    StandardField(E.REGULAR_LINEITEM, "Unit", "Unit", T.STANDARD_ENUM, ("GRAM", "KILOGRAM", "PIECE", "LITRE")),
    StandardField(E.REGULAR_LINEITEM, "DesignCode", "Design Code", T.STRING),
    StandardField(E.REGULAR_LINEITEM, "SupplierCode", "Supplier Code", T.STRING),
    StandardField(E.REGULAR_LINEITEM, "inseam", "Inseam", T.DOUBLE),
    StandardField(E.CARD, "card_requested_by", "Card Requested By", T.STRING),
    StandardField(E.CARD, "vehicle_number", "Vehicle Number", T.STRING),
    StandardField(E.COMPANY, "city", "City", T.STRING),
)

_BY_KEY: dict[tuple[str, str], StandardField] = {(f.entity, f.name): f for f in STANDARD_FIELDS}


def standard_field(entity: str, name: str) -> StandardField | None:
    """The platform definition of (entity, name), or None when the name is org-defined."""
    return _BY_KEY.get((entity, name))


def standard_fields(entity: str | None = None) -> list[StandardField]:
    """The registry, optionally for one entity, in a stable order (entity, then registry order)."""
    order = {value: index for index, value in enumerate(E.values)}
    rows = [f for f in STANDARD_FIELDS if entity is None or f.entity == entity]
    return sorted(rows, key=lambda f: order[f.entity])
