"""Outgoing messages (validation codes, reminders): an outbox row per message, delivered after commit."""
from django.db import models
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import Channel, MessageStatus


class Message(OrgOwned):
    """One SMS or email to one recipient. The body of a validation-code message is never stored."""

    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="messages")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=255)
    purpose = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="%(app_label)s_%(class)s_unique_dedupe_key"),
        ]
        indexes = [models.Index(fields=["org", "customer", "-created_at"], name="comms_message_customer_idx"),
                   models.Index(fields=["status", "created_at"], name="comms_message_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient} ({self.purpose})"
