"""v2 points ledger: closing balances, ledger entries per event, and the explode view of chosen events.

Paging is the platform's page-based kind: `offset` is a page number (0 = first) and `limit` the page size; answers
carry `ledgerDetails {pageNumber, pageSize, totalEntries, pageCount}`.
"""
from __future__ import annotations

import math
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.core.errors import InvalidInput, LimitTooSmall, OffsetNegative
from apps.organizations.selectors import store_list, till_list
from apps.points import errors as points_errors
from apps.points import selectors
from apps.points.services import program_resolve

from .. import errors
from ..common import flag, parse_moment, v2_lookup
from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["points ledger"]
DEFAULT_WINDOW_DAYS, YEAR_WINDOW_DAYS, MAX_WINDOW_DAYS = 90, 365, 90
MAX_EVENTS = 10


def _int(raw, name: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(str(raw).strip())
    except ValueError:
        raise InvalidInput(f"Invalid input. {name}: must be an integer", field=name) from None


class _LedgerView(V2APIView):
    access_resource = AccessResource.POINTS
    max_limit = 100
    limit_error = errors.LedgerLimitAbove100

    def parse(self, request, serializer=s.LedgerQueryV2):
        query = serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if not all(str(params.get(k) or "").strip() for k in ("identifierName", "identifierValue", "source")):
            raise errors.LedgerIdentifiersMissing()
        if str(params.get("type") or "CUSTOMER").upper() != "CUSTOMER":
            raise errors.EntityTypeInvalid(field="type")
        customer = v2_lookup(org=request.org, params=params)
        limit, page = _int(params.get("limit"), "limit", 10), _int(params.get("offset"), "offset", 0)
        if limit <= 0:
            raise LimitTooSmall()
        if limit > self.max_limit:
            raise self.limit_error()
        if page < 0:
            raise OffsetNegative()
        return params, customer, limit, page

    @staticmethod
    def filters(request, params) -> selectors.LedgerFilter:
        org = request.org
        entry_type = (params.get("ledgerEntryType") or "").strip().upper() or None
        if entry_type is not None and entry_type not in selectors.ENTRY_TYPES:
            raise errors.LedgerEntryTypeInvalid()
        category = (params.get("pointCategoryType") or "").strip().upper() or None
        if category is not None and category not in selectors.CATEGORY_TYPES:
            raise errors.LedgerCategoryInvalid()
        program = None
        if params.get("programId"):
            try:
                program = program_resolve(org=org, program_id=params["programId"])
            except points_errors.ProgramInvalid:
                raise errors.LedgerProgramInvalid() from None
        names = tuple(n.strip() for n in (params.get("alternateCurrencyNames") or "").split(",") if n.strip())
        currencies = "ALL" if flag(params.get("includeAlternateCurrencies")) else ("NAMED" if names else "MAIN")
        till_ids, store_ids = _places(org, params)
        return selectors.LedgerFilter(program=program, till_ids=till_ids, store_ids=store_ids, entry_type=entry_type,
                                      category=category, currencies=currencies, currency_names=names,
                                      ascending=(params.get("sortOrder") or "").upper() == "ASC")

    @staticmethod
    def customer_details(customer) -> dict:
        external = next((r.value for r in customer.identifiers.all() if r.type == "externalId"), "")
        return s.customer_details_v2(customer, external_id=external)

    @staticmethod
    def ledger_details(*, page: int, limit: int, total: int) -> dict:
        return {"pageNumber": page, "pageSize": limit, "totalEntries": total, "pageCount": math.ceil(total / limit)}


def _places(org, params) -> tuple[list[int] | None, list[int] | None]:
    """tillId / tillIds / storeId / storeCode (at most one): the tills or stores entries must come from."""
    given = [k for k in ("tillId", "tillIds", "storeId", "storeCode") if str(params.get(k) or "").strip()]
    if len(given) > 1:
        raise errors.LedgerPlaceFiltersConflict()
    if not given:
        return None, None
    name, raw = given[0], str(params[given[0]]).strip()
    if name in ("tillId", "tillIds"):
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise errors.LedgerTillIdFormat(value=raw) from None
        found = set(till_list(org=org).filter(pk__in=ids).values_list("pk", flat=True))
        if len(found) != len(set(ids)):
            raise errors.LedgerTillInvalid() if name == "tillId" else errors.LedgerTillIdsInvalid(value=raw)
        return sorted(found), None
    stores = store_list(org=org)
    if name == "storeId":
        try:
            stores = stores.filter(pk=int(raw))
        except ValueError:
            raise errors.LedgerStoreWithoutTills(name="store id", value=raw) from None
    else:
        stores = stores.filter(code=raw)
    ids = list(stores.values_list("pk", flat=True))
    if not ids:
        raise errors.LedgerStoreWithoutTills(name="store id" if name == "storeId" else "store code", value=raw)
    return None, ids


class LedgerBalanceV2(_LedgerView):
    """GET /v2/pointsLedger/getCustomerLedgerBalance: closing balance per programme and points category as of
    `endDate` (default now); `totalEntries` counts the ledger entries up to then."""

    max_limit = 10
    limit_error = errors.LedgerLimitAbove10

    @extend_schema(parameters=[s.LedgerQueryV2], responses=OBJECT, tags=TAGS, operation_id="v2_ledger_balance")
    def get(self, request):
        params, customer, limit, page = self.parse(request)
        filters = self.filters(request, params)
        as_of = parse_moment(params.get("endDate"), request.org, errors.LedgerDateFormat)
        filters.end = as_of
        total = selectors.ledger_entries(org=request.org, customer=customer, filters=filters).count()
        accounts = selectors.closing_balances(org=request.org, customer=customer, as_of=as_of,
                                              currencies=filters.currencies, currency_names=filters.currency_names,
                                              program=filters.program)
        details = self.ledger_details(page=page, limit=limit, total=total)
        details["ledgerClosingBalance"] = s.closing_balance_rows(accounts, category=filters.category)
        return Response({"customerDetails": self.customer_details(customer), "ledgerDetails": details,
                         "warnings": []})


class LedgerInfoV2(_LedgerView):
    """GET /v2/pointsLedger/getCustomerLedgerInfo: the customer's ledger events, newest first by default, within
    startDate..endDate (at most 90 days; the last 90 days — or year with includeLastOneYearData — by default)."""

    @extend_schema(parameters=[s.LedgerQueryV2], responses=OBJECT, tags=TAGS, operation_id="v2_ledger_info")
    def get(self, request):
        params, customer, limit, page = self.parse(request)
        filters = self.filters(request, params)
        self.window(request, params, filters)
        org = request.org
        if filters.entry_type == "OPENING_BALANCE":
            moment = filters.start or timezone.now()
            accounts = selectors.closing_balances(org=org, customer=customer, as_of=moment - timedelta(microseconds=1),
                                                  currencies=filters.currencies, currency_names=filters.currency_names,
                                                  program=filters.program)
            rows = [s.opening_balance_v2(a, customer_id=customer.pk, at=moment, org=org) for a in accounts]
            total, entries = len(rows), rows[page * limit:(page + 1) * limit]
        else:
            queryset = selectors.ledger_entries(org=org, customer=customer, filters=filters)
            total = queryset.count()
            entries = [s.ledger_entry_v2(e, customer_id=customer.pk, org=org)
                       for e in queryset[page * limit:(page + 1) * limit]]
        if page > 0 and page * limit >= total:
            raise errors.LedgerNoEntries()
        return Response({"customerDetails": self.customer_details(customer),
                         "ledgerDetails": self.ledger_details(page=page, limit=limit, total=total),
                         "ledgerEntries": entries, "warnings": []})

    @staticmethod
    def window(request, params, filters: selectors.LedgerFilter) -> None:
        start = parse_moment(params.get("startDate"), request.org, errors.LedgerDateFormat)
        end = parse_moment(params.get("endDate"), request.org, errors.LedgerDateFormat)
        if params.get("isFilterBasedOnDate") not in (None, "") and not flag(params["isFilterBasedOnDate"], True):
            filters.start, filters.end = start, end
            return
        span = timedelta(days=YEAR_WINDOW_DAYS if flag(params.get("includeLastOneYearData")) else DEFAULT_WINDOW_DAYS)
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - span
        if end is None:
            end = start + span
        if start > end:
            raise errors.LedgerStartAfterEnd()
        if end - start > timedelta(days=max(MAX_WINDOW_DAYS, span.days)):
            raise errors.LedgerIntervalTooLong(days=max(MAX_WINDOW_DAYS, span.days))
        filters.start, filters.end = start, end


class LedgerExplodeV2(_LedgerView):
    """GET /v2/pointsLedger/getLedgerExplodeInfo: chosen events (eventIds, or eventName + eventReferenceIds) with
    the points each earned (the lots it created) and the lots it drew on (`pointsBreakup`)."""

    @extend_schema(parameters=[s.ExplodeQueryV2], responses=OBJECT, tags=TAGS, operation_id="v2_ledger_explode")
    def get(self, request):
        params, customer, limit, page = self.parse(request, s.ExplodeQueryV2)
        ids = _split(params.get("eventIds"))
        try:
            event_ids = [int(i) for i in ids]
        except ValueError:
            raise errors.LedgerEventIdFormat(value=params.get("eventIds")) from None
        references = _split(params.get("eventReferenceIds"))
        if len(event_ids) > MAX_EVENTS or len(references) > MAX_EVENTS:
            raise errors.LedgerTooManyEvents(maximum=MAX_EVENTS)
        name = (params.get("eventName") or "").strip() or None
        if name is not None and not selectors.event_filter_known(name):
            raise errors.LedgerEventNameInvalid(name=name)
        entries = selectors.ledger_explode(org=request.org, customer=customer, event_ids=event_ids or None,
                                           event_name_filter=name, reference_ids=references or None)
        events = [s.explode_event_v2(e, org=request.org) for e in entries[page * limit:(page + 1) * limit]]
        return Response({"events": events, "warnings": []})


def _split(raw) -> list[str]:
    return [part.strip() for part in str(raw or "").split(",") if part.strip()]
