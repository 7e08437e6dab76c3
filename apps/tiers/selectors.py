"""Reads of the tiers domain: ladders, the measures tiers are judged on, a customer's tier and its progress."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum

from apps.core.orgcache import org_data

from .choices import Combine, Criterion, TrackerMetric
from .models import TierChange, Tier, TierMembership, TierProgramSettings

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=18, decimal_places=3)


# -- ladder and settings -------------------------------------------------------------------------------------------
TIERS_DATA = "tiers"


def ladder(*, org, program) -> list[Tier]:
    """The programme's active tiers, base first: private copies of the process's cached ladder
    (apps.core.orgcache; one query when the ladder changed)."""
    cached = org_data(org.pk, TIERS_DATA, ("ladder", program.pk), lambda: tuple(
        Tier.objects.for_org(org).filter(program=program, is_active=True).order_by("serial")))
    return [copy.copy(tier) for tier in cached]


def tier_settings_get(*, org, program) -> TierProgramSettings:
    """The programme's tier settings, or the defaults (unsaved) when never set; a private copy."""
    found = org_data(org.pk, TIERS_DATA, ("settings", program.pk),
                     lambda: TierProgramSettings.objects.for_org(org).filter(program=program).first())
    return copy.copy(found) if found is not None else TierProgramSettings(org=org, program=program)


def tier_by_name(*, org, program, name: str) -> Tier | None:
    return (Tier.objects.for_org(org).filter(program=program, is_active=True, name__iexact=str(name).strip())
            .first())


def tier_facts(tier: Tier | None) -> dict | None:
    """What rules see as `customer.tier`: number and name, plus the tier's benefits (strings, so they stay exact)."""
    if tier is None:
        return None
    return {"number": tier.serial, "name": tier.name, "earn_multiplier": str(tier.earn_multiplier),
            "max_redeem_per_bill": None if tier.max_redeem_per_bill is None else str(tier.max_redeem_per_bill)}


def customer_tier_for_rules(*, org, customer, program) -> dict | None:
    """The customer's tier as rule facts: their membership's tier, else the base tier (no query without a ladder,
    one with)."""
    if customer is None or getattr(customer, "pk", None) is None or program is None:
        return None
    tiers = ladder(org=org, program=program)
    if not tiers:
        return None
    mine = (TierMembership.objects.filter(org=org, customer=customer, program=program)
            .values_list("tier_id", flat=True).first())
    return tier_facts(next((t for t in tiers if t.pk == mine), tiers[0]))


# -- measures ------------------------------------------------------------------------------------------------------
def _bills(*, org, program, customer_ids):
    """The programme's earning bills of these customers (None: of every customer)."""
    from apps.transactions.choices import EARNING_TYPES
    from apps.transactions.models import Bill

    qs = Bill.objects.filter(org=org, program=program, type__in=EARNING_TYPES, customer__isnull=False)
    return qs if customer_ids is None else qs.filter(customer_id__in=customer_ids)


def _grouped(qs, value) -> dict[int, Decimal]:
    return {row["customer_id"]: Decimal(row["v"] or 0)
            for row in qs.values("customer_id").annotate(v=value).values("customer_id", "v")}


NET_AMOUNT = ExpressionWrapper(F("amount") - F("returned_amount"), output_field=MONEY)


def metric_values(*, org, program, criterion: str, customer_ids: list[int] | None, now: datetime,
                  tracker_metric: str = TrackerMetric.SPEND, window_days: int = 365) -> dict[int, Decimal]:
    """The measure a criterion reads, for many customers in one aggregate query (missing customers: zero).

    customer_ids=None measures every customer of the programme (ladder previews)."""
    if customer_ids is not None:
        customer_ids = list(customer_ids)
        if not customer_ids:
            return {}
    if criterion in (Criterion.CURRENT_POINTS, Criterion.LIFETIME_POINTS):
        from apps.points.models import PointsAccount

        column = "available" if criterion == Criterion.CURRENT_POINTS else "lifetime_earned"
        accounts = PointsAccount.objects.filter(org=org, program=program, currency__is_default=True)
        if customer_ids is not None:
            accounts = accounts.filter(customer_id__in=customer_ids)
        return {cid: Decimal(v) for cid, v in accounts.values_list("customer_id", column)}
    bills = _bills(org=org, program=program, customer_ids=customer_ids).filter(billing_time__lte=now)
    metric = {Criterion.LIFETIME_PURCHASES: TrackerMetric.SPEND, Criterion.VISITS: TrackerMetric.VISITS}.get(
        criterion, tracker_metric)
    if criterion == Criterion.TRACKER:
        bills = bills.filter(billing_time__gt=now - timedelta(days=window_days))
    return _bill_measure(bills, metric)


def _bill_measure(bills, metric: str) -> dict[int, Decimal]:
    if metric == TrackerMetric.SPEND:
        return _grouped(bills, Sum(NET_AMOUNT))
    if metric == TrackerMetric.VISITS:
        return _grouped(bills.filter(is_fully_returned=False), Count("bill_date", distinct=True))
    from apps.transactions.choices import LineType
    from apps.transactions.models import BillLine

    lines = BillLine.objects.filter(bill__in=bills, type=LineType.REGULAR)
    qty = ExpressionWrapper(F("qty") - F("returned_qty"), output_field=MONEY)
    return {row["cid"]: Decimal(row["v"] or 0)
            for row in lines.values(cid=F("bill__customer_id")).annotate(v=Sum(qty)).values("cid", "v")}


@dataclass
class Standing:
    """A customer's measures against the ladder."""

    primary: Decimal
    secondary: Decimal | None = None


def standings(*, org, program, settings: TierProgramSettings, customer_ids: list[int] | None, now: datetime,
              include=()) -> dict[int, Standing]:
    """Primary (and secondary) measure per customer: one or two aggregate queries for the whole list.

    customer_ids=None: every customer with a measure, and those in `include` (zero for them when they have none).
    """
    primary = metric_values(org=org, program=program, criterion=settings.criterion, customer_ids=customer_ids,
                            now=now, tracker_metric=settings.tracker_metric, window_days=settings.tracker_window_days)
    secondary = None
    if settings.secondary_criterion:
        secondary = metric_values(org=org, program=program, criterion=settings.secondary_criterion,
                                  customer_ids=customer_ids, now=now, tracker_metric=settings.tracker_metric,
                                  window_days=settings.tracker_window_days)
    if customer_ids is None:
        customer_ids = set(primary) | set(secondary or {}) | set(include)
    return {cid: Standing(primary=primary.get(cid, ZERO),
                          secondary=None if secondary is None else secondary.get(cid, ZERO))
            for cid in customer_ids}


def qualifies(tier: Tier, standing: Standing, settings: TierProgramSettings) -> bool:
    """Does a standing meet a tier's threshold(s)? The base tier always qualifies."""
    if tier.serial == 1:
        return True
    first = standing.primary >= tier.threshold
    if not settings.secondary_criterion or tier.secondary_threshold is None or standing.secondary is None:
        return first
    second = standing.secondary >= tier.secondary_threshold
    return (first and second) if settings.secondary_required else (first or second)


def qualifying_tier(tiers: list[Tier], standing: Standing, settings: TierProgramSettings) -> Tier | None:
    """The highest tier of the ladder the standing qualifies for."""
    best = None
    for tier in tiers:
        if qualifies(tier, standing, settings):
            best = tier
    return best


# -- renewal -------------------------------------------------------------------------------------------------------
def period_figures(*, org, program, customer_ids: list[int], start_by_customer: dict[int, datetime],
                   end: datetime, end_by_customer: dict[int, datetime] | None = None) -> dict[int, dict[str, Decimal]]:
    """Purchase amount, visits and points earned on bills (all net of returns) per customer, from their cycle
    start (exclusive: the bill that started a cycle does not also renew it) to `end` (or their own end in
    end_by_customer). One query for the whole list, by billing time, so retro bills count in their own period."""
    ends = end_by_customer or {}
    figures = {cid: {"PURCHASE": ZERO, "VISITS": ZERO, "POINTS": ZERO} for cid in customer_ids}
    if not customer_ids:
        return figures
    earliest = min(start_by_customer.values())
    bills = _bills(org=org, program=program, customer_ids=customer_ids).filter(
        billing_time__gt=earliest, billing_time__lt=end)
    rows = bills.values_list("customer_id", "billing_time", "bill_date", "amount", "returned_amount",
                             "is_fully_returned", "points", "points_returned")
    days: dict[int, set] = {}
    for cid, at, day, amount, returned, fully, points, points_returned in rows:
        if at <= start_by_customer[cid] or at >= ends.get(cid, end):
            continue
        figures[cid]["PURCHASE"] += amount - returned
        figures[cid]["POINTS"] += points - points_returned
        if not fully:
            days.setdefault(cid, set()).add(day)
    for cid, seen in days.items():
        figures[cid]["VISITS"] = Decimal(len(seen))
    return figures


@dataclass
class RenewalVerdict:
    renewed: bool
    conditions: list[dict] = field(default_factory=list)  # [{"name", "required", "actual", "shortfall", "met"}]


def renewal_verdict(tier: Tier, figures: dict[str, Decimal], settings: TierProgramSettings) -> RenewalVerdict:
    """All / Any N of the tier's renewal conditions; a tier without conditions always renews."""
    conditions = []
    for name, required in tier.renewal_conditions.items():
        actual = figures.get(name, ZERO)
        conditions.append({"name": name, "required": required, "actual": actual,
                           "shortfall": max(ZERO, required - actual), "met": actual >= required})
    if not conditions:
        return RenewalVerdict(renewed=True, conditions=[])
    met = sum(1 for c in conditions if c["met"])
    if settings.renewal_combine == Combine.ALL:
        renewed = met == len(conditions)
    else:
        renewed = met >= min(settings.renewal_any_count, len(conditions))
    return RenewalVerdict(renewed=renewed, conditions=conditions)


# -- a customer's tier ---------------------------------------------------------------------------------------------
def membership_get(*, org, customer, program) -> TierMembership | None:
    return (TierMembership.objects.for_org(org).filter(customer=customer, program=program)
            .select_related("tier").first())


def day_end(day: date, zone) -> datetime:
    """The first moment after `day` in the zone (checks measure up to the end of their day)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


@dataclass
class TierStatus:
    """Everything tierDetails shows for one programme."""

    program: object
    tier: Tier | None
    next_tier: Tier | None
    membership: TierMembership | None
    settings: TierProgramSettings
    standing: Standing | None
    needed_for_next: Decimal | None
    renewal: RenewalVerdict | None


def customer_tier_status(*, org, customer, program, now: datetime) -> TierStatus:
    """The customer's tier in a programme, the next tier and how far it is, and the renewal figures so far."""
    from apps.points.selectors import org_zone

    settings = tier_settings_get(org=org, program=program)
    tiers = ladder(org=org, program=program)
    membership = membership_get(org=org, customer=customer, program=program)
    tier = membership.tier if membership else (tiers[0] if tiers else None)
    if tier is None:
        return TierStatus(program, None, None, None, settings, None, None, None)
    standing = standings(org=org, program=program, settings=settings, customer_ids=[customer.pk],
                         now=now)[customer.pk]
    above = [t for t in tiers if t.serial > tier.serial]
    next_tier = above[0] if above else None
    needed = max(ZERO, next_tier.threshold - standing.primary) if next_tier else None
    renewal = None
    if membership is not None and membership.valid_until is not None and not tier.is_base:
        end = min(now, day_end(membership.valid_until, org_zone(org)))
        figures = period_figures(org=org, program=program, customer_ids=[customer.pk],
                                 start_by_customer={customer.pk: membership.cycle_start}, end=end)[customer.pk]
        renewal = renewal_verdict(tier, figures, settings)
    return TierStatus(program, tier, next_tier, membership, settings, standing, needed, renewal)


def tier_history(*, org, customer, program=None) -> QuerySet[TierChange]:
    """The customer's tier changes, newest first (store and till joined for the history rows)."""
    qs = TierChange.objects.for_org(org).filter(customer=customer).select_related("store", "till")
    if program is not None:
        qs = qs.filter(program=program)
    return qs.order_by("-created_at", "-id")


def tier_member_counts(*, org, program) -> dict[int, int]:
    """Customers per tier id (members without a row count in the base tier only through the ladder preview)."""
    rows = (TierMembership.objects.for_org(org).filter(program=program).values("tier_id")
            .annotate(n=Count("id")).values_list("tier_id", "n"))
    return dict(rows)


# Tiers that never expire print this far-future day, as the platform does.
NO_EXPIRY = date(2125, 12, 31)


@dataclass
class Slab:
    """A customer's tier in one programme (the base tier when they have no membership)."""

    current: Tier
    next: Tier | None
    membership: TierMembership | None
    ladder: list[Tier]

    @property
    def expires_on(self) -> date:
        if self.membership is not None and self.membership.valid_until is not None:
            return self.membership.valid_until
        return NO_EXPIRY


def slabs_many(*, org, customer_ids, programs) -> dict[tuple[int, int], Slab]:
    """Tier per (customer id, programme id) for programmes with a ladder, in two queries (ladders, memberships)."""
    program_ids = [p.pk for p in programs]
    ladders: dict[int, list[Tier]] = {}
    for tier in Tier.objects.for_org(org).filter(program_id__in=program_ids, is_active=True).order_by("serial"):
        ladders.setdefault(tier.program_id, []).append(tier)
    if not ladders:
        return {}
    memberships = {(m.customer_id, m.program_id): m for m in TierMembership.objects.for_org(org).filter(
        customer_id__in=customer_ids, program_id__in=list(ladders))}
    out = {}
    for customer_id in customer_ids:
        for program_id, tiers in ladders.items():
            membership = memberships.get((customer_id, program_id))
            current = next((t for t in tiers if membership and t.pk == membership.tier_id), tiers[0])
            above = [t for t in tiers if t.serial > current.serial]
            out[(customer_id, program_id)] = Slab(current, above[0] if above else None, membership, tiers)
    return out


def slab_fields(*, org, customer, programs) -> dict[int, dict]:
    """The tier ("slab") fields of loyaltyDetails per programme id, in two queries for all programmes.

    Programmes without a ladder are absent (the caller leaves the fields out). No expiry is shown as NO_EXPIRY."""
    fields = {}
    for (_, program_id), slab in slabs_many(org=org, customer_ids=[customer.pk], programs=programs).items():
        nxt = slab.next
        fields[program_id] = {
            "currentSlab": slab.current.name, "slabSNo": slab.current.serial,
            "nextSlab": nxt.name if nxt else "", "nextSlabSerialNumber": nxt.serial if nxt else -1,
            "nextSlabDescription": nxt.description if nxt else "",
            "slabExpiryDate": f"{slab.expires_on.isoformat()}T23:59:59Z",
        }
    return fields
