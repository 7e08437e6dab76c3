"""Access groups (per-resource permissions) and OAuth API clients."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import AccessLevel, AccessResource


def validate_permissions(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Permissions must be an object of resource -> level.")
    for resource, level in value.items():
        if resource not in AccessResource.values:
            raise ValidationError(f"Unknown resource '{resource}'.")
        if level not in AccessLevel.values:
            raise ValidationError(f"Unknown level '{level}' for '{resource}'.")


class AccessGroup(OrgOwned):
    """A named set of per-resource permissions, assigned to tills, API clients and staff users."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=250, blank=True)
    permissions = models.JSONField(default=dict, blank=True, validators=[validate_permissions])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="%(app_label)s_%(class)s_unique_name")]

    def __str__(self) -> str:
        return self.name


class ApiClient(OrgOwned):
    """An OAuth client (key + secret) bound to a till; exchanges its secret for short-lived access tokens."""

    name = models.CharField(max_length=100)
    till = models.ForeignKey("organizations.Till", on_delete=models.PROTECT, related_name="api_clients")
    key = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=256)
    token_ttl_seconds = models.PositiveIntegerField(default=300)
    # Bumped to revoke every token issued so far.
    token_version = models.PositiveIntegerField(default=1)
    access_groups = models.ManyToManyField(AccessGroup, blank=True, related_name="api_clients")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_token_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.CheckConstraint(condition=models.Q(token_ttl_seconds__gte=30, token_ttl_seconds__lte=3600),
                                   name="%(app_label)s_%(class)s_ttl_range"),
        ]

    def __str__(self) -> str:
        return self.name
