"""v2 coupon endpoints: series, issue, bulk issue, redeem, bulk redeem, is_redeemable, reactivate, get, revoke,
transfer (beyond the platform), the redeemed-upload status, and the customer coupon lists."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.core.errors import DomainError, InvalidInput
from apps.customers.api.v2.serializers import customer_v2
from apps.customers.selectors import customer_details_prefetch, customer_get

from ... import errors, selectors, services
from ...choices import UploadKind
from ..common import decimal_of, identity, int_of, iso, moment_of, v2_customer
from ..uploads import redeemed_status_body
from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["coupons"]


def _customer_block(customer, org) -> dict:
    customer_details_prefetch([customer])
    body = customer_v2(customer, org=org)
    body.pop("warnings", None)
    return body


def _list_param(request, name: str) -> list[str]:
    values = []
    for raw in request.query_params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return values


class SeriesV2(V2APIView):
    """POST /v2/coupon/series (create) and GET /v2/coupon/series?ids=… (details)."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_series_create")
    def post(self, request):
        data = s.series_fields(request.data if isinstance(request.data, dict) else {}, org=request.org)
        series = services.series_create(org=request.org, data=data, till=request.till)
        return Response({**s.series_v2(series), "warnings": []}, status=200)

    @extend_schema(parameters=[OpenApiParameter("ids", str, many=True)], responses=OBJECT, tags=TAGS,
                   operation_id="v2_coupon_series_get")
    def get(self, request):
        ids = _list_param(request, "ids") or _list_param(request, "id")
        if not ids:
            raise InvalidInput("Invalid input. ids: give at least one series id", field="ids")
        if any(not i.isdigit() for i in ids) or len(ids) > 100:
            raise InvalidInput("Invalid input. ids: at most 100 numeric ids", field="ids")
        rows = list(selectors.series_list(org=request.org, ids=[int(i) for i in ids]))
        if not rows:
            raise errors.SeriesNotFound(field="ids")
        return Response({"entity": [s.series_v2(r) for r in rows], "warnings": []})


class SeriesDetailV2(V2APIView):
    """PUT /v2/coupon/series/{id}: change settings (wrapped or unwrapped body)."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_series_update")
    def put(self, request, series_id: str):
        series = selectors.series_get(org=request.org, series_id=series_id)
        data = s.series_fields(request.data if isinstance(request.data, dict) else {}, org=request.org)
        data.pop("series_code", None)
        series = services.series_update(org=request.org, series=series, data=data, till=request.till)
        return Response({**s.series_v2(series), "warnings": []})


class IssueV2(V2APIView):
    """POST /v2/coupon/issue: one coupon of a series to a customer."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponIssueInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_issue")
    def post(self, request):
        body = s.CouponIssueInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        customer = v2_customer(org=request.org, data=body.validated_data["customer"])
        series = selectors.series_get(org=request.org, series_id=body.validated_data["seriesId"])
        result = services.coupon_issue(org=request.org, series_id=series.pk, customer=customer, till=request.till)
        return Response({**s.coupon_v2(result.coupon), "customer": _customer_block(customer, request.org),
                         "warnings": []})


class BulkIssueV2(V2APIView):
    """POST /v2/coupon/bulk/issue: one coupon of each series to one customer; each series answers on its own."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponBulkIssueInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_bulk_issue")
    def post(self, request):
        body = s.CouponBulkIssueInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        customer = v2_customer(org=request.org, data=body.validated_data["customer"])
        items, failures = [], 0
        for raw in body.validated_data["seriesIds"]:
            try:
                series = selectors.series_get(org=request.org, series_id=raw)
                result = services.coupon_issue(org=request.org, series_id=series.pk, customer=customer,
                                               till=request.till)
                items.append({"entityId": series.pk, "result": s.coupon_v2(result.coupon), "errors": [],
                              "warnings": []})
            except DomainError as exc:
                failures += 1
                items.append({"entityId": int(raw) if str(raw).isdigit() else raw, "result": None,
                              "errors": [{"status": False, "code": exc.code, "message": exc.message}],
                              "warnings": []})
        return Response({"response": items, "totalCount": len(items), "failureCount": failures, "warnings": []})


def _redeem_context(request, data: dict):
    user = data.get("user") or data.get("customer")
    customer = v2_customer(org=request.org, data=user or {})
    amount = decimal_of(data.get("billAmount"), "billAmount", allow_none=True)
    at = moment_of(data["redemptionTime"], "redemptionTime", request.org) if data.get("redemptionTime") \
        else timezone.now()
    return customer, amount, at


def _redeem_items(request, data: dict, *, case=None):
    """Redeem every listed code on its own (a failed code writes nothing); [(item, error, redemption)]."""
    customer, amount, at = _redeem_context(request, data)
    out = []
    for entry in data["redemptionRequestList"]:
        code = str(entry.get("code") or "").strip()
        try:
            if not code and entry.get("id"):
                code = selectors.coupon_get(org=request.org, coupon_id=entry["id"]).code
            ctx = services.RedeemContext(customer=customer, at=at, store=request.store,
                                         bill_number=str(data.get("transactionNumber") or "").strip(),
                                         bill_amount=amount, validation_code=str(entry.get("validationCode") or ""))
            result = services.coupon_redeem(org=request.org, code=code, ctx=ctx, till=request.till)
            redemption = result.redemption
            out.append((s.redemption_item_v2(code=code, coupon=redemption.coupon, redemption=redemption, case=case),
                        None, redemption))
        except errors.CouponError as exc:
            coupon = None
            try:
                coupon = selectors.coupon_for_customer(org=request.org, code=code, customer=customer)
            except errors.CouponError:
                pass
            out.append((s.redemption_item_v2(code=code, coupon=coupon, error=exc, case=case), exc, None))
    return customer, out


class RedeemV2(V2APIView):
    """POST /v2/coupon/redeem: codes of one customer against one bill; a retry with the same bill answers the
    first redemption again."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponRedeemInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_redeem")
    def post(self, request):
        body = s.CouponRedeemInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        customer, results = _redeem_items(request, body.validated_data)
        failures = [err for _, err, _ in results if err is not None]
        first = failures[0] if failures else None
        answer = {"redemption": [item for item, _, _ in results],
                  "redemptionStatus": {"status": first is None, "message": first.message if first else
                                       "Coupon processing successful", "code": first.code if first else 700},
                  "customer": _customer_block(customer, request.org), "warnings": [],
                  "errors": [{"status": False, "code": e.code, "message": e.message} for e in failures]}
        status = failures[0].status if failures and len(failures) == len(results) else 200
        return Response(answer, status=status)


class BulkRedeemV2(V2APIView):
    """POST /v2/coupon/bulk/redeem: as redeem, answered per redemption in the bulk shape."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponRedeemInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_bulk_redeem")
    def post(self, request):
        body = s.CouponRedeemInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        _, results = _redeem_items(request, body.validated_data)
        response = [{"entityId": red.pk if red else 0, "result": item,
                     "errors": [{"status": False, "code": err.code, "message": err.message}] if err else []}
                    for item, err, red in results]
        return Response({"response": response, "totalCount": len(results),
                         "failureCount": sum(1 for _, err, _ in results if err), "warnings": []})


class IsRedeemableV2(V2APIView):
    """GET /v2/coupon/is_redeemable?mobile=…&code=A,B: per code, whether it can be redeemed and why not."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter("code", str), OpenApiParameter("mobile", str),
                               OpenApiParameter("email", str), OpenApiParameter("externalId", str),
                               OpenApiParameter("id", str), OpenApiParameter("billAmount", str),
                               OpenApiParameter("details", str)],
                   responses=OBJECT, tags=TAGS, operation_id="v2_coupon_is_redeemable")
    def get(self, request):
        params = request.query_params
        codes = _list_param(request, "code")
        if not codes:
            raise errors.CodeInvalid(field="code")
        customer = v2_customer(org=request.org, data={k: params.get(k) for k in ("id", "mobile", "email",
                                                                                  "externalId")})
        amount = decimal_of(params.get("billAmount"), "billAmount", allow_none=True)
        details = (params.get("details") or "").lower()
        items, first_error = [], None
        for code in codes[:100]:
            ctx = services.RedeemContext(customer=customer, at=timezone.now(), store=request.store,
                                         bill_amount=amount, bill_number=params.get("transactionNumber") or "")
            check = services.coupon_redeemability(org=request.org, code=code, ctx=ctx)
            item = {"appendedErrorMessage": check.error.message if check.error else "", "code": code,
                    "isAbsolute": bool(check.coupon and check.coupon.series.discount_type == "ABS"),
                    "isRedeemable": check.error is None, "numberOfRedemptionsByUser": check.redemptions_by_user,
                    "redemptionsLeft": check.redemptions_left, "warnings": [],
                    "redemptionStatus": {"status": check.error is None,
                                         "code": check.error.code if check.error else 700,
                                         "message": check.error.message if check.error else "Coupon isRedeem successful"}}
            if check.coupon is not None and details in ("true", "extended"):
                item["seriesInfo"] = s.series_v2(check.coupon.series) if details == "extended" else \
                    s.coupon_v2(check.coupon)
            first_error = first_error or check.error
            items.append(item)
        return Response({"customer": _customer_block(customer, request.org), "redemption": items,
                         "redemptionStatus": {"code": first_error.code if first_error else 700,
                                              "message": first_error.message if first_error else
                                              "Coupon isRedeem successful", "status": first_error is None},
                         "warnings": []})


class ReactivateV2(V2APIView):
    """POST /v2/coupon/reactivate {"redemptionIds": [...]}: reverse redemptions (all or none)."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponReactivateInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_reactivate")
    def post(self, request):
        body = s.CouponReactivateInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        services.redemptions_reverse(org=request.org, redemption_ids=body.validated_data["redemptionIds"],
                                     till=request.till)
        return Response({"warnings": [], "errors": [], "success": True})


class CouponsV2(V2APIView):
    """GET /v2/coupon?issuedToIds=…|couponIds=…|couponCodes=… (paged with limit/offset)."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter("issuedToIds", str, many=True),
                               OpenApiParameter("couponIds", str, many=True),
                               OpenApiParameter("couponCodes", str, many=True),
                               OpenApiParameter("coupon_code_case", str)],
                   responses=OBJECT, tags=TAGS, operation_id="v2_coupon_get")
    def get(self, request):
        holders, ids, codes = (_list_param(request, n) for n in ("issuedToIds", "couponIds", "couponCodes"))
        if not (holders or ids or codes):
            raise errors.NothingPassed(field="issuedToIds")
        for name, values in (("issuedToIds", holders), ("couponIds", ids)):
            if any(not v.isdigit() for v in values):
                raise InvalidInput(f"Invalid input. {name}: numeric ids", field=name)
        qs = selectors.coupon_list(org=request.org, customer_ids=[int(i) for i in holders] if holders else None,
                                   coupon_ids=[int(i) for i in ids] if ids else None, codes=codes or None)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        case = request.query_params.get("coupon_code_case")
        return Response({"data": [s.coupon_v2(c, case=case) for c in page],
                         "pagination": paginator.pagination_block(), "warnings": [], "errors": []})


class RevokeV2(V2APIView):
    """POST /v2/coupon/revoke: unredeemed coupons by codes, or every one of a customer in a series."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponRevokeInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_revoke")
    def post(self, request):
        body = s.CouponRevokeInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        series = selectors.series_get(org=request.org, series_id=data["couponSeriesId"]) \
            if data.get("couponSeriesId") else None
        customer = v2_customer(org=request.org, data=data["customer"]) if data.get("customer") else None
        outcome = services.coupons_revoke(org=request.org, series=series, codes=data.get("couponCodes") or None,
                                          customer=customer, till=request.till)
        failed = []
        if outcome.not_found:
            failed.append({"errorCode": 682, "errorMessage": "Coupon not found", "couponCodes": outcome.not_found})
        if outcome.redeemed:
            failed.append({"errorCode": 711, "errorMessage": "Coupon is redeemed already",
                           "couponCodes": outcome.redeemed})
        entity = {"totalCount": outcome.total, "failedCount": outcome.total - len(outcome.revoked),
                  "revokedCoupons": [{"couponId": c.pk, "couponCode": c.code, "issuedToUserId": c.customer_id}
                                     for c in outcome.revoked], "failedToRevoke": failed}
        return Response({"entity": entity, "warnings": [], "errors": [], "success": True})


class TransferV2(V2APIView):
    """POST /v2/coupon/transfer (beyond the platform): move an unredeemed coupon of a transferable series."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=s.CouponTransferInputV2, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_transfer")
    def post(self, request):
        body = s.CouponTransferInputV2(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sender = v2_customer(org=request.org, data=data["fromCustomer"])
        receiver = v2_customer(org=request.org, data=data["toCustomer"])
        coupon = services.coupon_transfer(org=request.org, code=data["code"], from_customer=sender,
                                          to_customer=receiver, till=request.till)
        return Response({"entity": s.coupon_v2(coupon), "warnings": [], "errors": []})


class RedeemedUploadStatusV2(V2APIView):
    """GET /v2/upload/getUploadRedeemedCouponStatus/{couponSeriesId}."""

    access_resource = AccessResource.COUPON

    @extend_schema(responses=OBJECT, tags=TAGS, operation_id="v2_coupon_redeemed_upload_status")
    def get(self, request, series_id: str):
        series = selectors.series_get(org=request.org, series_id=series_id)
        return Response(redeemed_status_body(request, series, kind=UploadKind.REDEEMED))


class CustomerCouponsV2(V2APIView):
    """GET /v2/customers/{id}/coupons: the customer's coupons with series and redemptions (paged)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[OpenApiParameter("coupon_code_case", str), OpenApiParameter("status", str),
                               OpenApiParameter("seriesId", str)],
                   responses=OBJECT, tags=TAGS, operation_id="v2_customer_coupons_detailed")
    def get(self, request, customer_id: str):
        customer = customer_get(org=request.org, customer_id=customer_id)
        qs = selectors.coupon_list(org=request.org, customer_ids=[customer.pk],
                                   series_id=request.query_params.get("seriesId"),
                                   status=(request.query_params.get("status") or "").lower() or None,
                                   now=timezone.now())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        case = request.query_params.get("coupon_code_case")
        return Response({"entity": [s.coupon_detailed_v2(c, case=case) for c in page],
                         "pagination": paginator.pagination_block(), "warnings": []})


class CustomerCouponsBasicV2(V2APIView):
    """GET /v2/customers/coupons?mobile=…: the customer and their coupons in the basic shape (paged)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("mobile", "email", "externalId", "id",
                                                                   "coupon_code_case")],
                   responses=OBJECT, tags=TAGS, operation_id="v2_customer_coupons_basic")
    def get(self, request):
        params = request.query_params
        customer = v2_customer(org=request.org, data={k: params.get(k) for k in ("id", "mobile", "email",
                                                                                  "externalId")})
        qs = selectors.coupon_list(org=request.org, customer_ids=[customer.pk])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        case = params.get("coupon_code_case")
        who = identity(customer)
        return Response({"entity": {"pagination": paginator.pagination_block(), "customers": [{
            "firstname": customer.first_name, "lastname": customer.last_name, "email": who["email"],
            "mobile": who["mobile"], "id": customer.pk,
            "coupons": [s.coupon_basic_v2(c, case=case) for c in page]}]}, "warnings": []})


class ExpiryV2(V2APIView):
    """PUT /v2/coupon/bulk/expiry: change coupons' expiry dates (≤100), each code answered on its own."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_bulk_expiry")
    def put(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        if not str(data.get("couponSeriesId") or "").strip():
            raise errors.NothingPassed("coupon seriesid is mandatory", field="couponSeriesId")
        series = selectors.series_get(org=request.org, series_id=data["couponSeriesId"])
        customer = v2_customer(org=request.org, data=data["customer"]) if data.get("customer") else None
        entries = data.get("couponCodes")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise errors.NothingPassed("Atleast one coupon code and expiry date info is mandatory.",
                                       field="couponCodes")
        items = [(str(e.get("couponCode") or ""), moment_of(e.get("expiryDate"), "expiryDate", request.org))
                 for e in entries]
        outcome = services.coupons_expiry_update(org=request.org, series=series, items=items, customer=customer,
                                                 till=request.till)
        failed = [
            {"expiryDate": iso(f["expiry"]), "couponCode": f["couponCode"], "errorCode": f["errorCode"],
             "errorMessage": f["errorMessage"]} for f in outcome.failed]
        return Response({"entity": {"totalCount": len(items), "failedCount": len(failed),
                                    "successCount": len(outcome.updated), "unprocessedCoupons": failed,
                                    "userId": customer.pk if customer else None, "couponSeriesId": series.pk},
                         "warnings": [], "errors": [], "success": True})


class IssueMultipleV2(V2APIView):
    """POST /v2/coupon/issue/multiple {"seriesId", "count" (≤500, default 1), "customer"}: several coupons of one
    series to one customer; issuance stops at the first refusal, which is reported in `errors`."""

    access_resource = AccessResource.COUPON
    MAX_COUNT = 500

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v2_coupon_issue_multiple")
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        count = int_of(data.get("count") if data.get("count") not in (None, "") else 1, "count")
        if not 1 <= count <= self.MAX_COUNT:
            raise InvalidInput(f"Invalid input. count: 1 to {self.MAX_COUNT}", field="count")
        customer = v2_customer(org=request.org, data=data.get("customer") or {})
        series = selectors.series_get(org=request.org, series_id=data.get("seriesId") or data.get("seriesIds"))
        issued, refusal = {}, None
        for _ in range(count):
            try:
                result = services.coupon_issue(org=request.org, series_id=series.pk, customer=customer,
                                               till=request.till)
            except errors.CouponError as exc:
                refusal = exc
                break
            if not result.created:
                break  # a single-voucher series: the customer's coupon is all there is
            issued[result.coupon.pk] = result.coupon
        series.refresh_from_db()
        config = {k: v for k, v in s.series_v2(series).items() if k in (
            "customPropertyMap", "id", "description", "discountCode", "info", "discountUpto", "discountValue",
            "redemptionValidAfterDays", "randomCodeLength", "numTotal", "latestIssualTime", "latestRedemptionTime",
            "discountOn", "discountType", "alphaNumeric")}
        if refusal is not None and not issued:
            raise refusal
        failures = [{"status": False, "code": refusal.code, "message": refusal.message}] if refusal else []
        return Response({"coupons": [{"code": c.code, "couponId": c.pk} for c in issued.values()],
                         "couponConfig": config, "totalCount": count, "failureCount": count - len(issued),
                         "successCount": len(issued), "customer": _customer_block(customer, request.org),
                         "errors": failures, "warnings": []})

