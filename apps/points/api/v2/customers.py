"""v2 points reads about one customer, by id (`/v2/customers/{id}/...`) or by identifier (`/v2/customers/lookup/...`):
points balance, expiry schedule, promised-points schedule, loyalty details, transfer summary, and our statement."""
from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.core.errors import InvalidInput
from apps.customers import selectors as customers
from apps.customers.choices import LoyaltyType
from apps.points import selectors
from apps.points.services import program_resolve
from apps.tiers import selectors as tier_selectors

from .. import errors
from ..common import day_text, flag, parse_moment, v2_lookup
from . import serializers as s
from .views import transfer_page

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["points"]
ZERO = selectors.ZERO


class _CustomerPointsView(V2APIView):
    """A points read about the customer named in the path (`{customer_id}`) or, for lookup routes, the query."""

    access_resource = AccessResource.CUSTOMER
    lookup = False

    def customer(self, request, customer_id):
        if self.lookup:
            query = s.LookupQueryV2(data=request.query_params)
            query.is_valid(raise_exception=True)
            return v2_lookup(org=request.org, params=query.validated_data)
        return customers.customer_get(org=request.org, customer_id=customer_id)

    @staticmethod
    def programs(request, params):
        entity = str(params.get("entityType") or "CUSTOMER").upper()
        if entity != "CUSTOMER":
            raise errors.EntityTypeInvalid(field="entityType")
        return selectors.programs_selected(org=request.org, program_id=params.get("programId") or None,
                                           all_programs=flag(params.get("fetchDataForAllPrograms")))


def _query(request, serializer) -> dict:
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


# -- balance -------------------------------------------------------------------------------------------------------
class PointsBalanceV2(_CustomerPointsView):
    """GET /v2/customers/{id}/points/balance: redeemable (main) and promised points, one or all programmes."""

    @extend_schema(parameters=[s.ProgramsQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_points_balance")
    def get(self, request, customer_id=None):
        customer = self.customer(request, customer_id)
        params = _query(request, s.LookupProgramsQueryV2)
        programs = self.programs(request, params)
        rows = selectors.balances_for(org=request.org, customer=customer, programs=programs, now=timezone.now())
        main = sum((r.available for r in rows), ZERO)
        promised = sum((r.promised for r in rows), ZERO)
        body = {"entityId": customer.pk, "entityType": "CUSTOMER"}
        if not flag(params.get("fetchDataForAllPrograms")):
            body["programId"] = programs[0].pk
        body.update({"totalPoints": main + promised, "mainPoints": main, "promisedPoints": promised,
                     "promisedPointsBreakup": {"delayedAccrualPoints": promised, "externalTriggerBasedPoints": ZERO},
                     "warnings": []})
        return Response(body)


class PointsBalanceLookupV2(PointsBalanceV2):
    lookup = True

    @extend_schema(parameters=[s.LookupProgramsQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_lookup_points_balance")
    def get(self, request, customer_id=None):
        return super().get(request)


# -- expiry schedule -----------------------------------------------------------------------------------------------
def _schedule_day(raw, field: str) -> date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.ScheduleDateFormat(field=field) from None


class PointsExpiryScheduleV2(_CustomerPointsView):
    """GET /v2/customers/{id}/pointsExpirySchedule: points that will expire, by date, soonest first."""

    @extend_schema(parameters=[s.ScheduleQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_points_expiry_schedule")
    def get(self, request, customer_id=None):
        customer = self.customer(request, customer_id)
        params = _query(request, s.LookupScheduleQueryV2)
        programs = self.programs(request, params)
        zone = selectors.org_zone(request.org)
        now = timezone.now()
        today = timezone.localdate(now, zone)
        start = _schedule_day(params.get("startDate"), "startDate")
        end = _schedule_day(params.get("endDate"), "endDate")
        if start is not None and start < today:
            raise errors.ScheduleStartInPast()
        if end is not None and end > today + timedelta(days=36525):
            raise errors.ScheduleEndTooFar()
        if start is not None and end is not None and start > end:
            raise errors.ScheduleStartAfterEnd()
        after = max(now, selectors.day_bounds(start, zone)[0]) if start else now
        before = selectors.day_bounds(end, zone)[1] if end else now + timedelta(days=36525)
        schedule = selectors.expiry_schedule(org=request.org, customer=customer, programs=programs, after=after,
                                             before=before, earliest_only=flag(params.get("fetchEarliestExpiryOnly")))
        for item in schedule:
            item["expiryDate"] = day_text(item["expiryDate"])
        return Response({"id": customer.pk, "profiles": [],
                         "loyaltyInfo": {"loyaltyType": "loyalty" if customer.loyalty_type == LoyaltyType.LOYALTY
                                         else "non_loyalty"},
                         "segments": {}, "extendedFields": {}, "expirySchedules": schedule, "warnings": []})


class PointsExpiryScheduleLookupV2(PointsExpiryScheduleV2):
    """GET /v2/customers/lookup/pointsExpirySchedule (the light API)."""

    lookup = True

    @extend_schema(parameters=[s.LookupScheduleQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_lookup_points_expiry_schedule")
    def get(self, request, customer_id=None):
        return super().get(request)


# -- promised points -----------------------------------------------------------------------------------------------
class PromisedScheduleV2(_CustomerPointsView):
    """GET /v2/customers/{id}/promisedPointsSchedule: promised points by the date they become redeemable."""

    @extend_schema(parameters=[s.ScheduleQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_promised_points_schedule")
    def get(self, request, customer_id=None):
        customer = self.customer(request, customer_id)
        params = _query(request, s.LookupScheduleQueryV2)
        programs = self.programs(request, params)
        start = _schedule_day(params.get("startDate"), "startDate")
        end = _schedule_day(params.get("endDate"), "endDate")
        if start is not None and end is not None and start > end:
            raise errors.ScheduleStartAfterEnd()
        dated, triggered = selectors.promised_schedule(org=request.org, customer=customer, programs=programs)
        dated = [i for i in dated if (start is None or i["redeemableFrom"] >= start)
                 and (end is None or i["redeemableFrom"] <= end)]
        for item in dated:
            item["redeemableFrom"] = day_text(item["redeemableFrom"])
        return Response({"entityId": customer.pk, "entityType": "CUSTOMER", "promisedPointsScheduleList": dated,
                         "triggerBasedPointsList": triggered, "warnings": []})


class PromisedScheduleLookupV2(PromisedScheduleV2):
    lookup = True

    @extend_schema(parameters=[s.LookupScheduleQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_lookup_promised_points_schedule")
    def get(self, request, customer_id=None):
        return super().get(request)


# -- loyalty details -----------------------------------------------------------------------------------------------
class LoyaltyDetailsV2(_CustomerPointsView):
    """GET /v2/customers/{id}/loyaltyDetails: the customer's points figures per programme, with the tier ("slab")
    fields for programmes that have a tier ladder."""

    @extend_schema(parameters=[s.ProgramsQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_loyalty_details")
    def get(self, request, customer_id=None):
        customer = self.customer(request, customer_id)
        params = _query(request, s.LookupProgramsQueryV2)
        if params.get("programId"):
            programs = [program_resolve(org=request.org, program_id=params["programId"])]
        else:
            programs = list(selectors.program_list(org=request.org))
        rows = selectors.balances_for(org=request.org, customer=customer, programs=programs, now=timezone.now())
        slabs = tier_selectors.slab_fields(org=request.org, customer=customer, programs=programs)
        data = []
        for row in rows:
            revoked = row.figure("revoked")
            data.append({
                "redeemed": row.figure("redeemed"), "expired": row.figure("expired"),
                "returned": revoked - row.promised_returned, "adjusted": row.figure("adjusted"),
                "lifetimePoints": row.figure("lifetime_earned"), "loyaltyPoints": row.available,
                "loyaltyId": row.account.pk if row.account else -1, "programId": row.program.pk,
                "delayedPoints": row.promised, "delayedReturnedPoints": row.promised_returned,
                "totalAvailablePoints": row.available + row.promised, "totalReturnedPoints": revoked,
                **slabs.get(row.program.pk, {}),
            })
        return Response({"data": data, "warnings": [], "errors": []})


class LoyaltyDetailsLookupV2(LoyaltyDetailsV2):
    lookup = True

    @extend_schema(parameters=[s.LookupProgramsQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_lookup_loyalty_details")
    def get(self, request, customer_id=None):
        return super().get(request)


# -- transfers -----------------------------------------------------------------------------------------------------
class PointsTransfersV2(_CustomerPointsView):
    """GET /v2/customers/{id}/pointsTransfers: points the customer sent (DEDUCTION) and received (ADDITION)."""

    @extend_schema(parameters=[s.TransferListQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_points_transfers")
    def get(self, request, customer_id=None):
        customer = self.customer(request, customer_id)
        return transfer_page(request, customer, _query(request, s.TransferListQueryV2))


# -- statement (ours) ----------------------------------------------------------------------------------------------
class PointsStatementV2(_CustomerPointsView):
    """GET /v2/customers/{id}/pointsStatement — our addition, not part of the platform's API.

    Every ledger entry of the customer, newest first (limit/offset, at most 100 a page): its kind and event name,
    its source (bill, redemption, transfer, expiry run, manual adjustment...), the running balances after it, and
    every lot it created, consumed, restored or expired, with each lot's earning and expiry dates. Points are
    strings with three decimals so they stay exact.
    """

    @extend_schema(parameters=[s.StatementQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_customer_points_statement",
                   description="Our addition (not a Capillary endpoint): the customer's full points statement, "
                               "with the lots each entry created or touched.")
    def get(self, request, customer_id=None):
        customer = self.customer(request, customer_id)
        query = s.StatementQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        program = program_resolve(org=request.org, program_id=params["programId"]) if params.get("programId") else None
        start = parse_moment(params.get("startDate"), request.org, _statement_date_error)
        end = parse_moment(params.get("endDate"), request.org, _statement_date_error)
        if end is not None and len(str(params.get("endDate")).strip()) == 10:
            end = end + timedelta(days=1) - timedelta(microseconds=1)  # a plain date ends at the end of that day
        entries = selectors.statement(org=request.org, customer=customer, program=program, start=start, end=end)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        return Response({"customerId": customer.pk, "pagination": paginator.pagination_block(),
                         "data": [s.statement_entry_v2(entry, org=request.org) for entry in page], "warnings": []})


def _statement_date_error():
    return InvalidInput("Invalid input. startDate/endDate: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS")

