"""Customers: one row per person, with source accounts (profiles), identifiers, contact points, subscriptions,
status labels, notes, preferences, tickets, interactions, images and an append-only event log.

Identifiers are unique per org on (type, value): an identifier names exactly one customer, which is what makes a
lookup one indexed query and lets a second source's registration land on the same customer.
"""
from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import (
    Channel, CommChannelType, CustomerEventType, CustomerStatus, FraudStatus, IdentifierType, InteractionNetwork,
    LoyaltyType, Priority, Source, TicketPriority, TicketReportedFrom,
)


class Customer(OrgOwned):
    """A member (or non-member contact) of the org's programme."""

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=16, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    anniversary_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    loyalty_type = models.CharField(max_length=12, choices=LoyaltyType.choices, default=LoyaltyType.LOYALTY)
    status = models.CharField(max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    status_label = models.CharField(max_length=100, default="Active")
    status_reason = models.CharField(max_length=255, blank=True)
    fraud_status = models.CharField(max_length=12, choices=FraudStatus.choices, default=FraudStatus.NONE)
    fraud_reason = models.CharField(max_length=255, blank=True)
    fraud_marked_by = models.CharField(max_length=150, blank=True)
    fraud_updated_at = models.DateTimeField(null=True, blank=True)
    registered_on = models.DateTimeField(default=timezone.now)
    registered_source = models.CharField(max_length=12, choices=Source.choices, default=Source.INSTORE)
    registered_store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    registered_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    modified_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    extended_fields = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    # This customer's own code for referring others (the referrals app issues it) ...
    referral_code = models.CharField(max_length=64, blank=True)
    # ... and the referrer's code this customer registered with, if any.
    referred_by_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]  # Default ordering: newest first, backed by the primary key
        constraints = [
            models.UniqueConstraint(fields=["org", "referral_code"], condition=~Q(referral_code=""),
                                    name="%(app_label)s_%(class)s_unique_referral_code"),
        ]
        indexes = [
            models.Index(fields=["org", "registered_on"], name="cust_org_registered_idx"),
            models.Index(fields=["org", "status"], name="cust_org_status_idx"),
            models.Index(fields=["org", "registered_store"], name="cust_org_regstore_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name or f"Customer {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_loyalty(self) -> bool:
        return self.loyalty_type == LoyaltyType.LOYALTY


class CustomerProfile(OrgOwned):
    """A source account of the customer (INSTORE, or one WeChat/Facebook/app account): where they registered."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="profiles")
    source = models.CharField(max_length=12, choices=Source.choices)
    account_id = models.CharField(max_length=100, blank=True)
    created_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    modified_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer", "source", "account_id"],
                                    name="%(app_label)s_%(class)s_unique_source_account"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.account_id}" if self.account_id else self.source


class CustomerIdentifier(OrgOwned):
    """A normalised identifier (mobile in E.164 digits, email lower-case, ...) naming one customer of the org."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identifiers")
    profile = models.ForeignKey(CustomerProfile, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="identifiers")
    type = models.CharField(max_length=20, choices=IdentifierType.choices)
    value = models.CharField(max_length=255)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.INSTORE)
    account_id = models.CharField(max_length=100, blank=True)
    # Extra attributes sent with the identifier (a card's seriesId / statusLabel ...), echoed back.
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["customer", "id"]
        constraints = [
            # The lookup path: (org, type, value) -> customer, one index probe.
            models.UniqueConstraint(fields=["org", "type", "value"], name="%(app_label)s_%(class)s_unique_value"),
        ]
        indexes = [models.Index(fields=["customer", "type"], name="cust_ident_customer_type_idx")]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


class CustomerCommChannel(OrgOwned):
    """A contact point of the customer (`commChannels`), with primary/verified flags and free meta."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="comm_channels")
    profile = models.ForeignKey(CustomerProfile, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="comm_channels")
    type = models.CharField(max_length=16, choices=CommChannelType.choices)
    value = models.CharField(max_length=255)
    is_primary = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False)
    meta = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer", "type", "value"],
                                    name="%(app_label)s_%(class)s_unique_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


class CustomerSubscription(OrgOwned):
    """Opt-in state of one channel and priority (TRANS/BULK) for one source account of the customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="subscriptions")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    priority = models.CharField(max_length=5, choices=Priority.choices)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.INSTORE)
    account_id = models.CharField(max_length=100, blank=True)
    is_subscribed = models.BooleanField(default=True)
    reason = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["customer", "channel", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer", "channel", "priority", "source", "account_id"],
                                    name="%(app_label)s_%(class)s_unique_channel_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.priority}: {'OPTIN' if self.is_subscribed else 'OPTOUT'}"


class CustomerStatusLabel(OrgOwned):
    """An org's own name for a lifecycle status (e.g. "High value" meaning ACTIVE); one label is the default."""

    label = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=CustomerStatus.choices)
    description = models.CharField(max_length=255, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "label"], name="%(app_label)s_%(class)s_unique_label"),
            models.UniqueConstraint(fields=["org"], condition=Q(is_default=True),
                                    name="%(app_label)s_%(class)s_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"


class CustomerEvent(OrgOwned):
    """Append-only audit row of a change to a customer; the status and subscription logs are read from here."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=24, choices=CustomerEventType.choices)
    parameters = models.JSONField(default=dict, blank=True)
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey("staff.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["customer", "created_at", "id"]
        indexes = [models.Index(fields=["customer", "type", "created_at"], name="cust_event_customer_type_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.customer_id}"

    @property
    def actor_name(self) -> str:
        if self.till_id:
            return self.till.code
        if self.user_id:
            return self.user.username
        return "system"


class CustomerNote(OrgOwned):
    """A free-text note about the customer written at a till or in the back office."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    description = models.TextField()
    note_date = models.DateTimeField(default=timezone.now)
    created_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "-note_date", "-id"]

    def __str__(self) -> str:
        return self.description[:50]


class CustomerPreference(OrgOwned):
    """One preference (a `customer_preferences` custom field) of the customer, e.g. favourite brand."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="preferences")
    name = models.CharField(max_length=64)
    value = models.CharField(max_length=1000, blank=True)
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


def _ticket_code() -> str:
    return uuid.uuid4().hex[:10]


class CustomerTicket(OrgOwned):
    """A service ticket raised for the customer (complaint, request)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tickets")
    code = models.CharField(max_length=32, default=_ticket_code)
    subject = models.CharField(max_length=255)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=32, default="OPEN")
    priority = models.CharField(max_length=8, choices=TicketPriority.choices, default=TicketPriority.MEDIUM)
    department = models.CharField(max_length=100, blank=True)
    reported_from = models.CharField(max_length=12, choices=TicketReportedFrom.choices, blank=True)
    type = models.CharField(max_length=20, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["customer", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="%(app_label)s_%(class)s_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.subject}"


class CustomerInteraction(OrgOwned):
    """A recorded touchpoint with the customer: a message sent, a survey answered, a social check-in."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions")
    network = models.CharField(max_length=12, choices=InteractionNetwork.choices, default=InteractionNetwork.CAPILLARY)
    type = models.CharField(max_length=20)
    subject = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=255, blank=True)
    receiver = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["customer", "-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "network", "occurred_at"], name="cust_interaction_idx")]

    def __str__(self) -> str:
        return f"{self.network}/{self.type}"


def customer_image_path(instance: CustomerImage, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"customerImage/{instance.org_id}/{instance.customer_id}/{instance.file_handle}.{extension}"


class CustomerImage(OrgOwned):
    """A profile image of the customer, stored with Django's default storage (at most a few per customer)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=customer_image_path, max_length=255)
    file_handle = models.UUIDField(default=uuid.uuid4, editable=False)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["customer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "file_handle"], name="%(app_label)s_%(class)s_unique_handle"),
        ]

    def __str__(self) -> str:
        return self.original_name or str(self.file_handle)
