"""Read-only loyalty figures the customer GET answers embed: points per programme, tier ("slab") fields,
purchases, the gap to the next tier, the gap to renew the current tier, and the customer's recent coupons.

Every function answers for all the org's programmes (and, where it takes a list, all the customers) in a fixed
number of queries: nothing here queries per programme or per customer. The points totals come from the points
accounts (apps.points.selectors.balances_many), tiers come from apps.tiers.selectors.slabs_many (which
slab_fields shares) and the renewal verdict is apps.tiers.selectors.renewal_verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from apps.points import selectors as points
from apps.tiers import selectors as tiers
from apps.tiers.choices import Criterion, TrackerMetric
from apps.tiers.models import TierProgramSettings

ZERO = Decimal("0")
_MONEY = DecimalField(max_digits=18, decimal_places=3)
_NET = ExpressionWrapper(F("amount") - F("returned_amount"), output_field=_MONEY)
# The platform's names for what an upgrade is judged on.
UPGRADE_BASED_ON = {Criterion.CURRENT_POINTS: "CURRENT_POINTS", Criterion.LIFETIME_POINTS: "LIFETIME_POINTS",
                    Criterion.LIFETIME_PURCHASES: "CUMULATIVE_PURCHASES", Criterion.VISITS: "VISITS",
                    Criterion.TRACKER: "TRACKER_VALUE_BASED"}


@dataclass
class ProgramFigures:
    """One programme of a customer: points totals, tier and purchases (net of returns) made in it."""

    program: object
    balance: points.ProgramBalance
    slab: tiers.Slab | None
    purchases: Decimal = ZERO
    visits: Decimal = ZERO

    @property
    def returned(self) -> Decimal:
        """Earned points taken back by returns, as loyaltyDetails counts them (promised ones apart)."""
        return self.balance.figure("revoked") - self.balance.promised_returned


@dataclass
class CustomerLoyalty:
    """All of a customer's programmes (the default one first) and their purchases across the org."""

    programs: list[ProgramFigures] = field(default_factory=list)
    lifetime_purchases: Decimal = ZERO

    @property
    def default(self) -> ProgramFigures | None:
        return self.programs[0] if self.programs else None


# -- the building blocks (one query each, for every programme and customer) ----------------------------------------
def _bills(*, org, customer_ids):
    from apps.transactions.choices import EARNING_TYPES
    from apps.transactions.models import Bill

    return Bill.objects.for_org(org).filter(customer_id__in=customer_ids, type__in=list(EARNING_TYPES))


def _purchases(*, org, customer_ids, now) -> dict[tuple[int, int | None], dict]:
    """Net purchase amount and visits (days with a bill not fully returned) per (customer id, programme id)."""
    rows = (_bills(org=org, customer_ids=customer_ids).filter(billing_time__lte=now).order_by()
            .values("customer_id", "program_id")
            .annotate(net=Sum(_NET), visits=Count("bill_date", distinct=True, filter=Q(is_fully_returned=False))))
    return {(r["customer_id"], r["program_id"]): {"net": Decimal(r["net"] or 0), "visits": Decimal(r["visits"])}
            for r in rows}


def loyalty_many(*, org, customers, now: datetime | None = None) -> dict[int, CustomerLoyalty]:
    """Points, tier and purchases of each customer in every active programme of the org (five queries)."""
    now = now or timezone.now()
    ids = [c.pk for c in customers]
    if not ids:
        return {}
    programs = list(points.program_list(org=org))
    balances = points.balances_many(org=org, customer_ids=ids, programs=programs, now=now) if programs else {}
    slabs = tiers.slabs_many(org=org, customer_ids=ids, programs=programs) if programs else {}
    purchases = _purchases(org=org, customer_ids=ids, now=now)
    out = {}
    for cid in ids:
        figures = []
        for program in programs:
            bought = purchases.get((cid, program.pk), {})
            figures.append(ProgramFigures(program, balances[(cid, program.pk)],
                                          slabs.get((cid, program.pk)), bought.get("net", ZERO),
                                          bought.get("visits", ZERO)))
        total = sum((v["net"] for (owner, _), v in purchases.items() if owner == cid), ZERO)
        out[cid] = CustomerLoyalty(figures, total)
    return out


def loyalty_get(*, org, customer, now: datetime | None = None) -> CustomerLoyalty:
    return loyalty_many(org=org, customers=[customer], now=now)[customer.pk]


def lifetime_purchases(*, org, customer, now: datetime | None = None) -> Decimal:
    """Net purchases of all the customer's earning bills across the org (one query)."""
    total = (_bills(org=org, customer_ids=[customer.pk]).filter(billing_time__lte=now or timezone.now())
             .aggregate(total=Sum(_NET))["total"])
    return Decimal(total or 0)


# -- gap to upgrade ------------------------------------------------------------------------------------------------
@dataclass
class UpgradeGap:
    based_on: str
    threshold: Decimal
    current: Decimal
    gap: Decimal
    valid_up_to: date | None


def _tier_settings(*, org, programs) -> dict[int, TierProgramSettings]:
    found = {s.program_id: s for s in TierProgramSettings.objects.for_org(org).filter(program__in=programs)}
    return {p.pk: found.get(p.pk) or TierProgramSettings(org=org, program=p) for p in programs}


def _tracker_values(*, org, customer_ids, wanted: dict[int, TierProgramSettings], as_of: datetime, now: datetime,
                    zone) -> dict[tuple[int, int], tuple[Decimal, date | None]]:
    """Tracker value per (customer id, programme id) over the programme's moving window as of `as_of` (bills up
    to now), and the last day the value holds before the oldest counted bill leaves the window. Two queries at
    most for all customers and programmes."""
    if not wanted or not customer_ids:
        return {}
    starts = {pid: as_of - timedelta(days=s.tracker_window_days) for pid, s in wanted.items()}
    rows = list(_bills(org=org, customer_ids=customer_ids).filter(
        program_id__in=list(wanted), billing_time__gt=min(starts.values()), billing_time__lte=now).order_by()
        .values_list("id", "customer_id", "program_id", "billing_time", "bill_date", "amount", "returned_amount",
                     "is_fully_returned"))
    quantities: dict[int, Decimal] = {}
    if rows and any(s.tracker_metric == TrackerMetric.QUANTITY for s in wanted.values()):
        from apps.transactions.choices import LineType
        from apps.transactions.models import BillLine

        qty = ExpressionWrapper(F("qty") - F("returned_qty"), output_field=_MONEY)
        quantities = {bid: Decimal(v or 0) for bid, v in BillLine.objects.filter(
            bill_id__in=[r[0] for r in rows], type=LineType.REGULAR).order_by().values("bill_id")
            .annotate(v=Sum(qty)).values_list("bill_id", "v")}
    grouped: dict[tuple[int, int], list] = {}
    for row in rows:
        if row[3] > starts[row[2]]:
            grouped.setdefault((row[1], row[2]), []).append(row)
    out = {}
    for cid in customer_ids:
        for pid, settings in wanted.items():
            counted = grouped.get((cid, pid), [])
            metric = settings.tracker_metric
            if metric == TrackerMetric.VISITS:
                value = Decimal(len({r[4] for r in counted if not r[7]}))
            elif metric == TrackerMetric.QUANTITY:
                value = sum((quantities.get(r[0], ZERO) for r in counted), ZERO)
            else:
                value = sum((r[5] - r[6] for r in counted), ZERO)
            oldest = min((r[3] for r in counted), default=None)
            valid = (timezone.localdate(oldest + timedelta(days=settings.tracker_window_days), zone)
                     - timedelta(days=1) if oldest else None)
            out[(cid, pid)] = (value, valid)
    return out


def upgrade_gaps_many(*, org, loyalties: dict[int, CustomerLoyalty], days: int, now: datetime | None = None
                      ) -> dict[int, dict[int, list[UpgradeGap]]]:
    """Per customer id, per programme where the customer has a next tier: what the upgrade is judged on, its
    threshold, the customer's value as of `days` from today and the gap (threshold - value, never below zero).
    A secondary criterion adds a second row. At most three queries for all customers and programmes."""
    now = now or timezone.now()
    zone = points.org_zone(org)
    as_of = now + timedelta(days=days)
    climbing = {cid: [f for f in c.programs if f.slab is not None and f.slab.next is not None]
                for cid, c in loyalties.items()}
    programs = {f.program.pk: f.program for rows in climbing.values() for f in rows}
    if not programs:
        return {cid: {} for cid in loyalties}
    settings = _tier_settings(org=org, programs=list(programs.values()))
    tracked = {pid: s for pid, s in settings.items() if Criterion.TRACKER in (s.criterion, s.secondary_criterion)}
    trackers = _tracker_values(org=org, customer_ids=[cid for cid, rows in climbing.items() if rows],
                               wanted=tracked, as_of=as_of, now=now, zone=zone)

    def measure(cid: int, figures: ProgramFigures, criterion: str) -> tuple[Decimal, date | None]:
        account = figures.balance.account
        if criterion == Criterion.CURRENT_POINTS:
            return (account.available if account else ZERO), None
        if criterion == Criterion.LIFETIME_POINTS:
            return figures.balance.figure("lifetime_earned"), None
        if criterion == Criterion.VISITS:
            return figures.visits, None
        if criterion == Criterion.TRACKER:
            return trackers[(cid, figures.program.pk)]
        return figures.purchases, None

    out: dict[int, dict[int, list[UpgradeGap]]] = {}
    for cid, rows in climbing.items():
        out[cid] = {}
        for figures in rows:
            s, nxt = settings[figures.program.pk], figures.slab.next
            pairs = [(s.criterion, nxt.threshold)]
            if s.secondary_criterion and nxt.secondary_threshold is not None:
                pairs.append((s.secondary_criterion, nxt.secondary_threshold))
            gaps = []
            for criterion, threshold in pairs:
                value, valid = measure(cid, figures, criterion)
                gaps.append(UpgradeGap(UPGRADE_BASED_ON.get(criterion, criterion), threshold, value,
                                       max(ZERO, threshold - value), valid))
            out[cid][figures.program.pk] = gaps
    return out


def upgrade_gaps(*, org, customer, loyalty: CustomerLoyalty, days: int, now: datetime | None = None
                 ) -> dict[int, list[UpgradeGap]]:
    """upgrade_gaps_many for one customer: per programme id."""
    return upgrade_gaps_many(org=org, loyalties={customer.pk: loyalty}, days=days, now=now)[customer.pk]


# -- gap to renew --------------------------------------------------------------------------------------------------
@dataclass
class RenewGap:
    expires_on: date
    verdict: tiers.RenewalVerdict


def renew_gaps_many(*, org, loyalties: dict[int, CustomerLoyalty], now: datetime | None = None
                    ) -> dict[int, dict[int, RenewGap]]:
    """Per customer id, per programme where the customer holds an expiring tier above the base: the renewal
    conditions, what the current cycle has brought so far (purchases, visits and points on bills, net of returns,
    as apps.tiers.selectors.period_figures counts them) and what is still missing. At most two queries."""
    now = now or timezone.now()
    zone = points.org_zone(org)
    held = {cid: [f for f in c.programs if f.slab is not None and f.slab.membership is not None
                  and f.slab.membership.valid_until is not None and not f.slab.current.is_base]
            for cid, c in loyalties.items()}
    cycles = {(cid, f.program.pk): (f.slab.membership.cycle_start,
                                    min(now, tiers.day_end(f.slab.membership.valid_until, zone)))
              for cid, rows in held.items() for f in rows}
    if not cycles:
        return {cid: {} for cid in loyalties}
    settings = _tier_settings(org=org, programs=list({f.program.pk: f.program for rows in held.values()
                                                      for f in rows}.values()))
    rows = (_bills(org=org, customer_ids=list({cid for cid, _ in cycles}))
            .filter(program_id__in=list({pid for _, pid in cycles}),
                    billing_time__gt=min(start for start, _ in cycles.values()),
                    billing_time__lt=max(end for _, end in cycles.values())).order_by()
            .values_list("customer_id", "program_id", "billing_time", "bill_date", "amount", "returned_amount",
                         "is_fully_returned", "points", "points_returned"))
    figures = {key: {"PURCHASE": ZERO, "VISITS": ZERO, "POINTS": ZERO} for key in cycles}
    days: dict[tuple[int, int], set] = {}
    for cid, pid, at, day, amount, returned, fully, earned, taken_back in rows:
        cycle = cycles.get((cid, pid))
        if cycle is None or at <= cycle[0] or at >= cycle[1]:
            continue
        figures[(cid, pid)]["PURCHASE"] += amount - returned
        figures[(cid, pid)]["POINTS"] += earned - taken_back
        if not fully:
            days.setdefault((cid, pid), set()).add(day)
    for key, seen in days.items():
        figures[key]["VISITS"] = Decimal(len(seen))
    return {cid: {f.program.pk: RenewGap(f.slab.membership.valid_until, tiers.renewal_verdict(
        f.slab.current, figures[(cid, f.program.pk)], settings[f.program.pk])) for f in rows}
        for cid, rows in held.items()}


def renew_gaps(*, org, customer, loyalty: CustomerLoyalty, now: datetime | None = None) -> dict[int, RenewGap]:
    """renew_gaps_many for one customer: per programme id."""
    return renew_gaps_many(org=org, loyalties={customer.pk: loyalty}, now=now)[customer.pk]


# -- coupons -------------------------------------------------------------------------------------------------------
COUPON_ORDER = {"created_date": "issued_at", "valid_till": "valid_till", "created_by": "issued_by_till_id"}


def coupons_many(*, org, customer_ids, limit: int = 10, offset: int = 0, order_by: str = "created_date",
                 descending: bool = True) -> dict[int, list]:
    """Each customer's issued coupons in the asked order, `offset` skipped and at most `limit` kept per customer,
    with their series, in one query for all customers."""
    from apps.coupons.selectors import coupon_list

    if not customer_ids or limit <= 0:
        return {cid: [] for cid in customer_ids}
    column = COUPON_ORDER.get(order_by, "issued_at")
    order = [F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_first=True),
             F("id").desc() if descending else F("id").asc()]
    qs = (coupon_list(org=org, customer_ids=list(customer_ids)).prefetch_related(None)
          .annotate(position=Window(RowNumber(), partition_by=[F("customer_id")], order_by=order))
          .filter(position__gt=offset, position__lte=offset + limit).order_by("customer_id", "position"))
    out: dict[int, list] = {cid: [] for cid in customer_ids}
    for coupon in qs:
        out[coupon.customer_id].append(coupon)
    return out
