from django.db import models


class EntityType(models.TextChoices):
    """The platform's org-entity types (v1.1 organization/entities ?type=)."""

    ZONE = "ZONE", "Zone"
    CONCEPT = "CONCEPT", "Concept"
    STORE = "STORE", "Store"
    TILL = "TILL", "Till"
    STR_SERVER = "STR_SERVER", "Store server"


class TillType(models.TextChoices):
    TILL = "TILL", "Till"
    STR_SERVER = "STR_SERVER", "Store server"


class AdminType(models.TextChoices):
    GENERAL = "GENERAL", "General"
    ADMIN = "ADMIN", "Admin"


class ConfigValueType(models.TextChoices):
    NUMERIC = "NUMERIC", "Number"
    BOOLEAN = "BOOLEAN", "Boolean"
    STRING = "STRING", "Text"


class CustomFieldScope(models.TextChoices):
    """Where an org custom field applies (v1.1 organization/customfields ?scope=)."""

    LOYALTY_REGISTRATION = "loyalty_registration", "Customer registration"
    LOYALTY_TRANSACTION = "loyalty_transaction", "Transaction"
    CUSTOMER_FEEDBACK = "customer_feedback", "Customer feedback"
    CUSTOMER_PREFERENCES = "customer_preferences", "Customer preferences"
    STORE = "store", "Store"
    ZONE = "zone", "Zone"
    TILL = "till", "Till"


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    SELECT = "select", "Single choice"
    MULTISELECT = "multiselect", "Multiple choice"
    CHECKBOX = "checkbox", "Checkbox"
