"""Ledger primitives: accounts under lock, posting entries, creating and consuming lots.

Every function here expects the caller to hold the account's row lock (they are called from the
operation services in this package, each of which opens the transaction and takes the lock).
Lots are only ever changed under their account's lock, so the account lock protects them too.
"""
from __future__ import annotations

import calendar
import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from apps.core.orgcache import org_data
from apps.core.rows import WriteBatch, instance_new, row_get, row_update, rows_insert

from .. import errors
from ..choices import ActorType, DeficitPolicy, EntryKind, ExpiryPolicy, LotState, RoundingMode
from ..models import LedgerEntry, LotMovement, LoyaltyProgram, PointsAccount, PointsCurrency, PointsLot

ZERO = Decimal("0")
QUANTUM = Decimal("0.001")  # storage precision of every points column
ACCOUNT_TOTALS = ("available", "promised", "negative_balance", "lifetime_earned", "redeemed", "expired", "revoked",
                  "adjusted", "transferred_in", "transferred_out", "shortfall", "next_expiry_at", "updated_at")


@dataclass(frozen=True)
class Actor:
    """Who asked for a movement: a till, a staff member or the system (scheduled jobs)."""

    type: str = ActorType.SYSTEM
    id: str = ""
    till: object | None = None
    store: object | None = None

    @classmethod
    def for_till(cls, till) -> Actor:
        return cls(type=ActorType.TILL, id=str(till.pk), till=till, store=till.store)

    @classmethod
    def for_staff(cls, user) -> Actor:
        return cls(type=ActorType.STAFF, id=str(user.pk), store=getattr(user, "store", None))


SYSTEM = Actor()


# -- amounts ------------------------------------------------------------------------------------------------------
def points_amount(value, *, program: LoyaltyProgram, allow_zero: bool = False) -> Decimal:
    """A client-supplied points figure as an exact Decimal, refusing floats' cousins: NaN, inf, negatives, precision."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise errors.PointsInvalid(detail="not a number") from None
    if not amount.is_finite():
        raise errors.PointsInvalid(detail="not a finite number")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise errors.PointsInvalid(detail="must be greater than zero")
    decimals = program.points_decimals
    if amount != amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_FLOOR):
        raise errors.PointsPrecision(decimals=decimals)
    if amount >= Decimal("1e14"):
        raise errors.PointsInvalid(detail="too large")
    return amount


_ROUNDING = {RoundingMode.FLOOR: ROUND_FLOOR, RoundingMode.CEIL: ROUND_CEILING, RoundingMode.HALF_UP: ROUND_HALF_UP}


def points_round(value: Decimal, *, program: LoyaltyProgram) -> Decimal:
    """Round computed points (e.g. 10% of a bill) with the programme's decimals and mode; ACTUAL keeps 3 places."""
    if program.rounding_mode == RoundingMode.ACTUAL:
        return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1).scaleb(-program.points_decimals), rounding=_ROUNDING[program.rounding_mode])


def points_value(points: Decimal, *, program: LoyaltyProgram) -> Decimal:
    """Currency value of points at the programme's ratio, to 4 decimal places."""
    return (points * program.point_value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# -- expiry dates -------------------------------------------------------------------------------------------------
def _end_of_month(moment: datetime, months_ahead: int) -> datetime:
    month_index = moment.month - 1 + months_ahead
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=last_day, hour=23, minute=59, second=59, microsecond=0)


def expiry_for(program: LoyaltyProgram, earned_at: datetime) -> datetime | None:
    """When points earned at earned_at expire under the programme's policy (None: never)."""
    local = timezone.localtime(earned_at, timezone.get_default_timezone()) if timezone.is_aware(earned_at) else earned_at
    policy = program.expiry_policy
    if policy == ExpiryPolicy.NEVER:
        return None
    if policy == ExpiryPolicy.DAYS:
        return earned_at + timedelta(days=program.expiry_days)
    if policy == ExpiryPolicy.ROLLING:
        return earned_at + timedelta(days=program.rolling_window_days)
    if policy == ExpiryPolicy.MONTH_END:
        return _end_of_month(local, program.expiry_months)
    if program.expiry_fixed_date is None:
        return None
    end = datetime.combine(program.expiry_fixed_date, datetime.max.time().replace(microsecond=0))
    return timezone.make_aware(end) if timezone.is_aware(earned_at) else end


# -- accounts -----------------------------------------------------------------------------------------------------
PROGRAMS_DATA = "programs"


def _active_programs(org) -> tuple[LoyaltyProgram, ...]:
    """The org's active programmes, from the process's copy while none of them changed (apps.core.orgcache)."""
    return org_data(org.pk, PROGRAMS_DATA, ("active",),
                    lambda: tuple(LoyaltyProgram.objects.for_org(org).filter(is_active=True).order_by("id")))


def program_resolve(*, org, program_id=None) -> LoyaltyProgram:
    """The org's programme with this id, or its default; ProgramInvalid (885) otherwise. A private copy: the
    caller may change it without touching what other requests see."""
    programs = _active_programs(org)
    if program_id not in (None, "", 0, -1):
        try:
            wanted = int(program_id)
        except (TypeError, ValueError):
            wanted = None
        program = next((p for p in programs if p.pk == wanted), None)
    else:
        program = next((p for p in programs if p.is_default), None) or (programs[0] if programs else None)
    if program is None:
        raise errors.ProgramInvalid()
    return copy.copy(program)


def _currency_load(program: LoyaltyProgram) -> PointsCurrency:
    currency = PointsCurrency.objects.filter(program=program, is_default=True).first()
    if currency is None:
        try:
            with transaction.atomic():
                currency = PointsCurrency.objects.create(org_id=program.org_id, program=program, code="POINTS",
                                                         name="Points", is_default=True)
        except IntegrityError:
            currency = PointsCurrency.objects.get(program=program, is_default=True)
    return currency


def currency_default(*, program: LoyaltyProgram) -> PointsCurrency:
    """The programme's main currency ("POINTS"), created on first use; a private copy."""
    return copy.copy(org_data(program.org_id, PROGRAMS_DATA, ("currency", program.pk),
                              lambda: _currency_load(program)))


def account_lock(*, org, customer, program: LoyaltyProgram, currency: PointsCurrency | None = None) -> PointsAccount:
    """The customer's account in the programme, created if missing, locked FOR UPDATE. Must run inside atomic()."""
    currency = currency or currency_default(program=program)
    lookup = {"org": org, "customer": customer, "program": program, "currency": currency}
    account = row_get(PointsAccount, for_update=True, org_id=org.pk, customer_id=customer.pk, program_id=program.pk,
                      currency_id=currency.pk)
    if account is not None:
        return account
    try:
        with transaction.atomic():  # savepoint: a concurrent creator may win the unique constraint
            PointsAccount.objects.create(allow_negative=program.deficit_policy == DeficitPolicy.ALLOW_NEGATIVE, **lookup)
    except IntegrityError:
        pass
    return PointsAccount.objects.select_for_update().get(**lookup)


def accounts_lock_pair(*, org, first_customer, second_customer, program) -> tuple[PointsAccount, PointsAccount]:
    """Lock two customers' accounts in primary-key order, so opposite transfers queue instead of deadlocking."""
    currency = currency_default(program=program)
    for customer in (first_customer, second_customer):  # make sure both rows exist before ordering the locks
        if not PointsAccount.objects.filter(org=org, customer=customer, program=program, currency=currency).exists():
            account_lock(org=org, customer=customer, program=program, currency=currency)
    rows = list(PointsAccount.objects.select_for_update()
                .filter(org=org, program=program, currency=currency, customer__in=[first_customer, second_customer])
                .order_by("pk"))
    by_customer = {row.customer_id: row for row in rows}
    return by_customer[first_customer.pk], by_customer[second_customer.pk]


def account_save(account: PointsAccount, batch: WriteBatch | None = None) -> None:
    """Write the cached totals back. The caller holds the row lock, so read-modify-write here cannot lose updates."""
    account.updated_at = timezone.now()
    if batch is not None:
        batch.update(account, ACCOUNT_TOTALS)
    else:
        row_update(account, ACCOUNT_TOTALS)


# -- entries ------------------------------------------------------------------------------------------------------
def entry_replayed(*, org, idempotency_key: str) -> LedgerEntry | None:
    """The entry already posted with this key (looked up under the account lock), if any."""
    if not idempotency_key:
        return None
    return LedgerEntry.objects.filter(org=org, idempotency_key=idempotency_key).first()


def entry_post(*, account: PointsAccount, kind: str, source_type: str, source_ref: str = "", available: Decimal = ZERO,
               promised: Decimal = ZERO, reason: str = "", actor: Actor = SYSTEM, idempotency_key: str = "",
               reverses: LedgerEntry | None = None, meta: dict | None = None, at: datetime | None = None,
               batch: WriteBatch | None = None) -> LedgerEntry:
    """Append one entry and move the cached balances with it (caller holds the lock and saves the account).

    With a batch, the insert joins it (the entry's id is set when the batch runs)."""
    account.available += available
    account.promised += promised
    entry = instance_new(
        LedgerEntry, org_id=account.org_id, account=account, kind=kind, available_delta=available,
        promised_delta=promised, available_after=account.available, promised_after=account.promised,
        source_type=source_type, source_ref=source_ref or "", reason=reason or "", actor_type=actor.type,
        actor_id=actor.id, idempotency_key=idempotency_key or "", reverses=reverses, meta=meta or {},
        created_at=at or timezone.now(), store=actor.store, till=actor.till,
    )
    if batch is not None:
        return batch.insert(entry)
    rows_insert([entry])
    return entry


def next_expiry_note(account: PointsAccount, expires_at: datetime | None) -> None:
    """Keep account.next_expiry_at a lower bound of its live lots' expiry when a lot becomes available with points.

    Only ever moved earlier here; the expiry job sets the exact value again after each run over the account.
    """
    if expires_at is not None and (account.next_expiry_at is None or expires_at < account.next_expiry_at):
        account.next_expiry_at = expires_at


def lot_create(*, account: PointsAccount, entry: LedgerEntry, amount: Decimal, state: str, earned_at: datetime,
               expires_at: datetime | None, available_from: datetime | None = None, transferable: bool = True,
               batch: WriteBatch | None = None) -> PointsLot:
    if state == LotState.AVAILABLE and amount > 0:
        next_expiry_note(account, expires_at)
    lot = instance_new(
        PointsLot, org_id=account.org_id, account=account, credit_entry=entry, state=state, amount=amount,
        remaining=amount, earned_at=earned_at, expires_at=expires_at, available_from=available_from,
        source_type=entry.source_type, source_ref=entry.source_ref, is_transferable=transferable,
    )
    return batch.insert(lot) if batch is not None else rows_insert([lot])[0]


def negative_payoff(account: PointsAccount, amount: Decimal) -> Decimal:
    """Use incoming available points to settle an owed (negative) balance first; returns what is left for a lot."""
    payoff = min(account.negative_balance, amount)
    account.negative_balance -= payoff
    return amount - payoff


def _live_lots(account: PointsAccount, now: datetime, *, transferable_only: bool = False):
    qs = PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if transferable_only:
        qs = qs.filter(is_transferable=True)
    # FEFO: earliest expiry first (never-expiring last), then the oldest award, then the lowest id.
    return qs.order_by(F("expires_at").asc(nulls_last=True), "earned_at", "id")


def lots_consume(*, account: PointsAccount, entry: LedgerEntry, amount: Decimal, now: datetime,
                 transferable_only: bool = False, lots=None) -> tuple[Decimal, list[tuple[PointsLot, Decimal]]]:
    """Take up to amount from the account's live lots, FEFO (or from the given lots first), recording movements.

    Returns (taken, [(lot, taken_from_lot)]). Does not touch the cached balance: the caller posted the entry.
    """
    wanted = amount
    taken: list[tuple[PointsLot, Decimal]] = []
    candidates = list(lots) if lots is not None else list(_live_lots(account, now, transferable_only=transferable_only))
    for lot in candidates:
        if wanted <= 0:
            break
        take = min(lot.remaining, wanted)
        if take <= 0:
            continue
        lot.remaining -= take
        wanted -= take
        taken.append((lot, take))
    if taken:
        PointsLot.objects.bulk_update([lot for lot, _ in taken], ["remaining"])
        LotMovement.objects.bulk_create([LotMovement(org_id=account.org_id, entry=entry, lot=lot, amount=-take)
                                         for lot, take in taken])
    return amount - wanted, taken


def live_available(account: PointsAccount, now: datetime) -> Decimal:
    """Points of the account that can be spent right now (lots past expiry excluded even before the expiry job)."""
    lots = _live_lots(account, now).aggregate(total=Sum("remaining"))["total"] or ZERO
    return lots - account.negative_balance


def expire_account_due(*, account: PointsAccount, now: datetime, actor: Actor = SYSTEM) -> Decimal:
    """Expire the account's lots that are past their date (caller holds the lock). Returns points expired."""
    due = list(PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0,
                                        expires_at__lte=now).order_by("id"))
    total = sum((lot.remaining for lot in due), ZERO)
    if not due:
        return ZERO
    entry = entry_post(account=account, kind=EntryKind.EXPIRE, source_type="EXPIRY", available=-total, actor=actor,
                       source_ref=now.strftime("%Y-%m-%d"), reason="Points expired", meta={"lots": len(due)}, at=now)
    movements = [LotMovement(org_id=account.org_id, entry=entry, lot=lot, amount=-lot.remaining) for lot in due]
    for lot in due:
        lot.expired_amount += lot.remaining
        lot.expired_at = now
        lot.remaining = ZERO
    PointsLot.objects.bulk_update(due, ["expired_amount", "expired_at", "remaining"])
    LotMovement.objects.bulk_create(movements)
    account.expired += total
    return total
