"""v1.1 (and v1) referral endpoints: refer customers and read a customer's referral statistics."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import http_status_of
from apps.core.api.normalise import to_domain_errors
from apps.core.api.views import V11APIView
from apps.core.errors import BatchLimitExceeded, DomainError, InvalidInput
from apps.customers.errors import CustomerNotFound, as_v11
from apps.customers.selectors import customer_details_prefetch, customer_find
from apps.referrals import errors, selectors, services

from . import serializers as s

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["referrals"]
BATCH_LIMIT = 100


def _refer_one(request, item: dict) -> dict:
    """One `root.customer[]` entry: find the referrer, invite each referral; raises for a referrer-level failure."""
    identifiers = {k: item.get(k) for k in s.IDENTIFIER_KEYS if item.get(k) not in (None, "")}
    if not identifiers:
        identifiers = {k: request.query_params.get(k) for k in s.IDENTIFIER_KEYS if request.query_params.get(k)}
    try:
        referrer = customer_find(org=request.org, identifiers=identifiers)
    except CustomerNotFound:
        raise errors.ReferrerNotFound() from None
    customer_details_prefetch([referrer])
    token, blocks = s.referral_type_blocks(item)
    if not any(block["referral"] for block in blocks):
        raise errors.ReferralsMissing()
    answer = []
    for block in blocks:
        outcomes = services.referrals_invite(org=request.org, referrer=referrer, invitees=s.service_items(block),
                                             campaign_token=token, till=getattr(request, "till", None)) \
            if block["referral"] else []
        answer.append({"type": block["type"], "referral": [s.invite_outcome_v11(o, org=request.org)
                                                           for o in outcomes]})
    return {**s.person_v11(referrer), "referrals": {"referral_type": answer},
            "item_status": s.status_v11(success=True, code=1000, message="Referrals are invited successfully")}


class CustomerReferralsV11(V11APIView):
    """POST /v1.1/customer/referrals (refer, per-customer results) and GET (one customer's referral statistics)."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OBJECT, tags=TAGS, operation_id="v11_customer_referrals_add")
    def post(self, request):
        items = s.customer_items(request.data)
        if not items:
            raise InvalidInput("Invalid input. root.customer: at least one customer is required")
        if len(items) > BATCH_LIMIT:
            raise BatchLimitExceeded(maximum=BATCH_LIMIT)
        customers, failures = [], []
        for item in items:
            try:
                customers.append(_refer_one(request, item))
            except Exception as exc:  # per-customer failure: reported, the others go on
                errs = to_domain_errors(exc)
                if errs is None:
                    raise
                err = as_v11(errs[0])
                failures.append(err)
                customers.append({**{k: item.get(k) for k in ("email", "mobile", "external_id", "id")},
                                  "item_status": s.status_v11(success=False, code=err.code, message=err.message)})
        if not failures:
            status, http = self.envelope.status(success=True, code=200, message="SUCCESS"), 200
        elif len(failures) < len(items):
            status, http = self.envelope.status(success=True, code=201,
                                                message="Some requests have failed due to errors"), 200
        else:
            status = self.envelope.status(success=False, code=500, message="All requests have failed due to errors")
            http = http_status_of(failures)
        return Response({"response": {"status": status, "customers": {"customer": customers}}}, status=http)

    @extend_schema(parameters=[s.ReferralListQueryV11], responses=OBJECT, tags=TAGS,
                   operation_id="v11_customer_referrals_get")
    def get(self, request):
        query = s.ReferralListQueryV11(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            customer = customer_find(org=request.org, identifiers=params)
        except DomainError as exc:
            raise as_v11(exc) from None
        customer_details_prefetch([customer])
        org = request.org
        code = services.referral_code_ensure(org=org, customer=customer)
        body = {**s.person_v11(customer), "referral_code": code}
        if not params["only_referral_code"]:
            body.update(self._history(request, customer, params))
        body["item_status"] = s.status_v11(success=True, code=1000,
                                           message="Referral statistics retrieved successfully")
        return Response(self.envelope.success({"customer": body}))

    def _history(self, request, customer, params) -> dict:
        org = request.org
        start, end = _day_window(org, params.get("start_date"), params.get("end_date"))
        # The platform defaults to the caller's store; we default to every store, so invitations and registrations
        # recorded without a till (admin, back-office jobs) are not hidden. `store_code=<code>` narrows.
        store_code = params.get("store_code")
        store_code = None if (store_code or "").lower() in ("", "all") else store_code
        paginator = self.pagination_class()
        invitees = paginator.paginate_queryset(
            selectors.referral_list(org=org, referrer=customer, campaign_token=params.get("campaign_token"),
                                    start=start, end=end, store_code=store_code), request, view=self)
        window = slice(paginator.offset, paginator.offset + paginator.limit)
        referees = list(selectors.referee_list(org=org, referrer=customer, start=start, end=end,
                                               store_code=store_code)[window])
        return {"invitees": s.invitees_v11(invitees, org=org), "referees": s.referees_v11(referees, org=org),
                "incentives": [], "stats": selectors.referral_stats(org=org, referrer=customer)}


def _day_window(org, start_date, end_date) -> tuple[datetime | None, datetime | None]:
    """Whole days in the org's timezone: [start_date 00:00, end_date + 1 day 00:00)."""
    if start_date and end_date and start_date > end_date:
        raise InvalidInput("Invalid input. start_date is after end_date", field="start_date")
    zone = ZoneInfo(org.timezone or "UTC")
    start = datetime.combine(start_date, time.min, tzinfo=zone) if start_date else None
    end = datetime.combine(end_date + timedelta(days=1), time.min, tzinfo=zone) if end_date else None
    return start, end
