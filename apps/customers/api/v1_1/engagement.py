"""v1.1 (and v1) customer engagement endpoints: notes, tickets, preferences, subscriptions, interactions.

Thin adapters over apps.customers.services / selectors; the batch contract is described in batch.py.
The answers keep each endpoint's documented container (`response.customer` for notes and interactions,
`response.customers.customer` for tickets and preferences, `response.subscriptions.subscription`), and, like the
platform's older endpoints, give a one-element list as a single object (`collapse`).
Lists inside an answer (notes, tickets, interactions) hold up to 100 rows, newest first; `limit`/`offset` page them.
"""
from __future__ import annotations

import zoneinfo
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.errors import InvalidInput
from apps.customers import errors, services
from apps.customers.identifiers import channel_parse, priority_parse
from apps.customers.selectors import (
    customer_details_prefetch, customer_find, customer_interaction_list, customer_note_list, customer_ticket_list,
)
from apps.customers.selectors_bulk import (
    customers_lookup_many, customers_preferences_prefetch, customers_subscriptions_prefetch,
)
from apps.organizations.selectors import store_get

from . import serializers as s
from . import shapes
from .batch import Batch, V11ListPagination, collapse, echo, item_status, root_items
from .common import (
    IDENTIFIER_PARAMETERS, LIST_IDENTIFIER_PARAMETERS, OBJECT, CustomerV11APIView, query_ref, query_values,
)
from .filters import CustomerTicketFilterV11

PAGE_PARAMETERS = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]
TICKET_PARAMETERS = [OpenApiParameter(name, str) for name in ("status", "priority", "department", "ticket_code",
                                                               "reported_from", "type")] + [
    OpenApiParameter(name, OpenApiTypes.DATE) for name in ("start_date", "end_date")]


def _customer_of(request, ref: dict):
    """The customer an item or query names, with identifiers loaded; CustomerNotFound (816) otherwise."""
    customer = customer_find(org=request.org, identifiers=ref)
    customer_details_prefetch([customer])
    return customer


def _page(view, queryset) -> list:
    return V11ListPagination().paginate_queryset(queryset, view.request, view=view)


def _single(view, payload: dict) -> Response:
    return Response(view.envelope.success(payload, code=200, message="SUCCESS"))


def _named(customer, *, user_id_key: str = "user_id") -> dict:
    return {"firstname": customer.first_name, "lastname": customer.last_name,
            **shapes.ref(customer, user_id_key=user_id_key)}


def _parse_ref(request, serializer_class, item: dict):
    data = serializer_class(data=item, context={"org": request.org})
    data.is_valid(raise_exception=True)
    return data, _customer_of(request, data.lookup())


class CustomerNotesV11(CustomerV11APIView):
    """GET customer/notes (one customer's notes) and POST (add notes, or rewrite them when `id` is given)."""

    @extend_schema(parameters=[*IDENTIFIER_PARAMETERS, *PAGE_PARAMETERS], responses=OBJECT,
                   operation_id="v11_customer_notes_get", tags=["customer"])
    def get(self, request):
        customer = _customer_of(request, query_ref(request.query_params))
        notes = _page(self, customer_note_list(org=request.org, customer=customer))
        return _single(self, {"customer": {
            **_named(customer), "notes": {"note": collapse([shapes.note(n, request.org, date_key="added_on")
                                                            for n in notes])},
            "item_status": item_status(success=True, code=1000, message="Customer note retrieved successfully")}})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_notes_post",
                   tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "customer"):
            batch.run(item, lambda data: self._write(request, data))
        return batch.response(lambda results: {"customer": collapse(results)})

    @staticmethod
    def _write(request, item: dict) -> dict:
        data, customer = _parse_ref(request, s.CustomerNotesInputV11, item)
        notes = data.validated_data["notes"]
        if not notes:
            raise errors.NoteDescriptionMissing(field="notes")
        written = []
        with transaction.atomic():
            for note in notes:
                if note.get("id"):
                    written.append(services.customer_note_update(
                        org=request.org, customer=customer, note_id=note["id"], description=note.get("description"),
                        note_date=note.get("date")))
                else:
                    written.append(services.customer_note_add(
                        org=request.org, customer=customer, description=note.get("description"),
                        note_date=note.get("date"), till=request.till))
        return {**_named(customer),
                "notes": {"note": collapse([shapes.note(n, request.org, date_key="date") for n in written])},
                "item_status": item_status(success=True, code=1000,
                                           message="Customer note added/updated successfully")}


class CustomerTicketsV11(CustomerV11APIView):
    """GET customer/tickets (filtered) and POST (open tickets for a customer)."""

    @extend_schema(parameters=[*IDENTIFIER_PARAMETERS, *TICKET_PARAMETERS, *PAGE_PARAMETERS],
                   responses=OBJECT, operation_id="v11_customer_tickets_get", tags=["customer"])
    def get(self, request):
        customer = _customer_of(request, query_ref(request.query_params))
        with timezone.override(zoneinfo.ZoneInfo(request.org.timezone)):
            filters = CustomerTicketFilterV11(request.query_params,
                                              queryset=customer_ticket_list(org=request.org, customer=customer))
            if not filters.is_valid():
                raise InvalidInput(f"Invalid input. {'; '.join(f'{k}: {v[0]}' for k, v in filters.errors.items())}")
            tickets = _page(self, filters.qs)
        return _single(self, {"customer": {
            **_named(customer, user_id_key="id"),
            "tickets": {"ticket": collapse([shapes.ticket(t) for t in tickets])},
            "item_status": item_status(success=True, code=1300, message="Ticket retrieved successfully")}})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_tickets_post",
                   tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "customer"):
            batch.run(item, lambda data: self._open(request, data))
        return batch.response(lambda results: {"customers": {"customer": collapse(results)}})

    @staticmethod
    def _open(request, item: dict) -> dict:
        data, customer = _parse_ref(request, s.CustomerTicketsInputV11, item)
        tickets = data.validated_data["ticket"]
        if not tickets:
            raise errors.TicketSubjectMissing(field="ticket")
        with transaction.atomic():
            opened = [services.customer_ticket_create(org=request.org, customer=customer, till=request.till,
                                                      **s.TicketInputV11.create_kwargs(ticket)) for ticket in tickets]
        return {**shapes.ref(customer, user_id_key="id"), "ticket": collapse([shapes.ticket(t) for t in opened]),
                "item_status": item_status(success=True, code=1300, message="Ticket added successfully")}


def _preference_store(request, ref: dict | None):
    if not ref or not (ref.get("id") or ref.get("code")):
        return None
    if ref.get("id"):
        return store_get(org=request.org, store_id=ref["id"])
    return store_get(org=request.org, code=ref["code"])


class CustomerPreferencesV11(CustomerV11APIView):
    """GET customer/preferences (comma-separated customers) and POST (set preferences per customer)."""

    @extend_schema(parameters=LIST_IDENTIFIER_PARAMETERS, responses=OBJECT,
                   operation_id="v11_customer_preferences_get", tags=["customer"])
    def get(self, request):
        key, values = query_values(request.query_params)
        found = customers_lookup_many(org=request.org, identifier_type=key, values=values)
        customers_preferences_prefetch(customer_details_prefetch(list(found.values())))
        batch = Batch()
        for value in values:
            customer = found.get(value)
            if customer is None:
                batch.fail({key: value}, [errors.CustomerNotFound(field=key)])
                continue
            batch.ok({**shapes.ref(customer), "custom_fields": shapes.preferences(customer.preference_list),
                      "item_status": item_status(success=True, code=1000,
                                                 message="Customer preferences retrieved successfully")})
        return batch.response(lambda results: {"customers": {"customer": collapse(results)}})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_preferences_post",
                   tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "customer"):
            batch.run(item, lambda data: self._set(request, data))
        return batch.response(lambda results: {"customers": {"customer": collapse(results)}})

    @staticmethod
    def _set(request, item: dict) -> dict:
        data, customer = _parse_ref(request, s.CustomerPreferencesInputV11, item)
        store = _preference_store(request, data.validated_data.get("store"))
        rows, warnings = services.customer_preferences_set(
            org=request.org, customer=customer, values=data.validated_data.get("custom_fields") or [], store=store)
        answer = {**shapes.ref(customer), "custom_fields": shapes.preferences(rows)}
        if store is not None:
            answer["store"] = shapes.store(store)
        answer["item_status"] = item_status(success=True, code=1000,
                                            message="Customer preferences updated successfully", warnings=warnings)
        return answer


class CustomerSubscriptionsV11(CustomerV11APIView):
    """GET customer/subscriptions (comma-separated customers) and POST (opt in / out per `root.subscription[]`)."""

    @extend_schema(parameters=[*LIST_IDENTIFIER_PARAMETERS, s.SubscriptionQueryV11], responses=OBJECT,
                   operation_id="v11_customer_subscriptions_get", tags=["customer"])
    def get(self, request):
        query = s.SubscriptionQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        channel = channel_parse(query.validated_data["channel"]) if query.validated_data.get("channel") else None
        priority = priority_parse(query.validated_data["priority"]) if query.validated_data.get("priority") else None
        key, values = query_values(request.query_params)
        found = customers_lookup_many(org=request.org, identifier_type=key, values=values)
        customers_subscriptions_prefetch(customer_details_prefetch(list(found.values())))
        batch = Batch()
        for value in values:
            customer = found.get(value)
            if customer is None:
                batch.fail({key: value}, [errors.CustomerNotFound(field=key)])
                continue
            batch.ok({**shapes.ref(customer), "channel": shapes.channel_preferences(
                customer.source_subscriptions, channel=channel, priority=priority),
                "item_status": item_status(success=True, code=1000, message="Subscription successfully retrieved")})
        return batch.response(lambda results: {"subscriptions": {"subscription": results}})

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, operation_id="v11_customer_subscriptions_post",
                   tags=["customer"])
    def post(self, request):
        batch = Batch()
        for item in root_items(request.data, "subscription"):
            batch.run(item, lambda data: self._change(request, data))
        return batch.response(lambda results: {"subscriptions": {"subscription": results}})

    @staticmethod
    def _change(request, item: dict) -> dict:
        data, customer = _parse_ref(request, s.CustomerSubscriptionInputV11, item)
        rows = services.customer_subscriptions_update(
            org=request.org, customer=customer, till=request.till,
            subscriptions=[s.SubscriptionInputV11.as_service(data.validated_data)])
        row = rows[0]
        return {"user_id": str(customer.pk), **echo(item), "channel": row.channel, "priority": row.priority,
                "scope": "ALL", "is_subscribed": "1" if row.is_subscribed else "0",
                "item_status": item_status(success=True, code=1000, message="Subscription successfully updated")}


class CustomerInteractionV11(CustomerV11APIView):
    """GET customer/interaction: messages, surveys and social touchpoints, grouped by network and type."""

    access_resource = AccessResource.COMMUNICATIONS

    @extend_schema(parameters=[*IDENTIFIER_PARAMETERS, s.InteractionQueryV11, *PAGE_PARAMETERS], responses=OBJECT,
                   operation_id="v11_customer_interaction", tags=["customer"])
    def get(self, request):
        query = s.InteractionQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        customer = _customer_of(request, query_ref(request.query_params))
        zone = zoneinfo.ZoneInfo(request.org.timezone)
        start = datetime.combine(q["start_date"], time.min, zone) if q.get("start_date") else None
        end = datetime.combine(q["end_date"], time.max, zone) if q.get("end_date") else None
        rows = _page(self, customer_interaction_list(org=request.org, customer=customer, network=q.get("network"),
                                                     type=q.get("type"), start=start, end=end))
        return _single(self, {"customer": {
            "id": str(customer.pk), **{k: v or "" for k, v in shapes.contact(customer).items()},
            "interactions": shapes.interactions(rows, request.org)}})
