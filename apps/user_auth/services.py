"""Writes of customer user authentication: register a password, check it (with throttling and lockout), change it.

Clients send md5(password) as 32 hex digits; only make_password(that) is stored. Neither the value nor its hash
is ever logged or returned (sensitive_variables keeps them out of error reports too).
"""
from __future__ import annotations

import re
from enum import Enum

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from apps.customers.errors import CustomerNotFound, IdentifierNameInvalid, LookupIdentifierMissing
from apps.customers.models import Customer
from apps.customers.selectors import customer_lookup

from . import errors
from .choices import CredentialEventType, Username
from .models import CredentialEvent, CustomerCredential
from .selectors import lockout_policy

MD5_HEX = re.compile(r"^[0-9a-fA-F]{32}$")


@sensitive_variables("password")
def _md5_value(password) -> str:
    text = str(password or "").strip()
    if not MD5_HEX.match(text):
        raise errors.PasswordFormatInvalid(field="password")
    return text.lower()


def _customer_for(*, org, mobile=None, email=None) -> tuple[Customer, str, str]:
    """The customer the mobile and/or email name: (customer, registered_with, username)."""
    given = [(kind, str(value).strip()) for kind, value in ((Username.MOBILE, mobile), (Username.EMAIL, email))
             if value not in (None, "") and str(value).strip()]
    if not given:
        raise errors.UsernameMissing(field="mobile")
    found = []
    for kind, value in given:
        try:
            found.append(customer_lookup(org=org, identifier_type=kind, value=value))
        except (CustomerNotFound, IdentifierNameInvalid, LookupIdentifierMissing):
            raise errors.UsernameInvalid(field=kind) from None
    if len({c.pk for c in found}) > 1:
        raise errors.UsernamesDisagree(field="email")
    return found[0], given[0][0], given[0][1]


def _event(credential: CustomerCredential, event_type: str, *, till=None, user=None, at=None) -> None:
    CredentialEvent.objects.create(org_id=credential.org_id, credential=credential,
                                   customer_id=credential.customer_id, type=event_type, till=till, user=user,
                                   created_at=at or timezone.now())


@sensitive_variables("password", "secret")
@transaction.atomic
def user_auth_register(*, org, password, mobile=None, email=None, till=None) -> Customer:
    """Give an existing customer (named by mobile and/or email) a password login; 91029 if they have one."""
    secret = _md5_value(password)
    customer, kind, username = _customer_for(org=org, mobile=mobile, email=email)
    if CustomerCredential.objects.for_org(org).filter(customer=customer).exists():
        raise errors.AlreadyRegistered()
    credential = CustomerCredential(org=org, customer=customer, password=make_password(secret), registered_with=kind,
                                    username=username[:255])
    credential.full_clean(validate_constraints=False)  # checked above; a race hits the unique constraint
    credential.save()
    _event(credential, CredentialEventType.REGISTERED, till=till)
    return customer


class _Attempt(Enum):
    OK = "ok"
    FAILED = "failed"
    LOCKED = "locked"


@sensitive_variables("password", "secret")
def user_auth_authorize(*, org, password, mobile=None, email=None, till=None) -> bool:
    """True when the password is the customer's; otherwise AuthorizationFailed (91024) or, once too many wrong
    passwords were sent, AccountLocked (1530) until the lock or attempt interval ends.

    The wrong attempt is committed before the error is raised, so the count survives the failed request.
    An unknown user answers exactly like a wrong password.
    """
    secret = _md5_value(password)
    try:
        customer, _, _ = _customer_for(org=org, mobile=mobile, email=email)
    except (errors.UsernameInvalid, errors.UsernamesDisagree):
        make_password(secret)  # spend the hashing time a real check would: no timing hint of who exists
        raise errors.AuthorizationFailed() from None
    outcome, locked_until = _authorize_attempt(org=org, customer=customer, secret=secret, till=till)
    if outcome is _Attempt.OK:
        return True
    if outcome is _Attempt.LOCKED:
        raise errors.AccountLocked(wait=int((locked_until - timezone.now()).total_seconds()))
    raise errors.AuthorizationFailed()


@sensitive_variables("secret")
@transaction.atomic
def _authorize_attempt(*, org, customer: Customer, secret: str, till=None):
    credential = CustomerCredential.objects.for_org(org).select_for_update().filter(customer=customer).first()
    if credential is None:
        make_password(secret)
        return _Attempt.FAILED, None
    now = timezone.now()
    if credential.is_locked(now):
        return _Attempt.LOCKED, credential.locked_until

    def rehash(raw):  # a stronger default hasher since the password was set: upgrade on success
        credential.password = make_password(raw)

    if check_password(secret, credential.password, setter=rehash):
        credential.failed_attempts, credential.first_failed_at, credential.locked_until = 0, None, None
        credential.last_login_at = now
        credential.save()
        _event(credential, CredentialEventType.AUTHORIZED, till=till, at=now)
        return _Attempt.OK, None
    _record_failure(org=org, credential=credential, now=now, till=till)
    return _Attempt.FAILED, None


def _record_failure(*, org, credential: CustomerCredential, now, till=None) -> None:
    """Count a wrong password; at the limit, refuse further attempts for the lock period (or, with locking off,
    for the rest of the attempt interval). Caller holds the credential's row lock."""
    policy = lockout_policy(org=org)
    if credential.first_failed_at is None or now - credential.first_failed_at >= policy.interval:
        credential.failed_attempts, credential.first_failed_at = 0, now
    credential.failed_attempts += 1
    _event(credential, CredentialEventType.FAILED, till=till, at=now)
    if credential.failed_attempts >= policy.max_attempts:
        until = now + policy.lock_period if policy.locking else credential.first_failed_at + policy.interval
        credential.locked_until = until
        credential.failed_attempts, credential.first_failed_at = 0, None
        _event(credential, CredentialEventType.LOCKED, till=till, at=now)
    credential.save()


@sensitive_variables("password", "secret")
@transaction.atomic
def user_auth_password_update(*, org, password, mobile=None, email=None, till=None) -> CustomerCredential:
    """Set a new password for a registered customer (a reset: it also lifts a lock); 1527 if it is unchanged."""
    secret = _md5_value(password)
    customer, _, _ = _customer_for(org=org, mobile=mobile, email=email)
    credential = CustomerCredential.objects.for_org(org).select_for_update().filter(customer=customer).first()
    if credential is None:
        raise errors.UserNotRegistered()
    if check_password(secret, credential.password):
        raise errors.PasswordUnchanged(field="password")
    now = timezone.now()
    credential.password = make_password(secret)
    credential.password_changed_at = now
    credential.failed_attempts, credential.first_failed_at, credential.locked_until = 0, None, None
    credential.save()
    _event(credential, CredentialEventType.PASSWORD_UPDATED, till=till, at=now)
    return credential


@transaction.atomic
def user_auth_unlock(*, org, credential: CustomerCredential, user=None) -> bool:
    """Lift a lock and clear the failure count (back office); False when the login was not locked."""
    credential = CustomerCredential.objects.for_org(org).select_for_update().get(pk=credential.pk)
    was_locked = credential.is_locked()
    credential.failed_attempts, credential.first_failed_at, credential.locked_until = 0, None, None
    credential.save()
    if was_locked:
        _event(credential, CredentialEventType.UNLOCKED, user=user)
    return was_locked
