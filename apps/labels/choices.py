"""Enumerations of the customer-label domain."""
from django.db import models


class LabelAction(models.TextChoices):
    """What a row of the tagging log records."""

    TAGGED = "TAGGED", "Tagged"
    UNTAGGED = "UNTAGGED", "Untagged"
