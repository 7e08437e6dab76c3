"""v1.1 (and v1) transaction endpoints: add (batch), add with local currency, update (batch), get, customer history."""
from __future__ import annotations

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V11APIView
from apps.core.errors import DomainError
from apps.customers.api.v1_1.batch import Batch, item_status, root_items
from apps.customers.api.v1_1.shapes import contact, name_values
from apps.customers.errors import as_v11
from apps.customers.selectors import customer_find
from apps.transactions import errors, selectors, services

from . import serializers as s
from . import shapes

OBJECT = {200: OpenApiTypes.OBJECT}
GET_LIMIT = 100


def transaction_items(data) -> list:
    """root.transaction[]; the documented cancel-line-item body sends {"transaction": ...} without the root."""
    if isinstance(data, dict) and "root" not in data and "transaction" in data:
        data = {"root": data}
    return root_items(data, "transaction")


def _customer_summary(org, customer) -> dict:
    """Points and purchases of the customer, with the identifiers the answer shows loaded (one query)."""
    if customer is None:
        return {}
    prefetch_related_objects([customer], "identifiers")
    return selectors.customer_summary(org=org, customer=customer)


class TransactionAddV11(V11APIView):
    """POST v1.1/transaction/add: root.transaction[] of regular, not-interested, return and mixed bills."""

    access_resource = AccessResource.TRANSACTION
    local_currency = False

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=["transactions"],
                   operation_id="v11_transaction_add")
    def post(self, request):
        batch = Batch()
        for item in transaction_items(request.data):
            batch.run(item, lambda raw: self._one(request, raw))
        return batch.response(lambda results: {"transactions": {"transaction": results}})

    def _one(self, request, raw: dict) -> dict:
        body = s.TransactionV11(data=raw)
        body.is_valid(raise_exception=True)
        data = body.to_input(local_currency=self.local_currency)
        result = services.bill_submit(org=request.org, data=data, till=request.till)
        return shapes.added_v11(result, _customer_summary(request.org, result.customer))


class TransactionAddLocalCurrencyV11(TransactionAddV11):
    """POST v1.1/transaction/add_with_local_currency: amounts in a local currency, converted at the org's ratio."""

    local_currency = True

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=["transactions"],
                   operation_id="v11_transaction_add_with_local_currency")
    def post(self, request):
        return super().post(request)


class TransactionUpdateV11(V11APIView):
    """POST v1.1/transaction/update: root.transaction[] changing fields of a customer's bill (by id or number)."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=["transactions"],
                   operation_id="v11_transaction_update")
    def post(self, request):
        batch = Batch()
        for item in transaction_items(request.data):
            batch.run(item, lambda raw: self._one(request, raw))
        return batch.response(lambda results: {"transactions": {"transaction": results}})

    def _one(self, request, raw: dict) -> dict:
        body = s.TransactionUpdateV11(data=raw)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        customer_data = d.get("customer") or {}
        if not any(customer_data.get(k) for k in ("id", "user_id", "mobile", "email", "external_id")):
            raise errors.CustomerIdentifierMissing(field="customer")
        customer = customer_find(org=request.org, identifiers=customer_data)
        if d["id"]:
            bill = selectors.customer_bill_list(org=request.org, customer=customer,
                                                ids=[int(d["id"]) if d["id"].isdigit() else 0]).first()
        elif d["number"]:
            bill = selectors.bills_by_number(org=request.org, number=d["number"], customer=customer).first()
        else:
            raise errors.TransactionIdMissing(field="id")
        if bill is None:
            raise errors.TransactionNotFoundForCustomer(field="number")
        bill, warnings = services.bill_update(
            org=request.org, bill=bill, extended_fields=s.name_values(d["extended_fields"]),
            custom_fields=s.name_values(d["custom_fields"]), delivery_status=d["delivery_status"],
            note=d["notes"] or None)
        prefetch_related_objects([customer], "identifiers")
        return {"id": bill.pk, "number": bill.number, "type": bill.type,
                "customer": {"user_id": str(customer.pk), **{k: v or "" for k, v in contact(customer).items()}},
                "extended_fields": {"field": name_values(bill.extended_fields)},
                "custom_fields": {"field": name_values(bill.custom_fields)},
                "item_status": item_status(success=True, code=600, message="Transaction updated successfully",
                                           warnings=warnings)}


class TransactionGetV11(V11APIView):
    """GET v1.1/transaction/get?id=|number=|store_code=|till_code= (+ type, date, tenders, user_id)."""

    access_resource = AccessResource.TRANSACTION

    @extend_schema(parameters=[s.TransactionGetQueryV11], responses=OBJECT, tags=["transactions"],
                   operation_id="v11_transaction_get")
    def get(self, request):
        query = s.TransactionGetQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if not any(q[k] for k in ("id", "number", "store_code", "till_code")):
            raise errors.TransactionIdMissing("One of id, number, store_code or till_code is required", field="id")
        bills = list(selectors.bill_find(org=request.org, bill_id=q["id"] or None, number=q["number"] or None,
                                         store_code=q["store_code"] or None, till_code=q["till_code"] or None,
                                         type=(q["type"] or "").upper() or None, on_date=q.get("date"))[:GET_LIMIT])
        if not bills:
            raise errors.TransactionNotFound(field="id" if q["id"] else "number")
        items = [shapes.bill_v11(bill, tenders=q["tenders"], with_user_id=q["user_id"]) for bill in bills]
        return Response(self.envelope.success({"transactions": {"count": len(items), "transaction": items}},
                                              message="Success"))


class CustomerTransactionsV11(V11APIView):
    """GET v1.1/customer/transactions?mobile=|email=|external_id=|id= (paged with limit/offset, newest first)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.CustomerTransactionsQueryV11], responses=OBJECT, tags=["transactions"],
                   operation_id="v11_customer_transactions")
    def get(self, request):
        query = s.CustomerTransactionsQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            customer = customer_find(org=request.org, identifiers=q)
        except DomainError as exc:
            raise as_v11(exc) from None
        ascending = (q["order"] or "desc").lower() == "asc"
        qs = selectors.customer_bill_list(org=request.org, customer=customer, start=q.get("start_date"),
                                          end=q.get("end_date"), ascending=ascending)
        if q["sort"] == "trans_id":
            qs = qs.order_by("id" if ascending else "-id")
        if q["number"]:
            qs = qs.filter(number=q["number"])
        if q["transaction_id"]:
            qs = qs.filter(pk=int(q["transaction_id"]) if q["transaction_id"].isdigit() else 0)
        if q["store_code"]:
            qs = qs.filter(store__code=q["store_code"])
        if q.get("start_id"):
            qs = qs.filter(pk__gte=q["start_id"])
        if q.get("end_id"):
            qs = qs.filter(pk__lte=q["end_id"])
        paginator = self.pagination_class()
        paginator.default_limit = 10
        page = paginator.paginate_queryset(qs, request, view=self)
        summary = _customer_summary(request.org, customer)
        body = {
            "firstname": customer.first_name, "lastname": customer.last_name, "user_id": str(customer.pk),
            **{k: v or "" for k, v in contact(customer).items()},
            "lifetime_points": shapes.text(summary.get("lifetime_points")),
            "lifetime_purchases": shapes.text(summary.get("lifetime_purchases")),
            "loyalty_points": shapes.text(summary.get("loyalty_points")), "current_slab": "",
            "type": customer.loyalty_type, "source": customer.registered_source.lower(),
            "count": paginator.total, "start": str(page[0].pk) if page else "", "rows": str(len(page)),
            "transactions": {"transaction": [shapes.bill_v11(bill, lines=False) for bill in page]},
            "item_status": item_status(success=True, code=1052, message="Transactions fetched successfully"),
        }
        return Response(self.envelope.success({"customer": body}, message="Success"))
