"""Coupon upload endpoints: codes (coupon/api/v1/upload/file/{id}), redeemed coupons, and their job statuses."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.access.choices import AccessResource
from apps.core.api.views import V2APIView, V11APIView

from .. import errors, selectors, services
from ..choices import UploadKind

OBJECT = {200: OpenApiTypes.OBJECT}
TAGS = ["coupon upload"]
UPLOAD_SCHEMA = {"multipart/form-data": {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary"}, "customerIdentifier": {"type": "string"},
    "customerIdentifierColumn": {"type": "integer"}, "couponIdentifier": {"type": "string"},
    "uploadHeaders": {"type": "string"}, "couponSeriesId": {"type": "integer"}}}}


def _millis(value) -> str:
    return str(int(value.timestamp() * 1000)) if value else None


def upload_status(upload) -> dict:
    """One job of the upload status answers (codes and redeemed share the counters)."""
    return {"jobId": upload.pk, "uploadStatus": upload.status, "createdOn": _millis(upload.created_at),
            "updatedOn": _millis(upload.updated_at), "errorFileUrl": None, "successFileUrl": None,
            "uploadedFileUrl": upload.stored_name, "totalUploadedCount": upload.success_count,
            "actualRowCount": upload.total_rows, "errorCount": upload.error_count, "errors": upload.errors,
            "uploadTableName": None, "uploadedFileName": upload.file_name, "audienceGroupId": 0,
            "audienceGroupVersionId": 0}


def _redeemed_status(upload) -> dict:
    body = upload_status(upload)
    body["uploadRedeemedCouponStatus"] = {"QUEUED": "QUEUED", "STARTED": "QUEUED", "FINISHED": "COMPLETED",
                                          "FAILED": "FAILED"}[upload.status]
    return body


def redeemed_status_body(request, series, *, kind: str) -> dict:
    rows = list(selectors.upload_list(org=request.org, series=series, kind=kind)[:100])
    key, shape = ("redeemUploadJobStatuses", _redeemed_status) if kind == UploadKind.REDEEMED else (
        "uploadJobStatuses", upload_status)
    return {"success": True, "status": 200, "result": {"orgId": request.org.pk, "couponSeriesId": series.pk,
                                                       key: [shape(u) for u in rows]}}


def _file(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise errors.UploadInvalid(detail="file is required", field="file")
    return upload.name, upload.read()


class UploadCodesV1(V2APIView):
    """POST coupon/api/v1/upload/file/{couponSeriesId} (multipart: file, customerIdentifier,
    customerIdentifierColumn): codes for a series whose codes are uploaded."""

    access_resource = AccessResource.COUPON
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=UPLOAD_SCHEMA, responses=OBJECT, tags=TAGS, operation_id="coupon_upload_file")
    def post(self, request, series_id: str):
        name, content = _file(request)
        upload = services.upload_create(
            org=request.org, series_id=series_id, file_name=name, content=content,
            customer_identifier=request.data.get("customerIdentifier", ""), kind=UploadKind.CODES,
            options={"customerIdentifierColumn": request.data.get("customerIdentifierColumn", 0)},
            created_by=None)
        upload.refresh_from_db()
        return Response({"success": True, "status": 200, "result": {
            "orgId": request.org.pk, "couponSeriesId": upload.series_id, "uploadJobStatuses": [upload_status(upload)],
            "fileName": upload.stored_name}})


class UploadStatusRootV1(V2APIView):
    """GET coupon/api/v1/upload/getUploadStatus/{couponSeriesId}."""

    access_resource = AccessResource.COUPON

    @extend_schema(responses=OBJECT, tags=TAGS, operation_id="coupon_upload_status_root")
    def get(self, request, series_id: str):
        series = selectors.series_get(org=request.org, series_id=series_id)
        return Response(redeemed_status_body(request, series, kind=UploadKind.CODES))


class RedeemedStatusRootV1(V2APIView):
    """GET coupon/api/v1/upload/getUploadRedeemedCouponStatus/{couponSeriesId}."""

    access_resource = AccessResource.COUPON

    @extend_schema(responses=OBJECT, tags=TAGS, operation_id="coupon_redeemed_status_root")
    def get(self, request, series_id: str):
        series = selectors.series_get(org=request.org, series_id=series_id)
        return Response(redeemed_status_body(request, series, kind=UploadKind.REDEEMED))


def _redeemed_upload(request, series_id) -> Response:
    name, content = _file(request)
    identifier = str(request.data.get("couponIdentifier") or "COUPON_CODE").upper()
    if identifier not in ("COUPON_ID", "COUPON_CODE"):
        raise errors.UploadInvalid(detail="couponIdentifier must be COUPON_ID or COUPON_CODE", field="couponIdentifier")
    upload = services.upload_create(org=request.org, series_id=series_id, file_name=name, content=content,
                                    customer_identifier=request.data.get("customerIdentifier", ""),
                                    kind=UploadKind.REDEEMED,
                                    options={"uploadHeaders": request.data.get("uploadHeaders"),
                                             "couponIdentifier": identifier})
    upload.refresh_from_db()
    return Response({"success": True, "status": 200, "result": {
        "orgId": request.org.pk, "couponSeriesId": upload.series_id,
        "redeemUploadJobStatuses": [_redeemed_status(upload)], "fileName": upload.stored_name}})


class RedeemedUploadRootV1(V2APIView):
    """POST coupon/api/v1/upload/redeemFile/{couponSeriesId}: import coupons redeemed elsewhere."""

    access_resource = AccessResource.COUPON
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=UPLOAD_SCHEMA, responses=OBJECT, tags=TAGS, operation_id="coupon_redeemed_upload_root")
    def post(self, request, series_id: str):
        return _redeemed_upload(request, series_id)


class UploadStatusV1(V11APIView):
    """GET /v1/upload/getUploadStatus/?couponSeriesId=…: the code uploads of a series."""

    access_resource = AccessResource.COUPON

    @extend_schema(parameters=[OpenApiParameter("couponSeriesId", str)], responses=OBJECT, tags=TAGS,
                   operation_id="v1_coupon_upload_status")
    def get(self, request, series_id: str = ""):
        series = selectors.series_get(org=request.org,
                                      series_id=series_id or request.query_params.get("couponSeriesId", ""))
        return Response(redeemed_status_body(request, series, kind=UploadKind.CODES))


class RedeemedUploadV1(V11APIView):
    """POST /v1/upload/getUploadRedeemedCouponStatus (multipart with couponSeriesId): upload redeemed coupons;
    GET answers the redeemed-upload jobs of ?couponSeriesId=…."""

    access_resource = AccessResource.COUPON
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=UPLOAD_SCHEMA, responses=OBJECT, tags=TAGS, operation_id="v1_coupon_redeemed_upload")
    def post(self, request, series_id: str = ""):
        form = request.data if hasattr(request.data, "get") else {}  # a JSON list is no upload form
        return _redeemed_upload(request, series_id or form.get("couponSeriesId", ""))

    @extend_schema(parameters=[OpenApiParameter("couponSeriesId", str)], responses=OBJECT, tags=TAGS,
                   operation_id="v1_coupon_redeemed_upload_status")
    def get(self, request, series_id: str = ""):
        series = selectors.series_get(org=request.org,
                                      series_id=series_id or request.query_params.get("couponSeriesId", ""))
        return Response(redeemed_status_body(request, series, kind=UploadKind.REDEEMED))
