"""Customer passwords for the org's web and app logins, with failed-attempt throttling, and their audit log.

Clients send md5(password) (as the platform documents); we store only Django's salted hash of that value.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import CredentialEventType, Username


class CustomerCredential(OrgOwned):
    """A customer's password login; any of the customer's mobile or email identifiers names it."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)  # make_password(md5 hex); never the password or its md5
    registered_with = models.CharField(max_length=8, choices=Username.choices)
    username = models.CharField(max_length=255)  # the identifier given at registration, for the back office
    failed_attempts = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer"], name="%(app_label)s_%(class)s_unique_customer"),
        ]

    def __str__(self) -> str:
        return f"Login of customer {self.customer_id}"

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class CredentialEvent(OrgOwned):
    """Append-only log of registrations, logins, wrong passwords, locks and password changes."""

    credential = models.ForeignKey(CustomerCredential, on_delete=models.CASCADE, related_name="events")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=20, choices=CredentialEventType.choices)
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "-created_at"], name="user_auth_event_created_idx"),  # Default ordering
            models.Index(fields=["org", "customer", "-created_at"], name="user_auth_event_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} for customer {self.customer_id}"
