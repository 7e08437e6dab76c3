"""The rejected-bill queue: bills that failed master-data checks, retriggered (in the background) or given up."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core import services as core_services
from apps.core.errors import DomainError
from apps.core.events import after_commit
from apps.core.models import JobRun

from .. import errors
from ..choices import RETRIGGER_JOB_KIND, RejectionStatus
from ..models import RejectedBill
from .bills import MasterDataRejected, bill_add
from .inputs import BillInput
from .intake import Prepared

RETRIGGER_MAX_IDS = 100


@transaction.atomic
def rejected_bill_record(*, org, payload: dict, prepared: Prepared) -> RejectedBill:
    """Queue a bill that failed master-data checks, with every reason, as PENDING."""
    data = BillInput.from_payload(payload)
    rejected = RejectedBill(
        org=org, number=data.number, billing_time=prepared.billing_time, type=data.type, store=prepared.store,
        till=prepared.till, customer_reference=data.customer.as_reference(), payload=payload,
        reasons=[r.as_dict() for r in prepared.rejections],
    )
    rejected.full_clean(exclude=("org", "store", "till", "bill"))
    rejected.save()
    return rejected


def _ids(ids) -> list[int]:
    try:
        values = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise errors.TransactionIdMissing("Invalid input. ids: a list of rejected transaction ids", field="ids") from None
    if not values:
        raise errors.TransactionIdMissing("Invalid input. ids: at least one rejected transaction id", field="ids")
    if len(values) > RETRIGGER_MAX_IDS:
        from apps.core.errors import BatchLimitExceeded

        raise BatchLimitExceeded(maximum=RETRIGGER_MAX_IDS)
    return values


@transaction.atomic
def rejected_bills_retrigger(*, org, ids: list, user=None) -> JobRun:
    """Start a background retrigger of PENDING rejected bills; returns the job run whose id clients poll.

    Ids that are not the org's pending rejected bills are refused up front (404 / 422), so a job only ever
    holds bills it can process.
    """
    wanted = _ids(ids)
    rows = {r.pk: r for r in RejectedBill.objects.for_org(org).filter(pk__in=wanted)}
    for pk in wanted:
        if pk not in rows:
            raise errors.RejectedBillNotFound(id=pk, field="ids")
        if rows[pk].status != RejectionStatus.PENDING:
            raise errors.RejectedBillNotPending(id=pk, status=rows[pk].status, action="retriggered", field="ids")
    run = core_services.job_run_start(org=org, kind=RETRIGGER_JOB_KIND, total=len(wanted),
                                      parameters={"ids": wanted}, created_by=user)
    from ..tasks import rejected_bills_retrigger_task

    after_commit(rejected_bills_retrigger_task.delay, org_id=org.pk, run_id=run.pk)
    return run


def rejected_bills_retrigger_run(*, org_id: int, run_id: int) -> None:
    """Replay each bill of a retrigger job (safe to run twice: processed or failed bills are skipped)."""
    run = JobRun.objects.select_related("org").get(pk=run_id, org_id=org_id, kind=RETRIGGER_JOB_KIND)
    for pk in run.parameters.get("ids", []):
        outcome = rejected_bill_retry(org=run.org, rejected_id=pk)
        ok, message = outcome if outcome is not None else (True, f"#{pk}: skipped, no longer pending")
        core_services.job_run_progress(run_id=run.pk, done=1 if ok else 0, failed=0 if ok else 1, message=message)
    core_services.job_run_finish(run_id=run.pk)


def rejected_bill_retry(*, org, rejected_id: int) -> tuple[bool, str] | None:
    """Add one queued bill again: PROCESSED with its bill on success, still PENDING with fresh reasons otherwise."""
    with transaction.atomic():
        rejected = RejectedBill.objects.select_for_update(of=("self",)).select_related("till", "store").filter(
            org=org, pk=rejected_id).first()
        if rejected is None or rejected.status != RejectionStatus.PENDING:
            return None
        data = BillInput.from_payload(rejected.payload)
        if rejected.till is None and rejected.store is not None and not data.till_code:
            data.store_code = data.store_code or rejected.store.code
        try:
            with transaction.atomic():
                result = bill_add(org=org, data=data, till=rejected.till, allow_register=True)
        except MasterDataRejected as exc:
            reasons = [r.as_dict() for r in exc.prepared.rejections]
        except DomainError as exc:  # a refusal (duplicate, unknown customer, ...) keeps the bill queued with it
            reasons = [{"reason": "REFUSED", "code": exc.code, "message": exc.message}]
        else:
            rejected.status, rejected.bill, rejected.reasons = RejectionStatus.PROCESSED, result.bill, []
            rejected.attempts += 1
            rejected.save(update_fields=["status", "bill", "reasons", "attempts", "updated_at"])
            return True, f"#{rejected.pk} {rejected.number}: added as transaction {result.bill.pk}"
        rejected.reasons, rejected.attempts = reasons, rejected.attempts + 1
        rejected.save(update_fields=["reasons", "attempts", "updated_at"])
        return False, f"#{rejected.pk} {rejected.number}: " + "; ".join(r["message"] for r in reasons)


@transaction.atomic
def rejected_bills_mark_failed(*, org, ids: list, reason: str = "") -> list[dict]:
    """Give up on rejected bills: per id {id, status, error} (only PENDING ones change)."""
    wanted = _ids(ids)
    rows = {r.pk: r for r in RejectedBill.objects.for_org(org).select_for_update().filter(pk__in=wanted)}
    results = []
    for pk in wanted:
        row = rows.get(pk)
        if row is None:
            results.append({"id": pk, "error": errors.RejectedBillNotFound(id=pk)})
            continue
        if row.status != RejectionStatus.PENDING:
            results.append({"id": pk, "error": errors.RejectedBillNotPending(id=pk, status=row.status,
                                                                              action="marked failed")})
            continue
        row.status, row.failed_reason, row.updated_at = RejectionStatus.FAILED, (reason or "")[:250], timezone.now()
        row.save(update_fields=["status", "failed_reason", "updated_at"])
        results.append({"id": pk, "row": row})
    return results
