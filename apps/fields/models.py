"""Org-defined extended fields: typed attributes of customers, transactions, line items, cards, ..."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import ENUM_TYPES, NUMERIC_TYPES, ExtendedFieldDataType, ExtendedFieldEntity

extended_field_name_validator = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{0,63}$", "Use 1-64 letters, digits or '_', starting with a letter.")


class ExtendedField(OrgOwned):
    """One extended field an org captures on an entity, with its type and validation rules."""

    entity = models.CharField(max_length=32, choices=ExtendedFieldEntity.choices)
    name = models.CharField(max_length=64, validators=[extended_field_name_validator])
    label = models.CharField(max_length=100)
    data_type = models.CharField(max_length=16, choices=ExtendedFieldDataType.choices,
                                 default=ExtendedFieldDataType.STRING)
    # Allowed values of STANDARD_ENUM / CUSTOM_ENUM fields, in their canonical spelling.
    enum_values = models.JSONField(default=list, blank=True)
    default_value = models.CharField(max_length=250, blank=True)
    regex = models.CharField(max_length=250, blank=True)
    max_length = models.PositiveIntegerField(default=255)
    min_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_mandatory = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Display settings of the platform's extended-field config (hideDisplay, updatable, position, PII/PSI).
    is_hidden = models.BooleanField(default=False)
    is_updatable = models.BooleanField(default=True)
    is_pii_data = models.BooleanField(default=False)
    is_psi_data = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entity", "position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "entity", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.CheckConstraint(condition=models.Q(min_value__isnull=True) | models.Q(max_value__isnull=True)
                                   | models.Q(min_value__lte=models.F("max_value")),
                                   name="%(app_label)s_%(class)s_min_le_max"),
        ]
        indexes = [
            # Default ordering, and the validation lookup (org, entity, active).
            models.Index(fields=["org", "entity", "position", "name"], name="fields_ext_org_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}:{self.name}"

    def clean(self):
        super().clean()
        problems: dict[str, str] = {}
        self._clean_enum_values(problems)
        if (self.min_value is not None or self.max_value is not None) and self.data_type not in NUMERIC_TYPES:
            problems["min_value"] = "Minimum and maximum apply to INTEGER and DOUBLE fields only."
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            problems["max_value"] = "The maximum must not be below the minimum."
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as exc:
                problems["regex"] = f"Not a valid regular expression: {exc}."
        if self.parent_id is not None:
            self._clean_parent(problems)
        if problems:
            raise ValidationError(problems)

    def _clean_enum_values(self, problems: dict) -> None:
        values = self.enum_values
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            problems["enum_values"] = "Give the allowed values as a list of non-empty strings."
        elif self.data_type in ENUM_TYPES and not values:
            problems["enum_values"] = "An enum field needs at least one allowed value."
        elif self.data_type not in ENUM_TYPES and values:
            problems["enum_values"] = "Allowed values apply to STANDARD_ENUM and CUSTOM_ENUM fields only."
        elif len({v.casefold() for v in values}) != len(values):
            problems["enum_values"] = "Allowed values must differ (ignoring case)."

    def _clean_parent(self, problems: dict) -> None:
        parent = self.parent
        if parent.pk == self.pk and self.pk is not None:
            problems["parent"] = "A field cannot be its own parent."
        elif parent.org_id != self.org_id or parent.entity != self.entity:
            problems["parent"] = "The parent must be a field of the same org and entity."
        elif parent.parent_id is not None:
            problems["parent"] = "The parent must be a top-level field (one level of nesting)."
