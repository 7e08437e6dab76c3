"""Coupon mass issuance: 100,000 coupons of one series to a 100,000-customer segment, as the Celery job runs it.

Run: cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_coupons ../.venv/bin/python coupons_issue.py
(it works on a throwaway test_ database and prints its figures; it does not write docs/performance.md).

- Set-up (not measured): one org, 100,000 customers, one series with generated 10-character codes.
- Measured: issue_job_run_all (chunks of 10,000: lock the series, filter eligible customers, generate codes,
  COPY them into a staging table, one INSERT ... SELECT ... ON CONFLICT DO NOTHING, counters and progress).
  "Database time" is the time spent inside SQL statements (execute) plus the COPY blocks; "wall" adds the
  Python side (code generation, ORM). Target: 100,000 coupons in under 2 s of database time.
"""
from __future__ import annotations

import contextlib
import os
import time
from datetime import timedelta
from decimal import Decimal

from _setup import django_with_test_db

CUSTOMERS = int(os.environ.get("BENCH_COUPON_CUSTOMERS", "100000"))
CHUNK = int(os.environ.get("BENCH_COUPON_CHUNK", "10000"))


class DbClock:
    """Sums the time spent in SQL statements and COPY blocks of one connection."""

    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements += 1

    @contextlib.contextmanager
    def copy_patch(self):
        import psycopg

        original = psycopg.Cursor.copy
        clock = self

        @contextlib.contextmanager
        def timed_copy(cursor, *args, **kwargs):
            start = time.perf_counter()
            with original(cursor, *args, **kwargs) as copy:
                yield copy
            clock.seconds += time.perf_counter() - start
            clock.statements += 1

        psycopg.Cursor.copy = timed_copy
        try:
            yield
        finally:
            psycopg.Cursor.copy = original


def setup():
    from django.utils import timezone

    from apps.coupons.services import series_create
    from apps.customers.models import Customer
    from apps.organizations.services import organization_create

    org = organization_create(name="Bench Coupons", code="bench-coupons", timezone="Asia/Kolkata")
    now = timezone.now()
    batch = 10_000
    for start in range(0, CUSTOMERS, batch):
        Customer.objects.bulk_create([Customer(org=org, first_name=f"M{i}", registered_on=now)
                                      for i in range(start, min(start + batch, CUSTOMERS))], batch_size=batch)
    series = series_create(org=org, data={"description": "Bench 10% off", "discount_type": "PERC",
                                          "discount_value": Decimal("10"), "code_length": 10,
                                          "valid_till": now + timedelta(days=30)})
    return org, series


def main() -> None:
    connection, _ = django_with_test_db()
    from django.db import connection as conn

    from apps.core.models import JobRun
    from apps.coupons.models import Coupon
    from apps.coupons.services import issue_job_run_all, issue_job_start

    try:
        t0 = time.perf_counter()
        org, series = setup()
        print(f"set-up: {CUSTOMERS:,} customers in {time.perf_counter() - t0:.1f} s ({conn.vendor})")
        from django.test.utils import CaptureQueriesContext  # noqa: F401 (keeps DEBUG cursor off)

        job = issue_job_start(org=org, series_id=series.pk, audience_type="SEGMENT")  # task queued on commit
        clock = DbClock()
        with conn.execute_wrapper(clock), clock.copy_patch():
            start = time.perf_counter()
            issue_job_run_all(org_id=org.pk, job_id=job.pk, chunk=CHUNK)
            wall = time.perf_counter() - start
        issued = Coupon.objects.filter(series=series).count()
        distinct = Coupon.objects.filter(series=series).values("code").distinct().count()
        run = JobRun.objects.get(pk=job.job_run_id)
        print(f"mass issuance: {issued:,} coupons ({distinct:,} distinct codes), job {run.status} "
              f"{run.done:,}/{run.total:,}")
        print(f"  database time: {clock.seconds:.3f} s in {clock.statements} statements/COPY blocks "
              f"(chunks of {CHUNK:,})")
        print(f"  wall time:     {wall:.3f} s  ({issued / wall:,.0f} coupons/s)")
        assert issued == CUSTOMERS == distinct
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    from _setup import run_into_section

    run_into_section('Coupons: mass issuance of 100,000 (`bench/coupons_issue.py`)',
                     'cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench_coupons ../.venv/bin/python coupons_issue.py',
                     main)
