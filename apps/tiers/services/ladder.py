"""Ladders: programme tier settings, tiers appended on top, and safe ladder changes (insert, retire, thresholds)
previewed first and applied by a Celery job that re-places customers chunk by chunk with progress.

Ladder rules: serial 1 is the base tier (threshold 0, no conditions); thresholds strictly increase with the serial.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from apps.core.events import after_commit
from apps.core.orgcache import org_data_changed
from apps.core.models import JobRun
from apps.core.services import job_run_finish, job_run_progress, job_run_start

from .. import errors
from ..choices import ChangeSource, ChangeType, LadderChangeKind, LadderChangeStatus
from ..models import LadderChange, Tier, TierMembership, TierProgramSettings
from ..selectors import TIERS_DATA, Standing, ladder, metric_values, qualifies, standings, tier_settings_get
from .checks import floor_in_force
from .membership import Move, _move, _validity_for, local_date, membership_lock

ZERO = Decimal("0")
APPLY_KIND = "tiers.ladder_apply"
TIME_BUDGET_SECONDS = 50.0
SETTINGS_FIELDS = {f.name for f in TierProgramSettings._meta.fields} - {"id", "org", "program", "updated_at"}
TIER_FIELDS = {"name", "description", "colour", "earn_multiplier", "max_redeem_per_bill", "renew_purchase_amount",
               "renew_visits", "renew_points", "secondary_threshold"}


@transaction.atomic
def tier_settings_set(*, org, program, **values) -> TierProgramSettings:
    """Create or change a programme's tier settings (unknown names are refused)."""
    unknown = set(values) - SETTINGS_FIELDS
    if unknown:
        raise errors.TierInvalid(detail=f"unknown settings {', '.join(sorted(unknown))}")
    settings, _ = TierProgramSettings.objects.select_for_update().get_or_create(org=org, program=program)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def _decimal(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise errors.TierInvalid(detail=f"{name} must be a number") from None
    if number < 0 or not number.is_finite():
        raise errors.TierInvalid(detail=f"{name} must not be negative")
    return number


def ladder_validate(thresholds: list[Decimal]) -> None:
    """Base tier at 0, then strictly increasing thresholds."""
    if thresholds and thresholds[0] != 0:
        raise errors.TierInvalid(detail="the base tier has no condition (threshold 0)")
    for lower, higher in zip(thresholds, thresholds[1:]):
        if higher <= lower:
            raise errors.TierInvalid(detail="each tier's threshold must be greater than the one below it")


@transaction.atomic
def tier_create(*, org, program, name: str, threshold=ZERO, **fields) -> Tier:
    """Append a tier on top of the ladder (the first tier is the base tier). Inserting between tiers is a
    ladder change (ladder_change_create), which previews who would move."""
    unknown = set(fields) - TIER_FIELDS
    if unknown:
        raise errors.TierInvalid(detail=f"unknown fields {', '.join(sorted(unknown))}")
    list(TierProgramSettings.objects.select_for_update().filter(org=org, program=program))
    tiers = ladder(org=org, program=program)
    threshold = _decimal(threshold, "threshold") if tiers else ZERO
    ladder_validate([t.threshold for t in tiers] + [threshold])
    tier = Tier(org=org, program=program, serial=len(tiers) + 1, name=str(name).strip(), threshold=threshold,
                **fields)
    tier.full_clean()
    tier.save()
    return tier


@transaction.atomic
def tier_update(*, org, tier: Tier, **fields) -> Tier:
    """Change a tier's name, look, benefits or renewal conditions (thresholds change through a ladder change)."""
    unknown = set(fields) - TIER_FIELDS
    if unknown:
        raise errors.TierInvalid(detail=f"not changeable here: {', '.join(sorted(unknown))}")
    tier = Tier.objects.select_for_update().get(pk=tier.pk, org=org)
    for name, value in fields.items():
        setattr(tier, name, value)
    tier.full_clean()
    tier.save()
    return tier


# -- ladder changes ------------------------------------------------------------------------------------------------
@dataclass
class Rung:
    """A tier of a proposed ladder (tier None: the tier an INSERT adds)."""

    tier: Tier | None
    threshold: Decimal
    secondary_threshold: Decimal | None
    serial: int = 0
    name: str = ""


def proposed_ladder(change: LadderChange, tiers: list[Tier]) -> list[Rung]:
    """The ladder as it would be after the change (validated)."""
    params = change.params or {}
    rungs = [Rung(t, t.threshold, t.secondary_threshold, name=t.name) for t in tiers]
    if change.kind == LadderChangeKind.INSERT:
        threshold = _decimal(params.get("threshold"), "threshold")
        second = params.get("secondary_threshold")
        rung = Rung(None, threshold, None if second in (None, "") else _decimal(second, "secondary_threshold"),
                    name=str(params.get("name") or "").strip())
        if not rung.name:
            raise errors.TierInvalid(detail="the new tier needs a name")
        if any(r.name.casefold() == rung.name.casefold() for r in rungs):
            raise errors.TierInvalid(detail=f"a tier named {rung.name} exists")
        rungs.append(rung)
        rungs.sort(key=lambda r: r.threshold)
    elif change.kind == LadderChangeKind.RETIRE:
        tier_id = int(params.get("tier_id") or 0)
        if tier_id not in {t.pk for t in tiers}:
            raise errors.TierInvalid(detail="unknown tier")
        if tier_id == tiers[0].pk:
            raise errors.TierInvalid(detail="the base tier cannot be retired")
        rungs = [r for r in rungs if r.tier.pk != tier_id]
    elif change.kind == LadderChangeKind.THRESHOLDS:
        wanted = {int(k): _decimal(v, "threshold") for k, v in (params.get("thresholds") or {}).items()}
        if not wanted or set(wanted) - {t.pk for t in tiers}:
            raise errors.TierInvalid(detail="thresholds must name tiers of this ladder")
        for rung in rungs:
            rung.threshold = wanted.get(rung.tier.pk, rung.threshold)
    else:
        raise errors.TierInvalid(detail="unknown ladder change")
    ladder_validate([r.threshold for r in rungs])
    for serial, rung in enumerate(rungs, start=1):
        rung.serial = serial
    return rungs


def _qualifying_rung(rungs: list[Rung], standing: Standing, settings) -> Rung:
    best = rungs[0]
    for rung in rungs[1:]:
        probe = Tier(serial=rung.serial, threshold=rung.threshold, secondary_threshold=rung.secondary_threshold)
        if qualifies(probe, standing, settings):
            best = rung
    return best


def _placement(*, current: Tier, rungs: list[Rung], standing: Standing, settings, move_down: bool,
               floor: Tier | None) -> Rung:
    """Where a customer in `current` lands on the proposed ladder (never below a manual floor in force)."""
    by_tier = {r.tier.pk: r for r in rungs if r.tier is not None}
    now_rung = by_tier.get(current.pk)
    if now_rung is None:  # their tier is retired: the nearest remaining tier below it
        below = [r for r in rungs if r.tier is not None and r.tier.serial < current.serial]
        now_rung = below[-1] if below else rungs[0]
    best = _qualifying_rung(rungs, standing, settings)
    if best.serial > now_rung.serial:
        return best
    if best.serial < now_rung.serial and move_down:
        floor_rung = by_tier.get(floor.pk) if floor is not None else None
        if floor_rung is not None and floor_rung.serial > best.serial:
            return floor_rung if floor_rung.serial <= now_rung.serial else now_rung
        return best
    return now_rung


def _population(*, org, program, settings, now) -> tuple[dict[int, Tier], dict[int, Standing], dict[int, bool]]:
    """Every customer the ladder concerns: (customer → current tier, standing, manual floor in force)."""
    tiers = ladder(org=org, program=program)
    base = tiers[0]
    rows = TierMembership.objects.for_org(org).filter(program=program).select_related("tier", "floor_tier")
    today = local_date(org, now)
    current, floors = {}, {}
    for m in rows:
        current[m.customer_id] = m.tier
        floors[m.customer_id] = floor_in_force(m, settings, today)
    stand = standings(org=org, program=program, settings=settings, customer_ids=None, now=now, include=current)
    return {cid: current.get(cid, base) for cid in stand}, stand, floors


def ladder_preview(*, org, change: LadderChange, now: datetime | None = None) -> dict:
    """How many customers would move up, down or stay, per tier of the proposed ladder (a few queries in all)."""
    now = now or timezone.now()
    tiers = ladder(org=org, program=change.program)
    if not tiers:
        raise errors.NoTiers()
    rungs = proposed_ladder(change, tiers)
    settings = tier_settings_get(org=org, program=change.program)
    current, stand, floors = _population(org=org, program=change.program, settings=settings, now=now)
    up = down = same = 0
    per_rung = {r.name: 0 for r in rungs}
    old_rank = {t.pk: (t.threshold, t.serial) for t in tiers}
    for cid, tier in current.items():
        rung = _placement(current=tier, rungs=rungs, standing=stand[cid], settings=settings,
                          move_down=change.move_down, floor=floors.get(cid))
        per_rung[rung.name] += 1
        if rung.tier is not None and rung.tier.pk == tier.pk:
            same += 1
        elif (rung.threshold, rung.serial) > old_rank[tier.pk]:
            up += 1
        else:
            down += 1
    return {"up": up, "down": down, "same": same, "customers": len(current),
            "ladder": [{"serial": r.serial, "name": r.name, "threshold": str(r.threshold),
                        "customers": per_rung[r.name], "new": r.tier is None} for r in rungs],
            "at": now.isoformat()}


@transaction.atomic
def ladder_change_create(*, org, program, kind: str, params: dict, move_down: bool = False, user=None,
                         now: datetime | None = None) -> LadderChange:
    """Record a proposed ladder change with its preview (nothing moves until it is applied)."""
    change = LadderChange(org=org, program=program, kind=kind, params=params or {}, move_down=move_down,
                          created_by=user)
    change.preview = ladder_preview(org=org, change=change, now=now)
    change.full_clean()
    change.save()
    return change


def _structure_apply(*, org, change: LadderChange, now: datetime) -> None:
    """Change the ladder rows themselves (serials renumbered; retired tiers kept for history)."""
    program = change.program
    list(TierProgramSettings.objects.select_for_update().filter(org=org, program=program))
    tiers = list(Tier.objects.select_for_update().filter(org=org, program=program, is_active=True).order_by("serial"))
    rungs = proposed_ladder(change, tiers)
    if change.kind == LadderChangeKind.RETIRE:
        retired = next(t for t in tiers if t.pk == int(change.params["tier_id"]))
        retired.is_active, retired.retired_at = False, now
        retired.save(update_fields=["is_active", "retired_at"])
    # Free the serials first (the unique constraint holds row by row), then write the new ones.
    # A retired tier keeps its serial (inactive rows are outside the constraint) so its members can be placed
    # on the nearest tier below it.
    Tier.objects.filter(pk__in=[t.pk for t in tiers if t.is_active]).update(serial=0, is_active=False)
    for rung in rungs:
        if rung.tier is None:
            params = change.params
            new = Tier(org=org, program=program, serial=rung.serial, name=rung.name, threshold=rung.threshold,
                       secondary_threshold=rung.secondary_threshold,
                       earn_multiplier=_decimal(params.get("earn_multiplier", "1"), "earn_multiplier"))
            new.full_clean(validate_constraints=False)
            new.save()
            rung.tier = new
        else:
            Tier.objects.filter(pk=rung.tier.pk).update(serial=rung.serial, threshold=rung.threshold,
                                                        is_active=True)
    org_data_changed(org.pk, TIERS_DATA)  # the rows above changed through update(): no signal saw them
    change.params = {**change.params, "applied_structure": True,
                     "new_tier_id": next((r.tier.pk for r in rungs if r.tier and r.name == change.params.get("name")),
                                         None)}
    change.save(update_fields=["params"])


@transaction.atomic
def ladder_change_apply_start(*, org, change: LadderChange, user=None, now: datetime | None = None) -> JobRun:
    """Change the ladder and open the JobRun that re-places customers (the task does the work)."""
    now = now or timezone.now()
    change = LadderChange.objects.select_for_update().get(pk=change.pk, org=org)
    if change.status != LadderChangeStatus.DRAFT:
        raise errors.LadderChangeNotDraft()
    _structure_apply(org=org, change=change, now=now)
    total = int((change.preview or {}).get("customers") or 0)
    run = job_run_start(org=org, kind=APPLY_KIND, total=total, created_by=user,
                        parameters={"ladder_change_id": change.pk, "now": now.isoformat()})
    change.status, change.job_run = LadderChangeStatus.APPLYING, run
    change.save(update_fields=["status", "job_run"])
    from ..tasks import ladder_change_apply_task

    after_commit(ladder_change_apply_task.delay, org_id=org.pk, change_id=change.pk, run_id=run.pk,
                 now=now.isoformat())
    return run


def _place_chunk(*, org, change: LadderChange, customer_ids: list[int], now: datetime) -> int:
    """Re-place some customers on the applied ladder; returns how many moved."""
    from apps.customers.models import Customer

    program = change.program
    settings = tier_settings_get(org=org, program=program)
    tiers = ladder(org=org, program=program)
    rungs = [Rung(t, t.threshold, t.secondary_threshold, t.serial, t.name) for t in tiers]
    by_customer = standings(org=org, program=program, settings=settings, customer_ids=customer_ids, now=now)
    customers = Customer.objects.in_bulk(customer_ids)
    today = local_date(org, now)
    moved = 0
    for cid in customer_ids:
        customer = customers.get(cid)
        if customer is None:
            continue
        membership = membership_lock(org=org, customer=customer, program=program)
        current = membership.tier if membership else tiers[0]
        floor = floor_in_force(membership, settings, today) if membership else None
        rung = _placement(current=current, rungs=rungs, standing=by_customer[cid], settings=settings,
                          move_down=change.move_down, floor=floor)
        if rung.tier.pk == current.pk:
            continue
        up = rung.tier.threshold > current.threshold
        move = Move(change_type=ChangeType.UPGRADE if up else ChangeType.DOWNGRADE, source=ChangeSource.LADDER,
                    valid_until=_validity_for(org=org, settings=settings, customer=customer, tier=rung.tier,
                                              start=today),
                    reason=f"Ladder change #{change.pk}: {change.get_kind_display().lower()}")
        _move(org=org, customer=customer, program=program, membership=membership, to_tier=rung.tier, move=move,
              now=now)
        moved += 1
    return moved


def ladder_change_apply_run(*, org_id: int, change_id: int, run_id: int, now: datetime, after_customer_id: int = 0,
                            chunk: int = 500, time_budget: float = TIME_BUDGET_SECONDS) -> int | None:
    """Re-place the programme's customers chunk by chunk (each chunk commits); the cursor, or None when done.

    Safe to run twice: a customer already on the right tier is not moved again."""
    change = LadderChange.objects.select_related("program", "org").get(pk=change_id, org_id=org_id)
    org = change.org
    deadline = time.monotonic() + time_budget
    cursor = after_customer_id
    settings = tier_settings_get(org=org, program=change.program)
    # Everyone the ladder concerns: members, and customers with a measure (still in the base tier without a row).
    measured = metric_values(org=org, program=change.program, criterion=settings.criterion, customer_ids=None,
                             now=now, tracker_metric=settings.tracker_metric, window_days=settings.tracker_window_days)
    members = TierMembership.objects.filter(org=org, program=change.program, customer_id__gt=cursor)
    population = sorted(set(members.values_list("customer_id", flat=True)) | {c for c in measured if c > cursor})
    position = 0
    while True:
        ids = population[position:position + chunk]
        position += chunk
        if not ids:
            LadderChange.objects.filter(pk=change.pk).update(status=LadderChangeStatus.APPLIED, applied_at=now)
            job_run_finish(run_id=run_id, message="ladder change applied")
            return None
        with transaction.atomic():
            moved = _place_chunk(org=org, change=change, customer_ids=ids, now=now)
        job_run_progress(run_id=run_id, done=len(ids), message=f"{moved} of {len(ids)} customers moved")
        cursor = ids[-1]
        if time.monotonic() > deadline:
            return cursor
