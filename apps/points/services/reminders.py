"""Expiry reminders: N days before points expire (the programme's `reminder_offsets_days`), one message per customer,
programme, expiry date and offset, through the communications outbox.

Each message carries a dedupe key built from those four values, so a rerun of the job (or a redelivered task) finds
the message already queued and sends nothing twice.
"""
from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from django.db.models import Min, Sum

from apps.core.models import JobRun
from apps.core.services import job_run_finish, job_run_progress, job_run_start

from ..choices import LotState
from ..models import LoyaltyProgram, PointsLot
from ..selectors import day_bounds, org_zone

logger = logging.getLogger("apps.points")

REMINDER_KIND = "points.expiry_reminders"
PURPOSE = "POINTS_EXPIRY_REMINDER"
TIME_BUDGET_SECONDS = 50.0


def _org(org_id: int):
    from apps.organizations.models import Organization

    return Organization.objects.get(pk=org_id)


def reminder_windows(*, org_id: int) -> list[tuple[int, int]]:
    """(programme id, days before expiry) pairs the org reminds for, in a fixed order (the job's cursor walks it)."""
    pairs = set()
    for program_id, offsets in LoyaltyProgram.objects.filter(org_id=org_id, is_active=True).values_list(
            "pk", "reminder_offsets_days"):
        for offset in offsets or []:
            try:
                days = int(offset)
            except (TypeError, ValueError):
                continue
            if days > 0:
                pairs.add((program_id, days))
    return sorted(pairs)


def expiry_reminders_start(*, org_id: int, today: date) -> int | None:
    """Open the JobRun of today's reminders for an org, or None when no programme asks for reminders."""
    windows = reminder_windows(org_id=org_id)
    if not windows:
        return None
    return job_run_start(org=_org(org_id), kind=REMINDER_KIND, total=0,
                         parameters={"today": today.isoformat(), "windows": windows}).pk


def _contacts(*, org_id: int, customer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(channel, recipient) per customer: mobile first, then email; customers who opted out of transactional
    messages on that channel are left out. Two queries for the whole chunk."""
    from apps.customers.models import CustomerIdentifier, CustomerSubscription

    opted_out = set(CustomerSubscription.objects.filter(
        org_id=org_id, customer_id__in=customer_ids, priority="TRANS", is_subscribed=False)
        .values_list("customer_id", "channel"))
    found: dict[int, tuple[str, str]] = {}
    rows = (CustomerIdentifier.objects.filter(org_id=org_id, customer_id__in=customer_ids, type__in=["mobile", "email"])
            .order_by("customer_id", "id").values_list("customer_id", "type", "value"))
    by_customer: dict[int, dict[str, str]] = {}
    for customer_id, kind, value in rows:
        by_customer.setdefault(customer_id, {}).setdefault(kind, value)
    for customer_id, kinds in by_customer.items():
        for kind, channel in (("mobile", "SMS"), ("email", "EMAIL")):
            if kinds.get(kind) and (customer_id, channel) not in opted_out:
                found[customer_id] = (channel, kinds[kind])
                break
    return found


def _send_window(*, org, program: LoyaltyProgram, days: int, today: date, after_account_id: int,
                 limit: int) -> tuple[int | None, int, int]:
    """Queue the reminders of one window chunk; returns (last account id or None, queued, skipped)."""
    from apps.communications.services import message_queue
    from apps.customers.models import Customer

    zone = org_zone(org)
    expiry_day = today + timedelta(days=days)
    start, end = day_bounds(expiry_day, zone)
    rows = list(PointsLot.objects.filter(org=org, account__program=program, account__currency__is_default=True,
                                         state=LotState.AVAILABLE, remaining__gt=0, expires_at__gte=start,
                                         expires_at__lt=end, account_id__gt=after_account_id)
                .values("account_id", "account__customer_id").annotate(points=Sum("remaining"), first=Min("expires_at"))
                .order_by("account_id")[:limit])
    if not rows:
        return None, 0, 0
    customer_ids = [r["account__customer_id"] for r in rows]
    contacts = _contacts(org_id=org.pk, customer_ids=customer_ids)
    customers = Customer.objects.in_bulk(customer_ids)
    queued = skipped = 0
    for row in rows:
        contact = contacts.get(row["account__customer_id"])
        if contact is None:
            skipped += 1
            continue
        points = row["points"].normalize()
        message_queue(org=org, customer=customers[row["account__customer_id"]], channel=contact[0],
                      recipient=contact[1], purpose=PURPOSE, subject=f"{org.name}: points expiring soon",
                      body=f"{points:f} {program.name} points in your account expire on {expiry_day:%d %b %Y}. "
                           f"Redeem them before they lapse.",
                      dedupe_key=f"points-expiry:{program.pk}:{row['account_id']}:{expiry_day.isoformat()}:{days}")
        queued += 1
    return rows[-1]["account_id"], queued, skipped


def expiry_reminders_run(*, org_id: int, run_id: int, today: date, window: int = 0, after_account_id: int = 0,
                         chunk_accounts: int = 500, time_budget: float = TIME_BUDGET_SECONDS) -> tuple[int, int] | None:
    """Queue today's reminders window by window (programme × offset), chunk by chunk of accounts.

    Returns the cursor (window index, last account id) to continue from, or None when every window is done.
    """
    org = _org(org_id)
    run = JobRun.objects.get(pk=run_id)
    windows = [tuple(w) for w in run.parameters.get("windows", [])]
    programs = LoyaltyProgram.objects.in_bulk({p for p, _ in windows})
    deadline = time.monotonic() + time_budget
    while window < len(windows):
        program_id, days = windows[window]
        program = programs.get(program_id)
        last = None
        if program is not None:
            last, queued, skipped = _send_window(org=org, program=program, days=days, today=today,
                                                 after_account_id=after_account_id, limit=chunk_accounts)
            if last is not None:
                job_run_progress(run_id=run_id, done=queued, failed=skipped)
        if last is None:
            window, after_account_id = window + 1, 0
        else:
            after_account_id = last
        if time.monotonic() >= deadline and window < len(windows):
            return window, after_account_id
    job_run_finish(run_id=run_id, message="expiry reminders queued")
    return None
