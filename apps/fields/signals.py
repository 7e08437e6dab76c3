"""Changes to extended-field definitions invalidate the processes' copies of them (apps.core.orgcache)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import org_data_changed

from .models import ExtendedField
from .selectors import EXTENDED_FIELDS_DATA


@receiver(post_save, sender=ExtendedField)
@receiver(post_delete, sender=ExtendedField)
def extended_field_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, EXTENDED_FIELDS_DATA)
