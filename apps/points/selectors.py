"""Reads of the points domain: balances, schedules, ledger pages, statements, transfers and the points liability.

Every function takes the caller's org; rows of another org are never returned. Lists come back ordered, with the
joins and prefetches their callers render, so a page costs a fixed number of queries whatever its length.
"""
from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from .choices import EntryKind, ExpiryPolicy, LotState, SourceType
from .models import (LedgerEntry, LotMovement, LoyaltyProgram, PointsAccount, PointsLot, Redemption, Transfer,
                     ValidationCode)
from .services.ledger import program_resolve

ZERO = Decimal("0")
_DECIMAL = DecimalField(max_digits=18, decimal_places=3)


def org_zone(org) -> zoneinfo.ZoneInfo:
    """The org's time zone (UTC when unset or unknown): dates in answers and date filters are the org's."""
    try:
        return zoneinfo.ZoneInfo(getattr(org, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


# -- what the platform calls our entries -----------------------------------------------------------------------
_CREDIT_EVENTS = {SourceType.BILL: "TransactionAdd", SourceType.LINE: "TransactionAdd", SourceType.RULE: "GenericEvent",
                  SourceType.REQUEST: "AllocateGoodwillPoints", SourceType.IMPORT: "BulkAllocatePoints",
                  SourceType.MANUAL: "ManualPointsAdjustment", SourceType.ENROLMENT: "CustomerRegistration"}
_KIND_EVENTS = {EntryKind.CONVERT: "DelayedAccrual", EntryKind.REDEEM: "PointsRedemption",
                EntryKind.REVERSE_REDEMPTION: "PointsRedemptionReversal", EntryKind.EXPIRE: "PointsExpiry",
                EntryKind.TRANSFER_OUT: "PointsTransfer", EntryKind.TRANSFER_IN: "PointsTransfer",
                EntryKind.ADJUST_CREDIT: "ManualPointsAdjustment", EntryKind.ADJUST_DEBIT: "ManualPointsAdjustment"}


def event_name(kind: str, source_type: str) -> str:
    """The platform's event name (`eventName` of the ledger APIs) for one of our entries."""
    if kind in _KIND_EVENTS:
        return _KIND_EVENTS[kind]
    if kind in (EntryKind.REVOKE, EntryKind.REVOKE_PROMISED, EntryKind.DEFICIT):
        return "ManualPointsAdjustment" if source_type == SourceType.MANUAL else "ReturnBill"
    return _CREDIT_EVENTS.get(source_type, "GenericEvent")


def _event_filter(name: str) -> Q | None:
    """Entries the platform would list under an event name; None for a name it does not know."""
    credits = Q(kind__in=[EntryKind.CREDIT, EntryKind.PROMISE])
    by_name = {
        "TransactionAdd": credits & Q(source_type__in=[SourceType.BILL, SourceType.LINE]),
        "GenericEvent": credits & ~Q(source_type__in=[s for s, e in _CREDIT_EVENTS.items() if e != "GenericEvent"]),
        "AllocateGoodwillPoints": credits & Q(source_type=SourceType.REQUEST),
        "BulkAllocatePoints": credits & Q(source_type=SourceType.IMPORT),
        "CustomerRegistration": credits & Q(source_type=SourceType.ENROLMENT),
        "ManualPointsAdjustment": Q(kind__in=[EntryKind.ADJUST_CREDIT, EntryKind.ADJUST_DEBIT]) | Q(
            source_type=SourceType.MANUAL),
        "ReturnBill": Q(kind__in=[EntryKind.REVOKE, EntryKind.REVOKE_PROMISED, EntryKind.DEFICIT])
        & ~Q(source_type=SourceType.MANUAL),
    }
    by_name.update({event: Q(kind__in=[k for k, e in _KIND_EVENTS.items() if e == event])
                    for event in set(_KIND_EVENTS.values()) - {"ManualPointsAdjustment"}})
    return by_name.get(name)


EVENT_NAMES = ("TransactionAdd", "GenericEvent", "AllocateGoodwillPoints", "BulkAllocatePoints", "CustomerRegistration",
               "ManualPointsAdjustment", "ReturnBill", "DelayedAccrual", "PointsRedemption", "PointsRedemptionReversal",
               "PointsExpiry", "PointsTransfer")

# `pointsType` of the schedules: where a lot's points came from.
_POINTS_TYPES = {SourceType.BILL: "bill_regular", SourceType.LINE: "line_item_regular",
                 SourceType.RULE: "bill_promotions"}


def points_type(source_type: str) -> str:
    return _POINTS_TYPES.get(source_type, "customer_promotions")


def expiry_type(policy: str) -> str:
    return "rolling" if policy == ExpiryPolicy.ROLLING else "fixed"


# -- programmes ----------------------------------------------------------------------------------------------------
def program_list(*, org) -> QuerySet[LoyaltyProgram]:
    return LoyaltyProgram.objects.for_org(org).filter(is_active=True).order_by("-is_default", "name", "id")


def programs_selected(*, org, program_id=None, all_programs: bool = False) -> list[LoyaltyProgram]:
    """The programmes a light API answers for: all of the org's, else the given one (885 if not the org's) or the
    default, as the platform's `fetchDataForAllPrograms` / `programId` pair decides."""
    if all_programs:
        return list(program_list(org=org))
    return [program_resolve(org=org, program_id=program_id)]


# -- balances ------------------------------------------------------------------------------------------------------
def _due_points(now: datetime) -> Subquery:
    """Points of the account's lots past their date that the nightly run has not expired yet (not spendable)."""
    due = (PointsLot.objects.filter(account=OuterRef("pk"), state=LotState.AVAILABLE, remaining__gt=0,
                                    expires_at__lte=now)
           .order_by().values("account").annotate(total=Sum("remaining")).values("total"))
    return Coalesce(Subquery(due, output_field=_DECIMAL), Value(ZERO, output_field=_DECIMAL))


def _promised_returned() -> Subquery:
    returned = (LedgerEntry.objects.filter(account=OuterRef("pk"), kind=EntryKind.REVOKE_PROMISED)
                .order_by().values("account").annotate(total=Sum("promised_delta")).values("total"))
    return Coalesce(Subquery(returned, output_field=_DECIMAL), Value(ZERO, output_field=_DECIMAL))


@dataclass
class ProgramBalance:
    """A customer's figures in one programme (zeros and no account when the customer never earned there)."""

    program: LoyaltyProgram
    account: PointsAccount | None
    available: Decimal = ZERO          # spendable now (lots past their date excluded)
    promised: Decimal = ZERO
    promised_returned: Decimal = ZERO  # promised points taken back by returns

    def figure(self, name: str) -> Decimal:
        return getattr(self.account, name) if self.account is not None else ZERO


def balances_many(*, org, customer_ids, programs: list[LoyaltyProgram], now: datetime
                  ) -> dict[tuple[int, int], ProgramBalance]:
    """Main-currency balances keyed by (customer id, programme id) for every pair, in one query."""
    accounts = {(a.customer_id, a.program_id): a for a in PointsAccount.objects.filter(
        org=org, customer_id__in=customer_ids, program__in=programs, currency__is_default=True)
        .annotate(due=_due_points(now), promised_returned=_promised_returned())}
    out = {}
    for customer_id in customer_ids:
        for program in programs:
            account = accounts.get((customer_id, program.pk))
            out[(customer_id, program.pk)] = ProgramBalance(program, None) if account is None else ProgramBalance(
                program, account, available=account.available - account.due, promised=account.promised,
                promised_returned=-account.promised_returned)
    return out


def balances_for(*, org, customer, programs: list[LoyaltyProgram], now: datetime) -> list[ProgramBalance]:
    """The customer's main-currency balance in each programme, in one query."""
    balances = balances_many(org=org, customer_ids=[customer.pk], programs=programs, now=now)
    return [balances[(customer.pk, program.pk)] for program in programs]


# -- schedules -----------------------------------------------------------------------------------------------------
def _customer_lots(*, org, customer, programs) -> QuerySet[PointsLot]:
    return PointsLot.objects.filter(org=org, account__customer=customer, account__program__in=programs,
                                    account__currency__is_default=True, remaining__gt=0)


def expiry_schedule(*, org, customer, programs: list[LoyaltyProgram], after: datetime, before: datetime,
                    earliest_only: bool = False) -> list[dict]:
    """Points that will expire, per expiry date (org's calendar), programme and points type, soonest first."""
    zone = org_zone(org)
    rows = (_customer_lots(org=org, customer=customer, programs=programs)
            .filter(state=LotState.AVAILABLE, expires_at__gt=after, expires_at__lt=before)
            .annotate(day=TruncDate("expires_at", tzinfo=zone))
            .values("day", "account__program_id", "account__program__expiry_policy", "source_type")
            .annotate(points=Sum("remaining")).order_by("day", "account__program_id", "source_type"))
    merged: dict[tuple, dict] = {}
    for row in rows:
        kind = (row["day"], row["account__program_id"], points_type(row["source_type"]),
                expiry_type(row["account__program__expiry_policy"]))
        item = merged.setdefault(kind, {"points": ZERO, "expiryDate": row["day"], "programId": kind[1],
                                        "pointsType": kind[2], "expiryType": kind[3]})
        item["points"] += row["points"]
    schedule = sorted(merged.values(), key=lambda i: (i["expiryDate"], i["programId"], i["pointsType"]))
    if earliest_only:
        seen, first = set(), []
        for item in schedule:
            group = (item["programId"], item["pointsType"], item["expiryType"])
            if group not in seen:
                seen.add(group)
                first.append(item)
        schedule = first
    return schedule


def promised_schedule(*, org, customer, programs: list[LoyaltyProgram]) -> tuple[list[dict], list[dict]]:
    """Promised points by the date they become redeemable, and those waiting for a trigger (no date)."""
    zone = org_zone(org)
    rows = (_customer_lots(org=org, customer=customer, programs=programs).filter(state=LotState.PROMISED)
            .annotate(day=TruncDate("available_from", tzinfo=zone))
            .values("day", "account__program_id", "source_type").annotate(points=Sum("remaining"))
            .order_by("day", "account__program_id", "source_type"))
    dated: dict[tuple, dict] = {}
    triggered: dict[tuple, dict] = {}
    for row in rows:
        kind = points_type(row["source_type"])
        if row["day"] is None:
            item = triggered.setdefault((row["account__program_id"], kind), {
                "points": ZERO, "programId": row["account__program_id"], "pointsType": kind})
        else:
            item = dated.setdefault((row["day"], row["account__program_id"], kind), {
                "points": ZERO, "redeemableFrom": row["day"], "programId": row["account__program_id"],
                "pointsType": kind})
        item["points"] += row["points"]
    return list(dated.values()), list(triggered.values())


def promised_programs_for_bill(*, org, customer, bill_number: str) -> tuple[list[LoyaltyProgram], bool]:
    """Programmes where the customer holds promised points of a bill, and whether the bill earned anything at all."""
    lots = PointsLot.objects.filter(org=org, account__customer=customer, source_ref=bill_number)
    program_ids = set(lots.filter(state=LotState.PROMISED, remaining__gt=0)
                      .values_list("account__program_id", flat=True))
    programs = list(LoyaltyProgram.objects.filter(org=org, pk__in=program_ids).order_by("id"))
    return programs, bool(program_ids) or lots.exists()


# -- transfers and redemptions -------------------------------------------------------------------------------------
TRANSFER_SORTS = {"pointsTransferDate": ("created_at", "id"), "pointsTransferred": ("points", "id")}


def transfer_list(*, org, customer, program: LoyaltyProgram | None = None, sort_by: str = "pointsTransferDate",
                  descending: bool = True) -> QuerySet[Transfer]:
    """Transfers the customer sent or received (both sides' customers and the programme joined)."""
    accounts = PointsAccount.objects.filter(org=org, customer=customer)
    if program is not None:
        accounts = accounts.filter(program=program)
    ids = accounts.values("pk")
    fields = TRANSFER_SORTS.get(sort_by, TRANSFER_SORTS["pointsTransferDate"])
    order = [f"-{f}" for f in fields] if descending else list(fields)
    return (Transfer.objects.filter(org=org).filter(Q(from_account__in=ids) | Q(to_account__in=ids))
            .select_related("from_account__customer", "to_account__customer", "from_account__program")
            .order_by(*order))


def redemption_find(*, org, code: str = "", external_reference: str = "") -> Redemption | None:
    """A redemption of the org by the id clients quote (or its external reference)."""
    if code:
        lookup = {"code": code}
    elif external_reference:
        lookup = {"external_reference": external_reference}
    else:
        return None
    return Redemption.objects.filter(org=org, **lookup).select_related("customer", "account__program", "entry").first()


def redemption_replayed(*, org, idempotency_key: str) -> Redemption | None:
    """The redemption already posted under this idempotency key, if any (a retried request)."""
    if not idempotency_key:
        return None
    return (Redemption.objects.filter(org=org, entry__idempotency_key=idempotency_key)
            .select_related("entry", "customer").first())


def validation_code_pending(*, org, customer, purpose: str, now: datetime) -> bool:
    """Whether the customer holds a live, unused code for this purpose (issued, e.g., by isTransferrable)."""
    from django.db.models import F

    return ValidationCode.objects.filter(org=org, customer=customer, purpose=purpose, used_at__isnull=True,
                                         expires_at__gt=now, attempts__lt=F("max_attempts")).exists()


# -- ledger pages --------------------------------------------------------------------------------------------------
ENTRY_TYPES = ("CREDIT", "DEBIT", "OPENING_BALANCE")
CATEGORY_TYPES = ("REGULAR", "PROMISED", "TRIGGER_BASED")


@dataclass
class LedgerFilter:
    """What a ledger page is narrowed to (all optional)."""

    program: LoyaltyProgram | None = None
    till_ids: list[int] | None = None
    store_ids: list[int] | None = None
    start: datetime | None = None
    end: datetime | None = None
    entry_type: str | None = None          # CREDIT / DEBIT
    category: str | None = None            # REGULAR / PROMISED / TRIGGER_BASED
    currencies: str = "MAIN"               # MAIN, ALL, or a list of alternate currency codes/names
    currency_names: tuple[str, ...] = ()
    ascending: bool = False


def customer_accounts(*, org, customer, currencies: str = "MAIN", currency_names=(),
                      program: LoyaltyProgram | None = None) -> QuerySet[PointsAccount]:
    """The customer's accounts: main currency only, every currency, or the named alternate currencies."""
    qs = PointsAccount.objects.filter(org=org, customer=customer)
    if program is not None:
        qs = qs.filter(program=program)
    if currencies == "MAIN":
        qs = qs.filter(currency__is_default=True)
    elif currencies == "NAMED":
        names = [n for n in currency_names if n]
        qs = qs.filter(Q(currency__is_default=False) & (Q(currency__code__in=names) | Q(currency__name__in=names)))
    return qs.select_related("program", "currency").order_by("program_id", "currency_id", "id")


def ledger_entries(*, org, customer, filters: LedgerFilter) -> QuerySet[LedgerEntry]:
    """The customer's entries for a ledger page, newest first unless asked otherwise, with everything rendered."""
    accounts = customer_accounts(org=org, customer=customer, currencies=filters.currencies,
                                 currency_names=filters.currency_names, program=filters.program).values("pk")
    qs = LedgerEntry.objects.filter(org=org, account__in=accounts)
    if filters.till_ids is not None:
        qs = qs.filter(till_id__in=filters.till_ids)
    if filters.store_ids is not None:
        qs = qs.filter(store_id__in=filters.store_ids)
    if filters.start is not None:
        qs = qs.filter(created_at__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(created_at__lte=filters.end)
    if filters.entry_type == "CREDIT":
        qs = qs.filter(Q(available_delta__gt=0) | Q(promised_delta__gt=0))
    elif filters.entry_type == "DEBIT":
        qs = qs.filter(Q(available_delta__lt=0) | Q(promised_delta__lt=0))
    if filters.category == "REGULAR":
        qs = qs.exclude(available_delta=0)
    elif filters.category == "PROMISED":
        qs = qs.exclude(promised_delta=0)
    elif filters.category == "TRIGGER_BASED":
        qs = qs.none()  # every promised point here converts on a date; none waits for an external trigger
    qs = qs.exclude(available_delta=0, promised_delta=0)  # shortfall notes move no points
    order = ("id",) if filters.ascending else ("-id",)
    return qs.select_related("account__program", "account__currency", "store", "till").order_by(*order)


def closing_balances(*, org, customer, as_of: datetime | None, currencies: str = "MAIN", currency_names=(),
                     program: LoyaltyProgram | None = None) -> list[PointsAccount]:
    """Each account's balance (main and promised) as of a moment: the running balance after its last entry then.

    One query: the accounts with the last entry's running balances as subqueries.
    """
    accounts = customer_accounts(org=org, customer=customer, currencies=currencies, currency_names=currency_names,
                                 program=program)
    if as_of is None:
        return [_with_balance(a, a.available, a.promised) for a in accounts]
    last = LedgerEntry.objects.filter(account=OuterRef("pk"), created_at__lte=as_of).order_by("-id")
    rows = accounts.annotate(main_then=Subquery(last.values("available_after")[:1], output_field=_DECIMAL),
                             promised_then=Subquery(last.values("promised_after")[:1], output_field=_DECIMAL))
    return [_with_balance(a, a.main_then or ZERO, a.promised_then or ZERO) for a in rows]


def _with_balance(account: PointsAccount, main: Decimal, promised: Decimal) -> PointsAccount:
    account.balance_main, account.balance_promised = main, promised
    return account


def entries_with_lots(queryset: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
    """Entries with the lots each one created and the lot movements it made (two extra queries per page)."""
    return queryset.prefetch_related(
        Prefetch("lots", queryset=PointsLot.objects.order_by("id")),
        Prefetch("movements", queryset=LotMovement.objects.select_related("lot").order_by("id")),
    )


def ledger_explode(*, org, customer, event_ids: list[int] | None = None, event_name_filter: str | None = None,
                   reference_ids: list[str] | None = None) -> QuerySet[LedgerEntry]:
    """Entries picked by id, or by event name and reference (bill number, redemption id...), with their lots."""
    accounts = PointsAccount.objects.filter(org=org, customer=customer).values("pk")
    qs = LedgerEntry.objects.filter(org=org, account__in=accounts)
    if event_ids:
        qs = qs.filter(pk__in=event_ids)
    if event_name_filter:
        qs = qs.filter(_event_filter(event_name_filter))
    if reference_ids:
        qs = qs.filter(source_ref__in=reference_ids)
    qs = qs.exclude(available_delta=0, promised_delta=0)
    return entries_with_lots(qs.select_related("account__program", "till", "redemption").order_by("-id"))


def event_filter_known(name: str) -> bool:
    return _event_filter(name) is not None


def statement(*, org, customer, program: LoyaltyProgram | None = None, start: datetime | None = None,
              end: datetime | None = None) -> QuerySet[LedgerEntry]:
    """Every entry of the customer (all currencies), newest first, with its source, running balances and lots."""
    accounts = PointsAccount.objects.filter(org=org, customer=customer)
    if program is not None:
        accounts = accounts.filter(program=program)
    qs = LedgerEntry.objects.filter(org=org, account__in=accounts.values("pk"))
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    return entries_with_lots(qs.select_related("account__program", "account__currency", "store", "till",
                                               "reverses").order_by("-id"))


def account_statement(*, account: PointsAccount) -> QuerySet[LedgerEntry]:
    """One account's entries, newest first, with their lots (the back office's statement screen)."""
    return entries_with_lots(LedgerEntry.objects.filter(account=account).select_related("till", "store")
                             .order_by("-id"))


# -- liability -----------------------------------------------------------------------------------------------------
def liability_by_month(*, org=None) -> list[dict]:
    """Outstanding points per programme, currency and expiry month (org's calendar), with their currency value.

    One grouped query over the lots that still hold points; never-expiring points have month None.
    """
    zone = org_zone(org) if org is not None else None
    lots = PointsLot.objects.filter(remaining__gt=0)
    if org is not None:
        lots = lots.filter(org=org)
    rows = (lots.annotate(month=TruncMonth("expires_at", tzinfo=zone))
            .values("org_id", "org__name", "account__program_id", "account__program__name",
                    "account__program__point_value", "account__currency__code", "month")
            .annotate(available=Sum("remaining", filter=Q(state=LotState.AVAILABLE), default=ZERO),
                      promised=Sum("remaining", filter=Q(state=LotState.PROMISED), default=ZERO), lots=Count("id"))
            .order_by("org__name", "account__program__name", "account__currency__code", "month"))
    out = []
    for row in rows:
        ratio = row["account__program__point_value"]
        out.append({"org": row["org__name"], "program_id": row["account__program_id"],
                    "program": row["account__program__name"], "currency": row["account__currency__code"],
                    "month": row["month"].date() if isinstance(row["month"], datetime) else row["month"],
                    "available": row["available"], "promised": row["promised"], "lots": row["lots"],
                    "value": (row["available"] * ratio).quantize(Decimal("0.0001")),
                    "promised_value": (row["promised"] * ratio).quantize(Decimal("0.0001"))})
    return out


# -- jobs ----------------------------------------------------------------------------------------------------------
def org_ids_with_programs() -> list[int]:
    """Organisations running at least one active programme: the ones the nightly jobs visit."""
    return list(LoyaltyProgram.objects.filter(is_active=True).values_list("org_id", flat=True).distinct()
                .order_by("org_id"))


def due_lot_count(*, org_id: int, now: datetime) -> int:
    return PointsLot.objects.filter(org_id=org_id, state=LotState.AVAILABLE, remaining__gt=0,
                                    expires_at__lte=now).count()


def day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in a time zone, as aware datetimes."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return start, start + timedelta(days=1)


def redemption_list(*, org, customer, start=None, end=None):
    """A customer's points redemptions, newest first, with programme, store, till and reversals."""
    qs = Redemption.objects.for_org(org).filter(customer=customer)
    if start is not None:
        qs = qs.filter(redeemed_at__gte=start)
    if end is not None:
        qs = qs.filter(redeemed_at__lt=end)
    reversals = LedgerEntry.objects.filter(kind=EntryKind.REVERSE_REDEMPTION).select_related("till").order_by("id")
    return (qs.select_related("account__program", "store", "till")
            .prefetch_related(Prefetch("entry__reversals", queryset=reversals)).order_by("-redeemed_at", "-id"))
