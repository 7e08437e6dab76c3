"""The ledger's invariants, checked by tests, an admin action and a nightly task through these functions."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from ..choices import LotState
from ..models import LedgerEntry, PointsAccount, PointsLot

ZERO = Decimal("0")


@dataclass
class InvariantViolation:
    account_id: int
    message: str


def account_check(account: PointsAccount) -> list[InvariantViolation]:
    """Balance = credits − debits − expired (Σ entries) = Σ lot remainders − owed points; promised likewise."""
    problems = []
    sums = LedgerEntry.objects.filter(account=account).aggregate(a=Sum("available_delta"), p=Sum("promised_delta"))
    lots = PointsLot.objects.filter(account=account).aggregate(
        a=Sum("remaining", filter=Q(state=LotState.AVAILABLE)), p=Sum("remaining", filter=Q(state=LotState.PROMISED)))
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
        a=Sum("remaining", filter=Q(state=LotState.AVAILABLE)), p=Sum("remaining", filter=Q(state=LotState.PROMISED)))}
    problems = []
    for account in accounts.only("id", "available", "promised", "negative_balance", "allow_negative").iterator():
        e, lot = entries.get(account.pk, {}), lots.get(account.pk, {})
        if account.available != (e.get("a") or ZERO) or account.available != (lot.get("a") or ZERO) - account.negative_balance:
            problems.append(InvariantViolation(account.pk, "available balance does not match entries and lots"))
        if account.promised != (e.get("p") or ZERO) or account.promised != (lot.get("p") or ZERO):
            problems.append(InvariantViolation(account.pk, "promised balance does not match entries and lots"))
    return problems
