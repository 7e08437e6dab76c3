"""Changes to tiers and tier settings invalidate the processes' copies of the ladder (apps.core.orgcache).
Ladder changes that rewrite rows with update() invalidate explicitly (services.ladder)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import org_data_changed

from .models import Tier, TierProgramSettings
from .selectors import TIERS_DATA


@receiver(post_save, sender=Tier)
@receiver(post_delete, sender=Tier)
@receiver(post_save, sender=TierProgramSettings)
@receiver(post_delete, sender=TierProgramSettings)
def ladder_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, TIERS_DATA)
