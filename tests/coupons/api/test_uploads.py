"""Coupon uploads: codes through coupon/api/v1/upload/file/{id}, redeemed coupons, and the status reports."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.coupons.models import Coupon, CouponRedemption, CouponUpload
from apps.coupons.services import coupon_issue
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def csv_file(text: str, name="couponCode.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_untagged_codes_upload_imports_good_rows_and_reports_bad_ones(api_client, org,
                                                                       django_capture_on_commit_callbacks):
    # given
    series = make_series(org, code_source="UPLOADED")
    Coupon.objects.create(org=org, series=series, code="TAKEN01", status="AVAILABLE", valid_till=series.valid_till)
    text = "code\nvend001\nVEND002\nvend001\nbad code!\nTAKEN01\n"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/coupon/api/v1/upload/file/{series.pk}",
                                   {"file": csv_file(text), "customerIdentifier": "NOT_TAGGED"}, format="multipart")
    # then
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["couponSeriesId"] == series.pk and result["fileName"].startswith("couponCode_")
    assert set(Coupon.objects.filter(series=series, status="AVAILABLE").values_list("code", flat=True)) == {
        "TAKEN01", "VEND001", "VEND002"}
    status = api_client.get(f"/coupon/api/v1/upload/getUploadStatus/{series.pk}").json()["result"]
    job = status["uploadJobStatuses"][0]
    assert (job["uploadStatus"], job["totalUploadedCount"], job["errorCount"]) == ("FINISHED", 2, 3)
    assert [e["reason"] for e in job["errors"]] == ["duplicate code in the file", "invalid coupon code",
                                                    "code already exists"]
    v1 = api_client.get(f"/v1/upload/getUploadStatus/?couponSeriesId={series.pk}").json()
    assert v1["result"]["uploadJobStatuses"][0]["jobId"] == job["jobId"]


def test_tagged_codes_are_issued_to_the_customers(api_client, org, customer, django_capture_on_commit_callbacks):
    series = make_series(org, code_source="UPLOADED")
    mobile = customer.identifiers.get(type="mobile").value
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/coupon/api/v1/upload/file/{series.pk}",
                        {"file": csv_file(f"{mobile},TAG0001\n919111111111,TAG0002\n"),
                         "customerIdentifier": "MOBILE", "customerIdentifierColumn": 0}, format="multipart")
    coupon = Coupon.objects.get(series=series, code="TAG0001")
    assert coupon.customer_id == customer.pk and coupon.status == "ISSUED"
    assert not Coupon.objects.filter(code="TAG0002").exists()
    assert CouponUpload.objects.get(series=series).errors == [{"row": 2, "value": "919111111111",
                                                               "reason": "customer not found"}]


@pytest.mark.parametrize("form, code", [
    ({"customerIdentifier": "NOT_TAGGED", "file": b""}, 400),
    ({"customerIdentifier": "PHONE", "file": b"ABC123\n"}, 400),
    ({"customerIdentifier": "NOT_TAGGED", "file": b"\xff\xfe\x00bad"}, 400),
])
def test_bad_upload_files_are_refused_and_nothing_written(api_client, org, form, code):
    series = make_series(org, code_source="UPLOADED")
    before = db_snapshot()
    data = {"customerIdentifier": form["customerIdentifier"],
            "file": SimpleUploadedFile("c.csv", form["file"], content_type="text/csv")}
    response = api_client.post(f"/coupon/api/v1/upload/file/{series.pk}", data, format="multipart")
    assert response.status_code == 400 and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_upload_to_unknown_or_generated_series_is_refused(api_client, org):
    generated = make_series(org)
    for series_id, status, code in ((999999, 404, 707), (generated.pk, 400, 400)):
        before = db_snapshot()
        response = api_client.post(f"/coupon/api/v1/upload/file/{series_id}",
                                   {"file": csv_file("ABC123\n"), "customerIdentifier": "NOT_TAGGED"},
                                   format="multipart")
        assert response.status_code == status and v2_error_codes(response) == [code]
        assert_nothing_written(before)


def test_redeemed_coupons_upload_redeems_and_reports(api_client, org, customer, till,
                                                     django_capture_on_commit_callbacks):
    series = make_series(org)
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer).coupon
    mobile = customer.identifiers.get(type="mobile").value
    millis = int(timezone.now().timestamp() * 1000)
    text = (f"redeemed date in millis,redeemed at,mobile,coupon code,bill id,bill number\n"
            f"{millis},{till.pk},{mobile},{coupon.code},1,EXT-1\n{millis},{till.pk},{mobile},NOPE0000,2,EXT-2\n")
    headers = json.dumps({"redeemedDateInMillis": 0, "redeemedAt": 1, "mobile": 2, "couponCode": 3, "billId": 4,
                          "billNumber": 5})
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/v1/upload/getUploadRedeemedCouponStatus",
                                   {"file": csv_file(text), "customerIdentifier": "MOBILE",
                                    "couponIdentifier": "COUPON_CODE", "uploadHeaders": headers,
                                    "couponSeriesId": series.pk}, format="multipart")
    assert response.status_code == 200, response.content
    redemption = CouponRedemption.objects.get(coupon=coupon)
    assert redemption.bill_number == "EXT-1" and redemption.till_id == till.pk
    status = api_client.get(f"/v2/upload/getUploadRedeemedCouponStatus/{series.pk}").json()["result"]
    job = status["redeemUploadJobStatuses"][0]
    assert (job["uploadRedeemedCouponStatus"], job["totalUploadedCount"], job["errorCount"]) == ("COMPLETED", 1, 1)
    assert job["errors"][0]["code"] == 702
