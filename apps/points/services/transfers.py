"""Moving points between two customers of the same programme."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .. import errors
from ..choices import EntryKind, LotState, SourceType
from ..models import LoyaltyProgram, PointsLot, Transfer
from .ledger import (SYSTEM, Actor, account_save, accounts_lock_pair, entry_post, entry_replayed, expire_account_due,
                     live_available, lots_consume)
from .redemption import _customer_is_fraud, _redemption_code


def transfer_check(*, org, from_customer, to_customer, program: LoyaltyProgram, points: Decimal) -> None:
    """Raise the platform's error for a transfer that cannot happen (no writes); returns None when it can."""
    if from_customer.pk == to_customer.pk:
        raise errors.TransferSameCustomer()
    if not program.allow_transfer:
        raise errors.TransferNotAllowed()
    if points <= 0 or points < program.min_transfer_points:
        raise errors.TransferPointsInvalid()
    if _customer_is_fraud(from_customer):
        raise errors.TransferSourceFraud()
    if _customer_is_fraud(to_customer):
        raise errors.TransferDestinationFraud()


def transferable_points(*, account, now) -> Decimal:
    """Live points that may move to someone else (enrolment bonuses and the like are not transferable)."""
    from django.db.models import Q, Sum

    total = (PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0, is_transferable=True)
             .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).aggregate(t=Sum("remaining"))["t"])
    return min(total or Decimal("0"), live_available(account, now))


@transaction.atomic
def points_transfer(*, org, from_customer, to_customer, program: LoyaltyProgram, points: Decimal, notes: str = "",
                    actor: Actor = SYSTEM, idempotency_key: str = "") -> Transfer:
    """Move points FEFO from one customer to another; each moved portion keeps its lot's expiry date.

    Both accounts are locked in primary-key order, so transfers in opposite directions never deadlock.
    """
    transfer_check(org=org, from_customer=from_customer, to_customer=to_customer, program=program, points=points)
    source, target = accounts_lock_pair(org=org, first_customer=from_customer, second_customer=to_customer,
                                        program=program)
    if idempotency_key and (done := entry_replayed(org=org, idempotency_key=f"{idempotency_key}:out")):
        return done.transfer_out
    now = timezone.now()
    expire_account_due(account=source, now=now)
    if transferable_points(account=source, now=now) < points:
        raise errors.TransferInsufficient()
    code = _redemption_code()
    out_entry = entry_post(account=source, kind=EntryKind.TRANSFER_OUT, available=-points, source_type=SourceType.TRANSFER,
                           source_ref=code, reason=notes or "Points transfer", actor=actor,
                           idempotency_key=f"{idempotency_key}:out" if idempotency_key else "", at=now,
                           meta={"to_customer": to_customer.pk})
    _, moved = lots_consume(account=source, entry=out_entry, amount=points, now=now, transferable_only=True)
    in_entry = entry_post(account=target, kind=EntryKind.TRANSFER_IN, available=points, source_type=SourceType.TRANSFER,
                          source_ref=code, reason=notes or "Points transfer", actor=actor,
                          idempotency_key=f"{idempotency_key}:in" if idempotency_key else "", at=now,
                          meta={"from_customer": from_customer.pk})
    from .ledger import lot_create, negative_payoff

    for lot, take in moved:
        into = negative_payoff(target, take)
        if into > 0:
            lot_create(account=target, entry=in_entry, amount=into, state=LotState.AVAILABLE, earned_at=lot.earned_at,
                       expires_at=lot.expires_at, transferable=True)
    source.transferred_out += points
    target.transferred_in += points
    account_save(source)
    account_save(target)
    transfer = Transfer(org=org, code=code, from_account=source, to_account=target, points=points, notes=notes or "",
                        out_entry=out_entry, in_entry=in_entry, created_at=now)
    transfer.save()
    return transfer
