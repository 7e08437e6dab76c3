"""v1.1 (and v1) points: check redeemability (optionally sending the code), issue a validation code, redeem.

Failures of the item (unknown customer, invalid points, a redemption rule) answer the documented item shape with
`item_status.code` = the platform's 8xx code and the error's HTTP status (4xx); nothing is written.
"""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from types import SimpleNamespace

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V11APIView
from apps.core.errors import BatchLimitExceeded, DomainError, InvalidInput
from apps.points import selectors
from apps.points import errors as points_errors
from apps.points.services import (Actor, points_amount, points_redeem, points_redeemability, program_resolve,
                                  validation_code_check, validation_code_issue)

from .. import errors
from ..common import flag, parse_moment, v11_customer
from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}
ALL_FAILED = "All requests have failed due to errors"
BATCH_LIMIT = 100
# A currency amount (currency_input=true) is checked like points with three decimal places.
CURRENCY_PRECISION = SimpleNamespace(points_decimals=3)


def _status(view, *, success: bool, code: int, message: str) -> dict:
    return view.envelope.status(success=success, code=code, message=message)


def _points_input(raw, *, program, currency_input: bool) -> tuple[Decimal, str]:
    """Points asked for (801/878 on bad input); with currency_input the figure is an amount the points must cover."""
    if not currency_input:
        return points_amount(raw, program=program), "points"
    amount = points_amount(raw, program=CURRENCY_PRECISION)
    if not program.point_value:
        raise errors.CurrencyRatioMissing()
    quantum = Decimal(1).scaleb(-program.points_decimals)
    return (amount / program.point_value).quantize(quantum, rounding=ROUND_CEILING), "currency"


class PointsIsRedeemableV11(V11APIView):
    """GET /v1.1/points/isredeemable: can the customer redeem these points now? `issue_otp=true` also sends the
    validation code when they can (warning 876 when it could not be sent)."""

    access_resource = AccessResource.POINTS

    @extend_schema(parameters=[s.IsRedeemableQueryV11], responses=OBJECT, operation_id="v11_points_isredeemable",
                   tags=["points"])
    def get(self, request):
        query = s.IsRedeemableQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        program = program_resolve(org=request.org, program_id=params.get("program_id"))
        given = s.identifiers_of(params)
        customer, points = None, params.get("points", "")
        try:
            customer = v11_customer(org=request.org, identifiers=given)
            points, input_type = _points_input(params.get("points"), program=program,
                                               currency_input=flag(params.get("currency_input")))
            if params.get("validation_code"):
                validation_code_check(org=request.org, customer=customer, code=params["validation_code"])
            check = points_redeemability(org=request.org, customer=customer, program=program, points=points)
            if check.error is not None:
                raise check.error
        except DomainError as exc:
            block = {**s.echo(customer, given), "points": points, "is_redeemable": "false",
                     "item_status": s.item_status(success=False, code=exc.code, message=exc.message)}
            return Response({"response": {"status": _status(self, success=False, code=500, message=ALL_FAILED),
                                          "points": {"redeemable": block}}}, status=exc.status)
        code, message = 800, "Points can be redeemed"
        if flag(params.get("issue_otp")):
            try:
                validation_code_issue(org=request.org, customer=customer, program=program, points=points)
            except points_errors.ValidationCodeIssueFailed:
                code, message = errors.OTP_NOT_ISSUED
        block = {**s.echo(customer, given), "points": points, "is_redeemable": "true",
                 "points_redeem_value": check.value, "points_redeem_local_value": check.value,
                 "input_type": input_type, "points_currency_ratio": f"{program.point_value.normalize():f}",
                 "item_status": s.item_status(success=True, code=code, message=message)}
        return Response({"response": {"status": _status(self, success=True, code=200, message="Success"),
                                      "points": {"redeemable": block}}})


class PointsValidationCodeV11(V11APIView):
    """GET /v1.1/points/validationcode: send the customer's redemption code (the same code within its validity)."""

    access_resource = AccessResource.POINTS

    @extend_schema(parameters=[s.ValidationCodeQueryV11], responses=OBJECT, operation_id="v11_points_validationcode",
                   tags=["points"])
    def get(self, request):
        query = s.ValidationCodeQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        program = program_resolve(org=request.org, program_id=params.get("program_id"))
        given = s.identifiers_of(params)
        customer, points = None, params.get("points") or None
        try:
            customer = v11_customer(org=request.org, identifiers=given)
            if points is not None:
                points = points_amount(points, program=program)
            row, _ = validation_code_issue(org=request.org, customer=customer, program=program, points=points)
        except DomainError as exc:
            block = {**s.echo(customer, given), "user_id": str(customer.pk) if customer else None, "points": points,
                     "item_status": s.item_status(success=False, code=exc.code, message=exc.message)}
            return Response({"response": {"status": _status(self, success=False, code=500, message=ALL_FAILED),
                                          "validation_code": {"code": block}}}, status=exc.status)
        channel = {"SMS": "SMS", "EMAIL": "Email"}.get(row.channel, row.channel)
        block = {**s.echo(customer, given), "user_id": str(customer.pk), "points": points,
                 "item_status": s.item_status(success=True, code=200, message=f"Validation Code Issued by {channel}")}
        return Response({"response": {"status": _status(self, success=True, code=200, message="Operation Successful"),
                                      "validation_code": {"code": block}}})


def _redemption_time(raw, org) -> datetime | None:
    return parse_moment(raw, org, errors.RedemptionTimeInvalid)


class PointsRedeemV11(V11APIView):
    """POST /v1.1/points/redeem with `{"root": {"redeem": {...}}}` (or a list of redeem items).

    Each item redeems on its own. The programme decides whether a validation code is needed (`skip_validation` does
    not lift that: a till cannot waive the customer's confirmation). A retry of an item with the same validation code
    and transaction number (or the same external_reference_number) returns the first redemption; a repeated
    Idempotency-Key replays the whole response.
    """

    access_resource = AccessResource.POINTS

    @extend_schema(parameters=[s.RedeemQueryV11], request=OpenApiTypes.OBJECT, responses=OBJECT,
                   operation_id="v11_points_redeem", tags=["points"], examples=[OpenApiExample(
                       "Redeem", request_only=True, value={"root": {"redeem": {
                           "points_redeemed": "100", "transaction_number": "1234r743",
                           "customer": {"mobile": "44700900999"}, "notes": "Sample notes",
                           "validation_code": "6D18DU", "redemption_time": "2016-11-21 11:30:11"}}})])
    def post(self, request):
        query = s.RedeemQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if str(params.get("validation_type") or "").upper() == "MISSED_CALL":
            raise errors.MissedCallDisabled()
        program = program_resolve(org=request.org, program_id=params.get("program_id"))
        items = self._items(request.data)
        results, failures = [], []
        for item in items:
            result, error = self._redeem(request, program, item)
            results.append(result)
            if error is not None:
                failures.append(error)
        payload = {"responses": {"points": results[0] if len(results) == 1 else results}}
        if not failures:
            return Response({"response": {"status": _status(self, success=True, code=200, message="Success"),
                                          **payload}})
        if len(failures) == len(results):
            return Response({"response": {"status": _status(self, success=False, code=500, message=ALL_FAILED),
                                          **payload}}, status=failures[0].status)
        return Response({"response": {"status": _status(self, success=True, code=201,
                                                        message="Some requests have failed due to errors"),
                                      **payload}})

    @staticmethod
    def _items(data) -> list[dict]:
        root = data.get("root", data) if isinstance(data, dict) else None
        redeem = root.get("redeem") if isinstance(root, dict) else None
        items = [redeem] if isinstance(redeem, dict) else redeem
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise InvalidInput("Invalid input. The body must be {\"root\": {\"redeem\": {...}}} or a list of redeem "
                               "items", field="root.redeem")
        if len(items) > BATCH_LIMIT:
            raise BatchLimitExceeded(maximum=BATCH_LIMIT)
        return items

    def _redeem(self, request, program, item) -> tuple[dict, DomainError | None]:
        org, customer, points = request.org, None, None
        try:
            customer = v11_customer(org=org, identifiers=item.get("customer") or {})
            points = points_amount(item.get("points_redeemed"), program=program)
            redeemed_at = _redemption_time(item.get("redemption_time"), org)
            bill = str(item.get("transaction_number") or "").strip()[:64]
            code = str(item.get("validation_code") or "").strip()
            reference = str(item.get("external_reference_number") or "").strip()[:128]
            key = f"v11-redeem:{customer.pk}:{bill}:{code}" if bill and code else ""
            done = (selectors.redemption_replayed(org=org, idempotency_key=key)
                    or (selectors.redemption_find(org=org, external_reference=reference) if reference else None))
            if done is None:
                if program.validation_code_required and not code:
                    raise errors.ValidationMandatory()
                if code:
                    validation_code_check(org=org, customer=customer, code=code)
                done = points_redeem(org=org, customer=customer, program=program, points=points, bill_number=bill,
                                     external_reference=reference, idempotency_key=key,
                                     purpose=str(item.get("redemption_purpose") or "")[:100],
                                     notes=str(item.get("notes") or "")[:250], actor=Actor.for_till(request.till),
                                     redeemed_at=redeemed_at, validation_code=code or None)
            elif done.customer_id != customer.pk:
                raise InvalidInput("Invalid input. external_reference_number belongs to another redemption",
                                   field="external_reference_number")
        except DomainError as exc:
            return s.redeem_failed_v11(exc, customer=customer, given=item, points=points), exc
        return s.redeemed_v11(done, customer=customer, validation_code=code, program_ratio=program.point_value), None

