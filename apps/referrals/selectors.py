"""Reads of referrals. Every function takes the caller's org; another org's rows are never returned."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from apps.customers.errors import CustomerNotFound
from apps.customers.selectors import customer_by_referral_code
from apps.organizations.selectors import org_config_flag, org_config_value

from . import errors
from .choices import ReferralStatus
from .models import Referee, Referral


def referral_code_referrer(*, org, code: str):
    """The customer whose referral code this is; ReferralCodeInvalid for an unknown code (or another org's)."""
    text = str(code or "").strip()
    if not text:
        raise errors.ReferralCodeMissing(field="code")
    try:
        return customer_by_referral_code(org=org, code=text)
    except CustomerNotFound:
        raise errors.ReferralCodeInvalid(field="code") from None


def referral_invite_limit(*, org) -> int:
    """REFERRAL_MAX_INVITES_PER_DAY as an int (0 when not a number)."""
    try:
        return max(0, int(org_config_value(org=org, key="REFERRAL_MAX_INVITES_PER_DAY") or 0))
    except ValueError:
        return 0


def referral_existing_customers_allowed(*, org) -> bool:
    return org_config_flag(org=org, key="REFERRAL_ALLOW_EXISTING_CUSTOMERS")


def _window(qs: QuerySet, field: str, start: datetime | None, end: datetime | None) -> QuerySet:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": end})
    return qs


def referral_list(*, org, referrer, campaign_token: str | None = None, start: datetime | None = None,
                  end: datetime | None = None, store_code: str | None = None) -> QuerySet[Referral]:
    """The referrer's invitations, newest first, with the till that sent each."""
    qs = Referral.objects.for_org(org).filter(referrer=referrer).select_related("till")
    if campaign_token:
        qs = qs.filter(campaign_token=campaign_token)
    if store_code:
        qs = qs.filter(till__store__code=store_code)
    return _window(qs, "invited_on", start, end).order_by("-created_at", "-id")


def referee_list(*, org, referrer, start: datetime | None = None, end: datetime | None = None,
                 store_code: str | None = None) -> QuerySet[Referee]:
    """Customers who registered with the referrer's code, newest first, with their identifiers prefetched."""
    qs = (Referee.objects.for_org(org).filter(referrer=referrer).select_related("referee", "till")
          .prefetch_related("referee__identifiers"))
    if store_code:
        qs = qs.filter(till__store__code=store_code)
    return _window(qs, "added_on", start, end).order_by("-added_on", "-id")


def referral_stats(*, org, referrer) -> dict[str, int]:
    """How many people the referrer invited, how many of those registered, and how many referees in all."""
    counts = Referral.objects.for_org(org).filter(referrer=referrer).aggregate(
        invited=Count("id"), registered=Count("id", filter=Q(status=ReferralStatus.REGISTERED)))
    counts["referees"] = Referee.objects.for_org(org).filter(referrer=referrer).count()
    return counts
