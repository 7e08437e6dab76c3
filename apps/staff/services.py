"""Writes of the staff domain."""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .choices import ROLE_ADMIN_APPS, StaffRole
from .models import User


def _role_permissions(role: str):
    spec = ROLE_ADMIN_APPS.get(StaffRole(role), {})
    if spec == "__all__":
        from django.apps import apps

        labels = [config.label for config in apps.get_app_configs() if config.name.startswith("apps.")]
        return Permission.objects.filter(content_type__app_label__in=labels)
    wanted = []
    for app_label, level in spec.items():
        actions = {"view": ["view"], "change": ["view", "add", "change", "delete"]}.get(level, [])
        wanted += [(app_label, action) for action in actions]
    perms = Permission.objects.none()
    for app_label, action in wanted:
        perms = perms | Permission.objects.filter(content_type__app_label=app_label, codename__startswith=f"{action}_")
    return perms


def role_group(role: str) -> Group:
    """The Django auth group granting a role's back-office permissions (kept in sync on each call)."""
    group, _ = Group.objects.get_or_create(name=f"role:{role}")
    group.permissions.set(_role_permissions(role))
    return group


@transaction.atomic
def staff_user_create(*, org, username: str, password: str, role: str, store=None, till=None,
                      first_name: str = "", last_name: str = "", email: str = "", mobile: str = "",
                      code: str = "") -> User:
    """Create a staff member of the org with a role; admin roles may log in to the back office."""
    user = User(org=org, username=username, role=role, store=store, till=till, first_name=first_name,
                last_name=last_name, email=email, mobile=mobile, code=code,
                is_staff=role in (StaffRole.ORG_ADMIN, StaffRole.MARKETER, StaffRole.STORE_MANAGER))
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(role_group(role))
    return user
