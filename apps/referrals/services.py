"""Writes of referrals: the customer's referral code, invitations (with abuse guards) and registrations."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import DomainError
from apps.customers.choices import CustomerStatus, IdentifierType
from apps.customers.errors import CustomerNotFound, ReferralCodeTaken
from apps.customers.identifiers import email_normalise, mobile_normalise
from apps.customers.models import Customer
from apps.customers.selectors import customer_lookup
from apps.customers.services import customer_referral_code_set

from . import errors
from .choices import CHANNEL_ALIASES, ReferralChannel, ReferralStatus
from .models import Referee, Referral
from .selectors import referral_code_referrer, referral_existing_customers_allowed, referral_invite_limit

CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o or 1/l: codes are read out and typed by people
CODE_LENGTH = 9
CODE_ATTEMPTS = 8
INVITE_WINDOW = timedelta(hours=24)


class ReferralSystemError(DomainError):
    code, status, template = 1222, 500, "Internal error occurred with the referral system"


# -- referral code ----------------------------------------------------------------------------------------
@transaction.atomic
def referral_code_ensure(*, org, customer: Customer) -> str:
    """The customer's referral code, generating (and storing) a random one the first time it is needed."""
    locked = Customer.objects.for_org(org).select_for_update().only("pk", "referral_code").get(pk=customer.pk)
    if locked.referral_code:
        customer.referral_code = locked.referral_code
        return locked.referral_code
    for _ in range(CODE_ATTEMPTS):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                customer_referral_code_set(org=org, customer=customer, code=code)
        except (ReferralCodeTaken, IntegrityError):
            continue  # another customer has it: draw again
        customer.referral_code = code
        return code
    raise ReferralSystemError()


# -- invitations --------------------------------------------------------------------------------------------
_DATETIME = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})\s*T?\s*(\d{2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?\s*"
                       r"(Z|[+-]\d{2}:?\d{2})?")


def invited_on_parse(raw, *, org) -> datetime:
    """When the invitation was sent, from the spellings clients use (`2021-12-16 13:15:45`, ISO-8601,
    `20160912T15:19:21+05:30`); naive times are in the org's timezone; anything after the time is ignored."""
    if raw in (None, ""):
        return timezone.now()
    match = _DATETIME.match(str(raw).strip())
    if not match:
        raise errors.InvitedOnInvalid(field="invitedOn")
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        raise errors.InvitedOnInvalid(field="invitedOn") from None
    if offset in (None, ""):
        try:
            zone = ZoneInfo(org.timezone or "UTC")
        except Exception:  # noqa: BLE001 (an unknown zone name falls back to UTC)
            zone = ZoneInfo("UTC")
        return naive.replace(tzinfo=zone)
    if offset == "Z":
        return naive.replace(tzinfo=dt_timezone.utc)
    digits = offset.replace(":", "")
    delta = timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
    return naive.replace(tzinfo=dt_timezone(delta if digits[0] == "+" else -delta))


def _channel(raw) -> str:
    channel = CHANNEL_ALIASES.get(str(raw or "").strip().upper())
    if channel is None:
        raise errors.ReferralTypeUnsupported(field="type")
    return channel


def _identifier(channel: str, raw, *, org) -> str:
    value = mobile_normalise(raw, org=org) if channel == ReferralChannel.MOBILE else email_normalise(raw)
    if value is None:
        raise errors.InviteeIdentifierInvalid(field="identifier")
    return value


def _existing_customer(*, org, channel: str, identifier: str) -> Customer | None:
    kind = IdentifierType.MOBILE if channel == ReferralChannel.MOBILE else IdentifierType.EMAIL
    try:
        return customer_lookup(org=org, identifier_type=kind, value=identifier)
    except CustomerNotFound:
        return None


@dataclass
class InviteOutcome:
    """What happened to one invitee of a refer call: the stored invitation, or the reason it was refused."""

    item: dict
    referral: Referral | None = None
    error: DomainError | None = None


def _invite_one(*, org, referrer: Customer, item: dict, campaign_token: str, till) -> Referral:
    channel = _channel(item.get("type"))
    identifier = _identifier(channel, item.get("identifier"), org=org)
    invited_on = invited_on_parse(item.get("invited_on"), org=org)
    owner = _existing_customer(org=org, channel=channel, identifier=identifier)
    if owner is not None and owner.pk == referrer.pk:
        raise errors.SelfReferral(field="identifier")
    if owner is not None and not referral_existing_customers_allowed(org=org):
        raise errors.InviteeAlreadyCustomer(identifier=identifier, field="identifier")
    if Referral.objects.for_org(org).filter(referrer=referrer, channel=channel, identifier=identifier).exists():
        raise errors.InviteeAlreadyInvited(identifier=identifier, field="identifier")
    referral = Referral(org=org, referrer=referrer, campaign_token=str(campaign_token or "")[:64], channel=channel,
                        identifier=identifier, name=str(item.get("name") or "").strip()[:150],
                        client_ref=str(item.get("id") or "").strip()[:64], invited_on=invited_on, till=till)
    referral.full_clean(validate_constraints=False)  # the unique invitee is checked above and by the database
    referral.save()
    return referral


@transaction.atomic
def referrals_invite(*, org, referrer: Customer, invitees: list[dict], campaign_token: str = "",
                     till=None) -> list[InviteOutcome]:
    """Record the referrer's invitations; each invitee succeeds or fails on its own.

    invitees: [{type: MOBILE|SMS|EMAIL, identifier, name, invited_on, id}]. Refused per item: an unsupported
    type (1206), an invalid mobile/email (1701), the referrer's own identifier (1703), someone who already is a
    customer unless REFERRAL_ALLOW_EXISTING_CUSTOMERS (1704), someone this referrer already invited on that
    channel (1702), and anything past REFERRAL_MAX_INVITES_PER_DAY in the last 24 hours (1705).
    The referrer must be ACTIVE (1204). Issues the referrer's referral code if they have none yet.
    """
    if not invitees:
        raise errors.ReferralsMissing()
    # One refer call at a time per referrer: the daily count below then cannot be raced past.
    referrer = Customer.objects.for_org(org).select_for_update().get(pk=referrer.pk)
    if referrer.status != CustomerStatus.ACTIVE:
        raise errors.ReferrerNotEligible()
    referral_code_ensure(org=org, customer=referrer)
    limit = referral_invite_limit(org=org)
    sent = Referral.objects.for_org(org).filter(referrer=referrer,
                                                created_at__gte=timezone.now() - INVITE_WINDOW).count()
    outcomes = []
    for item in invitees:
        outcome = InviteOutcome(item=item)
        try:
            if sent >= limit:
                raise errors.InviteLimitReached(limit=limit)
            with transaction.atomic():
                outcome.referral = _invite_one(org=org, referrer=referrer, item=item,
                                               campaign_token=campaign_token, till=till)
            sent += 1
        except DomainError as exc:
            outcome.error = exc
        except IntegrityError:
            outcome.error = errors.InviteeDuplicateRace(field="identifier")
        outcomes.append(outcome)
    return outcomes


# -- registration with a referral code -------------------------------------------------------------------------
@transaction.atomic
def referral_registration_record(*, org, referee: Customer, code: str, till=None) -> Referee:
    """Credit the owner of `code` with a customer who registered using it (the customers app calls this).

    Marks the referrer's invitation to the new customer's mobile or email as REGISTERED when there is one.
    Idempotent: a customer is referred once, so a second call returns the existing row. Raises
    ReferralCodeInvalid (1205) for an unknown code and SelfReferral (1703) for the customer's own code.
    """
    referrer = referral_code_referrer(org=org, code=code)
    if referrer.pk == referee.pk:
        raise errors.SelfReferral(field="referralCode")
    existing = Referee.objects.for_org(org).filter(referee=referee).first()
    if existing is not None:
        return existing
    values = list(referee.identifiers.filter(type__in=[IdentifierType.MOBILE, IdentifierType.EMAIL])
                  .values_list("value", flat=True))
    now = timezone.now()
    referral = (Referral.objects.for_org(org).select_for_update()
                .filter(referrer=referrer, identifier__in=values, status=ReferralStatus.INVITED)
                .order_by("created_at", "id").first()) if values else None
    if referral is not None:
        referral.status, referral.referee, referral.registered_at = ReferralStatus.REGISTERED, referee, now
        referral.save(update_fields=["status", "referee", "registered_at"])
    row = Referee(org=org, referrer=referrer, referee=referee, referral=referral, code=referrer.referral_code,
                  till=till, added_on=now)
    row.full_clean(validate_constraints=False)
    row.save()
    return row
