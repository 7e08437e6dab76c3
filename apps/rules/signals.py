"""Every change to a rule (or its stores and zones) invalidates the processes' copies of the org's rules."""
from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import org_data_changed

from .models import ProgramRuleSettings, Rule
from .selectors import RULES_DATA


@receiver(post_save, sender=Rule)
@receiver(post_delete, sender=Rule)
@receiver(post_save, sender=ProgramRuleSettings)
@receiver(post_delete, sender=ProgramRuleSettings)
def rule_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, RULES_DATA)


@receiver(m2m_changed, sender=Rule.stores.through)
@receiver(m2m_changed, sender=Rule.zones.through)
def rule_targets_changed(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Rule):
        org_data_changed(instance.org_id, RULES_DATA)
