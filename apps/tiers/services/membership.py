"""Moving customers between tiers: automatic upgrades on qualifying events, manual adjustments, the return hook.

Every move goes through `_move`, which updates the membership row (locked) and appends one TierChange in the same
transaction. Upgrades restart the validity clock; renewal checks and downgrades live in services.checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import errors
from ..choices import ChangeSource, ChangeType, Criterion, ManualValidity, SlabAction, TrackerMetric
from ..models import Tier, TierChange, TierMembership
from ..selectors import (Standing, ladder, qualifies, qualifying_tier, standings, tier_facts, tier_settings_get)
from ..validity import settings_validity_end

ZERO = Decimal("0")


def local_date(org, moment: datetime) -> date:
    from apps.points.selectors import org_zone

    return moment.astimezone(org_zone(org)).date()


def membership_lock(*, org, customer, program) -> TierMembership | None:
    """The customer's membership row under a row lock (None when they were never moved: base tier)."""
    return (TierMembership.objects.select_for_update().filter(org=org, customer=customer, program=program)
            .select_related("tier").first())


def _membership_create(*, org, customer, program, tier: Tier, now: datetime) -> TierMembership:
    """Insert the row (a concurrent insert wins: its row is then locked and returned)."""
    try:
        with transaction.atomic():
            return TierMembership.objects.create(org=org, customer=customer, program=program, tier=tier, since=now,
                                                 cycle_start=now, updated_at=now)
    except IntegrityError:
        return membership_lock(org=org, customer=customer, program=program)


@dataclass
class Move:
    """What a move sets besides the tier."""

    change_type: str
    source: str
    valid_until: date | None
    new_cycle: bool = True
    is_manual: bool | None = False  # True: a manual tier (sets the floor); None: keep the manual flags as they are
    manual_until: date | None = None
    reassess: bool = True
    reason: str = ""
    bill: object = None
    till: object = None
    actor: str = ""
    cycle_start: datetime | None = None  # default: the moment of the move


def _manual_flags(membership: TierMembership, move: Move, to_tier: Tier) -> None:
    """A manual tier sets the floor until its expiry; an automatic move keeps an unexpired floor (the customer
    may still climb above it); the manual tier's own expiry clears it."""
    if move.is_manual:
        membership.is_manual, membership.manual_until, membership.floor_tier = True, move.manual_until, to_tier
    elif move.is_manual is None:
        if membership.is_manual:
            membership.manual_until = move.manual_until
    elif move.source == ChangeSource.MANUAL_EXPIRY:
        membership.is_manual, membership.manual_until, membership.floor_tier = False, None, None
    else:
        membership.is_manual = False


MEMBERSHIP_FIELDS = ["tier", "since", "cycle_start", "valid_until", "source", "is_manual", "manual_until",
                     "floor_tier", "reassess_on_next_activity", "upgrade_bill", "return_check_on", "updated_at"]


class Batch:
    """Writes collected by a bulk caller (the nightly checks): membership fields to update, changes to insert.

    flush() groups the memberships by the values written, so a night in which hundreds of customers renew into the
    same dates costs one UPDATE per distinct outcome (not one per customer, nor a CASE over every row)."""

    def __init__(self):
        self.memberships: dict[int, tuple[TierMembership, set[str]]] = {}
        self.changes: list[TierChange] = []

    def touch(self, membership: TierMembership, fields) -> None:
        _, known = self.memberships.setdefault(membership.pk, (membership, set()))
        known.update(fields)

    def flush(self) -> None:
        groups: dict[tuple, list[int]] = {}
        for pk, (membership, fields) in self.memberships.items():
            values = tuple(sorted((membership._meta.get_field(name).attname,
                                   getattr(membership, membership._meta.get_field(name).attname))
                                  for name in fields))
            groups.setdefault(values, []).append(pk)
        for values, pks in groups.items():
            TierMembership.objects.filter(pk__in=pks).update(**dict(values))
        if self.changes:
            TierChange.objects.bulk_create(self.changes, batch_size=500)
        self.memberships, self.changes = {}, []


def _move(*, org, customer, program, membership: TierMembership | None, to_tier: Tier, move: Move,
          now: datetime, batch: Batch | None = None) -> TierChange:
    """Put the customer in `to_tier` and record it. Caller holds the transaction and the membership lock.

    With `batch` (an existing membership only) the writes are collected for the caller's flush."""
    from_tier = membership.tier if membership else None
    fields = ["tier", "valid_until", "source", "is_manual", "manual_until", "floor_tier",
              "reassess_on_next_activity", "return_check_on", "updated_at"]
    if membership is None:
        membership = _membership_create(org=org, customer=customer, program=program, tier=to_tier, now=now)
        if from_tier is None and membership.tier_id != to_tier.pk:
            from_tier = membership.tier
    if from_tier is None:
        from_tier = Tier.objects.filter(org=org, program=program, is_active=True, serial=1).first()
    if from_tier is not None and from_tier.pk != to_tier.pk:
        membership.since = now
        fields.append("since")
    if move.new_cycle:
        membership.cycle_start = move.cycle_start or now
        fields.append("cycle_start")
    membership.tier = to_tier
    membership.valid_until = move.valid_until
    membership.source = move.source
    _manual_flags(membership, move, to_tier)
    membership.reassess_on_next_activity = move.reassess
    if move.source == ChangeSource.AUTOMATIC and move.bill is not None:
        membership.upgrade_bill = move.bill
        fields.append("upgrade_bill")
    membership.return_check_on = None
    membership.updated_at = now
    if batch is not None and membership.pk is not None:
        batch.touch(membership, fields)
    else:
        membership.save()
    change = TierChange(
        org=org, customer=customer, program=program, from_tier=from_tier, to_tier=to_tier,
        from_serial=from_tier.serial if from_tier else None, to_serial=to_tier.serial,
        from_name=from_tier.name if from_tier else "", to_name=to_tier.name, change_type=move.change_type,
        source=move.source, reason=move.reason[:255], valid_until=move.valid_until, bill=move.bill,
        till=move.till, store=getattr(move.till, "store", None) if move.till is not None else None,
        actor=move.actor[:150], created_at=now)
    if batch is not None:
        batch.changes.append(change)
    else:
        change.save()
    return change


def _validity_for(*, org, settings, customer, tier: Tier, start: date, first_cycle: bool = True) -> date | None:
    """Last day of a tier entered on `start` (the base tier never expires)."""
    if tier.serial == 1:
        return None
    registered = local_date(org, customer.registered_on) if customer.registered_on else None
    return settings_validity_end(settings, start=start, registered_on=registered, first_cycle=first_cycle)


# -- automatic upgrade ---------------------------------------------------------------------------------------------
def tier_evaluate(*, org, customer, program, now: datetime | None = None, bill=None, till=None) -> TierChange | None:
    """Upgrade the customer to the highest tier they now qualify for (never down: downgrades are checks').

    `bill` is the bill that qualified them, or a function returning it (called only when there is a move).
    A manual tier set with reassessTierOnNextActivity=false is left alone. Returns the change, or None.
    """
    tiers = ladder(org=org, program=program)
    if len(tiers) < 2 or customer is None:
        return None  # no ladder: nothing to lock or write
    with transaction.atomic():
        return _evaluate(org=org, customer=customer, program=program, now=now or timezone.now(), bill=bill,
                         till=till, tiers=tiers)


def _evaluate(*, org, customer, program, now, bill, till, tiers) -> TierChange | None:
    membership = membership_lock(org=org, customer=customer, program=program)
    if membership is not None and membership.is_manual and not membership.reassess_on_next_activity:
        return None
    current = membership.tier if membership else tiers[0]
    settings = tier_settings_get(org=org, program=program)
    standing = standings(org=org, program=program, settings=settings, customer_ids=[customer.pk], now=now)[customer.pk]
    target = qualifying_tier(tiers, standing, settings)
    if target is None or target.serial <= current.serial:
        return None
    valid_until = _validity_for(org=org, settings=settings, customer=customer, tier=target,
                                start=local_date(org, now))
    if callable(bill):  # resolved only when someone actually moves
        bill = bill()
        till = till or getattr(bill, "till", None)
    move = Move(change_type=ChangeType.UPGRADE, source=ChangeSource.AUTOMATIC, valid_until=valid_until, bill=bill,
                till=till, reason="Qualified on " + settings.get_criterion_display().lower())
    return _move(org=org, customer=customer, program=program, membership=membership, to_tier=target, move=move,
                 now=now)


def _bill_of(*, org, customer, context):
    """The stored bill an earn context is about (by number; the latest such bill of the customer)."""
    from apps.transactions.models import Bill

    number = (context.bill or {}).get("number") if context is not None else None
    if not number:
        return None
    return Bill.objects.filter(org=org, customer=customer, number=number).order_by("-id").first()


def tier_on_earn(*, org, customer, program, context, awarded) -> None:
    """Post-earn listener (apps.rules.hooks): a bill credited points, re-evaluate the customer's tier."""
    if customer is None or program is None:
        return
    tier_evaluate(org=org, customer=customer, program=program, now=getattr(context, "occurred_at", None),
                  bill=lambda: _bill_of(org=org, customer=customer, context=context))


def tier_on_adjust(*, org, customer, program, entry) -> None:
    """Adjustment listener (apps.points.hooks): a manual points adjustment is a qualifying event too."""
    if customer is None or program is None:
        return
    tier_evaluate(org=org, customer=customer, program=program)


def tier_project(*, org, customer, program, context):
    """Tier projector (apps.rules.hooks): does this bill, not yet stored, carry the customer into a higher tier?

    Only for amount- and visit-based criteria (points are not known before the evaluation). The share before is the
    part of the bill's amount needed to reach the new tier's threshold (0 for visits: the visit itself qualifies).
    """
    from apps.rules.hooks import TierProjection

    settings = tier_settings_get(org=org, program=program)
    spend = settings.criterion == Criterion.LIFETIME_PURCHASES or (
        settings.criterion == Criterion.TRACKER and settings.tracker_metric == TrackerMetric.SPEND)
    visits = settings.criterion == Criterion.VISITS or (
        settings.criterion == Criterion.TRACKER and settings.tracker_metric == TrackerMetric.VISITS)
    if not (spend or visits) or customer is None or getattr(customer, "pk", None) is None:
        return None
    tiers = ladder(org=org, program=program)
    if len(tiers) < 2:
        return None
    membership = TierMembership.objects.filter(org=org, customer=customer, program=program).select_related(
        "tier").first()
    current = membership.tier if membership else tiers[0]
    before = standings(org=org, program=program, settings=settings, customer_ids=[customer.pk],
                       now=context.occurred_at)[customer.pk]
    amount = Decimal((context.bill or {}).get("amount") or 0)
    if spend:
        gain = amount
    else:  # a second bill on a day already visited is not a new visit
        from ..selectors import _bills

        day = local_date(org, context.occurred_at)
        gain = Decimal(0 if _bills(org=org, program=program, customer_ids=[customer.pk]).filter(
            bill_date=day, is_fully_returned=False).exists() else 1)
    after = Standing(primary=before.primary + gain, secondary=before.secondary)
    target = qualifying_tier(tiers, after, settings)
    if target is None or target.serial <= current.serial or qualifies(target, before, settings):
        return None
    share = (target.threshold - before.primary) / amount if spend and amount > 0 else ZERO
    return TierProjection(tier=tier_facts(target), share_before=share)


# -- returns -------------------------------------------------------------------------------------------------------
def tier_return_recorded(*, org, parent, return_bill) -> bool:
    """A bill was returned: when the programme re-checks on returns and the bill counted towards the customer's
    automatic upgrade, ask for an end-of-day check (services.checks). Returns True when a check was scheduled."""
    customer, program = parent.customer, parent.program
    if customer is None or program is None:
        return False
    settings = tier_settings_get(org=org, program=program)
    if not settings.downgrade_on_return or settings.pk is None:
        return False
    day = local_date(org, return_bill.billing_time)
    scheduled = (TierMembership.objects.filter(org=org, customer=customer, program=program,
                                               source=ChangeSource.AUTOMATIC, tier__serial__gt=1,
                                               since__gte=parent.billing_time)
                 .update(return_check_on=day))
    return bool(scheduled)


# -- manual adjustment ---------------------------------------------------------------------------------------------
def _manual_until(*, org, settings, customer, membership, tier: Tier, validity: str, upto, today: date,
                  action: str) -> date | None:
    """The expiry a manual adjustment sets (manualSlabActionValidity / manualSlabActionValidityUpto)."""
    current = membership.valid_until if membership else None
    if validity == ManualValidity.FIXED_DURATION:
        try:
            days = int(str(upto).strip())
        except (TypeError, ValueError):
            raise errors.ManualValidityUptoInvalid(field="manualSlabActionValidityUpto") from None
        if days < 0:
            raise errors.ManualValidityUptoInvalid(field="manualSlabActionValidityUpto")
        base = (current or today) if action == SlabAction.EXTEND_CURRENT_TIER_EXPIRY_DATE else today
        return base + timedelta(days=days)
    if validity == ManualValidity.SPECIFIC_DATE:
        text = str(upto or "").strip()[:10]
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise errors.ManualValidityUptoInvalid(
                "manualSlabActionValidityUpto should be a date (YYYY-MM-DD)",
                field="manualSlabActionValidityUpto") from None
    if validity == ManualValidity.CURRENT_TIER_EXPIRY_DATE:
        return current
    return _validity_for(org=org, settings=settings, customer=customer, tier=tier, start=today)


@dataclass
class ManualResult:
    program: object
    customer: object
    change: TierChange


@transaction.atomic
def tier_manual_adjust(*, org, customer, program, action: str, to_tier_name: str = "", validity: str = "",
                       validity_upto=None, reassess_on_next_activity: bool = False, reason: str = "",
                       now: datetime | None = None, till=None, actor: str = "") -> ManualResult:
    """Manual Tier Adjustment: upgrade, downgrade, renew or extend, with a reason and an expiry.

    The manual tier holds until its expiry; the nightly check then re-evaluates the customer (services.checks).
    With reassess_on_next_activity the next qualifying event may still move the customer up.
    """
    now = now or timezone.now()
    if action not in SlabAction.values:
        raise errors.SlabActionMissing(field="slabAction")
    if validity not in ManualValidity.values:
        raise errors.ManualValidityMissing(field="manualSlabActionValidity")
    tiers = ladder(org=org, program=program)
    if not tiers:
        raise errors.NoTiers(field="programId")
    membership = membership_lock(org=org, customer=customer, program=program)
    current = membership.tier if membership else tiers[0]
    if action in (SlabAction.UPGRADE, SlabAction.DOWNGRADE):
        target = next((t for t in tiers if t.name.casefold() == str(to_tier_name or "").strip().casefold()), None)
        if target is None:
            raise errors.SlabNotFound(field="toSlabName")
        if action == SlabAction.UPGRADE and target.serial <= current.serial:
            raise errors.SlabNotHigher(field="toSlabName")
        if action == SlabAction.DOWNGRADE and target.serial >= current.serial:
            raise errors.SlabNotLower(field="toSlabName")
        change_type = ChangeType(action)
    else:
        target = current
        change_type = ChangeType.RENEW if action == SlabAction.RENEWAL else ChangeType.EXTEND
    settings = tier_settings_get(org=org, program=program)
    today = local_date(org, now)
    until = _manual_until(org=org, settings=settings, customer=customer, membership=membership, tier=target,
                          validity=validity, upto=validity_upto, today=today, action=action)
    if target.serial == 1:
        until = None  # the base tier never expires
    if action in (SlabAction.UPGRADE, SlabAction.DOWNGRADE):
        manual = target.serial > 1  # a manual base tier is just the base tier
    else:
        manual = None  # renewing or extending keeps the tier's manual flags (and moves a manual tier's expiry)
    move = Move(change_type=change_type, source=ChangeSource.MANUAL, valid_until=until,
                new_cycle=action != SlabAction.EXTEND_CURRENT_TIER_EXPIRY_DATE, is_manual=manual,
                manual_until=until, reassess=bool(reassess_on_next_activity), reason=reason or "", till=till,
                actor=actor)
    change = _move(org=org, customer=customer, program=program, membership=membership, to_tier=target, move=move,
                   now=now)
    return ManualResult(program=program, customer=customer, change=change)


@transaction.atomic
def tiers_upgrade_all(*, org, program, now: datetime | None = None, reason: str = "Placed by measures") -> int:
    """Upgrade every customer of the programme whose measures reach a higher tier (measures in one or two
    aggregate queries; one move per customer who changes). Returns how many moved. Never downgrades."""
    from apps.customers.models import Customer

    from ..selectors import metric_values

    now = now or timezone.now()
    tiers = ladder(org=org, program=program)
    if len(tiers) < 2:
        return 0
    settings = tier_settings_get(org=org, program=program)
    measured = metric_values(org=org, program=program, criterion=settings.criterion, customer_ids=None, now=now,
                             tracker_metric=settings.tracker_metric, window_days=settings.tracker_window_days)
    candidates = [cid for cid, value in measured.items() if value >= tiers[1].threshold]
    if not candidates:
        return 0
    stand = standings(org=org, program=program, settings=settings, customer_ids=candidates, now=now)
    current = dict(TierMembership.objects.filter(org=org, program=program, customer_id__in=candidates)
                   .values_list("customer_id", "tier__serial"))
    movers = [cid for cid in candidates
              if (qualifying_tier(tiers, stand[cid], settings) or tiers[0]).serial > current.get(cid, 1)]
    customers = Customer.objects.in_bulk(movers)
    for cid in sorted(movers):
        customer = customers[cid]
        membership = membership_lock(org=org, customer=customer, program=program)
        target = qualifying_tier(tiers, stand[cid], settings)
        move = Move(change_type=ChangeType.UPGRADE, source=ChangeSource.AUTOMATIC, reason=reason,
                    valid_until=_validity_for(org=org, settings=settings, customer=customer, tier=target,
                                              start=local_date(org, now)))
        _move(org=org, customer=customer, program=program, membership=membership, to_tier=target, move=move, now=now)
    return len(movers)
