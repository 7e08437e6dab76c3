"""v1.1 (and v1) customer profile endpoints: add, update, update_identity, get.

Thin adapters over apps.customers.services / selectors; the batch contract is described in batch.py.

- customer/add registers each item with services.customer_create: an identifier already registered from the same
  source is refused with 1014 (from another source the same customer gains the source account, warning 8050).
- customer/update finds the customer by the item's id/user_id, mobile, email or external_id and updates the details
  it sends; identifiers the customer lacks are added, existing ones are never changed here. `registered_on` and
  `updated_on` are accepted and ignored (the registration date is not editable).
- customer/update_identity applies the identifier change at once through services.customer_identifiers_change
  (the platform queues it for back-office approval; approval workflows belong to the requests domain), answering
  the platform's item code 1040 with `updated: "true"`.
- customer/get names customers by one identifier type, comma-separated for several (`mobile=a,b`), in a constant
  number of queries; `user_id=true` adds the customer id. Each item carries the points, tier and purchase figures
  and the customer's coupons (coupon_limit / coupon_offset / coupon_order_by / coupon_sort_order); with mlp=true,
  gap_to_upgrade_for / gap_to_renew_for add `gap_to_upgrade` / `gap_to_renew` to each programme's points_summary.
Subscriptions and the fraud status sent with an item are applied in the same transaction as the item.
"""
from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from apps.customers import errors, services
from apps.customers.selectors import customer_details_prefetch, customer_detail_get, customer_find, customer_lookup
from apps.customers.selectors_bulk import customers_lookup_many, customers_subscriptions_prefetch

from .. import loyalty
from . import serializers as s
from . import shapes
from .batch import Batch, collapse, item_status, root_items
from .common import LIST_IDENTIFIER_PARAMETERS, OBJECT, CustomerV11APIView, query_values

IDENTITY_TYPES = ("mobile", "email", "external_id")


def _profile_answer(request, customer, *, code: int, message: str, warnings) -> dict:
    customer = customer_detail_get(org=request.org, customer_id=customer.pk)
    customers_subscriptions_prefetch([customer])
    return shapes.profile(customer, request.org, subscriptions=customer.source_subscriptions, code=code,
                          message=message, warnings=warnings)


def _extras_apply(request, customer, data) -> None:
    """Subscriptions and fraud status sent with an add/update item (caller holds the item's transaction)."""
    if subscriptions := data.subscription_items():
        services.customer_subscriptions_update(org=request.org, customer=customer, subscriptions=subscriptions,
                                               till=request.till)
    if fraud := data.fraud():
        services.customer_fraud_status_change(org=request.org, customer=customer, fraud_status=fraud[0],
                                              reason=fraud[1], till=request.till)


def _customers(results: list[dict]) -> dict:
    return {"customers": {"customer": results}}


class CustomerAddV11(CustomerV11APIView):
    """POST customer/add: register each `root.customer[]` item on its own."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_add", tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "customer"):
            batch.run(item, lambda data: self._register(request, data))
        return batch.response(_customers)

    @staticmethod
    def _register(request, item: dict) -> dict:
        data = s.CustomerAddInputV11(data=item, context={"org": request.org})
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            customer, warnings = services.customer_create(org=request.org, till=request.till, **data.create_kwargs())
            _extras_apply(request, customer, data)
        return _profile_answer(request, customer, code=1000, message="Customer registration successful",
                               warnings=warnings)


class CustomerUpdateV11(CustomerV11APIView):
    """POST (older reference) or PUT (current reference) customer/update: each `root.customer[]` item on its own."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_update",
                   tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "customer"):
            batch.run(item, lambda data: self._update(request, data))
        return batch.response(_customers)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_update_put",
                   tags=["customer"])
    def put(self, request):
        return self.post(request)

    @staticmethod
    def _update(request, item: dict) -> dict:
        data = s.CustomerUpdateInputV11(data=item, context={"org": request.org})
        data.is_valid(raise_exception=True)
        customer = customer_find(org=request.org, identifiers=data.lookup())
        with transaction.atomic():
            customer, warnings = services.customer_update(org=request.org, customer=customer, till=request.till,
                                                          **data.update_kwargs())
            _extras_apply(request, customer, data)
        return _profile_answer(request, customer, code=1000, message="Customer successfully updated",
                               warnings=warnings)


class CustomerUpdateIdentityV11(CustomerV11APIView):
    """POST customer/update_identity: replace a customer's mobile, email or external id."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_update_identity",
                   tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "customer"):
            batch.run(item, lambda data: self._change(request, data))
        return batch.response(lambda results: {"customers": {"customer": collapse(results)}})

    @staticmethod
    def _change(request, item: dict) -> dict:
        data = s.IdentityChangeInputV11(data=item)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        kind = d["identifier"].strip().lower()
        if kind not in IDENTITY_TYPES:
            raise errors.IdentifierNameInvalid(field="identifier")
        customer = customer_lookup(org=request.org, identifier_type=kind, value=d["old_value"])
        customer, warnings = services.customer_identifiers_change(
            org=request.org, customer=customer, till=request.till,
            remove=[{"type": kind, "value": d["old_value"]}], add=[{"type": kind, "value": d["new_value"]}])
        return {"identifier": d["identifier"], "old_value": d["old_value"], "new_value": d["new_value"],
                "updated": "true", "item_status": item_status(success=True, code=1040,
                                                              message="Customer identifier updated successfully",
                                                              warnings=warnings)}


class CustomerGetV11(CustomerV11APIView):
    """GET customer/get: one or several customers (comma-separated values of one identifier)."""

    @extend_schema(parameters=[*LIST_IDENTIFIER_PARAMETERS, s.CustomerGetQueryV11], responses=OBJECT,
                   operation_id="v11_customer_get", tags=["customer"])
    def get(self, request):
        query = s.CustomerGetQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        key, values = query_values(request.query_params)
        params = query.validated_data
        found = customers_lookup_many(org=request.org, identifier_type=key, values=values)
        customers = list({c.pk: c for c in found.values()}.values())
        customer_details_prefetch(customers)
        figures = loyalty.loyalty_many(org=request.org, customers=customers)
        coupons = loyalty.coupons_many(org=request.org, customer_ids=[c.pk for c in customers],
                                       limit=params["coupon_limit"], offset=params["coupon_offset"],
                                       order_by=params["coupon_order_by"],
                                       descending=params["coupon_sort_order"] == "desc")
        upgrade = renew = {}
        if params["mlp"] and params.get("gap_to_upgrade_for") is not None:
            upgrade = loyalty.upgrade_gaps_many(org=request.org, loyalties=figures, days=params["gap_to_upgrade_for"])
        if params["mlp"] and params.get("gap_to_renew_for") is not None:
            renew = loyalty.renew_gaps_many(org=request.org, loyalties=figures)
        batch = Batch()
        for value in values:
            customer = found.get(value)
            if customer is None:
                batch.fail({key: value}, [errors.CustomerNotFound(field=key)])
            else:
                batch.ok(shapes.detail(customer, request.org, with_user_id=params["user_id"],
                                       loyalty=figures[customer.pk], coupons=coupons[customer.pk],
                                       upgrade=upgrade.get(customer.pk), renew=renew.get(customer.pk)))
        return batch.response(_customers)
