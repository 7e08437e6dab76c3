"""CSV uploads for a series: vendor codes (tagged to customers or not), and coupons redeemed elsewhere.

A file that is not a usable CSV is refused at once (nothing written); row problems are reported in the upload's
status (errors with row numbers) while the good rows go in.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.core import services as core
from apps.core.errors import DomainError
from apps.core.events import after_commit
from apps.customers.selectors import customer_find
from apps.organizations.models import Till

from .. import errors
from ..choices import CodeSource, CouponEventType, CouponStatus, UploadIdentifier, UploadKind, UploadStatus
from ..codes import code_normalise
from ..events import coupon_event
from ..models import UNLIMITED, Coupon, CouponSeries, CouponUpload
from .issue import coupon_expiry
from .redeem import RedeemContext, coupon_redeem

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
MAX_REPORTED_ERRORS = 1000
CODE_RE = re.compile(r"^[A-Z0-9_\-]{3,64}$")
IDENTIFIER_KEYS = {UploadIdentifier.MOBILE: "mobile", UploadIdentifier.EMAIL: "email",
                   UploadIdentifier.EXTERNAL_ID: "external_id", UploadIdentifier.USER_ID: "id"}
HEADER_NAMES = {"code", "coupon code", "coupon_code", "couponcode", "coupon", "voucher", "mobile", "email",
                "external_id", "externalid", "user_id", "userid", "customer", "customer identifier"}
REDEEMED_COLUMNS = ("redeemedDateInMillis", "redeemedAt", "userId", "mobile", "email", "externalId", "couponId",
                    "couponCode", "billId", "billNumber", "details")


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    if len(raw) > MAX_BYTES:
        raise errors.UploadInvalid(detail="the file is larger than 10 MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise errors.UploadInvalid(detail="the file is not UTF-8 text") from None


def _rows(text: str) -> list[list[str]]:
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    except csv.Error as exc:
        raise errors.UploadInvalid(detail=f"not a CSV file ({exc})") from None
    if not rows:
        raise errors.UploadInvalid(detail="the file has no rows")
    if len(rows) > MAX_ROWS:
        raise errors.UploadInvalid(detail=f"at most {MAX_ROWS} rows per file")
    return rows


def _stored_name(file_name: str, series_id: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", PurePath(file_name or "upload.csv").stem)[:80] or "upload"
    return f"{stem}_{int(timezone.now().timestamp() * 1000)}_{series_id}.csv"


@transaction.atomic
def upload_create(*, org, series_id, file_name: str, content: bytes | str, customer_identifier: str,
                  kind: str = UploadKind.CODES, options: dict | None = None, created_by=None) -> CouponUpload:
    """Check the file and the series, store the upload and queue its processing (after commit)."""
    series = CouponSeries.objects.for_org(org).filter(pk=series_id).first() if str(series_id).isdigit() else None
    if series is None:
        raise errors.SeriesInvalid(field="couponSeriesId")
    if series.valid_till < timezone.now():
        raise errors.SeriesExpired("Coupon Series has expired")
    identifier = str(customer_identifier or "").strip().upper()
    allowed = set(UploadIdentifier.values) - ({UploadIdentifier.NOT_TAGGED} if kind == UploadKind.REDEEMED else set())
    if identifier not in allowed:
        raise errors.UploadInvalid(detail=f"customerIdentifier must be one of {', '.join(sorted(allowed))}",
                                   field="customerIdentifier")
    if kind == UploadKind.CODES and series.code_source != CodeSource.UPLOADED:
        raise errors.UploadInvalid(detail="codes can be uploaded only to a series whose codes are uploaded",
                                   field="couponSeriesId")
    text = _decode(content)
    rows = _rows(text)
    options = dict(options or {})
    if kind == UploadKind.REDEEMED:
        options["columns"] = _redeemed_columns(options.get("uploadHeaders"))
    else:
        column = options.get("customerIdentifierColumn", 0)
        try:
            options["customerIdentifierColumn"] = int(column or 0)
        except (TypeError, ValueError):
            raise errors.UploadInvalid(detail="customerIdentifierColumn must be 0 or 1") from None
        if options["customerIdentifierColumn"] not in (0, 1):
            raise errors.UploadInvalid(detail="customerIdentifierColumn must be 0 or 1")
        if identifier != UploadIdentifier.NOT_TAGGED and max(len(r) for r in rows) < 2:
            raise errors.UploadInvalid(detail="each row needs the customer identifier and the coupon code")
    run = core.job_run_start(org=org, kind=f"coupons.upload.{kind.lower()}", total=len(rows), created_by=created_by,
                             parameters={"series_id": series.pk})
    upload = CouponUpload.objects.create(org=org, series=series, kind=kind, file_name=(file_name or "upload.csv")[:255],
                                         stored_name=_stored_name(file_name, series.pk), content=text,
                                         customer_identifier=identifier, options=options, total_rows=len(rows),
                                         job_run=run)
    coupon_event(org=org, series=series, type=CouponEventType.UPLOADED, upload_id=upload.pk, kind=kind,
                 rows=len(rows))
    from ..tasks import coupon_upload_process_task

    after_commit(lambda: coupon_upload_process_task.delay(org_id=org.pk, upload_id=upload.pk))
    return upload


def _redeemed_columns(raw) -> dict:
    if raw in (None, ""):
        return {"redeemedDateInMillis": 0, "redeemedAt": 1, "mobile": 2, "couponCode": 3, "billId": 4,
                "billNumber": 5, "details": 6}
    try:
        columns = json.loads(raw) if isinstance(raw, str) else dict(raw)
        columns = {str(k): int(v) for k, v in columns.items()}
    except (ValueError, TypeError):
        raise errors.UploadInvalid(detail="uploadHeaders must be a JSON object of column numbers") from None
    if unknown := sorted(set(columns) - set(REDEEMED_COLUMNS)):
        raise errors.UploadInvalid(detail=f"unknown column {unknown[0]} in uploadHeaders")
    if not {"couponId", "couponCode"} & set(columns) or "redeemedDateInMillis" not in columns:
        raise errors.UploadInvalid(detail="uploadHeaders needs redeemedDateInMillis and couponId or couponCode")
    return columns


def _report(upload: CouponUpload, problems: list[dict], good: int) -> None:
    CouponUpload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.FINISHED, success_count=good, error_count=len(problems),
        errors=problems[:MAX_REPORTED_ERRORS], updated_at=timezone.now())
    if upload.job_run_id:
        core.job_run_progress(run_id=upload.job_run_id, done=good, failed=len(problems))
        core.job_run_finish(run_id=upload.job_run_id, message=f"{good} rows imported, {len(problems)} refused")


def upload_process(*, org_id: int, upload_id: int) -> CouponUpload:
    """Import an upload's rows once (a finished upload is left alone); rows are reported, never half-imported."""
    with transaction.atomic():
        upload = CouponUpload.objects.select_for_update().select_related("org", "series").get(pk=upload_id,
                                                                                              org_id=org_id)
        if upload.status in (UploadStatus.FINISHED, UploadStatus.FAILED):
            return upload
        CouponUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.STARTED)
        if upload.kind == UploadKind.CODES:
            problems, good = _import_codes(upload)
        else:
            problems, good = _import_redeemed(upload)
        _report(upload, problems, good)
    upload.refresh_from_db()
    return upload


def _import_codes(upload: CouponUpload) -> tuple[list[dict], int]:
    org, series = upload.org, CouponSeries.objects.select_for_update().get(pk=upload.series_id)
    tagged = upload.customer_identifier != UploadIdentifier.NOT_TAGGED
    id_col = upload.options.get("customerIdentifierColumn", 0)
    code_col = (1 - id_col) if tagged else 0
    problems, seen, wanted = [], set(), []
    for n, row in enumerate(_rows(upload.content), start=1):
        code = code_normalise(row[code_col] if len(row) > code_col else "")
        if n == 1 and {c.strip().lower() for c in row} & HEADER_NAMES:
            continue  # a header line
        if not CODE_RE.match(code):
            problems.append({"row": n, "value": code[:64], "reason": "invalid coupon code"})
            continue
        if code in seen:
            problems.append({"row": n, "value": code, "reason": "duplicate code in the file"})
            continue
        seen.add(code)
        wanted.append((n, code, (row[id_col].strip() if tagged and len(row) > id_col else "")))
    existing = set(Coupon.objects.filter(org=org, code__in=[c for _, c, _ in wanted]).values_list("code", flat=True))
    now, created = timezone.now(), []
    expiry = coupon_expiry(series=series, issued_at=now)
    for n, code, who in wanted:
        if code in existing:
            problems.append({"row": n, "value": code, "reason": "code already exists"})
            continue
        customer = None
        if tagged:
            try:
                customer = customer_find(org=org, identifiers={IDENTIFIER_KEYS[upload.customer_identifier]: who})
            except DomainError:  # reported per row
                problems.append({"row": n, "value": who[:100], "reason": "customer not found"})
                continue
        created.append(Coupon(org=org, series=series, code=code, customer=customer,
                              status=CouponStatus.ISSUED if customer else CouponStatus.AVAILABLE,
                              issued_at=now if customer else None, valid_till=expiry if customer else series.valid_till,
                              created_at=now))
    issued = sum(1 for c in created if c.customer_id)
    if series.max_create != UNLIMITED and issued and series.num_issued + issued > series.max_create:
        room = max(0, series.max_create - series.num_issued)
        keep, dropped = [], 0
        for coupon in created:
            if coupon.customer_id and room <= 0:
                problems.append({"row": None, "value": coupon.code, "reason": "maximum coupons of the series reached"})
                dropped += 1
                continue
            room -= 1 if coupon.customer_id else 0
            keep.append(coupon)
        created, issued = keep, issued - dropped
    Coupon.objects.bulk_create(created, batch_size=2000)
    if issued:
        CouponSeries.objects.filter(pk=series.pk).update(num_issued=F("num_issued") + issued, latest_issued_at=now)
    problems.sort(key=lambda p: (p["row"] is None, p["row"] or 0))
    return problems, len(created)


def _cell(row, columns, name) -> str:
    index = columns.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def _import_redeemed(upload: CouponUpload) -> tuple[list[dict], int]:
    org, columns = upload.org, upload.options["columns"]
    problems, good = [], 0
    for n, row in enumerate(_rows(upload.content), start=1):
        millis = _cell(row, columns, "redeemedDateInMillis")
        if n == 1 and not millis.isdigit():
            continue  # header
        try:
            at = datetime.fromtimestamp(int(millis) / 1000, tz=dt_timezone.utc)
        except (ValueError, OverflowError, OSError):
            problems.append({"row": n, "value": millis[:30], "reason": "invalid redeemed date"})
            continue
        who = {"id": _cell(row, columns, "userId"), "mobile": _cell(row, columns, "mobile"),
               "email": _cell(row, columns, "email"), "external_id": _cell(row, columns, "externalId")}
        try:
            customer = customer_find(org=org, identifiers=who)
        except DomainError:  # reported per row
            problems.append({"row": n, "value": next((v for v in who.values() if v), ""), "reason": "customer not found"})
            continue
        code = _cell(row, columns, "couponCode")
        coupon_id = _cell(row, columns, "couponId")
        if coupon_id:
            found = Coupon.objects.filter(org=org, pk=int(coupon_id) if coupon_id.isdigit() else 0,
                                          series=upload.series).first()
            code = found.code if found else ""
        till_ref = _cell(row, columns, "redeemedAt")
        till = Till.objects.filter(org=org, pk=int(till_ref)).select_related("store").first() \
            if till_ref.isdigit() else None
        bill_number = _cell(row, columns, "billNumber") or _cell(row, columns, "billId") or f"UPLOAD-{upload.pk}-{n}"
        ctx = RedeemContext(customer=customer, at=at, store=getattr(till, "store", None), bill_number=bill_number)
        try:
            with transaction.atomic():
                if not code:
                    raise errors.CodeInvalid()
                coupon_redeem(org=org, code=code, ctx=ctx, till=till, details=_cell(row, columns, "details"))
        except (errors.CouponError, IntegrityError) as exc:
            problems.append({"row": n, "value": code, "reason": getattr(exc, "message", "rejected"),
                             "code": getattr(exc, "code", 730)})
            continue
        good += 1
    return problems, good
