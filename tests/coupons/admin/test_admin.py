"""Back office: series editor with live counts, issue to a label (job + progress), upload screen, code search."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import JobRun
from apps.coupons.models import Coupon, CouponSeries, CouponUpload
from apps.coupons.services import coupon_issue
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory

from ..conftest import make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, org):
    client.force_login(staff_user_create(org=org, username="boss", password="Pass-word-123",
                                         role=StaffRole.ORG_ADMIN))
    return client


def _form(**overrides):
    data = {"description": "Monsoon sale", "discount_code": "MONSOON", "discount_type": "PERC", "discount_value": "15",
            "discount_upto": "200", "discount_on": "BILL", "valid_till_0": "2030-01-01", "valid_till_1": "00:00:00",
            "expiry_strategy": "SERIES_EXPIRY", "expiry_days": "30", "redemption_valid_after_days": "-1",
            "redemption_range": "{}", "reminder_days": "-1", "max_create": "-1", "max_redeem": "-1",
            "redemption_per_coupon_max_limit": "-1", "max_redemptions_in_series_per_user": "-1",
            "max_vouchers_per_user": "-1", "min_days_between_vouchers": "-1", "min_days_between_redemption": "-1",
            "min_bill_amount": "0", "store_ids": "[]", "zone_ids": "[]", "product_codes": "[]", "categories": "[]",
            "mutually_exclusive_series_ids": "[]", "code_source": "GENERATED", "code_length": "8",
            "client_handling_type": "DISC_CODE", "custom_properties": "{}"}
    data.update(overrides)
    return data


def test_series_editor_creates_through_the_service_and_refuses_bad_settings(staff, org):
    response = staff.post("/admin/coupons/couponseries/add/", _form())
    assert response.status_code == 302, response.content[:2000]
    series = CouponSeries.objects.get(org=org)
    assert series.series_code and series.discount_value == 15
    bad = staff.post("/admin/coupons/couponseries/add/", _form(discount_value="150"))
    assert bad.status_code == 200 and b"cannot exceed 100" in bad.content
    assert CouponSeries.objects.filter(org=org).count() == 1


def test_series_changelist_shows_live_counts_in_bounded_queries(staff, org, customer):
    for _ in range(3):
        coupon_issue(org=org, series_id=make_series(org).pk, customer=customer)
    staff.get("/admin/coupons/couponseries/")
    with CaptureQueriesContext(connection) as few:
        page = staff.get("/admin/coupons/couponseries/")
    for _ in range(20):
        coupon_issue(org=org, series_id=make_series(org).pk, customer=customer)
    with CaptureQueriesContext(connection) as many:
        staff.get("/admin/coupons/couponseries/")
    assert page.status_code == 200 and len(many) == len(few)
    series = CouponSeries.objects.filter(org=org).first()
    counts = staff.get(f"/admin/coupons/couponseries/{series.pk}/counts/").json()
    assert counts == {"issued": 1, "redeemed": 0}
    assert staff.get(f"/admin/coupons/couponseries/{series.pk}/change/").status_code == 200


def test_issue_to_a_label_starts_a_job_and_shows_its_progress(staff, org, django_capture_on_commit_callbacks):
    label = LabelFactory(org=org)
    for _ in range(3):
        CustomerLabelFactory(org=org, label=label)
    series = make_series(org)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/coupons/couponseries/{series.pk}/issue/", {"label": label.pk})
    run = JobRun.objects.get(org=org, kind="coupons.issue")
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/core/jobrun/{run.pk}/change/")
    assert Coupon.objects.filter(series=series).count() == 3
    assert b"<progress" in staff.get("/admin/coupons/couponissuejob/").content


def test_upload_screen(staff, org, django_capture_on_commit_callbacks):
    series = make_series(org, code_source="UPLOADED")
    file = SimpleUploadedFile("codes.csv", b"ABC123\nDEF456\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/coupons/couponseries/{series.pk}/upload/",
                              {"file": file, "customer_identifier": "NOT_TAGGED", "identifier_column": 0})
    upload = CouponUpload.objects.get(series=series)
    assert response.status_code == 302 and upload.success_count == 2
    assert staff.get(f"/admin/coupons/couponupload/{upload.pk}/change/").status_code == 200


def test_coupon_search_by_code_in_any_case(staff, org, customer):
    coupon = coupon_issue(org=org, series_id=make_series(org).pk, customer=customer).coupon
    coupon_issue(org=org, series_id=make_series(org).pk, customer=CustomerFactory(org=org))
    page = staff.get(f"/admin/coupons/coupon/?q={coupon.code.lower()}")
    assert page.status_code == 200 and page.context["cl"].result_count == 1


def test_staff_of_another_org_see_nothing(client, org, other_org, customer):
    coupon_issue(org=org, series_id=make_series(org).pk, customer=customer)
    client.force_login(staff_user_create(org=other_org, username="rival", password="Pass-word-123",
                                         role=StaffRole.ORG_ADMIN))
    assert client.get("/admin/coupons/coupon/").context["cl"].result_count == 0
    series = CouponSeries.objects.get(org=org)
    assert client.get(f"/admin/coupons/couponseries/{series.pk}/counts/").status_code == 404
    assert timezone.now()
