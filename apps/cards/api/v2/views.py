"""v2 card endpoints: series, generation and its logs, add / update / bulk update / get, status log, org config."""
from __future__ import annotations

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.cards import errors, selectors, services
from apps.core.api.envelopes import V2Envelope
from apps.core.api.normalise import to_domain_errors
from apps.core.api.pagination import V2Pagination
from apps.core.api.views import V2APIView
from apps.core.errors import BatchLimitExceeded, InvalidInput

from . import serializers as s

TAGS = ["cards"]
BULK_LIMIT = 200
NUMBER_PARAMS = [OpenApiParameter("number", str), OpenApiParameter("cardExternalId", str),
                 OpenApiParameter("id", int)]


class LogPagination(V2Pagination):
    default_limit = 100


def _till(request):
    return getattr(request, "till", None)


def _warnings(items) -> list[dict]:
    return [V2Envelope.error_item(w) for w in items]


def _card_body(card, row=None, warnings=()) -> dict:
    if row is None:
        row = selectors.card_current_log(card=card)
    body = s.card_v2(card, row, org_limit=selectors.org_active_limit(org=card.org))
    body["warnings"] = _warnings(warnings)
    return body


def _card_from_query(request):
    q = request.query_params
    number, external_id, card_id = q.get("number") or q.get("cardNumber"), q.get("cardExternalId"), q.get("id")
    if number in (None, "") and external_id in (None, "") and card_id in (None, ""):
        raise errors.CardNotFound(field="number")
    return selectors.card_get(org=request.org, number=number, external_id=external_id,
                              card_id=None if number or external_id else card_id)


class CardSeriesV2(V2APIView):
    """POST /v2/card/series: create a series; GET /v2/card/series (and /series/get/all): the org's series."""

    access_resource = AccessResource.CARD

    @extend_schema(request=s.CardSeriesInputV2, responses=s.CardEntityOutputV2, tags=TAGS, operation_id="v2_card_series_add")
    def post(self, request):
        data = s.CardSeriesInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        series = services.series_create(org=request.org, **data.create_kwargs())
        return Response({"entity": series.pk, "warnings": []})

    @extend_schema(responses=s.CardListOutputV2, tags=TAGS, operation_id="v2_card_series_list")
    def get(self, request):
        paginator = LogPagination()
        rows = paginator.paginate_queryset(selectors.series_list(org=request.org), request, view=self)
        return Response({"data": [s.series_v2(r) for r in rows], "pagination": paginator.pagination_block(),
                         "warnings": [], "errors": []})


class CardSeriesAllV2(CardSeriesV2):
    http_method_names = ["get", "options"]

    @extend_schema(responses=s.CardListOutputV2, tags=TAGS, operation_id="v2_card_series_get_all")
    def get(self, request):
        return super().get(request)


class CardSeriesByIdV2(V2APIView):
    """GET / PUT /v2/card/series/{seriesId}."""

    access_resource = AccessResource.CARD

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=TAGS, operation_id="v2_card_series_get")
    def get(self, request, series_id):
        series = selectors.series_get(org=request.org, series_id=series_id, error=errors.SeriesNotFound)
        return Response({"entity": s.series_v2(series), "warnings": []})

    @extend_schema(request=s.CardSeriesInputV2, responses=OpenApiTypes.OBJECT, tags=TAGS,
                   operation_id="v2_card_series_update")
    def put(self, request, series_id):
        series = selectors.series_get(org=request.org, series_id=series_id, error=errors.SeriesNotFound)
        data = s.CardSeriesInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        series = services.series_update(org=request.org, series=series, **data.update_kwargs())
        return Response({"entity": s.series_v2(series), "warnings": []})


class CardGenerateV2(V2APIView):
    """POST /v2/card/generate: generate numbers in a series (NOT_ISSUED). Up to the inline maximum the numbers
    come back at once (200); larger requests continue as a background job (202, follow generationLogId)."""

    access_resource = AccessResource.CARD

    @extend_schema(request=s.CardGenerateInputV2, responses={200: s.CardGenerateOutputV2, 202: s.CardGenerateOutputV2},
                   tags=TAGS, operation_id="v2_card_generate")
    def post(self, request):
        data = s.CardGenerateInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        series_id = data.series_id()
        if series_id in (None, ""):
            raise errors.SeriesInvalid(field="seriesId")
        series = selectors.series_get(org=request.org, series_id=series_id)
        log = services.card_generation_start(org=request.org, series=series, count=data.validated_data.get("count"),
                                             status_label=data.validated_data.get("statusLabel"),
                                             description=data.validated_data.get("description") or "",
                                             till=_till(request))
        if log.is_finished:
            numbers = selectors.generation_numbers(log=log)
            return Response({"data": numbers, "entity": numbers, "generationLogId": log.pk, "warnings": [],
                             "errors": []})
        return Response({"data": [], "entity": [], "generationLogId": log.pk, "jobRunId": log.job_run_id,
                         "warnings": [], "errors": []}, status=202)


class CardGenerationLogsV2(V2APIView):
    """GET /v2/card/generation/logs?seriesId= and /v2/card/generation/logs/{seriesId}: generation requests."""

    access_resource = AccessResource.CARD

    @extend_schema(parameters=[OpenApiParameter("seriesId", int)], responses=s.CardEntityListOutputV2, tags=TAGS,
                   operation_id="v2_card_generation_logs")
    def get(self, request, series_id=None):
        series_id = series_id if series_id is not None else request.query_params.get("seriesId")
        series = None
        if series_id not in (None, ""):
            series = selectors.series_get(org=request.org, series_id=series_id)
        paginator = LogPagination()
        rows = paginator.paginate_queryset(selectors.generation_log_list(org=request.org, series=series), request,
                                           view=self)
        return Response({"entity": [s.generation_log_v2(r) for r in rows], "pagination": paginator.pagination_block(),
                         "warnings": []})


class CardGenerationLogsBySeriesV2(CardGenerationLogsV2):
    @extend_schema(responses=s.CardEntityListOutputV2, tags=TAGS, operation_id="v2_card_generation_logs_by_series")
    def get(self, request, series_id=None):
        return super().get(request, series_id=series_id)


class CardV2(V2APIView):
    """POST /v2/card: add a card; PUT /v2/card: update one; GET /v2/card?number=: one card's details."""

    access_resource = AccessResource.CARD

    @extend_schema(request=s.CardInputV2, responses=s.CardEntityOutputV2, tags=TAGS, operation_id="v2_card_add")
    def post(self, request):
        data = s.CardInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d.get("seriesId") not in (None, ""):
            series = selectors.series_get(org=request.org, series_id=d["seriesId"], error=errors.SeriesNotFound)
        elif d.get("seriesCode") not in (None, ""):
            series = selectors.series_get(org=request.org, code=d["seriesCode"], error=errors.SeriesNotFound)
        else:
            raise errors.SeriesNotFound(field="seriesId")
        card = services.card_add(org=request.org, series=series, number=d.get("cardNumber"),
                                 external_id=d.get("cardExternalId") or "", till=_till(request), **data.common())
        return Response({"entity": card.pk, "warnings": []})

    @extend_schema(request=s.CardInputV2, responses=s.CardOutputV2, tags=TAGS, operation_id="v2_card_update")
    def put(self, request):
        data = s.CardInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        card, row, warnings = services.card_update(org=request.org, number=d.get("cardNumber"),
                                                   external_id=d.get("cardExternalId"), series_id=d.get("seriesId"),
                                                   till=_till(request), **data.common())
        return Response(_card_body(card, row, warnings))

    @extend_schema(parameters=NUMBER_PARAMS, responses=s.CardOutputV2, tags=TAGS, operation_id="v2_card_get")
    def get(self, request):
        return Response(_card_body(_card_from_query(request)))


class CardBulkV2(V2APIView):
    """PUT /v2/card/bulk: each card is updated on its own; failures are reported per item."""

    access_resource = AccessResource.CARD

    @extend_schema(request=s.CardInputV2(many=True), responses=s.CardBulkOutputV2, tags=TAGS,
                   operation_id="v2_card_bulk_update")
    def put(self, request):
        items = request.data
        if not isinstance(items, list) or not items:
            raise InvalidInput("Invalid input. The body must be a non-empty JSON array of cards")
        if len(items) > BULK_LIMIT:
            raise BatchLimitExceeded(maximum=BULK_LIMIT)
        results, failures = [], 0
        for item in items:
            echo = item if isinstance(item, dict) else {}
            try:
                with transaction.atomic():
                    data = s.CardInputV2(data=echo)
                    data.is_valid(raise_exception=True)
                    d = data.validated_data
                    card, row, warnings = services.card_update(
                        org=request.org, number=d.get("cardNumber"), external_id=d.get("cardExternalId"),
                        series_id=d.get("seriesId"), till=_till(request), **data.common())
                results.append({"entityId": _card_body(card, row), "errors": [], "warnings": _warnings(warnings)})
            except Exception as exc:  # per-item failure: reported, the others go on
                errs = to_domain_errors(exc)
                if errs is None:
                    raise
                failures += 1
                results.append({"entityId": {**echo, "orgId": request.org.pk}, "errors": _warnings(errs),
                                "warnings": []})
        return Response({"response": results, "totalCount": len(items), "failureCount": failures})


class CardStatusLogV2(V2APIView):
    """GET /v2/card/statusLog?number=: the card's status history, oldest first; the newest is isActive."""

    access_resource = AccessResource.CARD

    @extend_schema(parameters=NUMBER_PARAMS, responses=s.CardListOutputV2, tags=TAGS, operation_id="v2_card_status_log")
    def get(self, request):
        card = _card_from_query(request)
        paginator = LogPagination()
        qs = selectors.card_status_log_list(org=request.org, card=card)
        rows = paginator.paginate_queryset(qs, request, view=self)
        current = selectors.card_current_log(card=card)
        return Response({"data": [s.status_log_v2(r, current=current is not None and r.pk == current.pk)
                                  for r in rows],
                         "pagination": paginator.pagination_block(), "warnings": [], "errors": []})


@extend_schema_view(get=extend_schema(exclude=True), post=extend_schema(exclude=True), put=extend_schema(exclude=True))
class CardSlashV2(CardV2):
    """/v2/card/ (the platform's samples call it with a trailing slash): the same endpoint, documented once."""


@extend_schema_view(get=extend_schema(exclude=True), post=extend_schema(exclude=True))
class CardSeriesSlashV2(CardSeriesV2):
    """/v2/card/series/ (the create sample's spelling): the same endpoint, documented once."""
