"""Loyalty programmes. (The ledger, lots and redemption settings arrive with the points issue.)"""
from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned


class LoyaltyProgram(OrgOwned):
    """A points programme of the org; one is the default that earning and redemption use unless told otherwise."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    # Value of one point in the org's base currency (up to 10 decimals).
    point_value = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal("1"),
                                      validators=[MinValueValidator(Decimal("0"))])
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.UniqueConstraint(fields=["org"], condition=Q(is_default=True),
                                    name="%(app_label)s_%(class)s_one_default"),
        ]

    def __str__(self) -> str:
        return self.name
