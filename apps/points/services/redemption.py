"""Redeeming points against a bill, checking redeemability, and reversing redemptions."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from .. import errors
from ..choices import EligibilityBasis, EntryKind, LotState, RedemptionStatus, SourceType
from ..models import LotMovement, LoyaltyProgram, PointsAccount, PointsLot, Redemption
from .ledger import (SYSTEM, ZERO, Actor, account_lock, account_save, entry_post, entry_replayed, expire_account_due,
                     live_available, lots_consume, next_expiry_note, points_value)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _redemption_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _customer_is_fraud(customer) -> bool:
    status = getattr(customer, "fraud_status", "") or ""
    return str(status).upper() in {"MARKED", "CONFIRMED", "RECONFIRMED"}


@dataclass
class Redeemability:
    """Why points can or cannot be redeemed, in the platform's terms (item code 800 when they can)."""

    points: Decimal
    value: Decimal
    available: Decimal
    error: errors.DomainError | None = None
    warnings: list = field(default_factory=list)

    @property
    def is_redeemable(self) -> bool:
        return self.error is None


def _rule_error(program: LoyaltyProgram, account: PointsAccount | None, points: Decimal, available: Decimal,
                lifetime_purchases: Decimal | None) -> errors.DomainError | None:
    if program.redeem_multiple and program.redeem_multiple > 0 and points % program.redeem_multiple != 0:
        return errors.PointsNotMultiple(multiple=program.redeem_multiple.normalize())
    if points < program.min_redeem_points:
        return errors.BelowMinimum(minimum=program.min_redeem_points.normalize())
    if program.max_redeem_per_bill is not None and points > program.max_redeem_per_bill:
        return errors.AboveMaximumPerBill(maximum=program.max_redeem_per_bill.normalize())
    threshold = program.eligibility_threshold
    if program.eligibility_basis == EligibilityBasis.LIFETIME_POINTS and threshold > 0:
        if (account.lifetime_earned if account else ZERO) < threshold:
            return errors.InsufficientLifetimePoints()
    if program.eligibility_basis == EligibilityBasis.LIFETIME_PURCHASES and threshold > 0:
        if (lifetime_purchases or ZERO) < threshold:
            return errors.InsufficientLifetimePurchases()
    if program.eligibility_basis == EligibilityBasis.CURRENT_POINTS and threshold > 0 and available < threshold:
        return errors.PointsMoreThanAvailable()
    if points > available:
        return errors.PointsMoreThanAvailable()
    return None


def points_redeemability(*, org, customer, program: LoyaltyProgram, points: Decimal,
                         lifetime_purchases: Decimal | None = None, now: datetime | None = None) -> Redeemability:
    """Whether the customer may redeem these points now (no writes)."""
    now = now or timezone.now()
    account = PointsAccount.objects.filter(org=org, customer=customer, program=program, currency__is_default=True).first()
    available = live_available(account, now) if account else ZERO
    value = points_value(points, program=program)
    if _customer_is_fraud(customer):
        return Redeemability(points, value, available, errors.CustomerFraud())
    return Redeemability(points, value, available, _rule_error(program, account, points, available, lifetime_purchases))


@transaction.atomic
def points_redeem(*, org, customer, program: LoyaltyProgram, points: Decimal, bill_number: str = "",
                  external_reference: str = "", idempotency_key: str = "", purpose: str = "", notes: str = "",
                  actor: Actor = SYSTEM, redeemed_at: datetime | None = None,
                  lifetime_purchases: Decimal | None = None, validation_code: str | None = None) -> Redemption:
    """Redeem points FEFO against a bill. A retry with the same idempotency key or external reference returns the
    first redemption. With validation_code, the code is used up in the same transaction (callers check it first
    with otp.validation_code_check, outside the transaction, so wrong guesses are counted)."""
    account = account_lock(org=org, customer=customer, program=program)
    if external_reference:
        if done := Redemption.objects.filter(org=org, external_reference=external_reference).first():
            return done
    if idempotency_key:
        if done := Redemption.objects.filter(org=org, entry__idempotency_key=idempotency_key).first():
            return done
    if _customer_is_fraud(customer):
        raise errors.CustomerFraud()
    now = timezone.now()
    expire_account_due(account=account, now=now)
    if validation_code is not None:
        from .otp import validation_code_consume

        validation_code_consume(org=org, customer=customer, code=validation_code)
    error = _rule_error(program, account, points, account.available, lifetime_purchases)
    if error is not None:
        raise error  # rolls back the on-touch expiry too; the nightly job posts it
    entry = entry_post(account=account, kind=EntryKind.REDEEM, available=-points, source_type=SourceType.REDEMPTION,
                       source_ref=bill_number, reason=purpose or "Points redemption", actor=actor,
                       idempotency_key=idempotency_key, at=now)
    taken, _ = lots_consume(account=account, entry=entry, amount=points, now=now)
    if taken != points:  # cannot happen: available equals the live lots once due lots are expired
        raise errors.PointsMoreThanAvailable()
    account.redeemed += points
    account_save(account)
    redemption = Redemption(org=org, code=_redemption_code(), account=account, customer=customer, entry=entry,
                            points=points, value=points_value(points, program=program), bill_number=bill_number or "",
                            external_reference=external_reference or "", purpose=purpose or "", notes=notes or "",
                            store=actor.store, till=actor.till, redeemed_at=redeemed_at or now)
    redemption.save()
    return redemption


@dataclass
class ReversalResult:
    redemption: Redemption
    reversed_points: Decimal
    available_points: Decimal  # came back spendable
    expired_points: Decimal    # came back already expired (their lot's date had passed)
    entry: object


@transaction.atomic
def points_reverse_redemption(*, org, redemption_code: str = "", external_reference: str = "",
                              points: Decimal | None = None, reason: str = "", actor: Actor = SYSTEM,
                              idempotency_key: str = "") -> ReversalResult:
    """Give redeemed points back to the lots they came from, keeping each lot's original expiry date.

    Points whose lot has expired meanwhile come back expired, as the platform does. points=None reverses the rest.
    """
    lookup = {"code": redemption_code} if redemption_code else {"external_reference": external_reference}
    if not redemption_code and not external_reference:
        raise errors.RedemptionNotFound()
    found = Redemption.objects.filter(org=org, **lookup).select_related("account__program").first()
    if found is None:
        raise errors.RedemptionNotFound()
    account = PointsAccount.objects.select_for_update().get(pk=found.account_id)
    redemption = Redemption.objects.select_for_update().get(pk=found.pk)
    if done := entry_replayed(org=org, idempotency_key=idempotency_key):
        reversed_points = sum((m.amount for m in done.movements.all()), ZERO)
        return ReversalResult(redemption, reversed_points, done.available_delta,
                              Decimal(done.meta.get("expired", "0")), done)
    program = account.program
    if not program.allow_redemption_reversal:
        raise errors.ReversalDisabled()
    reversible = redemption.points - redemption.reversed_points
    if reversible <= 0:
        raise errors.RedemptionAlreadyReversed()
    amount = reversible if points is None else points
    if amount <= 0:
        raise errors.PointsInvalid(detail="must be greater than zero")
    if amount > reversible:
        raise errors.RedemptionReversalMismatch(reversible=reversible.normalize())
    now = timezone.now()
    restored = _restore_plan(redemption, amount)
    expired_part = sum((take for lot, take in restored if lot.expires_at is not None and lot.expires_at <= now), ZERO)
    available_part = amount - expired_part
    entry = entry_post(account=account, kind=EntryKind.REVERSE_REDEMPTION, available=available_part,
                       source_type=SourceType.REDEMPTION, source_ref=redemption.code, reason=reason or "Redemption reversed",
                       actor=actor, idempotency_key=idempotency_key, reverses=redemption.entry,
                       meta={"expired": str(expired_part)} if expired_part else None, at=now)
    for lot, take in restored:
        if lot.expires_at is not None and lot.expires_at <= now:
            lot.expired_amount += take
            lot.expired_at = lot.expired_at or now
        else:
            lot.remaining += take
            next_expiry_note(account, lot.expires_at)
        if lot.state != LotState.AVAILABLE:
            lot.state = LotState.AVAILABLE
    PointsLot.objects.bulk_update([lot for lot, _ in restored], ["remaining", "expired_amount", "expired_at", "state"])
    LotMovement.objects.bulk_create([LotMovement(org_id=org.pk, entry=entry, lot=lot, amount=take) for lot, take in restored])
    account.redeemed -= amount
    account.expired += expired_part
    account_save(account)
    redemption.reversed_points += amount
    redemption.status = (RedemptionStatus.REVERSED if redemption.reversed_points == redemption.points
                         else RedemptionStatus.PARTIALLY_REVERSED)
    redemption.save(update_fields=["reversed_points", "status"])
    return ReversalResult(redemption, amount, available_part, expired_part, entry)


def _restore_plan(redemption: Redemption, amount: Decimal) -> list[tuple[PointsLot, Decimal]]:
    """Which lots get how much back: the redemption's lots, latest expiry first, net of earlier partial reversals."""
    consumed = dict(LotMovement.objects.filter(entry=redemption.entry).values_list("lot_id").annotate(t=Sum("amount")))
    given_back = dict(LotMovement.objects.filter(entry__reverses=redemption.entry, entry__kind=EntryKind.REVERSE_REDEMPTION)
                      .values_list("lot_id").annotate(t=Sum("amount")))
    lots = PointsLot.objects.filter(pk__in=consumed).order_by("-expires_at", "-id")
    plan, wanted = [], amount
    for lot in lots:
        open_amount = -consumed[lot.pk] - given_back.get(lot.pk, ZERO)
        take = min(open_amount, wanted)
        if take > 0:
            plan.append((lot, take))
            wanted -= take
        if wanted <= 0:
            break
    return plan
