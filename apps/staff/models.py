"""Back-office and till staff: Django users tied to an organisation (and optionally a store or till)."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from .choices import StaffRole


class User(AbstractUser):
    """A person who logs in to the admin or a till screen. Platform operators have no org."""

    org = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="staff")
    store = models.ForeignKey("organizations.Store", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="staff")
    till = models.ForeignKey("organizations.Till", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="staff")
    role = models.CharField(max_length=20, choices=StaffRole.choices, blank=True)
    code = models.CharField(max_length=50, blank=True, help_text="Staff code shown on receipts (associate code).")
    mobile = models.CharField(max_length=20, blank=True)
    access_groups = models.ManyToManyField("access.AccessGroup", blank=True, related_name="staff_users")

    objects = UserManager()

    class Meta:
        ordering = ["username", "id"]
        indexes = [models.Index(fields=["org", "role"], name="staff_user_org_role_idx")]

    def clean(self):
        super().clean()
        if self.store_id and self.store.org_id != self.org_id:
            raise ValidationError({"store": "The store belongs to another organisation."})
        if self.till_id and self.till.org_id != self.org_id:
            raise ValidationError({"till": "The till belongs to another organisation."})
        if self.org_id is None and self.role:
            raise ValidationError({"org": "Staff with a role belong to an organisation."})

    @property
    def is_platform_operator(self) -> bool:
        return self.is_superuser and self.org_id is None
