"""Validation codes (OTP) for redemptions and transfers, sent through the communications backends.

Re-requesting within the validity returns the same code (the platform's behaviour); each code is single use, has an
attempt limit and expires. The code is an HMAC of a random nonce under SECRET_KEY, so it is never stored.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import errors
from ..models import LoyaltyProgram, ValidationCode

DIGITS = 6


def _code(row: ValidationCode) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{row.org_id}:{row.customer_id}:{row.nonce}".encode(), hashlib.sha256)
    return str(int.from_bytes(mac.digest()[:8], "big") % 10**DIGITS).zfill(DIGITS)


def _contact(customer) -> tuple[str, str] | None:
    """(channel, recipient) for the customer: mobile first, then email."""
    identifiers = {i.type: i.value for i in customer.identifiers.all()} if hasattr(customer, "identifiers") else {}
    if identifiers.get("mobile"):
        return "SMS", identifiers["mobile"]
    if identifiers.get("email"):
        return "EMAIL", identifiers["email"]
    return None


@transaction.atomic
def validation_code_issue(*, org, customer, program: LoyaltyProgram, points: Decimal | None = None,
                          purpose: str = "REDEMPTION") -> tuple[ValidationCode, bool]:
    """Send (or re-send) the customer's current code; returns (row, newly created)."""
    from apps.communications.services import message_queue

    contact = _contact(customer)
    if contact is None:
        raise errors.ValidationCodeIssueFailed(detail="the customer has no mobile or email")
    now = timezone.now()
    row = (ValidationCode.objects.select_for_update().filter(org=org, customer=customer, purpose=purpose,
                                                             used_at__isnull=True, expires_at__gt=now,
                                                             attempts__lt=F("max_attempts"))
           .order_by("-created_at").first())
    created = row is None
    if created:
        row = ValidationCode.objects.create(
            org=org, customer=customer, purpose=purpose, nonce=secrets.token_hex(16), points=points,
            channel=contact[0], max_attempts=program.otp_max_attempts, created_at=now,
            expires_at=now + timedelta(minutes=program.otp_validity_minutes))
    code = _code(row)
    body = f"Your {org.name} validation code is {code}. It is valid for {program.otp_validity_minutes} minutes."
    message_queue(org=org, customer=customer, channel=contact[0], recipient=contact[1], purpose=f"OTP_{purpose}",
                  subject=f"{org.name} validation code", body=body, store_body=False)
    return row, created


def _current(org, customer, purpose, now, *, lock: bool):
    qs = ValidationCode.objects.filter(org=org, customer=customer, purpose=purpose, used_at__isnull=True,
                                       expires_at__gt=now)
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("-created_at").first()


def validation_code_check(*, org, customer, code: str, purpose: str = "REDEMPTION") -> None:
    """Check a code without using it up, counting a wrong guess against the attempt limit (808 when wrong).

    Call it outside any transaction, before the operation: a failed attempt must stay counted when the request fails.
    """
    now = timezone.now()
    with transaction.atomic():
        row = _current(org, customer, purpose, now, lock=True)
        if row is None or row.attempts >= row.max_attempts:
            wrong = True
        elif not hmac.compare_digest(_code(row), str(code or "").strip()):
            ValidationCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            wrong = True
        else:
            wrong = False
    if wrong:
        raise errors.ValidationCodeInvalid()


def validation_code_consume(*, org, customer, code: str, purpose: str = "REDEMPTION") -> None:
    """Use the code up inside the caller's transaction (with the operation it confirms): it works exactly once."""
    now = timezone.now()
    row = _current(org, customer, purpose, now, lock=True)
    if row is None or row.attempts >= row.max_attempts or not hmac.compare_digest(_code(row), str(code or "").strip()):
        raise errors.ValidationCodeInvalid()
    ValidationCode.objects.filter(pk=row.pk).update(used_at=now)
