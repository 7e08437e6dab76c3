"""Enumerations of customer user authentication."""
from django.db import models


class Username(models.TextChoices):
    """The customer identifiers a password login accepts."""

    MOBILE = "mobile", "Mobile"
    EMAIL = "email", "Email"


class CredentialEventType(models.TextChoices):
    REGISTERED = "REGISTERED", "Registered"
    AUTHORIZED = "AUTHORIZED", "Authorized"
    FAILED = "FAILED", "Wrong password"
    LOCKED = "LOCKED", "Locked"
    PASSWORD_UPDATED = "PASSWORD_UPDATED", "Password updated"
    UNLOCKED = "UNLOCKED", "Unlocked"
