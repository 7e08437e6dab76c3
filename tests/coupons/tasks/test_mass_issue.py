"""Mass issuance to a label, a segment or a CSV as a chunked job with progress; retries issue nothing twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import JobRun
from apps.coupons import errors
from apps.coupons.models import Coupon, CouponIssueJob, CouponSeries
from apps.coupons.services import coupon_issue, issue_job_chunk, issue_job_start
from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from ..conftest import make_series

pytestmark = pytest.mark.django_db


def test_label_audience_gets_one_coupon_each_and_the_job_reports_progress(org, django_capture_on_commit_callbacks):
    # given
    label = LabelFactory(org=org, name="Premium")
    people = [CustomerLabelFactory(org=org, label=label).customer for _ in range(5)]
    CustomerFactory(org=org)  # not tagged
    series = make_series(org, code_length=8)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = issue_job_start(org=org, series_id=series.pk, audience_type="LABEL", label="premium")
    # then
    coupons = Coupon.objects.filter(series=series)
    assert sorted(coupons.values_list("customer_id", flat=True)) == sorted(p.pk for p in people)
    assert len(set(coupons.values_list("code", flat=True))) == 5
    run = JobRun.objects.get(pk=job.job_run_id)
    assert (run.status, run.total, run.done, run.percent) == ("succeeded", 5, 5, 100)
    assert CouponSeries.objects.get(pk=series.pk).num_issued == 5


def test_a_retried_chunk_issues_nothing_twice(org, django_capture_on_commit_callbacks):
    label = LabelFactory(org=org)
    for _ in range(4):
        CustomerLabelFactory(org=org, label=label)
    series = make_series(org)
    with django_capture_on_commit_callbacks(execute=False):
        job = issue_job_start(org=org, series_id=series.pk, audience_type="LABEL", label=label.name)
    issue_job_chunk(org_id=org.pk, job_id=job.pk, after_id=0, chunk=2)
    issue_job_chunk(org_id=org.pk, job_id=job.pk, after_id=0, chunk=2)  # the broker delivered it twice
    last = issue_job_chunk(org_id=org.pk, job_id=job.pk, after_id=0, chunk=10)
    assert last is not None
    assert Coupon.objects.filter(series=series).count() == 4
    assert CouponSeries.objects.get(pk=series.pk).num_issued == 4
    assert CouponIssueJob.objects.get(pk=job.pk).issued == 4


def test_mass_issue_respects_series_limits(org, django_capture_on_commit_callbacks):
    label = LabelFactory(org=org)
    people = [CustomerLabelFactory(org=org, label=label).customer for _ in range(6)]
    series = make_series(org, max_create=4)
    coupon_issue(org=org, series_id=series.pk, customer=people[0])  # already holds one: skipped
    with django_capture_on_commit_callbacks(execute=True):
        job = issue_job_start(org=org, series_id=series.pk, audience_type="LABEL", label=label.name)
    job.refresh_from_db()
    assert Coupon.objects.filter(series=series).count() == 4
    assert (job.issued, job.skipped) == (3, 3)


def test_segment_and_csv_audiences(org, django_capture_on_commit_callbacks):
    a, b = CustomerFactory(org=org), CustomerFactory(org=org)
    series = make_series(org)
    with django_capture_on_commit_callbacks(execute=True):
        issue_job_start(org=org, series_id=series.pk, audience_type="SEGMENT", filters={"status": "ACTIVE"})
    assert Coupon.objects.filter(series=series).count() == 2
    other = make_series(org)
    mobile = a.identifiers.get(type="mobile").value
    with django_capture_on_commit_callbacks(execute=True):
        job = issue_job_start(org=org, series_id=other.pk, audience_type="CSV", csv_identifier="mobile",
                              csv_text=f"mobile\n{mobile}\n919000000001\n")
    assert list(Coupon.objects.filter(series=other).values_list("customer_id", flat=True)) == [a.pk]
    assert job.skipped == 1 and b.pk


@pytest.mark.parametrize("kwargs, error", [
    ({"series_id": 999999, "audience_type": "LABEL", "label": "x"}, errors.SeriesInvalid),
    ({"audience_type": "LABEL", "label": "No such label"}, errors.SeriesInputInvalid),
    ({"audience_type": "CSV", "csv_text": "  "}, errors.UploadInvalid),
    ({"audience_type": "NOBODY"}, errors.SeriesInputInvalid),
])
def test_bad_mass_issue_input_writes_nothing(org, kwargs, error):
    series = make_series(org)
    kwargs.setdefault("series_id", series.pk)
    before = db_snapshot()
    with pytest.raises(error):
        issue_job_start(org=org, **kwargs)
    assert_nothing_written(before)


def test_expired_series_cannot_be_mass_issued(org):
    series = make_series(org)
    CouponSeries.objects.filter(pk=series.pk).update(valid_till=timezone.now() - timedelta(days=1))
    with pytest.raises(errors.SeriesExpired):
        issue_job_start(org=org, series_id=series.pk, audience_type="SEGMENT")
