"""v2 customer endpoints: add, get, update, lookups, search, identifiers, subscriptions, status, images, logs,
bulk upsert. Thin adapters: parse, call one service or selector, shape the documented body."""
from __future__ import annotations

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.normalise import to_domain_errors
from apps.core.api.pagination import V2Pagination
from apps.core.api.views import V2APIView, paginate
from apps.core.errors import BatchLimitExceeded, InvalidInput
from apps.customers import errors, selectors, services
from apps.customers.identifiers import source_parse

from .. import loyalty
from . import logs
from . import serializers as s

BULK_LIMIT = 100
TAGS = ["customers"]
LOOKUP_PARAMS = [OpenApiParameter("source", str, required=True), OpenApiParameter("accountId", str),
                 OpenApiParameter("identifierName", str, required=True),
                 OpenApiParameter("identifierValue", str, required=True)]
SOURCE_PARAMS = [OpenApiParameter("source", str), OpenApiParameter("accountId", str)]
EMBED_PARAM = OpenApiParameter("embed", str, description=(
    "Comma-separated. `points` (pointsSummary of the default programme), `mlp` (loyaltyProgramDetails, one per "
    "programme), `subscriptions` and `customerImage` are served; the other documented embeds (promotionalPoints, "
    "expirySchedules, segments, userGroup, ...) are accepted and ignored, as are unknown names."))
GAP_PARAMS = [OpenApiParameter("gapToUpgrade", int, description="With embed=mlp: upgradeStrategies per programme, "
                               "the gap projected this many days from today."),
              OpenApiParameter("gapToRenew", int, description="With embed=mlp: gapToRenewSummary per programme "
                               "(left out for the base tier or a tier that never expires).")]


def warnings_v2(warnings) -> list[dict]:
    return [V2Envelope.error_item(w) if hasattr(w, "code") else w for w in warnings]


def embeds_of(request) -> set[str]:
    return {part.strip().lower() for part in request.query_params.get("embed", "").split(",") if part.strip()}


def lookup_customer(request):
    """The customer named by ?source&accountId&identifierName&identifierValue (source is mandatory: 8001)."""
    query = s.CustomerLookupQueryV2(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    if not params.get("source"):
        raise errors.LookupSourceMissing(field="source")
    return selectors.customer_lookup_by_names(org=request.org, identifier_names=params.get("identifierName", ""),
                                              identifier_values=params.get("identifierValue", ""),
                                              source=params["source"], account_id=params.get("accountId"))


def gap_days(request) -> dict[str, int | None]:
    """gapToUpgrade / gapToRenew (days from today, 0..36500); a bad value is refused with 400."""
    query = s.CustomerGetQueryV2(data={k: v for k, v in request.query_params.items()
                                       if k in ("gapToUpgrade", "gapToRenew")})
    query.is_valid(raise_exception=True)
    return {"upgrade": query.validated_data.get("gapToUpgrade"), "renew": query.validated_data.get("gapToRenew")}


def customer_body(request, customer, *, source=None, account_id=None) -> dict:
    """The documented customer body, with the `points`, `mlp` (and gapToUpgrade / gapToRenew), `subscriptions`
    and `customerImage` embeds when asked for. The loyalty figures cost a fixed number of queries whatever the
    number of programmes (apps.customers.api.loyalty)."""
    org = request.org
    selectors.customer_details_prefetch([customer])
    embeds = embeds_of(request)
    subscriptions = selectors.customer_subscription_list(org=org, customer=customer) if "subscriptions" in embeds else None
    images = selectors.customer_image_list(org=org, customer=customer) if "customerimage" in embeds else None
    figures, purchases, upgrade, renew = None, None, None, None
    if embeds & {"points", "mlp"}:
        now = timezone.now()
        figures = loyalty.loyalty_get(org=org, customer=customer, now=now)
        if "mlp" in embeds:
            days = gap_days(request)
            if days["upgrade"] is not None:
                upgrade = loyalty.upgrade_gaps(org=org, customer=customer, loyalty=figures, days=days["upgrade"],
                                               now=now)
            if days["renew"] is not None:
                renew = loyalty.renew_gaps(org=org, customer=customer, loyalty=figures, now=now)
    else:
        purchases = loyalty.lifetime_purchases(org=org, customer=customer)
    if source:
        source = source_parse(source, allow_all=True)
    return s.customer_v2(customer, org=org, source=source, account_id=account_id, embeds=embeds,
                         subscriptions=subscriptions, images=images, request=request, loyalty=figures,
                         lifetime_purchases=purchases, upgrade=upgrade, renew=renew)


def _profiles_merged(data: s.CustomerInputV2) -> dict:
    profiles = data.validated_data.get("profiles") or []
    identifiers, channels, fields = [], [], {}
    for profile in profiles:
        parts = data.profile_kwargs(profile)
        identifiers += parts["identifiers"]
        channels += parts["comm_channels"]
        fields.update(parts["custom_fields"] or {})
    return {"identifiers": identifiers, "comm_channels": channels, "custom_fields": fields or None}


def update_from_body(request, customer, data: s.CustomerUpdateInputV2, *, source=None, account_id=None):
    """customer_update with the v2 body (every profile's identifiers, contact points and fields)."""
    profiles = data.validated_data.get("profiles") or []
    first = data.profile_kwargs(profiles[0]) if profiles else {}
    kwargs = data.customer_kwargs()
    kwargs.pop("registered_on", None)
    return services.customer_update(
        org=request.org, customer=customer, till=request.till, source=source or first.get("source") or None,
        account_id=account_id if account_id is not None else first.get("account_id", ""),
        status_reason=data.validated_data.get("statusLabelReason", ""), **_profiles_merged(data), **kwargs)


class CustomersV2(V2APIView):
    """POST /v2/customers: register a customer (or add a source account to the customer an identifier names)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=s.CustomerInputV2, responses={200: s.CustomerCreatedOutputV2}, tags=TAGS,
                   operation_id="v2_customers_add")
    def post(self, request):
        data = s.CustomerInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        profiles = data.validated_data["profiles"]
        with transaction.atomic():
            first = data.profile_kwargs(profiles[0])
            customer, warnings = services.customer_create(
                org=request.org, till=request.till, referred_by_code=data.validated_data.get("referralCode") or "",
                **first, **data.customer_kwargs())
            for profile in profiles[1:]:
                parts = data.profile_kwargs(profile)
                customer, more = services.customer_update(org=request.org, customer=customer, till=request.till,
                                                          **parts)
                warnings += more
        return Response({"createdId": customer.pk, "warnings": warnings_v2(warnings), "sideEffects": []})


class CustomerV2(V2APIView):
    """GET and PUT /v2/customers/{customerId}."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.CustomerGetQueryV2], responses=s.CustomerOutputV2, tags=TAGS,
                   operation_id="v2_customers_get")
    def get(self, request, customer_id):
        query = s.CustomerGetQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        return Response(customer_body(request, customer, source=query.validated_data.get("source"),
                                      account_id=query.validated_data.get("accountId")))

    @extend_schema(parameters=SOURCE_PARAMS, request=s.CustomerUpdateInputV2, responses={200: s.CustomerCreatedOutputV2},
                   tags=TAGS, operation_id="v2_customers_update")
    def put(self, request, customer_id):
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        data = s.CustomerUpdateInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        customer, warnings = update_from_body(request, customer, data, source=request.query_params.get("source"),
                                              account_id=request.query_params.get("accountId"))
        return Response({"createdId": customer.pk, "warnings": warnings_v2(warnings), "sideEffects": []})


class CustomerLookupV2(V2APIView):
    """GET /v2/customers/lookup (the customer id for an identifier, or a comma-separated dual lookup) and
    PUT /v2/customers/lookup (update the customer an identifier names)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=LOOKUP_PARAMS, responses=s.CustomerEntityOutputV2, tags=TAGS,
                   operation_id="v2_customers_lookup")
    def get(self, request):
        return Response({"entity": lookup_customer(request).pk, "warnings": []})

    @extend_schema(parameters=LOOKUP_PARAMS, request=s.CustomerUpdateInputV2, responses={200: s.CustomerCreatedOutputV2},
                   tags=TAGS, operation_id="v2_customers_lookup_update")
    def put(self, request):
        customer = lookup_customer(request)
        data = s.CustomerUpdateInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        customer, warnings = update_from_body(request, customer, data, source=request.query_params.get("source"),
                                              account_id=request.query_params.get("accountId"))
        return Response({"createdId": customer.pk, "warnings": warnings_v2(warnings), "sideEffects": []})


class CustomerLookupDetailsV2(V2APIView):
    """GET /v2/customers/lookup/customerDetails: the customer body for an identifier."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[*LOOKUP_PARAMS, EMBED_PARAM, *GAP_PARAMS], responses=s.CustomerOutputV2,
                   tags=TAGS, operation_id="v2_customers_lookup_details")
    def get(self, request):
        customer = lookup_customer(request)
        return Response(customer_body(request, customer, source=request.query_params.get("source"),
                                      account_id=request.query_params.get("accountId")))


class CustomerSearchV2(V2APIView):
    """GET /v2/customers/search?q=: first name, last name or identifier prefix (bounded, paged)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.CustomerSearchQueryV2], responses=s.CustomerSearchItemOutputV2(many=True), tags=TAGS,
                   operation_id="v2_customers_search")
    def get(self, request):
        query = s.CustomerSearchQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        registered_from = logs.day_param(params.get("registeredFrom"), error=errors.StartDateInvalid)
        registered_to = logs.day_param(params.get("registeredTo"), error=errors.EndDateInvalid, end_of_day=True)
        q = params.get("q", "")
        if not q.strip() and registered_from is None and registered_to is None:
            raise InvalidInput("Invalid input. q: This field is required.", field="q")
        qs = selectors.customer_search(org=request.org, q=q, registered_from=registered_from,
                                       registered_to=registered_to)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        selectors.customer_details_prefetch(page)
        data = [{"userId": c.pk, "matchedIdentifiers": selectors.customer_search_matches(org=request.org, customer=c,
                                                                                         q=q),
                 "profiles": [{"source": p.source, "accountId": p.account_id, "firstName": c.first_name,
                               "lastName": c.last_name} for p in c.profiles.all()]} for c in page]
        response = paginator.get_paginated_response(data)
        response.data["errors"] = []
        return response


class ChangeIdentifierV2(V2APIView):
    """POST (and PUT) /v2/customers/{customerId}/changeIdentifier; PUT /v2/{customerId}/changeIdentifier."""

    access_resource = AccessResource.CUSTOMER

    def _change(self, request, customer_id):
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        data = s.CustomerChangeIdentifierInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        customer, warnings = services.customer_identifiers_change(
            org=request.org, customer=customer, till=request.till,
            add=[dict(i) for i in data.validated_data.get("add", [])],
            remove=[dict(i) for i in data.validated_data.get("remove", [])],
            source=request.query_params.get("source") or "INSTORE",
            account_id=request.query_params.get("accountId", ""))
        return Response({"createdId": customer.pk, "warnings": warnings_v2(warnings)})

    @extend_schema(parameters=SOURCE_PARAMS, request=s.CustomerChangeIdentifierInputV2, responses={200: s.CustomerCreatedOutputV2},
                   tags=TAGS, operation_id="v2_customers_change_identifier")
    def post(self, request, customer_id):
        return self._change(request, customer_id)

    @extend_schema(parameters=SOURCE_PARAMS, request=s.CustomerChangeIdentifierInputV2, responses={200: s.CustomerCreatedOutputV2},
                   tags=TAGS, operation_id="v2_customers_change_identifier_put")
    def put(self, request, customer_id):
        return self._change(request, customer_id)


class ChangeIdentifierRootV2(ChangeIdentifierV2):
    """PUT /v2/{customerId}/changeIdentifier (the path the API surface lists)."""

    @extend_schema(parameters=SOURCE_PARAMS, request=s.CustomerChangeIdentifierInputV2, responses={200: s.CustomerCreatedOutputV2},
                   tags=TAGS, operation_id="v2_change_identifier_root_post")
    def post(self, request, customer_id):
        return self._change(request, customer_id)

    @extend_schema(parameters=SOURCE_PARAMS, request=s.CustomerChangeIdentifierInputV2, responses={200: s.CustomerCreatedOutputV2},
                   tags=TAGS, operation_id="v2_change_identifier_root_put")
    def put(self, request, customer_id):
        return self._change(request, customer_id)


def subscriptions_get(request, customer):
    rows = selectors.customer_subscription_list(org=request.org, customer=customer)[:200]
    return Response({"subscriptions": [s.subscription_v2(r) for r in rows], "campaignId": 0, "communicationId": 0,
                     "warnings": []})


def subscriptions_post(request, customer):
    data = s.CustomerSubscriptionsInputV2(data=request.data)
    data.is_valid(raise_exception=True)
    body = data.validated_data
    rows = services.customer_subscriptions_update(org=request.org, customer=customer, till=request.till,
                                                  subscriptions=[dict(i) for i in body["subscriptions"]],
                                                  reason=body.get("reason", ""))
    scope = body.get("scope") or {"scope": "USER", "subScope": "NONE"}
    return Response({"scope": scope, "subscriptions": [s.subscription_v2(r) for r in rows],
                     "campaignId": body.get("campaignId", -1), "communicationId": body.get("communicationId", -1),
                     "reason": body.get("reason", ""), "warnings": []})


class SubscriptionsV2(V2APIView):
    """GET, POST (and PUT) /v2/customers/{customerId}/subscriptions."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(responses=s.CustomerSubscriptionsOutputV2, tags=TAGS, operation_id="v2_customers_subscriptions_get")
    def get(self, request, customer_id):
        return subscriptions_get(request, selectors.customer_get(org=request.org, customer_id=customer_id))

    @extend_schema(request=s.CustomerSubscriptionsInputV2, responses=OpenApiTypes.OBJECT, tags=TAGS,
                   operation_id="v2_customers_subscriptions_update")
    def post(self, request, customer_id):
        return subscriptions_post(request, selectors.customer_get(org=request.org, customer_id=customer_id))

    @extend_schema(request=s.CustomerSubscriptionsInputV2, responses=OpenApiTypes.OBJECT, tags=TAGS,
                   operation_id="v2_customers_subscriptions_update_put")
    def put(self, request, customer_id):
        return self.post(request, customer_id)


class LookupSubscriptionsV2(V2APIView):
    """GET and POST /v2/customers/lookup/subscriptions."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=LOOKUP_PARAMS, responses=s.CustomerSubscriptionsOutputV2, tags=TAGS,
                   operation_id="v2_customers_lookup_subscriptions_get")
    def get(self, request):
        return subscriptions_get(request, lookup_customer(request))

    @extend_schema(parameters=LOOKUP_PARAMS, request=s.CustomerSubscriptionsInputV2, responses=OpenApiTypes.OBJECT,
                   tags=TAGS, operation_id="v2_customers_lookup_subscriptions_update")
    def post(self, request):
        return subscriptions_post(request, lookup_customer(request))


class LookupStatusV2(V2APIView):
    """PUT /v2/customers/lookup/status: move the customer to a status label."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=LOOKUP_PARAMS, request=s.CustomerStatusInputV2, responses=s.CustomerStatusOutputV2, tags=TAGS,
                   operation_id="v2_customers_lookup_status")
    def put(self, request):
        customer = lookup_customer(request)
        data = s.CustomerStatusInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        services.customer_status_change(org=request.org, customer=customer, label=body["label"],
                                        reason=body["reason"], till=request.till, created_on=body.get("createdOn"))
        # The platform's sample prints the error list as `error`; both spellings are answered.
        return Response({"warnings": [], "errors": [], "error": []})


def image_set(request, customer):
    upload = request.FILES.get("file") or request.FILES.get("FILE") or next(iter(request.FILES.values()), None)
    image = services.customer_image_set(org=request.org, customer=customer, upload=upload, till=request.till)
    return Response({"data": [{"id": image.pk, "code": 200, "file": s.image_file_v2(image, org=request.org),
                               "message": "Successfully uploaded file", "status": "true"}],
                     "warnings": [], "errors": []})


class SetImageV2(V2APIView):
    """POST /v2/customers/{customerId}/setImage (multipart, the file under `file`)."""

    access_resource = AccessResource.CUSTOMER
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request={"multipart/form-data": s.CustomerImageUploadInputV2}, responses=s.CustomerDataListOutputV2, tags=TAGS,
                   operation_id="v2_customers_set_image")
    def post(self, request, customer_id):
        return image_set(request, selectors.customer_get(org=request.org, customer_id=customer_id))


class LookupSetImageV2(V2APIView):
    """POST /v2/customers/lookup/setImage."""

    access_resource = AccessResource.CUSTOMER
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(parameters=LOOKUP_PARAMS, request={"multipart/form-data": s.CustomerImageUploadInputV2},
                   responses=s.CustomerDataListOutputV2, tags=TAGS, operation_id="v2_customers_lookup_set_image")
    def post(self, request):
        return image_set(request, lookup_customer(request))


class DeleteImageV2(V2APIView):
    """DELETE /v2/customers/{customerId}/deleteImage?image_ids=1,2."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[OpenApiParameter("image_ids", str, required=True)], responses=s.CustomerMessageOutputV2,
                   tags=TAGS, operation_id="v2_customers_delete_image")
    def delete(self, request, customer_id):
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        ids = [part for raw in request.query_params.getlist("image_ids") for part in raw.replace("\n", ",").split(",")
               if part.strip()]
        count = services.customer_image_delete(org=request.org, customer=customer, image_ids=ids, till=request.till)
        return Response({"message": f"Successfully deleted {count} image(s)", "status": "true", "warnings": [],
                         "errors": []})


class ImageFileV2(V2APIView):
    """GET /v2/customers/{customerId}/images/{imageId}: the image bytes (the `filePath` of embed=customerImage)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, tags=TAGS,
                   operation_id="v2_customers_image_file")
    def get(self, request, customer_id, image_id):
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        image = selectors.customer_image_get(org=request.org, customer=customer, image_id=image_id)
        return FileResponse(image.file.open("rb"), content_type=image.content_type)


class LogPagination(V2Pagination):
    default_limit = 100


class StatusLogV2(V2APIView):
    """GET /v2/customers/{customerId}/statusLog (oldest first; `isActive` marks the status in force)."""

    access_resource = AccessResource.CUSTOMER
    pagination_class = LogPagination

    @extend_schema(responses=s.CustomerDataListOutputV2, tags=TAGS, operation_id="v2_customers_status_log")
    def get(self, request, customer_id):
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        qs = selectors.customer_status_log(org=request.org, customer=customer)
        last = qs.order_by("-created_at", "-id").values_list("pk", flat=True).first()
        paginator, data = paginate(self, qs, logs.StatusLogItemV2, org=request.org, active_id=last)
        return Response({"data": data, "pagination": paginator.pagination_block(), "warnings": [], "errors": []})


class SubscriptionLogV2(V2APIView):
    """GET /v2/customers/{customerId}/subscriptionStatusChangeLog (oldest first)."""

    access_resource = AccessResource.CUSTOMER
    pagination_class = LogPagination

    @extend_schema(responses=s.CustomerDataListOutputV2, tags=TAGS, operation_id="v2_customers_subscription_log")
    def get(self, request, customer_id):
        customer = selectors.customer_get(org=request.org, customer_id=customer_id)
        qs = selectors.customer_subscription_log(org=request.org, customer=customer)
        paginator, data = paginate(self, qs, logs.SubscriptionLogItemV2, org=request.org)
        return Response({"data": data, "pagination": paginator.pagination_block(), "warnings": [], "errors": []})


class CustomerBulkUpsertV2(V2APIView):
    """POST /v2/integrations/customer/upsert/bulk?skipChangeIdentifier=: each item is updated (found by any of its
    identifiers) or registered on its own; good items are committed, bad ones reported."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[OpenApiParameter("skipChangeIdentifier", bool)], request=s.CustomerInputV2(many=True),
                   responses=s.CustomerBulkUpsertOutputV2, tags=TAGS, operation_id="v2_customers_upsert_bulk")
    def post(self, request):
        items = request.data
        if not isinstance(items, list) or not items:
            raise InvalidInput("Invalid input. The body must be a non-empty JSON array of customers")
        if len(items) > BULK_LIMIT:
            raise BatchLimitExceeded(maximum=BULK_LIMIT)
        skip = str(request.query_params.get("skipChangeIdentifier", "true")).strip().lower() != "false"
        results, failures = [], 0
        for item in items:
            try:
                with transaction.atomic():
                    customer, warnings = self._upsert(request, item, skip=skip)
            except Exception as exc:  # per-item failure: reported, the others go on
                errs = to_domain_errors(exc)
                if errs is None:
                    raise
                failures += 1
                results.append({"entityId": None, "result": None, "errors": [V2Envelope.error_item(e) for e in errs],
                                "warnings": []})
                continue
            results.append({"entityId": customer.pk, "result": customer_body(request, customer), "errors": [],
                            "warnings": warnings_v2(warnings)})
        return Response({"response": results, "totalCount": len(items), "failureCount": failures})

    def _upsert(self, request, item, *, skip: bool):
        if not isinstance(item, dict):
            raise InvalidInput("Invalid input. Each item must be a JSON object")
        data = s.CustomerInputV2(data=item)
        data.is_valid(raise_exception=True)
        profiles = data.validated_data["profiles"]
        first = data.profile_kwargs(profiles[0], default_source="INSTORE")
        merged = _profiles_merged(data)
        customer, _, warnings = services.customer_upsert(
            org=request.org, till=request.till, source=first["source"], account_id=first["account_id"],
            skip_change_identifier=skip, subscriptions=data.subscriptions() or None,
            referred_by_code=data.validated_data.get("referralCode") or "", **merged, **data.customer_kwargs())
        return customer, warnings
