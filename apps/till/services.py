"""Writes of the till screens: role groups carrying the till permissions, and failed-login throttling.

Business writes (customers, bills, points, coupons) are NOT here: the views call the domain services directly,
the same ones the API calls.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import StaffPin

PIN_MIN_LENGTH, PIN_MAX_LENGTH = 4, 8


# -- permissions and role groups ---------------------------------------------------------------------------------------------------
@transaction.atomic
def till_permissions_ensure() -> list[Permission]:
    """Create (or rename) the till's permissions; idempotent. Runs after every migrate (TillConfig.ready)."""
    content_type, _ = ContentType.objects.get_or_create(app_label=permissions.APP_LABEL,
                                                         model=permissions.CONTENT_TYPE_MODEL)
    existing = {p.codename: p for p in Permission.objects.filter(content_type=content_type)}
    out = []
    for codename, label in permissions.DEFINITIONS.items():
        name = str(label)
        perm = existing.get(codename)
        if perm is None:
            perm = Permission.objects.create(content_type=content_type, codename=codename, name=name)
        elif perm.name != name:
            perm.name = name
            perm.save(update_fields=["name"])
        out.append(perm)
    return out


@transaction.atomic
def till_role_group_ensure(*, user) -> Group | None:
    """Put the staff member in their role's till group (created with the role's default till permissions), and out
    of any other role's till group. Returns the group, or None for a user without a role."""
    role = user.role or ""
    stale = user.groups.filter(name__startswith=permissions.GROUP_PREFIX)
    if role:
        stale = stale.exclude(name=permissions.group_name(role))
    if stale.exists():
        user.groups.remove(*stale)
    if not role:
        return None
    group, created = Group.objects.get_or_create(name=permissions.group_name(role))
    if created:
        codenames = {perm.split(".", 1)[1] for perm in permissions.ROLE_DEFAULTS.get(role, ())}
        group.permissions.set([p for p in till_permissions_ensure() if p.codename in codenames])
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        for cache_name in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
            user.__dict__.pop(cache_name, None)
    return group


# -- failed-login throttling -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int        # failures of one username before it is locked out
    max_ip_failures: int     # failures from one address (any username) before it is throttled
    window_seconds: int      # failures older than this are forgotten
    lockout_seconds: int     # how long a lock-out lasts


def login_policy() -> LoginPolicy:
    return LoginPolicy(max_failures=getattr(settings, "TILL_LOGIN_MAX_FAILURES", 5),
                       max_ip_failures=getattr(settings, "TILL_LOGIN_MAX_IP_FAILURES", 20),
                       window_seconds=getattr(settings, "TILL_LOGIN_WINDOW_SECONDS", 15 * 60),
                       lockout_seconds=getattr(settings, "TILL_LOGIN_LOCKOUT_SECONDS", 15 * 60))


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _keys(username: str, ip: str) -> tuple[str, str, str]:
    user, addr = _digest(username), _digest(ip or "-")
    return f"till:login:fail:u:{user}", f"till:login:fail:ip:{addr}", f"till:login:lock:u:{user}"


def login_locked(*, username: str, ip: str) -> bool:
    """Whether this username is locked out, or this address has failed too often."""
    policy = login_policy()
    user_key, ip_key, lock_key = _keys(username, ip)
    values = cache.get_many([ip_key, lock_key])
    return bool(values.get(lock_key)) or int(values.get(ip_key) or 0) >= policy.max_ip_failures


def login_failed(*, username: str, ip: str) -> bool:
    """Count a failed attempt; returns True when it locked the username out."""
    policy = login_policy()
    user_key, ip_key, lock_key = _keys(username, ip)
    failures = 0
    for key in (user_key, ip_key):
        cache.add(key, 0, timeout=policy.window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=policy.window_seconds)
            count = 1
        if key == user_key:
            failures = count
    if failures >= policy.max_failures:
        cache.set(lock_key, 1, timeout=policy.lockout_seconds)
        cache.delete(user_key)
        return True
    return False


def login_succeeded(*, username: str, ip: str) -> None:
    user_key, _, _ = _keys(username, ip)
    cache.delete(user_key)


# -- staff PINs ------------------------------------------------------------------------------------------------------
@transaction.atomic
def staff_pin_set(*, org, user, pin: str) -> StaffPin:
    """Set (or change) a staff member's till PIN: 4 to 8 digits, not all the same digit; stored hashed."""
    pin = str(pin or "").strip()
    if user.org_id != org.pk:
        raise ValidationError({"user": _("The staff member belongs to another organisation.")})
    if not pin.isdigit() or not PIN_MIN_LENGTH <= len(pin) <= PIN_MAX_LENGTH:
        raise ValidationError({"pin": _("A PIN is 4 to 8 digits.")})
    if len(set(pin)) == 1:
        raise ValidationError({"pin": _("A PIN may not repeat one digit.")})
    row = StaffPin.objects.select_for_update().filter(user=user).first() or StaffPin(org=org, user=user)
    row.pin_hash, row.updated_at = make_password(pin), timezone.now()
    row.full_clean(exclude=["user"], validate_unique=False)
    row.save()
    return row


def staff_pin_check(*, user, pin: str) -> bool:
    """Whether the PIN is the staff member's (False when none is set)."""
    row = StaffPin.objects.filter(user=user).only("pin_hash").first()
    return bool(row and pin and check_password(str(pin).strip(), row.pin_hash))


def pin_login_match(*, till_username: str, till_password: str, staff: str, pin: str):
    """(till, staff member) when the till's own credentials and one staff member of its store (by username or
    staff code) with that PIN match; (till or None, None) otherwise."""
    from django.db.models import Q

    from apps.organizations.models import Till
    from apps.staff.models import User

    till = Till.objects.select_related("store").filter(username=till_username.strip(), is_active=True).first()
    if till is None or not till.check_api_password(till_password):
        return till, None
    staff = staff.strip()
    candidates = list(User.objects.filter(org_id=till.org_id, store_id=till.store_id, is_active=True)
                      .filter(Q(username=staff) | Q(code=staff))[:2])
    if len(candidates) == 1 and staff_pin_check(user=candidates[0], pin=pin):
        return till, candidates[0]
    return till, None
