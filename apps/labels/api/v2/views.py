"""v2 customer-label endpoints: the org's labels, a customer's labels, tagging and search by label."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.envelopes import V2Envelope
from apps.core.api.views import V2APIView
from apps.customers.selectors import customer_get
from apps.labels import errors, selectors, services

from . import serializers as s

TAGS = ["customer labels"]


class OrgLabelsV2(V2APIView):
    """POST /v2/organization/label(s): add labels; GET /v2/organization/labels: the org's labels."""

    access_resource = AccessResource.ORGANIZATION

    @extend_schema(request=s.OrgLabelsInputV2, responses=s.LabelEntityOutputV2, tags=TAGS,
                   operation_id="v2_organization_labels_add")
    def post(self, request):
        data = s.OrgLabelsInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        services.labels_create(org=request.org, labels=data.validated_data.get("orgLabels") or [],
                               till=getattr(request, "till", None))
        return Response({"entity": request.org.pk, "warnings": []})

    @extend_schema(responses=s.OrgLabelListOutputV2, tags=TAGS, operation_id="v2_organization_labels_list")
    def get(self, request):
        labels = list(selectors.label_list(org=request.org))
        warnings = [] if labels else [V2Envelope.error_item(errors.OrgLabelsNotFound())]
        return Response({"data": [s.org_label_v2(label) for label in labels], "warnings": warnings, "errors": []})


class OrgLabelAddV2(OrgLabelsV2):
    """POST /v2/organization/label (the singular spelling of the same call)."""

    http_method_names = ["post", "options"]

    @extend_schema(request=s.OrgLabelsInputV2, responses=s.LabelEntityOutputV2, tags=TAGS,
                   operation_id="v2_organization_label_add")
    def post(self, request):
        return super().post(request)


class CustomerChangeLabelsV2(V2APIView):
    """POST /v2/customers/{id}/changeLabels: tag and untag by label name; unknown names come back as warnings."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(request=s.ChangeLabelsInputV2, responses=s.LabelEntityOutputV2, tags=TAGS)
    def post(self, request, customer_id):
        data = s.ChangeLabelsInputV2(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_get(org=request.org, customer_id=customer_id)
        warnings = services.customer_labels_change(org=request.org, customer=customer, add=data.names("add"),
                                                   remove=data.names("remove"), till=getattr(request, "till", None))
        return Response({"entity": customer.pk, "warnings": [V2Envelope.error_item(w) for w in warnings]})


class CustomerLabelsV2(V2APIView):
    """GET /v2/customers/{id}/labels: the labels the customer carries."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(responses=s.CustomerLabelListOutputV2, tags=TAGS)
    def get(self, request, customer_id):
        customer = customer_get(org=request.org, customer_id=customer_id)
        links = list(selectors.customer_label_list(org=request.org, customer=customer))
        warnings = [] if links else [V2Envelope.error_item(errors.CustomerLabelsNotFound())]
        return Response({"data": [s.customer_label_v2(link) for link in links], "warnings": warnings, "errors": []})


class CustomerLabelSearchV2(V2APIView):
    """GET /v2/customers/labels/search?q=: customers carrying a label whose name starts with q, paged."""

    access_resource = AccessResource.CUSTOMER

    @extend_schema(parameters=[s.LabelSearchQueryV2], responses=s.LabelSearchOutputV2, tags=TAGS)
    def get(self, request):
        query = s.LabelSearchQueryV2(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data["q"]
        paginator = self.pagination_class()
        customer_ids = paginator.paginate_queryset(selectors.label_search_customer_ids(org=request.org, q=q),
                                                   request, view=self)
        links = selectors.label_search_links(org=request.org, q=q, customer_ids=customer_ids)
        data = [{"userId": pk, "customerLabels": [s.search_label_v2(link) for link in links.get(pk, [])]}
                for pk in customer_ids]
        return Response({"pagination": paginator.pagination_block(), "data": data, "warnings": [], "errors": []})
