"""v2 transaction endpoints: add / return / exchange (single and bulk), update, get, customer history, evaluation log."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessLevel, AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.normalise import to_domain_errors
from apps.core.api.pagination import V2Pagination
from apps.core.api.views import V2APIView
from apps.core.errors import BatchLimitExceeded, InvalidInput
from apps.customers.selectors import customer_get, customer_lookup_by_names
from apps.transactions import errors, selectors, services

from . import serializers as s
from . import shapes

OBJECT = {200: OpenApiTypes.OBJECT}
BULK_LIMIT = 100
CUSTOMER_QUERY = [OpenApiParameter("identifierName", str), OpenApiParameter("identifierValue", str),
                  OpenApiParameter("source", str), OpenApiParameter("accountId", str)]


def rejected_response(exc: errors.BillRejected) -> Response:
    """422 with every reason, and the id of the queued bill (GET v2/rejectedTransactions shows it)."""
    return Response({"errors": [V2Envelope.error_item(r) for r in exc.reasons], "warnings": [],
                     "rejectedTransactionId": exc.rejected.pk}, status=exc.status)


def customer_of_query(request):
    """The customer the PUT / lookups name in the query string (8015 when unknown)."""
    query = s.CustomerQueryV2(data=request.query_params)
    query.is_valid(raise_exception=True)
    ref = query.customer_ref()
    if not ref.identifier_value:
        raise errors.CustomerIdentifierMissing(field="identifierValue")
    return customer_lookup_by_names(org=request.org, identifier_names=ref.identifier_name or "mobile",
                                    identifier_values=ref.identifier_value)


class TransactionsV2(V2APIView):
    """POST /v2/transactions (add, return, exchange) and PUT /v2/transactions (delivery status and fields)."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(parameters=[*CUSTOMER_QUERY, OpenApiParameter("rawSideEffects", bool)],
                   request=s.TransactionInputV2, responses=OBJECT, tags=["transactions"],
                   operation_id="v2_transactions_add")
    def post(self, request):
        query = s.CustomerQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = s.TransactionInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.to_input(customer=query.customer_ref(), source=query.validated_data["source"],
                             account_id=query.validated_data["accountId"])
        try:
            result = services.bill_submit(org=request.org, data=data, till=request.till)
        except errors.BillRejected as exc:
            return rejected_response(exc)
        return Response(shapes.add_response(result, raw=query.validated_data["rawSideEffects"]))

    @extend_schema(parameters=CUSTOMER_QUERY, request=s.TransactionUpdateV2, responses=OBJECT, tags=["transactions"],
                   operation_id="v2_transactions_update")
    def put(self, request):
        customer = customer_of_query(request)
        body = s.TransactionUpdateV2(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        bill = _customer_bill(org=request.org, customer=customer, bill_id=d.get("id"), number=d["number"])
        _, warnings = services.bill_update(org=request.org, bill=bill, extended_fields=d["extendedFields"],
                                           custom_fields=d["customFields"], delivery_status=d["deliveryStatus"])
        return Response({"warnings": [V2Envelope.error_item(w) for w in warnings], "errors": [],
                         "loyaltyDetails": shapes.loyalty_details(org=request.org, customer=customer)})


def _customer_bill(*, org, customer, bill_id, number):
    if bill_id:
        bill = selectors.customer_bill_list(org=org, customer=customer, ids=[bill_id]).first()
    elif number:
        bill = selectors.bills_by_number(org=org, number=number, customer=customer).first()
    else:
        raise errors.TransactionIdMissing(field="id")
    if bill is None:
        raise errors.TransactionNotFoundForCustomer(field="id" if bill_id else "number")
    return bill


class TransactionBulkV2(V2APIView):
    """POST /v2/transactions/bulk: each bill succeeds, fails or is rejected on its own."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(request=s.TransactionBulkItemV2(many=True), responses=OBJECT, tags=["transactions"])
    def post(self, request):
        items = request.data
        if not isinstance(items, list) or not items:
            raise InvalidInput("Invalid input. The body must be a non-empty JSON array of transactions")
        if len(items) > BULK_LIMIT:
            raise BatchLimitExceeded(maximum=BULK_LIMIT)
        results, failures = [], 0
        for item in items:
            entry = self._one(request, item)
            failures += 1 if entry["errors"] else 0
            results.append(entry)
        return Response({"response": results, "totalCount": len(items), "failureCount": failures})

    def _one(self, request, item) -> dict:
        echo = item if isinstance(item, dict) else None
        try:
            if not isinstance(item, dict):
                raise InvalidInput("Invalid input. Each item must be a JSON object")
            body = s.TransactionBulkItemV2(data=item)
            body.is_valid(raise_exception=True)
            d = body.validated_data
            data = body.to_input(customer=body.customer_ref(), source=d["source"], account_id=d["accountId"])
            result = services.bill_submit(org=request.org, data=data, till=request.till)
        except errors.BillRejected as exc:
            return {"entityId": -1, "result": echo, "rejectedTransactionId": exc.rejected.pk,
                    "errors": [V2Envelope.error_item(r) for r in exc.reasons], "warnings": []}
        except Exception as exc:  # per-item failure: reported, the others go on
            errs = to_domain_errors(exc)
            if errs is None:
                raise
            return {"entityId": -1, "result": echo, "errors": [V2Envelope.error_item(e) for e in errs], "warnings": []}
        answer = shapes.add_response(result)
        return {"entityId": result.bill.pk, "result": {**item, "sideEffects": answer["sideEffects"]}, "errors": [],
                "warnings": answer["warnings"]}


class TransactionV2(V2APIView):
    """GET /v2/transactions/{id}."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(parameters=[s.TransactionGetQueryV2], responses=OBJECT, tags=["transactions"])
    def get(self, request, bill_id: int):
        query = s.TransactionGetQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        bill = selectors.bill_get(org=request.org, bill_id=bill_id, type=(q["type"] or "").upper() or None)
        return Response(shapes.bill_v2(bill, tenders=q["tenders"], points=q["points_breakup"]))


class BillNumberPagination(V2Pagination):
    default_limit = 100


class TransactionByNumberV2(V2APIView):
    """GET /v2/transactions/getByBillNumber/{billNumber}: every bill with the number (numbers repeat), paged."""

    access_resource = AccessResource.TRANSACTION
    pagination_class = BillNumberPagination

    @extend_schema(parameters=[OpenApiParameter("tenders", bool)], responses=OBJECT, tags=["transactions"])
    def get(self, request, bill_number: str):
        tenders = str(request.query_params.get("tenders", "")).lower() in ("1", "true")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.bills_by_number(org=request.org, number=bill_number), request,
                                           view=self)
        return paginator.get_paginated_response([shapes.bill_v2(bill, tenders=tenders) for bill in page])


class CustomerTransactionsPagination(V2Pagination):
    default_limit = 20
    max_limit = 1000


class CustomerTransactionsV2(V2APIView):
    """GET /v2/customers/{id}/transactions."""

    access_resource = AccessResource.CUSTOMER
    pagination_class = CustomerTransactionsPagination

    @extend_schema(parameters=[s.CustomerTransactionsQueryV2], responses=OBJECT, tags=["transactions"])
    def get(self, request, customer_id: int):
        customer = customer_get(org=request.org, customer_id=customer_id)
        query = s.CustomerTransactionsQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        order = (q["sortOrder"] or "DESC").upper()
        if order not in ("ASC", "DESC"):
            raise InvalidInput("Invalid input. sortOrder: ASC or DESC", field="sortOrder")
        if q["sortBy"] and q["sortBy"].upper() != "BILLING_TIME":
            raise InvalidInput("Invalid input. sortBy: only BILLING_TIME is supported", field="sortBy")
        ids = [int(i) for i in q["transactionId"].split(",") if i.strip().isdigit()] if q["transactionId"] else None
        qs = selectors.customer_bill_list(org=request.org, customer=customer, start=q.get("startDate"),
                                          end=q.get("endDate"), ids=ids, ascending=order == "ASC",
                                          types=[t.strip().upper() for t in q["type"].split(",") if t.strip()] or None)
        if q.get("startId"):
            qs = qs.filter(pk__gte=q["startId"])
        if q.get("endId"):
            qs = qs.filter(pk__lte=q["endId"])
        embed = {part.strip().upper() for part in q["embed"].split(",") if part.strip()}
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        block = {**paginator.pagination_block(), "sortBy": "BILLING_TIME", "sortOrder": order}
        return Response({"pagination": block, "data": [shapes.customer_transaction_v2(b, embed) for b in page],
                         "warnings": [], "errors": []})


class EvaluationLogV2(V2APIView):
    """POST /v2/transactions/searchEvaluationLog {"search": {"transactionNumber"|"transactionId"}} (a read)."""

    access_resource = AccessResource.TRANSACTION
    access_levels = {"POST": AccessLevel.VIEW}

    @extend_schema(request=s.EvaluationLogSearchV2, responses=OBJECT, tags=["transactions"])
    def post(self, request):
        body = s.EvaluationLogSearchV2(data=request.data)
        body.is_valid(raise_exception=True)
        search = body.validated_data["search"]
        if search.get("transactionId"):
            bills = [selectors.bill_get(org=request.org, bill_id=search["transactionId"])]
        elif search["transactionNumber"]:
            bills = list(selectors.bills_by_number(org=request.org, number=search["transactionNumber"])[:100])
            if not bills:
                raise errors.TransactionNotFound(field="transactionNumber")
        else:
            raise errors.TransactionIdMissing(field="search.transactionNumber")
        return Response([shapes.evaluation_log_v2(bill) for bill in bills])
