"""The ledger's invariants, checked by tests, an admin action and a nightly task through these functions."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum

from ..choices import LotState
from ..models import LedgerEntry, LotMovement, PointsAccount, PointsLot

ZERO = Decimal("0")


@dataclass
class InvariantViolation:
    account_id: int
    message: str


# The earliest expiry among available lots that still hold points: the account's next_expiry_at must not be later
# (the expiry job finds due accounts through it).
EARLIEST_LIVE_EXPIRY = Min("expires_at", filter=Q(state=LotState.AVAILABLE, remaining__gt=0))


def _next_expiry_wrong(bound, earliest) -> bool:
    return earliest is not None and (bound is None or bound > earliest)


def _stray_movements(entries) -> dict[int, int]:
    """Per account: movements of its entries that name no lot of that account (movements carry no database
    foreign-key check; this is the check that stands in for it, and a stronger one)."""
    own_lot = PointsLot.objects.filter(pk=OuterRef("lot_id"), account_id=OuterRef("entry__account_id"))
    rows = (LotMovement.objects.filter(entry__in=entries).filter(~Exists(own_lot))
            .values("entry__account_id").annotate(n=Count("id")))
    return {r["entry__account_id"]: r["n"] for r in rows}


def account_check(account: PointsAccount) -> list[InvariantViolation]:
    """Balance = credits − debits − expired (Σ entries) = Σ lot remainders − owed points; promised likewise."""
    problems = []
    sums = LedgerEntry.objects.filter(account=account).aggregate(a=Sum("available_delta"), p=Sum("promised_delta"))
    lots = PointsLot.objects.filter(account=account).aggregate(
        a=Sum("remaining", filter=Q(state=LotState.AVAILABLE)), p=Sum("remaining", filter=Q(state=LotState.PROMISED)),
        first=EARLIEST_LIVE_EXPIRY)
    entries_available, entries_promised = sums["a"] or ZERO, sums["p"] or ZERO
    lots_available, lots_promised = lots["a"] or ZERO, lots["p"] or ZERO
    if account.available != entries_available:
        problems.append(InvariantViolation(account.pk, f"available {account.available} != entries {entries_available}"))
    if account.available != lots_available - account.negative_balance:
        problems.append(InvariantViolation(
            account.pk, f"available {account.available} != lots {lots_available} - owed {account.negative_balance}"))
    if account.promised != entries_promised or account.promised != lots_promised:
        problems.append(InvariantViolation(
            account.pk, f"promised {account.promised} != entries {entries_promised} / lots {lots_promised}"))
    if account.available < 0 and not account.allow_negative:
        problems.append(InvariantViolation(account.pk, f"negative balance {account.available} not allowed"))
    if _next_expiry_wrong(account.next_expiry_at, lots["first"]):
        problems.append(InvariantViolation(
            account.pk, f"next expiry {account.next_expiry_at} is later than a live lot's expiry {lots['first']}"))
    stray = _stray_movements(LedgerEntry.objects.filter(account=account)).get(account.pk)
    if stray:
        problems.append(InvariantViolation(account.pk, f"{stray} lot movements name no lot of this account"))
    last = LedgerEntry.objects.filter(account=account).order_by("-id").first()
    if last is not None and (last.available_after != account.available or last.promised_after != account.promised):
        problems.append(InvariantViolation(account.pk, "last entry's running balance differs from the account"))
    return problems


def ledger_check(*, org=None, account_ids: list[int] | None = None) -> list[InvariantViolation]:
    """Check many accounts with three grouped queries instead of one round trip per account."""
    accounts = PointsAccount.objects.all()
    if org is not None:
        accounts = accounts.filter(org=org)
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    entries = {r["account_id"]: r for r in LedgerEntry.objects.filter(account__in=accounts).values("account_id")
               .annotate(a=Sum("available_delta"), p=Sum("promised_delta"))}
    lots = {r["account_id"]: r for r in PointsLot.objects.filter(account__in=accounts).values("account_id").annotate(
        a=Sum("remaining", filter=Q(state=LotState.AVAILABLE)), p=Sum("remaining", filter=Q(state=LotState.PROMISED)),
        first=EARLIEST_LIVE_EXPIRY)}
    stray = _stray_movements(LedgerEntry.objects.filter(account__in=accounts))
    problems = []
    for account in accounts.only("id", "available", "promised", "negative_balance", "allow_negative",
                                   "next_expiry_at").iterator():
        e, lot = entries.get(account.pk, {}), lots.get(account.pk, {})
        if account.available != (e.get("a") or ZERO) or account.available != (lot.get("a") or ZERO) - account.negative_balance:
            problems.append(InvariantViolation(account.pk, "available balance does not match entries and lots"))
        if account.promised != (e.get("p") or ZERO) or account.promised != (lot.get("p") or ZERO):
            problems.append(InvariantViolation(account.pk, "promised balance does not match entries and lots"))
        if _next_expiry_wrong(account.next_expiry_at, lot.get("first")):
            problems.append(InvariantViolation(account.pk, "next expiry is later than a live lot's expiry"))
        if stray.get(account.pk):
            problems.append(InvariantViolation(account.pk, "lot movements name no lot of this account"))
    return problems
