"""Mass issuance: one coupon of a series to every customer of an audience (a label, a segment, a CSV), as a
chunked Celery job with progress. Codes go in with COPY + INSERT ... ON CONFLICT on PostgreSQL (bulk inserts
elsewhere); a retried chunk issues nothing twice (one coupon per customer per job, unique in the database)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from apps.core import services as core
from apps.core.errors import DomainError
from apps.core.events import after_commit
from apps.customers.models import Customer
from apps.customers.selectors import customer_find, customer_list
from apps.labels.models import CustomerLabel, Label

from .. import errors
from ..choices import AudienceType, CodeSource, CouponEventType, CouponStatus
from ..codes import codes_generate
from ..events import coupon_event
from ..models import UNLIMITED, Coupon, CouponIssueJob, CouponSeries
from .issue import FRAUD, coupon_expiry

CHUNK = 10_000
CSV_MAX_ROWS = 1_000_000
JOB_KIND = "coupons.issue"


def _audience_csv_ids(*, org, text: str, identifier: str) -> tuple[list[int], list[dict]]:
    ids, problems, seen = [], [], set()
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        value = (row[0] if row else "").strip()
        if not value or (n == 1 and not any(ch.isdigit() for ch in value) and "@" not in value):
            continue  # blank line or header
        if n > CSV_MAX_ROWS:
            raise errors.UploadInvalid(detail=f"at most {CSV_MAX_ROWS} rows")
        try:
            customer = customer_find(org=org, identifiers={identifier: value})
        except DomainError:  # a customer not found is a reported row, not a failed job
            problems.append({"row": n, "value": value[:100], "reason": "customer not found"})
            continue
        if customer.pk not in seen:
            seen.add(customer.pk)
            ids.append(customer.pk)
    return ids, problems


def audience_queryset(*, org, audience_type: str, audience: dict):
    """Customer ids of an audience, in id order (the chunking key)."""
    if audience_type == AudienceType.LABEL:
        ids = CustomerLabel.objects.filter(org=org, label_id=audience["label_id"], is_active=True) \
            .values_list("customer_id", flat=True)
        return Customer.objects.filter(org=org, pk__in=ids).order_by("pk").values_list("pk", flat=True)
    if audience_type == AudienceType.SEGMENT:
        return customer_list(org=org, filters=audience.get("filters") or {}).order_by("pk").values_list("pk", flat=True)
    return Customer.objects.filter(org=org, pk__in=audience.get("customer_ids") or []).order_by("pk") \
        .values_list("pk", flat=True)


@transaction.atomic
def issue_job_start(*, org, series_id, audience_type: str, label: str | None = None, filters: dict | None = None,
                    csv_text: str | None = None, csv_identifier: str = "mobile", customer_ids: list | None = None,
                    notify: bool = False, created_by=None) -> CouponIssueJob:
    """Check the series and the audience, record the job and queue its first chunk (after commit)."""
    series = CouponSeries.objects.for_org(org).filter(pk=series_id).first()
    if series is None:
        raise errors.SeriesInvalid(field="seriesId")
    if series.valid_till < timezone.now():
        raise errors.SeriesExpired("Coupon Series has expired")
    if series.code_source != CodeSource.GENERATED:
        raise errors.UnableToIssue(detail=". Mass issuance needs a series with generated codes")
    audience: dict = {"notify": bool(notify)}
    problems: list[dict] = []
    if audience_type == AudienceType.LABEL:
        found = Label.objects.for_org(org).filter(name__iexact=(label or "").strip(), is_active=True).first()
        if found is None:
            raise errors.SeriesInputInvalid(detail="unknown label", field="label")
        audience.update(label_id=found.pk, label=found.name)
    elif audience_type == AudienceType.SEGMENT:
        audience["filters"] = {k: v for k, v in (filters or {}).items() if k in ("status", "loyalty_type", "source",
                                                                                  "store_id")}
    elif audience_type == AudienceType.CSV:
        if not (csv_text or "").strip():
            raise errors.UploadInvalid(detail="the CSV is empty")
        if csv_identifier not in ("mobile", "email", "external_id", "id"):
            raise errors.UploadInvalid(detail="identifier must be mobile, email, external_id or id")
        audience["customer_ids"], problems = _audience_csv_ids(org=org, text=csv_text, identifier=csv_identifier)
    elif audience_type == AudienceType.CUSTOMERS:
        audience["customer_ids"] = list(Customer.objects.for_org(org).filter(pk__in=customer_ids or [])
                                        .values_list("pk", flat=True))
    else:
        raise errors.SeriesInputInvalid(detail="audience must be LABEL, SEGMENT, CSV or CUSTOMERS", field="audience")
    total = audience_queryset(org=org, audience_type=audience_type, audience=audience).count()
    run = core.job_run_start(org=org, kind=JOB_KIND, total=total, created_by=created_by,
                             parameters={"series_id": series.pk, "audience_type": audience_type})
    job = CouponIssueJob.objects.create(org=org, series=series, audience_type=audience_type, audience=audience,
                                        job_run=run, skipped=len(problems))
    if problems:
        core.job_run_log(run_id=run.pk, message=f"{len(problems)} CSV rows skipped; first: {problems[:5]}")
    from ..tasks import coupon_issue_chunk_task

    after_commit(lambda: coupon_issue_chunk_task.delay(org_id=org.pk, job_id=job.pk, after_id=0))
    return job


def _eligible(*, series: CouponSeries, customer_ids: list[int], now) -> list[int]:
    """Customers of the chunk the series' per-customer limits allow (set-based: a few queries per chunk).

    A chunk is a run of ascending ids, so each lookup is an index range scan between its first and last id
    (no 10,000-item IN list); the few rows outside the chunk that the range also covers are ignored."""
    if not customer_ids:
        return []
    low, high = customer_ids[0], customer_ids[-1]
    fraud = set(Customer.objects.filter(org_id=series.org_id, pk__gte=low, pk__lte=high, fraud_status__in=FRAUD)
                .values_list("pk", flat=True))
    held = (Coupon.objects.filter(series=series, customer_id__gte=low, customer_id__lte=high)
            .exclude(status=CouponStatus.REVOKED))
    blocked = set()
    if series.num_issued or held.exists():
        if not series.is_multiple_vouchers_per_user_allowed:
            blocked |= set(held.values_list("customer_id", flat=True))
        elif series.max_vouchers_per_user != UNLIMITED:
            blocked |= {cid for cid, n in held.order_by().values_list("customer_id").annotate(n=Count("id"))
                        if n >= series.max_vouchers_per_user}
        if series.min_days_between_vouchers > 0:
            since = now - timedelta(days=series.min_days_between_vouchers)
            blocked |= set(Coupon.objects.filter(series=series, customer_id__gte=low, customer_id__lte=high,
                                                 issued_at__gt=since).values_list("customer_id", flat=True))
    return [cid for cid in customer_ids if cid not in fraud and cid not in blocked]


def _insert_pg(*, org, series, run_id: int, customer_ids: list[int], now, expiry) -> int:
    """COPY (code, customer) pairs into a staging table, then one INSERT ... SELECT ON CONFLICT DO NOTHING;
    customers whose code collided get fresh codes until every one is in."""
    inserted, pending = 0, list(customer_ids)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS coupons_issue_stage (code varchar(64), customer_id bigint) "
                       "ON COMMIT DELETE ROWS")
        for _ in range(10):
            if not pending:
                break
            cursor.execute("TRUNCATE coupons_issue_stage")
            codes = codes_generate(count=len(pending), length=series.code_length, prefix=series.code_prefix,
                                   suffix=series.code_suffix)
            with cursor.copy("COPY coupons_issue_stage (code, customer_id) FROM STDIN") as copy:
                for code, cid in zip(codes, pending):
                    copy.write_row((code, cid))
            cursor.execute(
                "INSERT INTO coupons_coupon (org_id, series_id, code, is_common, customer_id, status, issued_at, "
                "valid_till, redemption_count, transaction_number, job_run_id, created_at) "
                "SELECT %s, %s, s.code, false, s.customer_id, 'ISSUED', %s, %s, 0, '', %s, %s "
                "FROM coupons_issue_stage s ON CONFLICT DO NOTHING",
                [org.pk, series.pk, now, expiry, run_id, now])
            inserted += cursor.rowcount
            cursor.execute("SELECT s.customer_id FROM coupons_issue_stage s WHERE NOT EXISTS (SELECT 1 FROM "
                           "coupons_coupon c WHERE c.job_run_id = %s AND c.customer_id = s.customer_id)", [run_id])
            pending = [row[0] for row in cursor.fetchall()]
    if pending:
        raise errors.UnableToIssue(detail=". Could not draw free codes; lengthen the series' codes")
    return inserted


def _insert_generic(*, org, series, run_id: int, customer_ids: list[int], now, expiry) -> int:
    inserted, pending = 0, list(customer_ids)
    for _ in range(10):
        if not pending:
            break
        codes = codes_generate(count=len(pending), length=series.code_length, prefix=series.code_prefix,
                               suffix=series.code_suffix)
        before = Coupon.objects.filter(job_run_id=run_id).count()
        Coupon.objects.bulk_create(
            [Coupon(org=org, series=series, code=code, customer_id=cid, status=CouponStatus.ISSUED, issued_at=now,
                    valid_till=expiry, job_run_id=run_id, created_at=now) for code, cid in zip(codes, pending)],
            batch_size=2000, ignore_conflicts=True)
        inserted += Coupon.objects.filter(job_run_id=run_id).count() - before
        done = set(Coupon.objects.filter(job_run_id=run_id, customer_id__in=pending).values_list("customer_id",
                                                                                                 flat=True))
        pending = [cid for cid in pending if cid not in done]
    if pending:
        raise errors.UnableToIssue(detail=". Could not draw free codes; lengthen the series' codes")
    return inserted


def coupons_bulk_insert(*, org, series: CouponSeries, run_id: int, customer_ids: list[int], now) -> int:
    """Insert one coupon per customer for a job (caller holds the series lock); returns how many were new."""
    expiry = coupon_expiry(series=series, issued_at=now)
    insert = _insert_pg if connection.vendor == "postgresql" else _insert_generic
    return insert(org=org, series=series, run_id=run_id, customer_ids=customer_ids, now=now, expiry=expiry)


def issue_job_chunk(*, org_id: int, job_id: int, after_id: int = 0, chunk: int = CHUNK) -> int | None:
    """Issue to the next chunk of the audience after customer `after_id`; the last id done, or None at the end."""
    job = CouponIssueJob.objects.select_related("org", "job_run").get(pk=job_id, org_id=org_id)
    org, run = job.org, job.job_run
    ids = list(audience_queryset(org=org, audience_type=job.audience_type, audience=job.audience)
               .filter(pk__gt=after_id)[:chunk])
    if not ids:
        core.job_run_finish(run_id=run.pk, message=f"{job.issued} coupons issued, {job.skipped} skipped")
        return None
    now = timezone.now()
    with transaction.atomic():
        series = CouponSeries.objects.select_for_update().get(pk=job.series_id)
        eligible = _eligible(series=series, customer_ids=ids, now=now) if series.valid_till >= now else []
        if series.max_create != UNLIMITED:
            eligible = eligible[:max(0, series.max_create - series.num_issued)]
        inserted = coupons_bulk_insert(org=org, series=series, run_id=run.pk, customer_ids=eligible, now=now) \
            if eligible else 0
        CouponSeries.objects.filter(pk=series.pk).update(num_issued=F("num_issued") + inserted, latest_issued_at=now)
        CouponIssueJob.objects.filter(pk=job.pk).update(issued=F("issued") + inserted,
                                                        skipped=F("skipped") + len(ids) - len(eligible))
        if inserted:
            coupon_event(org=org, series=series, type=CouponEventType.BULK_ISSUED, count=inserted, job_id=job.pk)
        if job.audience.get("notify") and inserted:
            from .notify import coupon_message_send

            for coupon in Coupon.objects.filter(job_run_id=run.pk, customer_id__in=eligible).select_related(
                    "series", "customer"):
                coupon_message_send(coupon=coupon, purpose="COUPON_ISSUE", dedupe_key=f"coupon:{coupon.pk}:issue")
    core.job_run_progress(run_id=run.pk, done=inserted, failed=len(ids) - len(eligible))
    return ids[-1]


def issue_job_run_all(*, org_id: int, job_id: int, chunk: int = CHUNK) -> None:
    """Every chunk in turn (used by the bench and by the task when chaining is not wanted)."""
    after: int | None = 0
    while after is not None:
        after = issue_job_chunk(org_id=org_id, job_id=job_id, after_id=after, chunk=chunk)
