"""v1.1 (and v1) coupon endpoints: issue, redeem, isredeemable, get, resend, series, and the customer's coupons and
redemptions. Bodies are `{"root": {"coupon": [...]}}`; each item answers its own `item_status` (700 or a 7xx)."""
from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V11APIView
from apps.core.errors import BatchLimitExceeded, DomainError, InvalidInput
from apps.organizations.models import Store
from apps.points import selectors as points_selectors
from apps.points.selectors import org_zone

from ... import errors, selectors, services
from ..common import (decimal_of, flag, identity, local_day, local_stamp, moment_of, number, v11_customer)
from ..v2.serializers import redemptions_left

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["coupons"]
BATCH_LIMIT = 100
IDENTIFIER_PARAMS = [OpenApiParameter(n, str) for n in ("mobile", "email", "external_id", "id", "card_number")]


def item_status(*, code: int = 700, message: str = errors.SUCCESS_MESSAGE, success: bool = True) -> dict:
    return {"success": "true" if success else "false", "code": str(code), "message": message}


def _items(request) -> list[dict]:
    root = request.data.get("root") if isinstance(request.data, dict) else None
    items = (root or {}).get("coupon") if isinstance(root, dict) else None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise InvalidInput('Invalid input. Send {"root": {"coupon": [...]}}', field="root")
    if len(items) > BATCH_LIMIT:
        raise BatchLimitExceeded(maximum=BATCH_LIMIT)
    return items


def _answer(view, key: str, blocks: list[dict], failures: list[DomainError], wrap: str | None = None) -> Response:
    """The v1.1 batch answer: 200 all good, 201-style partial, or the first failure's status when all failed."""
    payload = blocks[0] if len(blocks) == 1 else blocks
    body = {key: {wrap: payload} if wrap else payload}
    if not failures:
        return Response(view.envelope.success(body))
    if len(failures) == len(blocks):
        status = view.envelope.status(success=False, code=500, message="All requests have failed due to errors")
        return Response({"response": {"status": status, **body}}, status=failures[0].status)
    status = view.envelope.status(success=True, code=201, message="Some requests have failed due to errors")
    return Response({"response": {"status": status, **body}})


def series_info_v11(series, org) -> dict:
    return {"id": str(series.pk), "description": series.description,
            "discount_code": series.discount_code or "NO_VALUE", "valid_till": local_day(series.valid_till, org),
            "discount_type": series.discount_type, "discount_value": str(number(series.discount_value)),
            "discount_upto": str(number(series.discount_upto)), "discount_on": series.discount_on,
            "detailed_info": series.info or series.description}


class IssueV11(V11APIView):
    """POST /v1.1/coupon/issue: `{"root": {"coupon": [{"series_id", "customer": {...}}]}}`."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v11_coupon_issue")
    def post(self, request):
        blocks, failures = [], []
        for item in _items(request):
            given = item.get("customer") if isinstance(item.get("customer"), dict) else {}
            try:
                customer = v11_customer(org=request.org, data=given)
                series = selectors.series_get(org=request.org, series_id=item.get("series_id"))
                coupon = services.coupon_issue(org=request.org, series_id=series.pk, customer=customer,
                                               till=request.till).coupon
                block = {"code": coupon.code, "valid_till": local_day(coupon.valid_till, request.org),
                         "series_info": series_info_v11(series, request.org),
                         "customer": {**{k: v for k, v in given.items() if k != "user_id"},
                                      **({"user_id": str(customer.pk)} if flag(request.query_params.get("user_id"))
                                         else {})},
                         "item_status": item_status()}
            except DomainError as exc:
                failures.append(exc)
                block = {"code": "", "customer": given,
                         "item_status": item_status(code=exc.code, message=exc.message, success=False)}
            blocks.append(block)
        return _answer(self, "coupon", blocks, failures)


class RedeemV11(V11APIView):
    """POST /v1.1/coupon/redeem: codes against bills (`transaction: [{number, amount}]`); a retry with the same
    bill answers the first redemption."""

    access_resource = AccessResource.COUPON

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v11_coupon_redeem")
    def post(self, request):
        blocks, failures = [], []
        for item in _items(request):
            given = item.get("customer") if isinstance(item.get("customer"), dict) else {}
            bill = item.get("transaction") or {}
            bill = bill[0] if isinstance(bill, list) and bill else bill
            bill = bill if isinstance(bill, dict) else {}
            code = str(item.get("code") or "").strip()
            block = {"customer": given, "code": code,
                     "transaction": {"number": str(bill.get("number") or ""), "amount": str(bill.get("amount") or "")}}
            try:
                customer = v11_customer(org=request.org, data=given)
                if not code and item.get("id"):
                    code = selectors.coupon_get(org=request.org, coupon_id=item["id"]).code
                at = moment_of(item["redemption_time"], "redemption_time", request.org) \
                    if item.get("redemption_time") else timezone.now()
                ctx = services.RedeemContext(customer=customer, at=at, store=request.store,
                                             bill_number=str(bill.get("number") or "").strip(),
                                             bill_amount=decimal_of(bill.get("amount"), "amount", allow_none=True),
                                             validation_code=str(item.get("validation_code") or ""))
                redemption = services.coupon_redeem(org=request.org, code=code, ctx=ctx, till=request.till).redemption
                series = redemption.series
                block.update(redemptionId=str(redemption.pk), code=redemption.coupon.code,
                             discount_code=series.discount_code or "NO_VALUE", series_code=str(series.pk),
                             series_info=[], is_absolute="true" if series.discount_type == "ABS" else "false",
                             coupon_value=str(number(series.discount_value)), discount=str(redemption.discount),
                             side_effects=[], item_status=item_status())
            except DomainError as exc:
                failures.append(exc)
                block["item_status"] = item_status(code=exc.code, message=exc.message, success=False)
            blocks.append(block)
        return _answer(self, "coupons", blocks, failures, wrap="coupon")


class IsRedeemableV11(V11APIView):
    """GET /v1.1/coupon/isredeemable?code=…&mobile=…&details=true: per code, `is_redeemable` and the 7xx reason."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter("code", str), OpenApiParameter("details", str),
                               OpenApiParameter("amount", str), *IDENTIFIER_PARAMS],
                   responses=OBJECT, tags=TAGS, operation_id="v11_coupon_isredeemable")
    def get(self, request):
        params = request.query_params
        codes = [c.strip() for c in (params.get("code") or "").split(",") if c.strip()]
        if not codes:
            raise errors.CodeInvalid(field="code")
        given = {k: params.get(k) for k in ("mobile", "email", "external_id", "id", "card_number") if params.get(k)}
        customer = v11_customer(org=request.org, data=given)
        amount = decimal_of(params.get("amount"), "amount", allow_none=True)
        blocks = []
        for code in codes[:BATCH_LIMIT]:
            ctx = services.RedeemContext(customer=customer, at=timezone.now(), store=request.store, bill_amount=amount)
            check = services.coupon_redeemability(org=request.org, code=code, ctx=ctx)
            err = check.error
            block = {**given, "code": code, "is_redeemable": "false" if err else "true",
                     "item_status": item_status(code=err.code if err else 700,
                                                message=err.message if err else errors.SUCCESS_MESSAGE,
                                                success=err is None)}
            if check.coupon is not None and (params.get("details") or "").lower() in ("true", "extended"):
                block["series_info"] = series_info_v11(check.coupon.series, request.org)
            blocks.append(block)
        payload = blocks[0] if len(blocks) == 1 else blocks
        return Response(self.envelope.success({"coupons": {"redeemable": payload}}))


def coupon_v11(coupon, org) -> dict:
    series = coupon.series
    live = [r for r in coupon.redemptions.all() if not r.is_reversed]
    last = live[-1] if live else None
    return {"id": str(coupon.pk), "code": coupon.code, "series_id": str(series.pk),
            "description": series.description, "discount_code": series.discount_code or "NO_VALUE",
            "is_absolute": "true" if series.discount_type == "ABS" else "false",
            "value": str(number(series.discount_value)), "issued_on": local_stamp(coupon.issued_at, org),
            "valid_till": local_day(coupon.valid_till, org), "issued_to": str(coupon.customer_id or ""),
            "redemption_count": str(coupon.redemption_count), "redemptions_left": str(redemptions_left(coupon)),
            "redemption_info": {"redeemed": "true" if live else "false",
                                "redeemed_on": local_stamp(last.redeemed_at, org) if last else "",
                                "redeemed_at": last.store.name if last and last.store else "",
                                "transaction_number": last.bill_number if last else ""}}


class CouponGetV11(V11APIView):
    """GET /v1.1/coupon/get?code=A,B | id=… | issuedToIds=…: coupon details with redemption info."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("code", "id", "issuedToIds")], responses=OBJECT,
                   tags=TAGS, operation_id="v11_coupon_get")
    def get(self, request):
        params = request.query_params
        split = lambda name: [v.strip() for v in (params.get(name) or "").split(",") if v.strip()]  # noqa: E731
        codes, ids, holders = split("code"), split("id"), split("issuedToIds")
        if not (codes or ids or holders):
            raise errors.NothingPassed(field="code")
        if any(not v.isdigit() for v in ids + holders):
            raise InvalidInput("Invalid input. id / issuedToIds: numeric ids", field="id")
        qs = selectors.coupon_list(org=request.org, codes=codes or None, coupon_ids=[int(i) for i in ids] or None,
                                   customer_ids=[int(i) for i in holders] or None)
        rows = list(qs[:BATCH_LIMIT])
        if not rows:
            raise errors.CouponNotFound(field="code")
        payload = [coupon_v11(c, request.org) for c in rows]
        return Response(self.envelope.success({"coupons": {"coupon": payload[0] if len(payload) == 1 else payload}}))


class ResendV11(V11APIView):
    """GET /v1.1/coupon/resend?id=…|code=…: send the coupon to its holder again."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter("id", str), OpenApiParameter("code", str), *IDENTIFIER_PARAMS[:3]],
                   responses=OBJECT, tags=TAGS, operation_id="v11_coupon_resend")
    def get(self, request):
        params = request.query_params
        if not (params.get("id") or params.get("code")):
            raise errors.NothingPassed(field="code")
        if params.get("code") and any(params.get(k) for k in ("mobile", "email", "external_id")):
            customer = v11_customer(org=request.org, data={k: params.get(k) for k in ("mobile", "email",
                                                                                      "external_id")})
            coupon = selectors.coupon_for_customer(org=request.org, code=params["code"], customer=customer)
        else:
            coupon = selectors.coupon_get(org=request.org, coupon_id=params.get("id"), code=params.get("code"))
        services.coupon_resend(org=request.org, coupon=coupon, till=request.till)
        return Response(self.envelope.success({"coupon": {"id": str(coupon.pk), "code": coupon.code,
                                                          "item_status": item_status(message="Coupon Resent")}},
                                              message="Coupon Resent"))


class SeriesV11(V11APIView):
    """GET /v1.1/coupon/series?id=…&expired=true|false: one series, or every series of the org (paged)."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter("id", str), OpenApiParameter("expired", str)], responses=OBJECT,
                   tags=TAGS, operation_id="v11_coupon_series")
    def get(self, request):
        params = request.query_params
        if params.get("id"):
            rows = [selectors.series_get(org=request.org, series_id=params["id"])]
        else:
            qs = selectors.series_list(org=request.org)
            expired = (params.get("expired") or "").lower()
            if expired == "false":
                qs = qs.filter(valid_till__gte=timezone.now())
            elif expired == "true":
                qs = qs.filter(valid_till__lt=timezone.now())
            rows = self.pagination_class().paginate_queryset(qs, request, view=self)
        items = [{**series_info_v11(r, request.org), "max_create": str(r.max_create), "max_redeem": str(r.max_redeem),
                  "num_issued": str(r.num_issued), "num_redeemed": str(r.num_redeemed),
                  "any_user": "true" if r.any_user else "false", "series_code": r.series_code} for r in rows]
        return Response(self.envelope.success({"series": {"items": {"item": items}}}))


def _day_range(params, org):
    zone, start, end = org_zone(org), None, None
    try:
        if params.get("start_date"):
            start = datetime.combine(datetime.strptime(params["start_date"], "%Y-%m-%d").date(), time(), zone)
        if params.get("end_date"):
            end = datetime.combine(datetime.strptime(params["end_date"], "%Y-%m-%d").date(), time(), zone)
    except ValueError:
        raise InvalidInput("Invalid input. start_date / end_date: YYYY-MM-DD", field="start_date") from None
    return start, end


def _limit(params, name: str, default: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not str(raw).isdigit() or not 0 < int(raw) <= 100:
        raise InvalidInput(f"Invalid input. {name}: 1 to 100", field=name)
    return int(raw)


class CustomerCouponsV11(V11APIView):
    """GET /v1.1/customer/coupons?mobile=…: the customer's coupons with their redemptions."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[*IDENTIFIER_PARAMS, OpenApiParameter("status", str), OpenApiParameter("series_id", str),
                               OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
                   responses=OBJECT, tags=TAGS, operation_id="v11_customer_coupons")
    def get(self, request):
        params = request.query_params
        given = {k: params.get(k) for k in ("mobile", "email", "external_id", "id", "card_number") if params.get(k)}
        customer = v11_customer(org=request.org, data=given)
        store = None
        if params.get("store_id"):
            store = Store.objects.for_org(request.org).filter(
                pk=int(params["store_id"]) if params["store_id"].isdigit() else 0).first()
        qs = selectors.coupon_list(org=request.org, customer_ids=[customer.pk], series_id=params.get("series_id"),
                                   status=(params.get("status") or "").lower() or None, store=store,
                                   now=timezone.now())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        who = identity(customer)
        coupons = [{"id": str(c.pk), "series_id": str(c.series_id), "redemption_count": str(c.redemption_count),
                    "created_date": (c.issued_at or c.created_at).astimezone(org_zone(request.org)).isoformat(
                        timespec="seconds"),
                    "valid_till": local_day(c.valid_till, request.org), "code": c.code,
                    "transaction_number": c.transaction_number,
                    "redemptions": {"redemption": [
                        {"date": local_stamp(r.redeemed_at, request.org), "transaction_number": r.bill_number,
                         "redeemed_at": {"code": r.store.code, "name": r.store.name} if r.store else None}
                        for r in c.redemptions.all() if not r.is_reversed]}} for c in page]
        block = {"firstname": customer.first_name, "lastname": customer.last_name, "email": who["email"],
                 "mobile": who["mobile"], "external_id": who["external_id"], "id": str(customer.pk),
                 "coupons": {"coupon": coupons},
                 "item_status": item_status(code=1000, message="Issued coupons retrieved successfully")}
        pagination = {k: str(v) if k != "total" else v for k, v in paginator.pagination_block().items()}
        return Response(self.envelope.success({"pagination": pagination, "customers": {"customer": block}}))


class CustomerRedemptionsV11(V11APIView):
    """GET /v1.1/customer/redemptions?mobile=…&type=POINTS|COUPONS|BOTH: coupon and points redemptions."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[*IDENTIFIER_PARAMS, *(OpenApiParameter(n, str) for n in (
        "type", "start_date", "end_date", "limit", "coupons_limit", "points_limit", "sort", "order"))],
        responses=OBJECT, tags=TAGS, operation_id="v11_customer_redemptions")
    def get(self, request):
        params = request.query_params
        given = {k: params.get(k) for k in ("mobile", "email", "external_id", "id") if params.get(k)}
        customer = v11_customer(org=request.org, data=given)
        kind = (params.get("type") or "BOTH").upper()
        if kind not in ("POINTS", "COUPONS", "BOTH"):
            raise InvalidInput("Invalid input. type: POINTS, COUPONS or BOTH", field="type")
        start, end = _day_range(params, request.org)
        limit = _limit(params, "limit", 10)
        ascending = (params.get("order") or "desc").lower() == "asc"
        by_id = (params.get("sort") or "").lower() == "redemption_id"
        org = request.org
        coupons, points = [], []
        if kind in ("COUPONS", "BOTH"):
            qs = selectors.redemption_list(org=org, customer=customer, start=start, end=end)
            qs = qs.order_by(*(("id",) if by_id else ("redeemed_at", "id"))) if ascending else (
                qs.order_by("-id") if by_id else qs)
            for r in qs[:_limit(params, "coupons_limit", limit)]:
                coupons.append({"id": str(r.pk), "code": r.coupon.code, "series_id": str(r.series_id),
                                "description": r.series.description,
                                "discount_code": r.series.discount_code or "NO_VALUE",
                                "discount_type": r.series.discount_type, "discount": str(r.discount),
                                "transaction_number": r.bill_number, "redeemed_time": local_stamp(r.redeemed_at, org),
                                "redeemed_at": f"{r.store.name if r.store else ''} {r.till.code if r.till else ''}".strip()})
        if kind in ("POINTS", "BOTH"):
            qs = points_selectors.redemption_list(org=org, customer=customer, start=start, end=end)
            qs = qs.order_by(*(("id",) if by_id else ("redeemed_at", "id"))) if ascending else (
                qs.order_by("-id") if by_id else qs)
            for r in qs[:_limit(params, "points_limit", limit)]:
                points.append(_points_item(r, org))
        who = identity(customer)
        body = {"mobile": who["mobile"], "email": who["email"], "external_id": who["external_id"],
                "firstname": customer.first_name, "lastname": customer.last_name,
                "rows": str(len(coupons) + len(points)), "coupons_count": str(len(coupons)),
                "points_count": str(len(points)),
                "coupons_start_id": coupons[-1]["id"] if coupons else "",
                "points_start_id": str(points[-1]["id"]) if points else "",
                "redemptions": {"coupons": {"coupon": coupons}, "points": {"point": points}}}
        if flag(params.get("user_id")):
            body["user_id"] = str(customer.pk)
        return Response(self.envelope.success({"customer": body}))


def _points_item(r, org) -> dict:
    program = r.account.program
    points = number(r.points)
    item = {"id": r.pk, "redemption_id": r.code, "program_id": program.pk, "points_redeemed": points,
            "transaction_number": r.bill_number, "validation_code": "",
            "redeemed_time": local_stamp(r.redeemed_at, org), "redeemed_at": r.till.code if r.till else "",
            "notes": r.notes,
            "redeemed_store": {"code": r.store.code, "name": r.store.name} if r.store else None,
            "redeemed_till": {"code": r.till.code, "name": r.till.name} if r.till else None,
            "redemption_breakup_by_program": [{"program_id": program.pk, "points_redeemed": points,
                                               "program_name": program.name}]}
    reversals = list(r.entry.reversals.all())
    if reversals:
        item["reversals"] = [{"reversal_id": e.pk, "points_reversed": number(e.available_delta),
                              "reversal_time": local_stamp(e.created_at, org), "reversed_on_till_id": e.till_id,
                              "reversal_breakup_by_program": [{"program_id": program.pk,
                                                               "points_reversed": number(e.available_delta),
                                                               "program_name": program.name}]} for e in reversals]
    return item
