"""Card series, cards, their status log and the generation log."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import CardStatus, CardType, GenerationMethod, SeriesTrigger

NUMBER_MAX_LENGTH = 150


class CardSeries(OrgOwned):
    """A kind of card of the org (value, premium, digital ...) and how its numbers look and are made.

    A number is prefix + body + suffix, `length` characters in all; the body is digits and, for the check-digit
    methods, ends with a Luhn or mod-7 digit. `length` 0 means the series has no generation config (external or
    manually numbered cards only).
    """

    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=10, choices=CardType.choices, default=CardType.DIGITAL)
    prefix = models.CharField(max_length=50, blank=True)
    suffix = models.CharField(max_length=50, blank=True)
    length = models.PositiveSmallIntegerField(default=0)
    offset = models.PositiveBigIntegerField(default=1, help_text="First sequence number of the sequential methods.")
    method = models.CharField(max_length=12, choices=GenerationMethod.choices, default=GenerationMethod.DEFAULT)
    generation_enabled = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text="Unknown card numbers linked to customers are created in this series when the "
                                 "org allows it (CONF_CARDS_ISSUE_UNKNOWN).")
    trigger = models.CharField(max_length=12, choices=SeriesTrigger.choices, default=SeriesTrigger.SERIES_ID)
    expiry_days = models.PositiveIntegerField(null=True, blank=True, help_text="Days from issue to expiry.")
    max_active_cards_per_customer = models.PositiveIntegerField(
        default=0, help_text="Active cards of this series one customer may hold (0: no series limit).")
    # Next sequence number of the sequential methods (advanced under the series row lock).
    next_sequence = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "id"]
        verbose_name_plural = "card series"
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(fields=["org", "prefix", "suffix", "length"], condition=models.Q(length__gt=0),
                                    name="%(app_label)s_%(class)s_unique_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})" if self.name else self.code

    @property
    def has_generation_config(self) -> bool:
        return self.length > 0


class Card(OrgOwned):
    """One card number of a series, its status and (once issued) the customer holding it."""

    series = models.ForeignKey(CardSeries, on_delete=models.PROTECT, related_name="cards")
    number = models.CharField(max_length=NUMBER_MAX_LENGTH)
    external_id = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=12, choices=CardStatus.choices, default=CardStatus.NOT_ISSUED)
    status_label = models.CharField(max_length=50, blank=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="cards")
    mapped_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    generation = models.ForeignKey("cards.CardGenerationLog", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="cards")
    extended_fields = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # The lookup path of GET v2/card?number= and of linking.
            models.UniqueConstraint(fields=["org", "number"], name="%(app_label)s_%(class)s_unique_number"),
            models.UniqueConstraint(fields=["org", "external_id"], condition=~models.Q(external_id=""),
                                    name="%(app_label)s_%(class)s_unique_external_id"),
        ]
        indexes = [
            # Active cards of a customer (the limits), a customer's cards.
            models.Index(fields=["customer", "status"], name="cards_card_customer_status_idx"),
            # A series' cards by status (admin filter, generation reports).
            models.Index(fields=["series", "status"], name="cards_card_series_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active_and_digital(self) -> bool:
        return self.status == CardStatus.ACTIVE and self.series.type == CardType.DIGITAL


class CardStatusLog(OrgOwned):
    """Append-only history of a card's statuses; the newest row is the current one."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="status_logs")
    status = models.CharField(max_length=12, choices=CardStatus.choices)
    label = models.CharField(max_length=50, blank=True)
    previous_status = models.CharField(max_length=12, choices=CardStatus.choices, blank=True)
    previous_label = models.CharField(max_length=50, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["card", "id"]
        indexes = [models.Index(fields=["card", "id"], name="cards_statuslog_card_idx")]

    def __str__(self) -> str:
        return f"{self.card_id}: {self.previous_status or '-'} -> {self.status}"


class CardGenerationLog(OrgOwned):
    """One bulk generation request: how many numbers, in which series, and its progress (a core JobRun)."""

    series = models.ForeignKey(CardSeries, on_delete=models.CASCADE, related_name="generation_logs")
    count = models.PositiveIntegerField()
    generated = models.PositiveIntegerField(default=0)
    status_label = models.CharField(max_length=50, blank=True)
    description = models.CharField(max_length=255, blank=True)
    file_handle = models.UUIDField(default=uuid.uuid4, editable=False)
    job_run = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "series", "-created_at"], name="cards_genlog_series_idx")]

    def __str__(self) -> str:
        return f"{self.series_id}: {self.generated}/{self.count}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
