"""Choices of the fields domain: extended-field entity types and data types, the v2 custom-field scopes."""
from django.db import models


class ExtendedFieldEntity(models.TextChoices):
    """The entity an extended field describes (the platform's `entityType`)."""

    CUSTOMER = "CUSTOMER", "Customer"
    REGULAR_TRANSACTION = "REGULAR_TRANSACTION", "Transaction"
    REGULAR_LINEITEM = "REGULAR_LINEITEM", "Transaction line item"
    CARD = "CARD", "Card"
    USER_GROUP = "USER_GROUP", "User group"
    COMPANY = "COMPANY", "Company"
    LEAD = "LEAD", "Lead"


# Spellings callers and older docs use for the same entity ("transaction", "lineitem" in the v2 sample).
ENTITY_ALIASES: dict[str, str] = {
    "TRANSACTION": ExtendedFieldEntity.REGULAR_TRANSACTION,
    "LINEITEM": ExtendedFieldEntity.REGULAR_LINEITEM,
    "LINE_ITEM": ExtendedFieldEntity.REGULAR_LINEITEM,
    "USERGROUP": ExtendedFieldEntity.USER_GROUP,
}


class ExtendedFieldDataType(models.TextChoices):
    """The platform's extended-field `dataType` names."""

    STRING = "STRING", "String"
    INTEGER = "INTEGER", "Integer"
    DOUBLE = "DOUBLE", "Double (decimal)"
    BOOLEAN = "BOOLEAN", "Boolean"
    DATE = "DATE", "Date"
    DATETIME = "DATETIME", "Date and time"
    STANDARD_ENUM = "STANDARD_ENUM", "Standard enum (platform values)"
    CUSTOM_ENUM = "CUSTOM_ENUM", "Custom enum (org values)"
    COUNTRY = "COUNTRY", "Country (ISO 3166 alpha-2)"
    CURRENCY = "CURRENCY", "Currency (ISO 4217)"
    LANGUAGE = "LANGUAGE", "Language (ISO 639-1)"
    ORG_ENTITY = "ORG_ENTITY", "Store code of the org"
    ASSOCIATE_USER = "ASSOCIATE_USER", "Staff code"


ENUM_TYPES = frozenset({ExtendedFieldDataType.STANDARD_ENUM, ExtendedFieldDataType.CUSTOM_ENUM})
NUMERIC_TYPES = frozenset({ExtendedFieldDataType.INTEGER, ExtendedFieldDataType.DOUBLE})


class CustomFieldApiScope(models.TextChoices):
    """v2 custom-field scope names that map onto the org's custom-field scopes (see scopes.py)."""

    LOYALTY_REGISTRATION = "LOYALTY_REGISTRATION"
    LOYALTY_TRANSACTION = "LOYALTY_TRANSACTION"
    CUSTOMER_FEEDBACK = "CUSTOMER_FEEDBACK"
    CUSTOMER_PREFERENCES = "CUSTOMER_PREFERENCES"
    STORE_CUSTOM_FIELDS = "STORE_CUSTOM_FIELDS"
    ZONE_CUSTOM_FIELDS = "ZONE_CUSTOM_FIELDS"
    TILL_CUSTOM_FIELDS = "TILL_CUSTOM_FIELDS"


class CustomFieldWidget(models.TextChoices):
    """The v2 custom-field `type` (how client applications render it)."""

    TEXT = "text"
    TEXTAREA = "textarea"
    SELECT = "select"
    CHECKBOX = "checkbox"
    RADIO = "radio"
    FILE = "file"
    TEMPLATE_AREA = "template_area"
    DATEPICKER = "datepicker"
    SEPARATOR = "separator"
    BUTTON = "button"
    EMAIL_BODY = "email_body"
    FEEDBACK = "feedback"
    LABEL = "label"
