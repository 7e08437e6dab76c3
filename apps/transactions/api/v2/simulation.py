"""POST /v2/simulation/transactions: evaluate a bill with the org's rules, writing nothing."""
from __future__ import annotations

from datetime import timedelta

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.views import V2APIView
from apps.organizations.selectors import org_config_flag
from apps.points.services import expiry_for
from apps.transactions import errors, services

from . import serializers as s
from ..common import zone_of
from .shapes import iso, num
from .views import CUSTOMER_QUERY, OBJECT


def points_earned(sim) -> dict:
    """regular / promo / promised blocks of `pointsEarned` for the points the bill would award."""
    earned = {"regular": [], "promo": [], "promised": []}
    program = sim.program
    if program is None or not sim.points:
        return earned
    zone = zone_of(sim.bill)
    expires = expiry_for(program, sim.bill.billing_time)
    item = {"value": num(sim.points), "programId": program.pk, "programName": program.name,
            "expiresOn": iso(expires, zone), "expiryType": program.expiry_policy}
    if program.promised_delay_days > 0:
        item["conversionDate"] = iso(sim.bill.billing_time + timedelta(days=program.promised_delay_days), zone)
        earned["promised"].append(item)
    else:
        earned["regular"].append(item)
    return earned


def simulation_response(sim, till) -> dict:
    bill = sim.bill
    zone = zone_of(bill)
    side_effects = [{"entityType": "USER", "rawAwardedPoints": num(sim.points), "awardedPoints": num(sim.points),
                     "type": "points"}] if sim.points else []
    return {
        "warnings": [V2Envelope.error_item(w) for w in sim.warnings], "errors": [], "sideEffects": side_effects,
        "simulatedPointsBreakup": {
            "eventLogId": None, "eventName": "TransactionAdd",
            "eventDetails": {"eventTime": iso(bill.billing_time, zone), "tillId": till.pk if till else None},
            "billDetails": {
                "type": "loyalty" if sim.customer is not None and sim.customer.is_loyalty else "non_loyalty",
                "billNumber": bill.number, "grossAmount": num(bill.gross_amount), "discount": num(bill.discount),
                "billAmount": num(bill.amount), "note": bill.note, "billDate": iso(bill.billing_time, zone),
                "pointsEarned": points_earned(sim), "billLevelPoints": num(sim.bill_points),
                "lineItems": [{"itemCode": line.item_code, "qty": num(line.qty), "amount": num(line.amount),
                               "points": num(sim.points_by_line.get(line.position, 0))} for line in sim.lines],
                "customFields": bill.custom_fields, "extendedFields": bill.extended_fields,
                "paymentModes": [{"mode": t.mode, "value": num(t.value)} for t in sim.tenders],
            },
            "pointInTimeSlabs": [],
        },
        "evaluationLog": sim.evaluation.log if sim.evaluation is not None else [],
    }


class SimulationTransactionsV2(V2APIView):
    """Runs the same checks and rules as POST /v2/transactions; no bill, customer, points or queue row is written."""

    access_resource = AccessResource.EVENT_SIMULATION

    @extend_schema(parameters=CUSTOMER_QUERY + [OpenApiParameter("rawSideEffects", bool)],
                   request=s.TransactionInputV2, responses=OBJECT, tags=["simulation"])
    def post(self, request):
        if not org_config_flag(org=request.org, key="CONF_ENABLE_SIMULATION_API_MODE"):
            raise errors.SimulationDisabled()
        query = s.CustomerQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = s.TransactionInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.to_input(customer=query.customer_ref(), source=query.validated_data["source"],
                             account_id=query.validated_data["accountId"])
        sim = services.bill_simulate(org=request.org, data=data, till=request.till)
        return Response(simulation_response(sim, request.till))
