"""Reads of the transaction domain. Every function takes the caller's org; another org's bill is "not found"."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet

from apps.core.orgcache import org_data

from . import errors
from .choices import EARNING_TYPES, RETRIGGER_JOB_KIND, RejectionStatus
from .context import context_build
from .models import Bill, BillLine, BillTender, Product, RejectedBill

PRODUCTS_DATA = "products"
PRODUCT_MEMO_MAX = 50_000  # item codes remembered per org and process (the memo starts again beyond)

BILL_DETAIL_PREFETCH = (
    Prefetch("lines", queryset=BillLine.objects.order_by("position")),
    Prefetch("tenders", queryset=BillTender.objects.order_by("id")),
)


def bill_queryset(*, org) -> QuerySet[Bill]:
    """The org's bills with what every bill shape shows (store, till, customer, parent) joined."""
    return Bill.objects.for_org(org).select_related("org", "store", "till", "customer", "parent", "program")


def bill_detail_queryset(*, org) -> QuerySet[Bill]:
    """bill_queryset plus lines and tenders (two more queries per page, whatever its size)."""
    return bill_queryset(org=org).prefetch_related(*BILL_DETAIL_PREFETCH)


def _pk(value) -> int | None:
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pk if pk > 0 else None


def bill_get(*, org, bill_id, type: str | None = None) -> Bill:
    """One bill of the org by id (optionally of one type); TransactionNotFound for missing, malformed or foreign."""
    pk = _pk(bill_id)
    qs = bill_detail_queryset(org=org)
    if type:
        qs = qs.filter(type=type)
    bill = qs.filter(pk=pk).first() if pk else None
    if bill is None:
        raise errors.TransactionNotFound(field="id")
    return bill


def bill_list(*, org, start: datetime, end: datetime, types=EARNING_TYPES) -> QuerySet[Bill]:
    """Sales bills (REGULAR and MIXED unless `types` says otherwise) billed in [start, end), oldest first.

    Lines and tenders are prefetched, so iterating the page and calling bill_context costs no query per bill
    beyond the customer's labels. Iterate large ranges with .iterator(chunk_size=...) or in slices.
    """
    return (bill_detail_queryset(org=org).filter(billing_time__gte=start, billing_time__lt=end, type__in=list(types))
            .order_by("billing_time", "id"))


def bill_context(bill: Bill, *, program=None, label_names: list[str] | None = None):
    """The EventContext the rules engine evaluates for this saved bill (as when it was added)."""
    lines = list(bill.lines.all())
    tenders = list(bill.tenders.all())
    return context_build(bill=bill, lines=lines, tenders=tenders, customer=bill.customer,
                         program=program or bill.program or _default_program(bill.org), label_names=label_names)


def _default_program(org):
    from apps.points.errors import ProgramInvalid
    from apps.points.services import program_resolve

    try:
        return program_resolve(org=org)
    except ProgramInvalid:
        return None


def bills_by_number(*, org, number: str, store=None, customer=None) -> QuerySet[Bill]:
    """Bills with this number, newest first (numbers repeat across stores and days)."""
    qs = bill_detail_queryset(org=org).filter(number=number)
    if store is not None:
        qs = qs.filter(store=store)
    if customer is not None:
        qs = qs.filter(customer=customer)
    return qs.order_by("-billing_time", "-id")


def customer_bill_list(*, org, customer, start: datetime | date | None = None, end: datetime | date | None = None,
                       types: list[str] | None = None, ids: list[int] | None = None, ascending: bool = False
                       ) -> QuerySet[Bill]:
    """A customer's bills by billing time (newest first unless ascending), optionally narrowed."""
    qs = bill_detail_queryset(org=org).filter(customer=customer)
    if start is not None:
        qs = qs.filter(billing_time__gte=start) if isinstance(start, datetime) else qs.filter(bill_date__gte=start)
    if end is not None:
        qs = qs.filter(billing_time__lte=end) if isinstance(end, datetime) else qs.filter(bill_date__lte=end)
    if types:
        qs = qs.filter(type__in=types)
    if ids:
        qs = qs.filter(pk__in=ids)
    order = ("billing_time", "id") if ascending else ("-billing_time", "-id")
    return qs.order_by(*order)


def bill_find(*, org, bill_id=None, number: str | None = None, store_code: str | None = None,
              till_code: str | None = None, type: str | None = None, on_date: date | None = None,
              customer=None) -> QuerySet[Bill]:
    """v1.1 transaction/get: bills matching any combination of id, number, store, till, type and date."""
    qs = bill_detail_queryset(org=org)
    conditions = Q()
    if bill_id not in (None, ""):
        conditions &= Q(pk=_pk(bill_id) or 0)
    if number:
        conditions &= Q(number=number)
    if store_code:
        conditions &= Q(store__code=store_code)
    if till_code:
        conditions &= Q(till__code=till_code)
    if type and type != "ALL":
        conditions &= Q(type=type)
    if on_date is not None:
        conditions &= Q(bill_date=on_date)
    if customer is not None:
        conditions &= Q(customer=customer)
    return qs.filter(conditions).order_by("-billing_time", "-id")


def product_list(*, org, active_only: bool = False) -> QuerySet[Product]:
    qs = Product.objects.for_org(org)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("item_code", "id")


class _ProductCodes:
    """One process's memo of an org's product lookups by item code (None: no active product), under one token."""

    def __init__(self):
        self.lock, self.found = threading.Lock(), {}


def products_by_code(*, org, item_codes: list[str]) -> dict[str, Product]:
    """The org's active products with these item codes.

    Served from the process's memo (apps.core.orgcache; reset whenever one of the org's products changes), with one
    query for the codes not seen before. The products are shared: read-only for callers.
    """
    codes = sorted({c for c in item_codes if c})
    if not codes:
        return {}
    memo = org_data(org.pk, PRODUCTS_DATA, ("by_code",), _ProductCodes)
    with memo.lock:
        known = {code: memo.found[code] for code in codes if code in memo.found}
    missing = [code for code in codes if code not in known]
    if missing:
        loaded = {p.item_code: p for p in Product.objects.for_org(org).filter(item_code__in=missing, is_active=True)}
        fresh = {code: loaded.get(code) for code in missing}
        with memo.lock:
            if len(memo.found) + len(fresh) > PRODUCT_MEMO_MAX:
                memo.found.clear()
            memo.found.update(fresh)
        known.update(fresh)
    return {code: product for code, product in known.items() if product is not None}


def rejected_bill_list(*, org, status: str | None = None, start: datetime | None = None,
                       end: datetime | None = None) -> QuerySet[RejectedBill]:
    """The org's rejected bills, newest first, optionally by status and creation time."""
    qs = RejectedBill.objects.for_org(org).select_related("store", "till", "bill")
    if status:
        qs = qs.filter(status=status)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    return qs.order_by("-created_at", "-id")


def rejected_bills_get(*, org, ids: list[int], status: str | None = RejectionStatus.PENDING) -> list[RejectedBill]:
    """The org's rejected bills with these ids (missing or foreign ids are simply absent)."""
    qs = RejectedBill.objects.for_org(org).filter(pk__in=ids)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("id"))


def retrigger_get(*, org, retrigger_id):
    """The job run of a retrigger request; RetriggerNotFound for missing, malformed or foreign ids."""
    from apps.core.models import JobRun

    pk = _pk(retrigger_id)
    run = JobRun.objects.for_org(org).filter(pk=pk, kind=RETRIGGER_JOB_KIND).first() if pk else None
    if run is None:
        raise errors.RetriggerNotFound(id=retrigger_id)
    return run


def customer_summary(*, org, customer) -> dict:
    """A customer's loyalty_points, lifetime_points (default programme) and lifetime_purchases (two queries)."""
    from django.db.models import F, Sum
    from django.utils import timezone

    from apps.points.selectors import balances_for

    if customer is None:
        return {}
    program = _default_program(org)
    balance = balances_for(org=org, customer=customer, programs=[program], now=timezone.now())[0] if program else None
    purchases = Bill.objects.for_org(org).filter(customer=customer, type__in=list(EARNING_TYPES)).aggregate(
        total=Sum(F("amount") - F("returned_amount")))["total"]
    return {"loyalty_points": balance.available if balance else None,
            "lifetime_points": balance.figure("lifetime_earned") if balance else None,
            "lifetime_purchases": purchases or 0}


# -- the bill path's locks and reads --------------------------------------------------------------------------------
@dataclass
class EarnReadsPlan:
    """What a member bill reads and locks before its rules run (earn_reads_plan): the programme it earns in, its
    running bill rules that cap points per customer with their cap periods for this bill, and whether the customer's
    points account is locked then (else the credit locks it)."""

    program: object
    capped: list
    windows: list
    lock_account: bool

    @property
    def lock_customer(self) -> bool:
        """Customer caps are read under the customer's row lock (so they are exact, and read once)."""
        return bool(self.capped)


def earn_reads_plan(*, org, program, occurred_at, store, lock_account: bool) -> EarnReadsPlan:
    """The plan for a bill at occurred_at in store. lock_account is the caller's (nothing may move the account
    between these reads and the credit); a running rule with a budget also leaves the account to the credit: it locks
    its budget tally before the account (apps.rules.effects.apply_points)."""
    from apps.rules.engine import EventContext, cap_windows
    from apps.rules.selectors import rules_for_event

    from .context import EVENT_BILL_ADDED

    rules = rules_for_event(org=org, program=program, event_type=EVENT_BILL_ADDED)
    capped = [rule for rule in rules if rule.max_points_per_customer is not None]
    windows = cap_windows(EventContext(event_type=EVENT_BILL_ADDED, occurred_at=occurred_at, org=org, program=program,
                                       store=store), capped) if capped else []
    return EarnReadsPlan(program=program, capped=capped, windows=windows,
                         lock_account=lock_account and all(rule.budget_points is None for rule in rules))


@dataclass
class EarnReads:
    """What the earn reads found: the customer's label names, the values of its cap tallies' lookups (in window
    order, None where a window has no row) and its points account (locked; None where it has none yet, or where the
    plan leaves it to the credit)."""

    customer_id: int | None
    label_names: list[str]
    tallied: tuple
    account: object | None


def bill_earn_reads(*, org, customer_id: int, plan: EarnReadsPlan) -> EarnReads:
    """PostgreSQL: what planning and crediting a member's bill read first, in one statement, taking the bill path's
    locks in their order (apps.rules.effects.apply_points): the customer's row when the plan locks it (a running rule
    caps points per customer), then the customer's tallies for those cap windows (apps.rules.selectors
    customer_tally_lookups), then the customer's points account in the programme's main currency; and the names of
    the labels the customer carries. The tallies and the account are read through the locked customer row (a
    lateral join on its id), so they are locked after it and read in their latest committed versions, even when the
    statement waited for the customer's lock."""
    from django.db import connection

    from apps.customers.models import Customer

    q = connection.ops.quote_name
    customers = q(Customer._meta.db_table)
    source = (f"SELECT {customers}.{q('id')} FROM {customers} WHERE {customers}.{q('id')} = %s "
              f"AND {customers}.{q('org_id')} = %s{' FOR UPDATE' if plan.lock_customer else ''}")
    row = _earn_reads_run(org=org, plan=plan, source=source, source_params=[customer_id, org.pk], customer=False)
    return _earn_reads_of(row, plan, customer_id=customer_id if row is not None else None)


def bill_customer_and_earn_reads(*, org, lookup_tail: str, lookup_params: list, plan: EarnReadsPlan
                                 ) -> tuple[object | None, EarnReads]:
    """bill_earn_reads for the customer an identifier names, found in the same statement: (the customer or None,
    the reads). lookup_tail and lookup_params are apps.customers.selectors.customer_lookup's (joins, WHERE and LIMIT
    after FROM the customers' table); the customer's row is locked as the plan says."""
    from django.db import connection

    from apps.core.rows import model_columns, model_from_row
    from apps.customers.models import Customer

    q = connection.ops.quote_name
    columns = model_columns(Customer)
    source = (f"SELECT {columns} FROM {q(Customer._meta.db_table)} {lookup_tail}"
              f"{' FOR UPDATE OF ' + q(Customer._meta.db_table) if plan.lock_customer else ''}")
    row = _earn_reads_run(org=org, plan=plan, source=source, source_params=lookup_params, customer=True)
    if row is None:
        return None, _earn_reads_of(None, plan, customer_id=None)
    width = len(Customer._meta.concrete_fields)
    customer = model_from_row(Customer, row[:width])
    return customer, _earn_reads_of(row[width:], plan, customer_id=customer.pk)


def _earn_reads_run(*, org, plan: EarnReadsPlan, source: str, source_params: list, customer: bool):
    """SELECT [c.*,] the labels, the tallies[, a.*] FROM (source) c [LEFT JOIN LATERAL (the account, locked) a]."""
    from django.db import connection

    from apps.core.rows import hot_cursor, model_columns
    from apps.labels.selectors import label_names_array_sql
    from apps.points.models import PointsAccount
    from apps.points.services.ledger import currency_default
    from apps.rules.selectors import customer_tally_lookups

    q = connection.ops.quote_name
    accounts = q(PointsAccount._meta.db_table)
    customer_id = f"c.{q('id')}"
    lookups, tally_params = customer_tally_lookups(org_id=org.pk, customer=customer_id, windows=plan.windows,
                                                   lock=True)
    chosen = [*(["c.*"] if customer else []), label_names_array_sql(customer_id), *lookups,
              *(["a.*"] if plan.lock_account else [])]
    sql = f"SELECT {', '.join(chosen)} FROM ({source}) c"
    params = [org.pk, *tally_params, *source_params]
    if plan.lock_account:
        sql += (f" LEFT JOIN LATERAL (SELECT {model_columns(PointsAccount, for_write=True)} FROM {accounts} "
                f"WHERE {accounts}.{q('org_id')} = %s AND {accounts}.{q('customer_id')} = {customer_id} "
                f"AND {accounts}.{q('program_id')} = %s AND {accounts}.{q('currency_id')} = %s LIMIT 1 FOR UPDATE) a "
                "ON TRUE")
        params += [org.pk, plan.program.pk, currency_default(program=plan.program).pk]
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _earn_reads_of(row, plan: EarnReadsPlan, *, customer_id: int | None) -> EarnReads:
    """EarnReads from the labels, tallies and account columns of _earn_reads_run's row (None: no customer)."""
    from apps.core.rows import model_from_row
    from apps.points.models import PointsAccount

    count = len(plan.windows)
    if row is None:
        return EarnReads(customer_id=None, label_names=[], tallied=(None,) * count, account=None)
    account_row = row[1 + count:]
    account = None if not account_row or account_row[0] is None else \
        model_from_row(PointsAccount, account_row, for_write=True)
    return EarnReads(customer_id=customer_id, label_names=list(row[0]), tallied=tuple(row[1:1 + count]),
                     account=account)
