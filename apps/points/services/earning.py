"""Points coming in (credit, promised credit, conversion, manual credit) and earned points taken back (revoke)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.rows import WriteBatch

from .. import errors
from ..choices import DeficitPolicy, EntryKind, ExpiryPolicy, LotState, SourceType
from ..models import LedgerEntry, LoyaltyProgram, PointsAccount, PointsLot
from ..hooks import adjust_listeners_run
from .ledger import (SYSTEM, ZERO, Actor, account_lock, account_save, entry_post, entry_replayed, expire_account_due,
                     expiry_for, lot_create, lots_consume, negative_payoff, next_expiry_note)


def _rolling_redate(account: PointsAccount, program: LoyaltyProgram, at: datetime) -> None:
    """Rolling expiry: an earning event moves every live lot of the account to the new window's end."""
    if program.expiry_policy != ExpiryPolicy.ROLLING:
        return
    new_expiry = expiry_for(program, at)
    PointsLot.objects.filter(account=account, remaining__gt=0, expires_at__gt=at).update(expires_at=new_expiry)
    PointsLot.objects.filter(account=account, state=LotState.PROMISED).update(expires_at=new_expiry)


def points_credit(*, org, customer, points: Decimal, program: LoyaltyProgram, source_type: str, source_ref: str = "",
                  reason: str = "", actor: Actor = SYSTEM, idempotency_key: str = "", earned_at: datetime | None = None,
                  expires_at: datetime | None = None, promised: bool | None = None, transferable: bool = True,
                  kind: str = EntryKind.CREDIT, meta: dict | None = None, fresh: bool = False,
                  batch: WriteBatch | None = None, account: PointsAccount | None = None) -> LedgerEntry:
    """Credit points as a new lot: promised when the programme delays points (or promised=True), else available.

    Idempotent on idempotency_key: a retry returns the first entry and posts nothing. fresh=True says the key was
    derived from a row the caller created in its still-open transaction, so no entry can carry it yet: the lookup
    is skipped and the credit joins the caller's transaction without a savepoint (an error fails all of it).
    A fresh credit may also hand its entry, lot and account totals to the caller's batch (apps.core.rows), which
    the caller runs in that transaction: the entry's id is set then. account: the customer's account in the
    programme's main currency, which the caller locked FOR UPDATE in this transaction (account_lock is skipped; the
    instance's totals are moved, so a caller crediting twice passes the same instance).
    """
    if account is not None and (account.org_id, account.customer_id, account.program_id) != (
            org.pk, customer.pk, program.pk):
        raise ValueError("the account given is not this customer's in this programme")
    if points <= 0:
        raise errors.PointsInvalid(detail="must be greater than zero")
    if batch is not None and not fresh:
        raise ValueError("only a fresh credit can join a write batch")
    with transaction.atomic(savepoint=not fresh):
        return _credit(org=org, customer=customer, points=points, program=program, source_type=source_type,
                       source_ref=source_ref, reason=reason, actor=actor, idempotency_key=idempotency_key,
                       earned_at=earned_at, expires_at=expires_at, promised=promised, transferable=transferable,
                       kind=kind, meta=meta, fresh=fresh, batch=batch, account=account)


def _credit(*, org, customer, points, program, source_type, source_ref, reason, actor, idempotency_key, earned_at,
            expires_at, promised, transferable, kind, meta, fresh, batch, account) -> LedgerEntry:
    if account is None:
        account = account_lock(org=org, customer=customer, program=program)
    if not fresh and (done := entry_replayed(org=org, idempotency_key=idempotency_key)):
        done.replayed = True  # callers that record their own rows beside the credit look for them again
        return done
    if program.expiry_policy == ExpiryPolicy.ROLLING:
        batch = None  # the re-dating below moves the new lot too: it must be written first
    now = timezone.now()
    at = earned_at or now
    is_promised = program.promised_delay_days > 0 if promised is None else promised
    expiry = expires_at if expires_at is not None else expiry_for(program, at)
    if is_promised:
        entry = entry_post(account=account, kind=EntryKind.PROMISE, promised=points, source_type=source_type,
                           source_ref=source_ref, reason=reason, actor=actor, idempotency_key=idempotency_key,
                           meta=meta, at=now, batch=batch)
        lot_create(account=account, entry=entry, amount=points, state=LotState.PROMISED, earned_at=at,
                   expires_at=expiry, transferable=transferable,
                   available_from=at + timezone.timedelta(days=program.promised_delay_days), batch=batch)
    else:
        into_lot = negative_payoff(account, points)
        entry = entry_post(account=account, kind=kind, available=points, source_type=source_type, source_ref=source_ref,
                           reason=reason, actor=actor, idempotency_key=idempotency_key,
                           meta={**(meta or {}), **({"negative_settled": str(points - into_lot)} if into_lot != points else {})},
                           at=now, batch=batch)
        if into_lot > 0:
            lot_create(account=account, entry=entry, amount=into_lot, state=LotState.AVAILABLE, earned_at=at,
                       expires_at=expiry, transferable=transferable, batch=batch)
        if kind == EntryKind.ADJUST_CREDIT:
            account.adjusted += points
    if kind != EntryKind.ADJUST_CREDIT:
        account.lifetime_earned += points
    _rolling_redate(account, program, at)
    account_save(account, batch)
    return entry


def _convert_lots(account: PointsAccount, lots: list[PointsLot], *, actor: Actor, reason: str, now: datetime) -> Decimal:
    """Turn promised lots into available ones under the account lock; returns the points converted."""
    total = sum((lot.remaining for lot in lots), ZERO)
    if total <= 0:
        return ZERO
    # Owed points are settled from converted points too, lot by lot.
    entry_post(account=account, kind=EntryKind.CONVERT, available=total, promised=-total, source_type=SourceType.BILL,
                       source_ref=lots[0].source_ref if len({lot.source_ref for lot in lots}) == 1 else "",
                       reason=reason, actor=actor, meta={"lots": [lot.pk for lot in lots]}, at=now)
    for lot in lots:
        lot.remaining = negative_payoff(account, lot.remaining)
        lot.state = LotState.AVAILABLE
        lot.available_from = now
        if lot.remaining > 0:
            next_expiry_note(account, lot.expires_at)
    PointsLot.objects.bulk_update(lots, ["remaining", "state", "available_from"])
    return total


@transaction.atomic
def points_convert_promised(*, org, customer, program: LoyaltyProgram, now: datetime | None = None,
                            source_ref: str | None = None, force: bool = False, actor: Actor = SYSTEM) -> Decimal:
    """Convert the customer's promised points whose delay has passed (or, with force, those of one bill: unlock)."""
    now = now or timezone.now()
    account = account_lock(org=org, customer=customer, program=program)
    lots = PointsLot.objects.filter(account=account, state=LotState.PROMISED, remaining__gt=0)
    if source_ref is not None:
        lots = lots.filter(source_ref=source_ref)
    if not force:
        lots = lots.filter(available_from__lte=now)
    converted = _convert_lots(account, list(lots.order_by("id")), actor=actor, now=now,
                              reason="Promised points unlocked" if force else "Promised points converted")
    if converted:
        account_save(account)
    return converted


def promised_due_customers(*, now: datetime, limit: int = 1000, after_account_id: int = 0) -> list[tuple[int, int, int]]:
    """(account id, customer id, program id) of accounts with promised lots due, in id order, for the batch task."""
    return list(PointsLot.objects.filter(state=LotState.PROMISED, remaining__gt=0, available_from__lte=now,
                                         account_id__gt=after_account_id)
                .values_list("account_id", "account__customer_id", "account__program_id").distinct()
                .order_by("account_id")[:limit])


@transaction.atomic
def points_revoke(*, org, customer, program: LoyaltyProgram, points: Decimal, source_type: str, source_ref: str,
                  reason: str = "", actor: Actor = SYSTEM, idempotency_key: str = "") -> LedgerEntry | None:
    """Take back earned points (a returned bill): promised lots of that bill first, then its available lots, then FEFO.

    A shortfall follows the programme's deficit policy: CLAMP records it, ALLOW_NEGATIVE owes it, BLOCK refuses.
    """
    if points <= 0:
        raise errors.PointsInvalid(detail="must be greater than zero")
    account = account_lock(org=org, customer=customer, program=program)
    if done := entry_replayed(org=org, idempotency_key=idempotency_key):
        return done
    now = timezone.now()
    expire_account_due(account=account, now=now)
    wanted = points
    promised_lots = list(PointsLot.objects.filter(account=account, state=LotState.PROMISED, remaining__gt=0,
                                                  source_type=source_type, source_ref=source_ref).order_by("id"))
    promised_total = min(wanted, sum((lot.remaining for lot in promised_lots), ZERO))
    first_entry = None
    if promised_total > 0:
        first_entry = entry_post(account=account, kind=EntryKind.REVOKE_PROMISED, promised=-promised_total,
                                 source_type=source_type, source_ref=source_ref, reason=reason, actor=actor,
                                 idempotency_key=idempotency_key, at=now)
        lots_consume(account=account, entry=first_entry, amount=promised_total, now=now, lots=promised_lots)
        wanted -= promised_total
    if wanted > 0:
        first_entry = _revoke_available(account, program, wanted, source_type=source_type, source_ref=source_ref,
                                        reason=reason, actor=actor, now=now,
                                        idempotency_key="" if first_entry else idempotency_key) or first_entry
    account.revoked += points
    account_save(account)
    return first_entry


def _revoke_available(account, program, wanted, *, source_type, source_ref, reason, actor, now, idempotency_key,
                      kind=EntryKind.REVOKE):
    """Debit available points: the source's own lots first, then FEFO; the shortfall follows the deficit policy."""
    own_lots = PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0,
                                        source_type=source_type, source_ref=source_ref).order_by("id")
    from .ledger import _live_lots

    candidates = list(own_lots) + [lot for lot in _live_lots(account, now) if lot.source_ref != source_ref
                                   or lot.source_type != source_type]
    on_hand = sum((lot.remaining for lot in candidates), ZERO)
    shortfall = max(ZERO, wanted - on_hand)
    if shortfall and program.deficit_policy == DeficitPolicy.BLOCK:
        raise errors.DebitBlocked(shortfall=shortfall)
    take = wanted - shortfall
    negative = shortfall if program.deficit_policy == DeficitPolicy.ALLOW_NEGATIVE else ZERO
    entry = entry_post(account=account, kind=kind, available=-(take + negative), source_type=source_type,
                       source_ref=source_ref, reason=reason, actor=actor, idempotency_key=idempotency_key, at=now,
                       meta={"shortfall": str(shortfall)} if shortfall else None)
    lots_consume(account=account, entry=entry, amount=take, now=now, lots=candidates)
    if negative:
        account.negative_balance += negative
    elif shortfall:
        entry_post(account=account, kind=EntryKind.DEFICIT, source_type=source_type, source_ref=source_ref,
                   reason=f"{shortfall} points could not be taken back", actor=actor, reverses=entry,
                   meta={"shortfall": str(shortfall)}, at=now)
        account.shortfall += shortfall
    return entry


@transaction.atomic
def points_adjust(*, org, customer, program: LoyaltyProgram, points: Decimal, reason: str, actor: Actor,
                  idempotency_key: str = "") -> LedgerEntry:
    """Manual adjustment with a reason: positive credits a lot, negative debits FEFO (deficit policy applies).

    A posted adjustment (not a replay) is reported to the adjustment listeners (apps.points.hooks: tiers)."""
    if not reason:
        from apps.core.errors import InvalidInput

        raise InvalidInput("Invalid input. reason: an adjustment needs a reason", field="reason")
    if points == 0:
        raise errors.PointsInvalid(detail="must not be zero")
    if points > 0:
        entry = points_credit(org=org, customer=customer, points=points, program=program,
                              source_type=SourceType.MANUAL, reason=reason, actor=actor,
                              idempotency_key=idempotency_key, promised=False, kind=EntryKind.ADJUST_CREDIT)
    else:
        entry = _adjust_debit(org=org, customer=customer, program=program, points=points, reason=reason,
                              actor=actor, idempotency_key=idempotency_key)
    if not getattr(entry, "replayed", False):
        adjust_listeners_run(org=org, customer=customer, program=program, entry=entry)
    return entry


def _adjust_debit(*, org, customer, program, points, reason, actor, idempotency_key) -> LedgerEntry:
    account = account_lock(org=org, customer=customer, program=program)
    if done := entry_replayed(org=org, idempotency_key=idempotency_key):
        done.replayed = True
        return done
    now = timezone.now()
    expire_account_due(account=account, now=now)
    entry = _revoke_available(account, program, -points, source_type=SourceType.MANUAL, source_ref="", reason=reason,
                              actor=actor, now=now, idempotency_key=idempotency_key, kind=EntryKind.ADJUST_DEBIT)
    account.adjusted += points
    account_save(account)
    return entry

