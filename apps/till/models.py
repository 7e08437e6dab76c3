"""The till screens keep one thing of their own: staff PINs for logging in at a till with its own credentials.

Everything else goes through the domain services. The till's Django permissions (which screens a staff member
sees) are not tied to a model: apps/till/permissions.py declares them and services.till_permissions_ensure
creates them after each migrate.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import OrgOwned


class StaffPin(OrgOwned):
    """A staff member's till PIN, hashed like a password (set through services.staff_pin_set)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="till_pin",
                                verbose_name=_("staff member"))
    pin_hash = models.CharField(max_length=128, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff till PIN")
        verbose_name_plural = _("staff till PINs")
        indexes = [models.Index(fields=["org", "user"], name="till_staffpin_org_user_idx")]

    def __str__(self) -> str:
        return str(self.user)
