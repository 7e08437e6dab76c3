"""Referrals: invitations a customer sends (with their status) and the referees who registered with their code.

A customer's own referral code lives on the customer (`Customer.referral_code`, unique per org); this app issues
it through the customers service.
"""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import RefereeEvent, ReferralChannel, ReferralStatus


class Referral(OrgOwned):
    """One invitation: the referrer invited someone by mobile or email; it becomes REGISTERED when they join."""

    referrer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="referrals_sent")
    campaign_token = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8, choices=ReferralChannel.choices)
    identifier = models.CharField(max_length=255)  # normalised like customer identifiers (E.164 digits, lower email)
    name = models.CharField(max_length=150, blank=True)
    client_ref = models.CharField(max_length=64, blank=True)  # the client's own id of the invitee item
    invited_on = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.INVITED)
    referee = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    registered_at = models.DateTimeField(null=True, blank=True)
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same customer cannot invite the same person twice on one channel.
            models.UniqueConstraint(fields=["org", "referrer", "channel", "identifier"],
                                    name="%(app_label)s_%(class)s_unique_invitee"),
        ]
        indexes = [
            # A referrer's invitations, newest first (lists and the daily invitation limit).
            models.Index(fields=["org", "referrer", "-created_at"], name="referrals_referrer_created_idx"),
            # Matching a new registrant to the invitations sent to their mobile or email.
            models.Index(fields=["org", "identifier", "status"], name="referrals_identifier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.identifier} ({self.status})"


class Referee(OrgOwned):
    """A customer who registered with a referrer's code; a customer is referred at most once per org."""

    referrer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="referees")
    referee = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code = models.CharField(max_length=64)
    event_type = models.CharField(max_length=16, choices=RefereeEvent.choices, default=RefereeEvent.REGISTRATION)
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_on = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "referee"], name="%(app_label)s_%(class)s_unique_referee"),
        ]
        indexes = [
            models.Index(fields=["org", "referrer", "-added_on"], name="referrals_referee_referrer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} referred {self.referee_id}"
