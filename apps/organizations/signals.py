"""Changes to tenders, custom-field definitions and config values invalidate the processes' copies of them
(apps.core.orgcache)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import org_data_changed

from .models import CustomField, OrgConfig, PaymentMode
from .selectors import CUSTOM_FIELDS_DATA, ORG_CONFIGS_DATA, STORE_CONFIGS_DATA, TENDERS_DATA


@receiver(post_save, sender=PaymentMode)
@receiver(post_delete, sender=PaymentMode)
def tender_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, TENDERS_DATA)


@receiver(post_save, sender=CustomField)
@receiver(post_delete, sender=CustomField)
def custom_field_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, CUSTOM_FIELDS_DATA)


@receiver(post_save, sender=OrgConfig)
@receiver(post_delete, sender=OrgConfig)
def config_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, STORE_CONFIGS_DATA if instance.store_id else ORG_CONFIGS_DATA)
