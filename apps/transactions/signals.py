"""Every change to a product invalidates the processes' copies of the org's product lookups (selectors)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import org_data_changed

from .models import Product
from .selectors import PRODUCTS_DATA


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def product_changed(sender, instance, **kwargs) -> None:
    org_data_changed(instance.org_id, PRODUCTS_DATA)
