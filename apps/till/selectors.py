"""Reads of the till screens: one field that finds a customer, the customer panel, and the till's day.

Every function takes the session's org (and store / till); nothing of another org or store is ever returned.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.customers import errors as customer_errors
from apps.customers.choices import IDENTIFIER_ID, IdentifierType
from apps.customers.identifiers import mobile_normalise
from apps.customers.models import Customer
from apps.customers.selectors import customer_lookup
from apps.organizations.models import Till
from apps.points.errors import ProgramInvalid
from apps.points.models import Redemption
from apps.points.selectors import balances_for, expiry_schedule
from apps.points.services import program_resolve
from apps.transactions.choices import BillType
from apps.transactions.models import Bill

ZERO = Decimal(0)
ACTIVITY_LIST_LIMIT = 50
PANEL_COUPON_LIMIT = 10


def session_till_get(*, user, till_id) -> Till | None:
    """The session's till while it is active and belongs to the staff member's org and store."""
    return (Till.objects.select_related("org", "store", "store__org")
            .filter(pk=till_id, org_id=user.org_id, store_id=user.store_id, is_active=True).first())


def staff_till_choose(*, user, code: str = "") -> Till | None:
    """The till a staff member logs in at: the one named by code (one of their store's, and their own if they have
    one), else their own, else their store's default; None when there is no such active till."""
    tills = Till.objects.filter(org_id=user.org_id, store_id=user.store_id, is_active=True)
    if code:
        till = tills.filter(code=code).first()
        return None if till is None or (user.till_id and user.till_id != till.pk) else till
    if user.till_id:
        return tills.filter(pk=user.till_id).first()
    return tills.order_by("-is_default", "id").first()


def optional_module(path: str, *names: str):
    """The module when it imports and has every named attribute, else None (apps built alongside the till)."""
    try:
        module = importlib.import_module(path)
    except ImportError:
        return None
    return module if all(hasattr(module, name) for name in names) else None


def coupons_available():
    """(selectors, services) of the coupons app when it offers what the till uses, else None."""
    sel = optional_module("apps.coupons.selectors", "coupon_list", "series_list")
    svc = optional_module("apps.coupons.services", "coupon_redeem", "coupon_redeemability", "coupon_issue",
                          "RedeemContext")
    return (sel, svc) if sel and svc else None


def tiers_available():
    return optional_module("apps.tiers.selectors", "customer_tier_status")


# -- finding a customer ----------------------------------------------------------------------------------------------
def identifier_kinds(*, org, text: str) -> list[str]:
    """Which identifier types a typed or scanned value may be, most likely first."""
    if text.startswith("#") and text[1:].isdigit():
        return [IDENTIFIER_ID]
    if "@" in text:
        return [IdentifierType.EMAIL]
    kinds = []
    if mobile_normalise(text, org=org):
        kinds.append(IdentifierType.MOBILE)
    return kinds + [IdentifierType.CARD_NUMBER, IdentifierType.EXTERNAL_ID]


def customer_find_any(*, org, text: str) -> tuple[Customer, str]:
    """The customer a mobile, email, card number, external id (or `#<id>`) names: (customer, matched type).

    One indexed query per candidate type, at most three. CustomerNotFound when none matches."""
    text = (text or "").strip()
    if not text:
        raise customer_errors.LookupIdentifierMissing(field="q")
    for kind in identifier_kinds(org=org, text=text):
        value = text[1:] if kind == IDENTIFIER_ID else text
        try:
            return customer_lookup(org=org, identifier_type=kind, value=value), kind
        except customer_errors.CustomerNotFound:
            continue
    raise customer_errors.CustomerNotFound(field="q")


# -- the customer panel ----------------------------------------------------------------------------------------------
@dataclass
class CustomerPanel:
    customer: Customer
    identifiers: dict
    program: object | None
    available: Decimal = ZERO
    promised: Decimal = ZERO
    next_expiry: dict | None = None
    tier: object | None = None            # a TierStatus when the tiers app is there and the org has a ladder
    tiers_enabled: bool = False
    coupons: list | None = None            # None: the coupons app is not there
    point_value: Decimal | None = None

    @property
    def name(self) -> str:
        return f"{self.customer.first_name} {self.customer.last_name}".strip()


def default_program(*, org):
    try:
        return program_resolve(org=org)
    except ProgramInvalid:
        return None


def customer_panel(*, org, store, customer: Customer, now: datetime | None = None) -> CustomerPanel:
    """What the till shows of a customer: identifiers, points (available, promised, next expiry), tier, coupons."""
    now = now or timezone.now()
    identifiers: dict[str, str] = {}
    for row in customer.identifiers.all().order_by("id"):
        identifiers.setdefault(row.type, row.value)
    program = default_program(org=org)
    panel = CustomerPanel(customer=customer, identifiers=identifiers, program=program,
                          point_value=program.point_value if program else None)
    if program is not None:
        balance = balances_for(org=org, customer=customer, programs=[program], now=now)[0]
        panel.available, panel.promised = balance.available, balance.promised
        if balance.account is not None:
            soonest = expiry_schedule(org=org, customer=customer, programs=[program], after=now,
                                      before=now + timedelta(days=3660), earliest_only=True)
            panel.next_expiry = soonest[0] if soonest else None
        tiers = tiers_available()
        if tiers is not None:
            panel.tiers_enabled = True
            status = tiers.customer_tier_status(org=org, customer=customer, program=program, now=now)
            panel.tier = status if status.tier is not None else None
    coupons = coupons_available()
    if coupons is not None:
        sel, _ = coupons
        rows = sel.coupon_list(org=org, customer_ids=[customer.pk], status="active", store=store, now=now)
        panel.coupons = list(rows[:PANEL_COUPON_LIMIT])
    return panel


# -- the till's day --------------------------------------------------------------------------------------------------
@dataclass
class Activity:
    day: object
    bills: list = field(default_factory=list)
    bill_totals: dict = field(default_factory=dict)
    point_redemptions: list = field(default_factory=list)
    point_totals: dict = field(default_factory=dict)
    coupon_redemptions: list | None = None
    coupon_totals: dict = field(default_factory=dict)
    enrolments: list = field(default_factory=list)
    enrolment_count: int = 0


def day_bounds(*, store, now: datetime | None = None) -> tuple[object, datetime, datetime]:
    """Today in the store's time zone: (date, start, end) with aware start/end."""
    zone = ZoneInfo(store.effective_timezone)
    local = (now or timezone.now()).astimezone(zone)
    start = datetime.combine(local.date(), time.min, tzinfo=zone)
    return local.date(), start, start + timedelta(days=1)


def till_activity(*, org, till, now: datetime | None = None) -> Activity:
    """Today's bills, points and coupon redemptions and enrolments at this till, newest first, with totals."""
    day, start, end = day_bounds(store=till.store, now=now)
    activity = Activity(day=day)
    bills = Bill.objects.for_org(org).filter(till=till, billing_time__gte=start, billing_time__lt=end)
    activity.bills = list(bills.select_related("customer").order_by("-billing_time", "-id")[:ACTIVITY_LIST_LIMIT])
    activity.bill_totals = bills.aggregate(
        count=Count("id"), sales=Sum("amount", filter=~Q(type__in=[BillType.RETURN, BillType.NOT_INTERESTED_RETURN])),
        returns=Sum("amount", filter=Q(type__in=[BillType.RETURN, BillType.NOT_INTERESTED_RETURN])),
        points=Sum("points"))
    redemptions = Redemption.objects.for_org(org).filter(till=till, redeemed_at__gte=start, redeemed_at__lt=end)
    activity.point_redemptions = list(redemptions.select_related("customer")
                                      .order_by("-redeemed_at", "-id")[:ACTIVITY_LIST_LIMIT])
    activity.point_totals = redemptions.aggregate(count=Count("id"), points=Sum("points"), value=Sum("value"))
    coupons = coupons_available()
    if coupons is not None:
        from apps.coupons.models import CouponRedemption

        used = CouponRedemption.objects.for_org(org).filter(till=till, redeemed_at__gte=start, redeemed_at__lt=end,
                                                            is_reversed=False)
        activity.coupon_redemptions = list(used.select_related("customer", "coupon")
                                           .order_by("-redeemed_at", "-id")[:ACTIVITY_LIST_LIMIT])
        activity.coupon_totals = used.aggregate(count=Count("id"), discount=Sum("discount"))
    enrolled = Customer.objects.for_org(org).filter(registered_till=till, registered_on__gte=start,
                                                    registered_on__lt=end)
    activity.enrolments = list(enrolled.order_by("-registered_on", "-id")[:ACTIVITY_LIST_LIMIT])
    activity.enrolment_count = enrolled.count()
    return activity
