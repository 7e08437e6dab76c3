"""Changes to programmes and their currencies invalidate the processes' copies of them (apps.core.orgcache)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import org_data_changed

from .models import LoyaltyProgram, PointsCurrency
from .services.ledger import PROGRAMS_DATA


@receiver(post_save, sender=LoyaltyProgram)
@receiver(post_delete, sender=LoyaltyProgram)
@receiver(post_save, sender=PointsCurrency)
@receiver(post_delete, sender=PointsCurrency)
def program_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, PROGRAMS_DATA)
