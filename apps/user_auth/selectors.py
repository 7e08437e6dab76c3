"""Reads of customer user authentication: the org's lockout policy and credentials."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet

from apps.organizations.selectors import org_config_flag, org_config_value

from .models import CredentialEvent, CustomerCredential

MAX_LOCK_MINUTES = 43_200  # the platform's documented ceiling (30 days)


@dataclass(frozen=True)
class LockoutPolicy:
    max_attempts: int
    interval: timedelta
    locking: bool
    lock_period: timedelta


def _positive(org, key: str, default: int, ceiling: int | None = None) -> int:
    try:
        value = int(org_config_value(org=org, key=key) or default)
    except ValueError:
        value = default
    value = value if value > 0 else default  # 0 or less would switch the guard off: keep the default instead
    return min(value, ceiling) if ceiling else value


def lockout_policy(*, org) -> LockoutPolicy:
    """How many wrong passwords are tolerated, over what interval, and what happens then."""
    return LockoutPolicy(
        max_attempts=_positive(org, "CONF_MAX_PASSWORD_RETRY_COUNT", 5),
        interval=timedelta(minutes=_positive(org, "CONF_INCORRECT_ATTEMPT_INTERVAL", 30, MAX_LOCK_MINUTES)),
        locking=org_config_flag(org=org, key="CONF_ENABLE_ACCOUNT_LOCKING"),
        lock_period=timedelta(minutes=_positive(org, "CONF_LOCK_PERIOD_IN_MINUTES", 30, MAX_LOCK_MINUTES)),
    )


def credential_for_customer(*, org, customer) -> CustomerCredential | None:
    return CustomerCredential.objects.for_org(org).filter(customer=customer).first()


def credential_event_list(*, org, customer=None) -> QuerySet[CredentialEvent]:
    qs = CredentialEvent.objects.for_org(org).select_related("till", "user")
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.order_by("-created_at", "-id")
