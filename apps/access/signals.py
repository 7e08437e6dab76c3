"""Any change to tills, stores, organisations or access groups invalidates every process's cached credentials
(apps.access.selectors.till_for_login), so a password change, a deactivation or a narrowed access group takes
effect on the very next request (within 5 s without Redis)."""
from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from apps.core.orgcache import global_data_changed
from apps.organizations.models import Organization, Store, Till

from .models import AccessGroup
from .selectors import CREDENTIALS_DATA

SENDERS = (Till, Store, Organization, AccessGroup)


def credentials_changed(sender, **kwargs) -> None:
    global_data_changed(CREDENTIALS_DATA)


for model in SENDERS:
    post_save.connect(credentials_changed, sender=model, dispatch_uid=f"credentials-save-{model.__name__}")
    post_delete.connect(credentials_changed, sender=model, dispatch_uid=f"credentials-delete-{model.__name__}")


@receiver(m2m_changed, sender=Till.access_groups.through)
def till_groups_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        global_data_changed(CREDENTIALS_DATA)
