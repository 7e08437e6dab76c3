"""The product's routes plus the bench's baseline: the smallest authenticated DRF write worth comparing against.

POST /v2/bench/minimal locks one row (the till's customer), updates it and inserts one row: the floor any write
endpoint pays for authentication, access checks, a transaction, a row lock and an insert.
"""
from django.db import transaction
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView
from apps.core.models import JobRun
from apps.customers.models import Customer
from loyalty.urls import handler404, handler500, urlpatterns as product_urls  # noqa: F401


class MinimalWriteV2(V2APIView):
    access_resource = AccessResource.TRANSACTION

    @extend_schema(exclude=True)
    def post(self, request):
        with transaction.atomic():
            customer = Customer.objects.select_for_update().get(org=request.org, pk=int(request.data["customerId"]))
            customer.updated_at = timezone.now()
            customer.save(update_fields=["updated_at"])
            row = JobRun.objects.create(org=request.org, kind="bench.minimal")
        return Response({"createdId": row.pk, "warnings": []})


urlpatterns = [path("v2/bench/minimal", MinimalWriteV2.as_view()), *product_urls]
