"""v2 rejected-transaction endpoints: list, retrigger (a background job to poll), retrigger status, mark failed."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.views import V2APIView
from apps.core.errors import InvalidInput
from apps.transactions import selectors, services
from apps.transactions.choices import RejectionStatus

from . import serializers as s
from .shapes import iso, rejected_v2
from .views import OBJECT


class RejectedTransactionsV2(V2APIView):
    """GET /v2/rejectedTransactions?status=PENDING|PROCESSED|FAILED&startDate&endDate&limit&offset."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(parameters=[s.RejectedListQueryV2], responses=OBJECT, tags=["rejected transactions"])
    def get(self, request):
        query = s.RejectedListQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        status = (q["status"] or "").upper() or None
        if status and status not in RejectionStatus.values:
            raise InvalidInput(f"Invalid input. status: one of {', '.join(RejectionStatus.values)}", field="status")
        qs = selectors.rejected_bill_list(org=request.org, status=status, start=q.get("startDate"),
                                          end=q.get("endDate"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([rejected_v2(row) for row in page])


class RetriggerV2(V2APIView):
    """POST /v2/rejectedTransactions/retrigger {"ids": [...]}: queue a background replay; answers its retriggerId."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(request=s.RejectedIdsV2, responses=OBJECT, tags=["rejected transactions"])
    def post(self, request):
        body = s.RejectedIdsV2(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.rejected_bills_retrigger(org=request.org, ids=body.validated_data["ids"])
        return Response({"retriggerId": run.pk, "status": run.status.upper(), "total": run.total, "warnings": [],
                         "errors": []})


class RetriggerStatusV2(V2APIView):
    """GET /v2/rejectedTransactions/retriggerStatus/{retriggerId}: the job's progress and each bill's outcome."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(responses=OBJECT, tags=["rejected transactions"])
    def get(self, request, retrigger_id: int):
        run = selectors.retrigger_get(org=request.org, retrigger_id=retrigger_id)
        rows = selectors.rejected_bills_get(org=request.org, ids=run.parameters.get("ids", []), status=None)
        return Response({
            "retriggerId": run.pk, "status": run.status.upper(), "total": run.total, "processed": run.done,
            "failed": run.failed, "percent": run.percent, "createdOn": iso(run.created_at),
            "finishedOn": iso(run.finished_at), "log": run.log,
            "transactions": [{"id": row.pk, "billNumber": row.number, "status": row.status,
                              "transactionId": row.bill_id, "reasons": row.reasons} for row in rows],
            "warnings": [], "errors": [],
        })


class MarkFailedV2(V2APIView):
    """PUT /v2/rejectedTransactions/markFailed {"ids": [...], "reason"}: per-id results (only PENDING ones change)."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(request=s.RejectedIdsV2, responses=OBJECT, tags=["rejected transactions"])
    def put(self, request):
        body = s.RejectedIdsV2(data=request.data)
        body.is_valid(raise_exception=True)
        results = services.rejected_bills_mark_failed(org=request.org, ids=body.validated_data["ids"],
                                                      reason=body.validated_data["reason"])
        items = [{"id": r["id"], "status": r["row"].status if "row" in r else None,
                  "errors": [V2Envelope.error_item(r["error"])] if "error" in r else []} for r in results]
        failures = sum(1 for item in items if item["errors"])
        errs = [r["error"] for r in results if "error" in r]
        if failures == len(items) and all(e.status == 404 for e in errs):
            raise errs[0]  # none of the ids is the org's: answered like any missing object
        return Response({"response": items, "totalCount": len(items), "failureCount": failures})
