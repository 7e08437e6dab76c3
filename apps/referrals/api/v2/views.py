"""v2 referral endpoints: refer, a customer's referrals (by id or lookup), and referral-code validation."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.customers.selectors import customer_detail_get, customer_details_prefetch, customer_lookup_by_names
from apps.referrals import errors, selectors, services

from . import serializers as s

TAGS = ["referrals"]


def _referrals_response(view, request, customer, *, campaign_token=None) -> Response:
    """The GET referrals body: invitees and referees paged with the same limit/offset (total: invitees)."""
    org = request.org
    code = services.referral_code_ensure(org=org, customer=customer)
    paginator = view.pagination_class()
    invitees = paginator.paginate_queryset(
        selectors.referral_list(org=org, referrer=customer, campaign_token=campaign_token), request, view=view)
    window = slice(paginator.offset, paginator.offset + paginator.limit)
    referees = list(selectors.referee_list(org=org, referrer=customer)[window])
    stats = selectors.referral_stats(org=org, referrer=customer)
    block = s.referral_block_v2(customer, org=org, code=code, invitees=invitees, referees=referees, stats=stats)
    return Response({"pagination": paginator.pagination_block(), "data": [block], "warnings": [], "errors": []})


class CustomerReferralsV2(V2APIView):
    """POST /v2/customers/{id}/referrals: invite people; GET: the customer's invitees, referees and code."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=s.ReferralsInputV2, responses=s.ReferralsOutputV2, tags=TAGS,
                   operation_id="v2_customer_referrals_add")
    def post(self, request, customer_id):
        data = s.ReferralsInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        entries = data.validated_data["customerReferrals"]
        if not any(item for entry in entries for block in entry["referrals"] for item in block["referral"]):
            raise errors.ReferralsMissing()
        referrer = customer_detail_get(org=request.org, customer_id=customer_id)
        till = getattr(request, "till", None)
        answer = []
        for entry in entries:
            token = entry.get("campaignToken") or ""
            blocks = []
            for block in entry["referrals"]:
                outcomes = services.referrals_invite(org=request.org, referrer=referrer, campaign_token=token,
                                                     invitees=s.service_items(block), till=till) \
                    if block["referral"] else []
                blocks.append({"type": block["type"],
                               "referral": [s.invite_outcome_v2(o, org=request.org) for o in outcomes]})
            answer.append({"customer": s.referrer_v2(referrer), "campaignToken": token, "referrals": blocks})
        return Response({"customerReferrals": answer, "warnings": []})

    @extend_schema(parameters=[s.ReferralListQueryV2], responses=s.ReferralListOutputV2, tags=TAGS,
                   operation_id="v2_customer_referrals_list")
    def get(self, request, customer_id):
        query = s.ReferralListQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        customer = customer_detail_get(org=request.org, customer_id=customer_id)
        return _referrals_response(self, request, customer, campaign_token=query.validated_data.get("campaignToken"))


class CustomerLookupReferralsV2(V2APIView):
    """GET /v2/customers/lookup/referrals?source&accountId&identifierName&identifierValue."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.ReferralLookupQueryV2], responses=s.ReferralListOutputV2, tags=TAGS)
    def get(self, request):
        query = s.ReferralLookupQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        customer = customer_lookup_by_names(org=request.org, identifier_names=params["identifierName"],
                                           identifier_values=params["identifierValue"],
                                           source=params.get("source") or None,
                                           account_id=params.get("accountId") or None)
        customer_details_prefetch([customer])
        return _referrals_response(self, request, customer, campaign_token=params.get("campaignToken"))


class ReferralValidateV2(V2APIView):
    """GET /v2/validate?code= (and /v2/referral/validate): is this a referral code of the org, and whose."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.ReferralValidateQueryV2], responses=s.ReferralValidateOutputV2, tags=TAGS,
                   operation_id="v2_referral_validate")
    def get(self, request):
        query = s.ReferralValidateQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            referrer = selectors.referral_code_referrer(org=request.org, code=query.validated_data["code"])
        except errors.ReferralCodeInvalid:
            return Response({"valid": False, "referrer": None, "warnings": []})
        return Response({"valid": True, "referrer": referrer.pk, "warnings": []})


class ReferralValidateLegacyV2(ReferralValidateV2):
    @extend_schema(parameters=[s.ReferralValidateQueryV2], responses=s.ReferralValidateOutputV2, tags=TAGS,
                   operation_id="v2_referral_validate_legacy")
    def get(self, request):
        return super().get(request)
