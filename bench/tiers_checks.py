"""Tiers: the nightly renewal/downgrade check and a ladder-change preview over many members.

Run: cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_tiers ../.venv/bin/python tiers_checks.py
(it works on a throwaway test database and prints its figures; BENCH_TIER_MEMBERS sets the population, 20,000 by
default).

- Set-up (bulk inserts, not timed): a Silver / Gold / Platinum ladder on lifetime purchases, valid 12 months,
  downgrades on; N Gold or Platinum members whose validity ends on the check day; each has two bills in the cycle,
  so half renew and half are downgraded.
- Nightly check: tier_checks_run for that day (the Celery task's code path, chunks of 500), then the same day again
  (the idempotent re-run).
- Preview: ladder_change_create for inserting a tier (measures every customer of the programme).
"""
from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta, timezone as tz
from decimal import Decimal

from _setup import django_with_test_db

D = Decimal
MEMBERS = int(os.environ.get("BENCH_TIER_MEMBERS", "20000"))
DAY = date(2025, 4, 15)


def setup():
    from apps.customers.models import Customer
    from apps.organizations.services import organization_create, store_create
    from apps.points.services import program_create
    from apps.tiers.models import TierMembership
    from apps.tiers.services import tier_create, tier_settings_set, tier_update
    from apps.transactions.models import Bill

    from apps.organizations.services import org_config_set

    org = organization_create(name="Bench Retail", code="bench-tiers", timezone="UTC")
    org_config_set(org=org, key="TIER_CHECK_DAILY", value="1")
    store = store_create(org=org, code="default", name="Default Store")
    program = program_create(org=org, name="Bench Club", is_default=True)
    tier_settings_set(org=org, program=program, validity_mode="FIXED_MONTHS", validity_months=12,
                      downgrade_enabled=True, renewal_combine="ALL")
    tiers = [tier_create(org=org, program=program, name=n, threshold=D(t))
             for n, t in (("Silver", 0), ("Gold", 1000), ("Platinum", 5000))]
    tier_update(org=org, tier=tiers[1], renew_purchase_amount=D(800), renew_visits=2)
    tier_update(org=org, tier=tiers[2], renew_purchase_amount=D(3000), renew_visits=2)
    since = datetime(2024, 4, 15, 12, tzinfo=tz.utc)
    customers = Customer.objects.bulk_create([Customer(org=org, first_name=f"M{i}") for i in range(MEMBERS)],
                                             batch_size=5000)
    TierMembership.objects.bulk_create([
        TierMembership(org=org, program=program, customer=c, tier=tiers[1 + i % 2], since=since, cycle_start=since,
                       valid_until=DAY) for i, c in enumerate(customers)], batch_size=5000)
    bills = []
    for i, c in enumerate(customers):
        amount = D(500) if i % 4 < 2 else D(100)  # half meet their renewal amount (Gold 800 / Platinum 3000 ...)
        for n in range(2):
            at = since + timedelta(days=30 + 60 * n)
            bills.append(Bill(org=org, store=store, customer=c, program=program, number=f"B{i}-{n}",
                              bill_date=at.date(), billing_time=at, type="REGULAR", amount=amount,
                              gross_amount=amount, currency="INR"))
    Bill.objects.bulk_create(bills, batch_size=5000)
    return org, program, tiers


def main():
    django_with_test_db()
    from apps.core.services import job_run_start
    from apps.tiers.models import TierChange, TierCheck
    from apps.tiers.services import ladder_change_create, tier_checks_run

    org, program, tiers = setup()
    now = datetime(2025, 4, 15, 23, 59, 59, tzinfo=tz.utc)
    run = job_run_start(org=org, kind="tiers.checks", total=MEMBERS)
    start = time.perf_counter()
    cursor = 0
    while cursor is not None:
        cursor = tier_checks_run(org_id=org.pk, run_id=run.pk, day=DAY, now=now, after_id=cursor, chunk=500,
                                 time_budget=3600)
    first = time.perf_counter() - start
    changes, checks = TierChange.objects.count(), TierCheck.objects.count()
    run2 = job_run_start(org=org, kind="tiers.checks", total=0)
    start = time.perf_counter()
    tier_checks_run(org_id=org.pk, run_id=run2.pk, day=DAY, now=now, time_budget=3600)
    again = time.perf_counter() - start
    start = time.perf_counter()
    change = ladder_change_create(org=org, program=program, kind="INSERT",
                                  params={"name": "Gold Plus", "threshold": "3000"}, now=now)
    preview = time.perf_counter() - start
    print(f"members: {MEMBERS}")
    print(f"nightly check: {first:.2f} s ({MEMBERS / first:,.0f} members/s); {checks} checks, {changes} changes")
    print(f"re-run of the same day: {again * 1000:.1f} ms, {TierCheck.objects.count() - checks} new checks")
    print(f"ladder preview over {change.preview['customers']} customers: {preview * 1000:.0f} ms "
          f"(up {change.preview['up']}, down {change.preview['down']})")


if __name__ == "__main__":
    from _setup import run_into_section

    run_into_section('Tiers: nightly checks and ladder preview (`bench/tiers_checks.py`)',
                     'cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_tiers ../.venv/bin/python tiers_checks.py',
                     main)
