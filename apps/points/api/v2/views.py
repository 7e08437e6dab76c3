"""v2 points operations: transfer check and transfer, transfer history, redemption reversal, promised-points unlock."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.views import V2APIView
from apps.core.errors import InvalidInput, LimitTooLarge, LimitTooSmall, OffsetNegative
from apps.customers import errors as customer_errors
from apps.customers import selectors as customers
from apps.customers.api.v2.serializers import customer_v2
from apps.points import errors as points_errors
from apps.points import selectors
from apps.points.services import (Actor, points_amount, points_convert_promised, points_reverse_redemption,
                                  program_resolve, transfer_check, transferable_points, validation_code_check,
                                  validation_code_issue)
from apps.points.services.confirmed import TRANSFER_PURPOSE, points_transfer_confirmed

from .. import errors
from ..common import flag, typed_identifier_customer, v2_lookup
from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["points"]
TRANSFER_EXAMPLE = OpenApiExample("Transfer", request_only=True, value={
    "pointsTobeTransferred": 1000, "groupProgramTransfer": "false", "programId": 973,
    "fromCustomerIdentifier": {"type": "MOBILE", "value": "919988221100"},
    "toCustomerIdentifier": {"type": "ID", "value": "565039506"}})


def _transfer_parties(request, data: dict):
    """Programme, sender, receiver and points of a transfer body (codes 885, 434, 8015, 422/878)."""
    if flag(data.get("groupProgramTransfer")):
        raise InvalidInput("Invalid input. Group transfers are made through the user-group APIs",
                           field="groupProgramTransfer")
    program = program_resolve(org=request.org, program_id=data.get("programId"))
    invalid = errors.TransferIdentifierTypeInvalid
    sender = typed_identifier_customer(org=request.org, identifier=data["fromCustomerIdentifier"],
                                       side="fromCustomerIdentifier", invalid_type_error=invalid)
    receiver = typed_identifier_customer(org=request.org, identifier=data["toCustomerIdentifier"],
                                         side="toCustomerIdentifier", invalid_type_error=invalid)
    try:
        points = points_amount(data.get("pointsTobeTransferred"), program=program)
    except points_errors.PointsInvalid:
        raise points_errors.TransferPointsInvalid(field="pointsTobeTransferred") from None
    return program, sender, receiver, points


class PointsIsTransferrableV2(V2APIView):
    """POST /v2/points/isTransferrable: whether the points can move now; `issueOtp` sends the sender a code that
    POST /v2/points/transfer then requires."""

    access_resource = AccessResource.POINTS

    @extend_schema(request=s.TransferInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_points_is_transferrable",
                   examples=[TRANSFER_EXAMPLE])
    def post(self, request):
        data = s.TransferInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        program, sender, receiver, points = _transfer_parties(request, body)
        transfer_check(org=request.org, from_customer=sender, to_customer=receiver, program=program, points=points)
        account = selectors.customer_accounts(org=request.org, customer=sender, program=program).first()
        if account is None or transferable_points(account=account, now=timezone.now()) < points:
            raise points_errors.TransferInsufficient()
        warnings = []
        if flag(body.get("issueOtp")):
            try:
                validation_code_issue(org=request.org, customer=sender, program=program, points=points,
                                      purpose=TRANSFER_PURPOSE)
            except points_errors.ValidationCodeIssueFailed as exc:
                warnings.append(V2Envelope.error_item(exc))
        customers.customer_details_prefetch([sender, receiver])
        parties = []
        for person in (sender, receiver):
            shaped = customer_v2(person, org=request.org)
            shaped.pop("warnings", None)
            parties.append(shaped)
        return Response({"data": [{"pointsTobeTransferred": points, "transferFrom": parties[0],
                                   "transferTo": parties[1], "transferrable": True}],
                         "warnings": warnings, "errors": []})


class PointsTransferV2(V2APIView):
    """POST /v2/points/transfer (FEFO, each portion keeps its expiry) and GET /v2/points/transfer (history)."""

    access_resource = AccessResource.POINTS

    @extend_schema(request=s.TransferInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_points_transfer",
                   examples=[TRANSFER_EXAMPLE])
    def post(self, request):
        data = s.TransferInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        program, sender, receiver, points = _transfer_parties(request, body)
        code = (body.get("code") or "").strip() or None
        if code is None and selectors.validation_code_pending(org=request.org, customer=sender,
                                                              purpose=TRANSFER_PURPOSE, now=timezone.now()):
            raise points_errors.ValidationCodeInvalid(field="code")  # a code was sent: the transfer needs it
        if code is not None:
            validation_code_check(org=request.org, customer=sender, code=code, purpose=TRANSFER_PURPOSE)
        transfer = points_transfer_confirmed(org=request.org, from_customer=sender, to_customer=receiver,
                                             program=program, points=points, code=code, notes=body.get("notes", ""),
                                             actor=Actor.for_till(request.till))
        item = s.transfer_v2(transfer, viewer_id=sender.pk, org=request.org)
        item["pointsTransferBreakupByEarningPrograms"] = [{
            "programId": program.pk, "deductedPoints": transfer.points,
            "programCurrentPoints": transfer.out_entry.available_after}]
        return Response({"data": [item], "warnings": [], "errors": []})

    @extend_schema(parameters=[s.LookupTransferListQueryV2], responses=OBJECT, tags=TAGS,
                   operation_id="v2_points_transfer_list")
    def get(self, request):
        query = s.LookupTransferListQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        customer = v2_lookup(org=request.org, params=query.validated_data)
        return transfer_page(request, customer, query.validated_data)


def transfer_page(request, customer, params) -> Response:
    """A page of the customer's transfers (limit/offset or 1-based page; sortBy/sortOrder) in the v2 list body."""
    program = program_resolve(org=request.org, program_id=params["programId"]) if params.get("programId") else None
    sort_by = params.get("sortBy") or "pointsTransferDate"
    if sort_by not in selectors.TRANSFER_SORTS:
        raise InvalidInput("Invalid input. sortBy: must be pointsTransferDate or pointsTransferred", field="sortBy")
    order = (params.get("sortOrder") or "desc").lower()
    if order not in ("asc", "desc"):
        raise InvalidInput("Invalid input. sortOrder: must be asc or desc", field="sortOrder")
    limit, offset = _int(params.get("limit"), 10, "limit"), _int(params.get("offset"), 0, "offset")
    if params.get("page"):
        offset = (max(_int(params["page"], 1, "page"), 1) - 1) * limit
    if limit <= 0:
        raise LimitTooSmall()
    if limit > 100:
        raise LimitTooLarge(maximum=100)
    if offset < 0:
        raise OffsetNegative()
    rows = selectors.transfer_list(org=request.org, customer=customer, program=program, sort_by=sort_by,
                                   descending=order == "desc")
    total = rows.count()
    data = [s.transfer_v2(t, viewer_id=customer.pk, org=request.org) for t in rows[offset:offset + limit]]
    return Response({"data": data, "pagination": {"limit": limit, "offset": offset, "total": total},
                     "warnings": [], "errors": []})


def _int(raw, default: int, name: str) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(str(raw).strip())
    except ValueError:
        raise InvalidInput(f"Invalid input. {name}: must be an integer", field=name) from None


class PointsReverseV2(V2APIView):
    """POST /v2/points/reverse: give redeemed points back to the lots they came from (each keeps its expiry; points
    whose date passed meanwhile come back expired)."""

    access_resource = AccessResource.POINTS

    @extend_schema(request=s.ReverseInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_points_reverse",
                   examples=[OpenApiExample("Reverse", request_only=True, value={
                       "redemptionId": "54ZNkA", "pointsToBeReversed": 10,
                       "identifier": {"type": "mobile", "value": "919740000000"}})])
    def post(self, request):
        data = s.ReverseInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        customer = typed_identifier_customer(org=request.org, identifier=body["identifier"], side="identifier",
                                             invalid_type_error=customer_errors.IdentifierNameInvalid)
        redemption = selectors.redemption_find(org=request.org, code=body.get("redemptionId", "").strip(),
                                               external_reference=body.get("externalReferenceNumber", "").strip())
        if redemption is None or redemption.customer_id != customer.pk:
            raise points_errors.RedemptionNotFound(field="redemptionId")
        points = None
        if body.get("pointsToBeReversed") not in (None, ""):
            points = points_amount(body["pointsToBeReversed"], program=redemption.account.program)
        result = points_reverse_redemption(org=request.org, redemption_code=redemption.code, points=points,
                                           reason=body.get("reason", ""), actor=Actor.for_till(request.till))
        return Response({
            "redemptionId": redemption.code,
            "pointsToBeReversed": points if points is not None else result.reversed_points,
            "orgId": request.org.pk, "identifier": body["identifier"], "customerId": customer.pk,
            "pointsReversed": result.reversed_points, "reversalId": str(result.entry.pk),
            "pointsReversedDetails": {"available": result.available_points, "expired": result.expired_points},
            "warnings": [], "errors": []})


class PointsUnlockV2(V2APIView):
    """POST /v2/points/unlockPromisedPoints?identifierName&identifierValue&source: convert a bill's promised points
    to redeemable points now."""

    access_resource = AccessResource.POINTS

    @extend_schema(parameters=[s.LookupQueryV2], request=s.UnlockInputV2, responses=OBJECT, tags=TAGS,
                   operation_id="v2_points_unlock_promised",
                   examples=[OpenApiExample("Unlock", request_only=True, value={
                       "eventName": "TransactionAdd", "billNumber": "16484", "sourceProgramId": 2121})])
    def post(self, request):
        query = request.query_params
        if not all(str(query.get(k) or "").strip() for k in ("identifierName", "identifierValue", "source")):
            raise errors.UnlockIdentifiersMissing()
        if str(query.get("type") or "CUSTOMER").upper() != "CUSTOMER":
            raise errors.UnlockEntityTypeInvalid()
        data = s.UnlockInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        if not str(body.get("eventName") or "").strip():
            raise errors.UnlockEventNameMissing()
        bill = str(body.get("billNumber") if body.get("billNumber") is not None else "").strip()
        if not bill:
            raise errors.UnlockBillNumberMissing()
        customer = v2_lookup(org=request.org, params=query)
        found, bill_known = selectors.promised_programs_for_bill(org=request.org, customer=customer, bill_number=bill)
        if body.get("sourceProgramId") not in (None, ""):
            program = program_resolve(org=request.org, program_id=body["sourceProgramId"])
            found = [p for p in found if p.pk == program.pk]
        if not bill_known:
            raise errors.UnlockBillNotFound()
        unlocked = []
        for program in found:
            points = points_convert_promised(org=request.org, customer=customer, program=program, source_ref=bill,
                                             force=True, actor=Actor.for_till(request.till))
            if points > 0:
                unlocked.append({"billNumber": bill, "pointsUnlocked": points, "programId": program.pk})
        if not unlocked:
            raise errors.UnlockNothingPromised()
        return Response({"pointsUnlocked": unlocked, "warnings": []})

