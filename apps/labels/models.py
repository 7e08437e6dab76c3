"""Customer labels: the org's label catalogue, the current customer-label links and an append-only tagging log."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from apps.core.models import OrgOwned

from .choices import LabelAction


class Label(OrgOwned):
    """A tag the org puts on customers (e.g. "Premium"); names are unique per org, ignoring case."""

    name = models.CharField(max_length=150)
    description = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    created_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    last_updated_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            # Also the index behind the default ordering and the name lookups (changeLabels, search).
            models.UniqueConstraint(models.F("org"), Lower("name"), name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerLabel(OrgOwned):
    """The link between a customer and a label: one row per pair, switched off (not deleted) when untagged."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="label_links")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="customer_links")
    is_active = models.BooleanField(default=True)
    added_by_till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    added_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["customer_id", "label_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "customer", "label"], name="%(app_label)s_%(class)s_unique_pair"),
        ]
        indexes = [
            # Customers carrying a label (search by label, the customer filter, the admin's tagging job).
            models.Index(fields=["org", "label", "is_active", "customer"], name="labels_link_label_cust_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.label_id}"


class CustomerLabelEvent(OrgOwned):
    """Append-only log of tag and untag actions: who changed which customer's label, when, and through what."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="label_events")
    # A label with history cannot be deleted on its own (deactivate it instead); deleting the org or the customer
    # still takes its log rows along.
    label = models.ForeignKey(Label, on_delete=models.RESTRICT, related_name="events")
    action = models.CharField(max_length=10, choices=LabelAction.choices)
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    job_run = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "-created_at"], name="labels_event_org_created_idx"),  # Default ordering
            models.Index(fields=["org", "customer", "-created_at"], name="labels_event_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.label_id} on {self.customer_id}"
