"""Scheduled tier checks: renewal at the end of validity (downgrade when it fails), the end-of-day check after a
return, the end of a manual tier, and reminders N days before a downgrade.

One run covers one org and one check date (the org-local day that just ended). Renewals run on the last day of
each month, or every day when the org sets TIER_CHECK_DAILY; return checks and reminders run every day. Each
customer is checked at most once per kind and date (TierCheck's unique key), so a re-run, a retried chunk or a
second worker does nothing new. Measures are computed for a whole chunk at once (a few aggregate queries).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from apps.core.models import JobRun
from apps.core.services import job_run_finish, job_run_progress, job_run_start

from ..choices import ChangeSource, ChangeType, CheckKind, CheckOutcome, DowngradeMode
from ..models import Tier, TierCheck, TierMembership, TierProgramSettings
from ..selectors import (day_end, ladder, period_figures, qualifies, qualifying_tier, renewal_verdict, standings,
                         tier_settings_get)
from ..validity import is_month_end, month_end, settings_validity_end
from .membership import Batch, Move, _move, local_date

logger = logging.getLogger("apps.tiers")

CHECK_KIND = "tiers.checks"
CHECK_DAILY_KEY = "TIER_CHECK_DAILY"
REMINDER_PURPOSE = "TIER_DOWNGRADE_REMINDER"
TIME_BUDGET_SECONDS = 50.0


def _org(org_id: int):
    from apps.organizations.models import Organization

    return Organization.objects.get(pk=org_id)


def checks_daily(org) -> bool:
    from apps.organizations.selectors import org_config_flag

    return org_config_flag(org=org, key=CHECK_DAILY_KEY)


def renewal_day(org, day: date) -> bool:
    """Do renewals run on this day? Every day when the org checks daily, else on the month's last day."""
    return checks_daily(org) or is_month_end(day)


def downgrade_date(org, valid_until: date) -> date:
    """The check date at which a tier valid until `valid_until` is renewed or dropped."""
    return valid_until if checks_daily(org) else month_end(valid_until)


def _due_filter(*, org, day: date) -> Q:
    """Memberships a run for `day` must look at."""
    due = Q(return_check_on__lte=day)
    if renewal_day(org, day):
        due |= Q(valid_until__lte=day) & (Q(tier__serial__gt=1) | Q(is_manual=True))
    for program_id, days in (TierProgramSettings.objects.filter(org=org, reminder_days__gt=0)
                             .values_list("program_id", "reminder_days")):
        target = day + timedelta(days=days)
        if checks_daily(org):
            due |= Q(program_id=program_id, valid_until=target, tier__serial__gt=1)
        elif is_month_end(target):
            due |= Q(program_id=program_id, valid_until__gte=target.replace(day=1), valid_until__lte=target,
                     tier__serial__gt=1)
    return due


def due_memberships(*, org, day: date):
    return TierMembership.objects.filter(org=org).filter(_due_filter(org=org, day=day))


# -- one chunk -----------------------------------------------------------------------------------------------------
@dataclass
class ChunkResult:
    checked: int = 0
    renewed: int = 0
    downgraded: int = 0
    kept: int = 0
    reminded: int = 0
    changes: list = field(default_factory=list)


@dataclass
class _Program:
    settings: TierProgramSettings
    tiers: list[Tier]

    def below(self, tier: Tier) -> Tier:
        lower = [t for t in self.tiers if t.serial < tier.serial]
        return lower[-1] if lower else self.tiers[0]


def floor_in_force(membership, settings, day: date):
    """The manual floor tier on `day` (None without one, after manual_until, or when the programme does not use
    manual tiers as floors)."""
    floor = membership.floor_tier if membership.floor_tier_id else None
    if (floor is None or not floor.is_active or not settings.manual_is_floor
            or (membership.manual_until is not None and membership.manual_until < day)):
        return None
    return floor


def _floor(membership: TierMembership, target: Tier, prog: _Program, day: date) -> Tier:
    """With manual_is_floor, a manual tier still in force is the lowest an automatic check may go."""
    floor = floor_in_force(membership, prog.settings, day)
    if floor is not None and floor.serial > target.serial:
        return floor
    return target


def _downgrade_target(membership, prog: _Program, figures: dict, standing) -> Tier:
    mode = prog.settings.downgrade_mode
    if mode == DowngradeMode.BASE:
        return prog.tiers[0]
    if mode == DowngradeMode.QUALIFYING:
        # The highest lower tier whose own renewal conditions the period's figures meet (the base tier always).
        for tier in reversed([t for t in prog.tiers if t.serial < membership.tier.serial]):
            if renewal_verdict(tier, figures, prog.settings).renewed:
                return tier
        return prog.tiers[0]
    return prog.below(membership.tier)


def _validity(org, prog: _Program, customer, tier: Tier, start: date, first_cycle: bool = True) -> date | None:
    if tier.serial == 1:
        return None
    registered = local_date(org, customer.registered_on) if customer.registered_on else None
    return settings_validity_end(prog.settings, start=start, registered_on=registered, first_cycle=first_cycle)


def cycle_after(day: date, zone) -> datetime:
    """A cycle that follows `day` starts at its last instant (periods count activity strictly after the start)."""
    return day_end(day, zone) - timedelta(microseconds=1)


def _check(org, membership, kind: str, day: date, outcome: str, detail: dict | None = None) -> TierCheck:
    return TierCheck(org=org, customer_id=membership.customer_id, program_id=membership.program_id, kind=kind,
                     check_date=day, outcome=outcome, detail=detail or {})


def _return_check(org, membership, prog, standing, day, now, zone, result, batch) -> TierCheck:
    membership.return_check_on = None
    batch.touch(membership, ["return_check_on"])
    if membership.tier.serial == 1 or qualifies(membership.tier, standing, prog.settings):
        result.kept += 1
        return _check(org, membership, CheckKind.RETURN, day, CheckOutcome.KEPT)
    target = _floor(membership, prog.below(membership.tier), prog, day)
    if target.pk == membership.tier_id:
        result.kept += 1
        return _check(org, membership, CheckKind.RETURN, day, CheckOutcome.KEPT, {"floor": True})
    move = Move(change_type=ChangeType.DOWNGRADE, source=ChangeSource.RETURN,
                valid_until=_validity(org, prog, membership.customer, target, day + timedelta(days=1)),
                cycle_start=cycle_after(day, zone), reason="Returned purchases: no longer qualifies")
    result.changes.append(_move(org=org, customer=membership.customer, program=membership.program,
                                membership=membership, to_tier=target, move=move, now=now,
                                batch=batch))
    result.downgraded += 1
    return _check(org, membership, CheckKind.RETURN, day, CheckOutcome.DOWNGRADED, {"to": target.serial})


def _renewal_check(org, membership, prog, figures, standing, day, now, zone, result, batch) -> TierCheck:
    old_until = membership.valid_until
    next_start = old_until + timedelta(days=1)
    customer, program = membership.customer, membership.program
    if membership.is_manual:  # a manual tier has run out: place the customer by their measures again
        target = qualifying_tier(prog.tiers, standing, prog.settings) or prog.tiers[0]
        kind = (ChangeType.UPGRADE if target.serial > membership.tier.serial else
                ChangeType.DOWNGRADE if target.serial < membership.tier.serial else ChangeType.RENEW)
        move = Move(change_type=kind, source=ChangeSource.MANUAL_EXPIRY,
                    valid_until=_validity(org, prog, customer, target, next_start),
                    cycle_start=cycle_after(old_until, zone), reason="Manual tier expired")
        result.changes.append(_move(org=org, customer=customer, program=program, membership=membership,
                                    to_tier=target, move=move, now=now, batch=batch))
        result.downgraded += kind == ChangeType.DOWNGRADE
        return _check(org, membership, CheckKind.MANUAL_EXPIRY, day, CheckOutcome.DOWNGRADED
                      if kind == ChangeType.DOWNGRADE else CheckOutcome.RENEWED, {"to": target.serial})
    verdict = renewal_verdict(membership.tier, figures, prog.settings)
    detail = {"conditions": [{k: str(v) if isinstance(v, Decimal) else v for k, v in c.items()}
                             for c in verdict.conditions]}
    if verdict.renewed or not prog.settings.downgrade_enabled:
        # Renewed (or downgrades are off): a new cycle from the day after the old one ended.
        renewed_until = _validity(org, prog, customer, membership.tier, old_until, first_cycle=False)
        move = Move(change_type=ChangeType.RENEW, source=ChangeSource.RENEWAL, valid_until=renewed_until,
                    cycle_start=cycle_after(old_until, zone), reason="Renewal conditions met" if verdict.renewed
                    else "Renewal conditions not met; downgrades are off")
        if verdict.renewed:
            result.changes.append(_move(org=org, customer=customer, program=program, membership=membership,
                                        to_tier=membership.tier, move=move, now=now, batch=batch))
            result.renewed += 1
            return _check(org, membership, CheckKind.RENEWAL, day, CheckOutcome.RENEWED, detail)
        membership.valid_until, membership.cycle_start = renewed_until, cycle_after(old_until, zone)
        batch.touch(membership, ["valid_until", "cycle_start"])
        result.kept += 1
        return _check(org, membership, CheckKind.RENEWAL, day, CheckOutcome.KEPT, detail)
    target = _floor(membership, _downgrade_target(membership, prog, figures, standing), prog, day)
    move = Move(change_type=ChangeType.DOWNGRADE, source=ChangeSource.DOWNGRADE,
                valid_until=_validity(org, prog, customer, target, next_start),
                cycle_start=cycle_after(old_until, zone), reason="Renewal conditions not met")
    result.changes.append(_move(org=org, customer=customer, program=program, membership=membership, to_tier=target,
                                move=move, now=now, batch=batch))
    result.downgraded += 1
    return _check(org, membership, CheckKind.RENEWAL, day, CheckOutcome.DOWNGRADED, {**detail, "to": target.serial})


def _reminder(org, membership, prog, figures, day, contacts, result) -> TierCheck | None:
    from apps.communications.services import message_queue

    verdict = renewal_verdict(membership.tier, figures, prog.settings)
    if verdict.renewed or not prog.settings.downgrade_enabled:
        return None
    missing = "; ".join(f"{c['name'].lower()} {c['shortfall']:f}" for c in verdict.conditions if not c["met"])
    when = downgrade_date(org, membership.valid_until)
    contact = contacts.get(membership.customer_id)
    if contact is not None:
        channel, recipient = contact
        message_queue(org=org, channel=channel, recipient=recipient, purpose=REMINDER_PURPOSE,
                      customer=membership.customer, subject=f"Keep your {membership.tier.name} tier",
                      body=f"To keep your {membership.tier.name} tier after {when:%d %b %Y} you need {missing} more.",
                      dedupe_key=f"tier-reminder:{membership.program_id}:{membership.customer_id}:"
                                 f"{membership.valid_until.isoformat()}")
    result.reminded += 1
    return _check(org, membership, CheckKind.REMINDER, day, CheckOutcome.REMINDED if contact else
                  CheckOutcome.SKIPPED, {"missing": missing, "downgradeOn": when.isoformat()})


@transaction.atomic
def tier_checks_chunk(*, org, day: date, now: datetime, after_id: int = 0, limit: int = 500
                      ) -> tuple[int | None, ChunkResult]:
    """Check the next `limit` due memberships after `after_id`; (last id or None when none left, result)."""
    from apps.points.selectors import org_zone
    from apps.points.services.reminders import _contacts

    zone = org_zone(org)
    ids = list(due_memberships(org=org, day=day).filter(pk__gt=after_id).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    result = ChunkResult()
    if not ids:
        return None, result
    rows = list(TierMembership.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
                .select_related("tier", "customer", "program", "floor_tier"))
    done = set(TierCheck.objects.filter(org=org, check_date=day, customer_id__in=[m.customer_id for m in rows])
               .values_list("customer_id", "program_id", "kind"))
    checks: list[TierCheck] = []
    batch = Batch()
    for program_id in sorted({m.program_id for m in rows}):
        members = [m for m in rows if m.program_id == program_id]
        program = members[0].program
        prog = _Program(settings=tier_settings_get(org=org, program=program), tiers=ladder(org=org, program=program))
        if not prog.tiers:
            continue
        cids = [m.customer_id for m in members]
        stand = standings(org=org, program=program, settings=prog.settings, customer_ids=cids, now=now)
        end = {m.customer_id: day_end(min(m.valid_until, day), zone) for m in members if m.valid_until}
        figures = period_figures(org=org, program=program, customer_ids=cids,
                                 start_by_customer={m.customer_id: m.cycle_start for m in members},
                                 end=max(end.values(), default=day_end(day, zone)), end_by_customer=end)
        reminder_ids = [m.customer_id for m in members if m.valid_until and m.valid_until > day]
        contacts = _contacts(org_id=org.pk, customer_ids=reminder_ids) if reminder_ids else {}
        renewals = renewal_day(org, day)
        for m in members:
            key = lambda kind: (m.customer_id, program_id, kind)  # noqa: E731
            if m.return_check_on is not None and m.return_check_on <= day:
                if key(CheckKind.RETURN) not in done:
                    checks.append(_return_check(org, m, prog, stand[m.customer_id], day, now, zone, result, batch))
                else:
                    m.return_check_on = None
                    batch.touch(m, ["return_check_on"])
            if m.valid_until is not None and m.valid_until <= day and renewals and (m.tier.serial > 1 or m.is_manual):
                kind = CheckKind.MANUAL_EXPIRY if m.is_manual else CheckKind.RENEWAL
                if key(kind) not in done:
                    checks.append(_renewal_check(org, m, prog, figures[m.customer_id], stand[m.customer_id], day,
                                                 now, zone, result, batch))
            elif (m.valid_until is not None and m.valid_until > day and prog.settings.reminder_days
                  and downgrade_date(org, m.valid_until) - timedelta(days=prog.settings.reminder_days) == day
                  and key(CheckKind.REMINDER) not in done):
                check = _reminder(org, m, prog, figures[m.customer_id], day, contacts, result)
                if check is not None:
                    checks.append(check)
    batch.flush()
    TierCheck.objects.bulk_create(checks, ignore_conflicts=True)
    result.checked = len(rows)
    return ids[-1], result


# -- the job -------------------------------------------------------------------------------------------------------
def tier_checks_start(*, org_id: int, day: date) -> int | None:
    """Open the JobRun of one org's checks for `day`, or None when nothing is due."""
    org = _org(org_id)
    total = due_memberships(org=org, day=day).count()
    if not total:
        return None
    return job_run_start(org=org, kind=CHECK_KIND, total=total, parameters={"day": day.isoformat()}).pk


def tier_checks_run(*, org_id: int, run_id: int, day: date, now: datetime, after_id: int = 0, chunk: int = 500,
                    time_budget: float = TIME_BUDGET_SECONDS) -> int | None:
    """Work through the org's due memberships chunk by chunk; the cursor to continue from, or None when done."""
    org = _org(org_id)
    deadline = time.monotonic() + time_budget
    cursor = after_id
    totals = ChunkResult()
    while True:
        last, result = tier_checks_chunk(org=org, day=day, now=now, after_id=cursor, limit=chunk)
        if last is None:
            run = JobRun.objects.get(pk=run_id)
            job_run_finish(run_id=run_id, message=f"{run.done} memberships checked for {day.isoformat()}")
            return None
        job_run_progress(run_id=run_id, done=result.checked,
                         message=f"renewed {result.renewed}, downgraded {result.downgraded}, kept {result.kept}, "
                                 f"reminded {result.reminded}")
        totals.checked += result.checked
        cursor = last
        if time.monotonic() > deadline:
            return cursor


def tier_checks_for_day(*, org, day: date, now: datetime) -> ChunkResult:
    """Run every check of `day` for an org in-process (tests, the admin's "run now", management use)."""
    totals, cursor = ChunkResult(), 0
    while True:
        last, result = tier_checks_chunk(org=org, day=day, now=now, after_id=cursor)
        if last is None:
            return totals
        for name in ("checked", "renewed", "downgraded", "kept", "reminded"):
            setattr(totals, name, getattr(totals, name) + getattr(result, name))
        totals.changes.extend(result.changes)
        cursor = last


def org_ids_with_tiers() -> list[int]:
    return sorted(set(Tier.objects.filter(is_active=True, serial__gt=1).values_list("org_id", flat=True)))
