"""The bulk tagging job behind the admin action: chunked, idempotent, progress in a JobRun."""
import pytest

from apps.core.choices import JobStatus
from apps.core.models import JobRun
from apps.labels import services
from apps.labels.choices import LabelAction
from apps.labels.errors import LabelNotFound, TagJobTooLarge
from apps.labels.models import CustomerLabel, CustomerLabelEvent
from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory

pytestmark = pytest.mark.django_db


def test_job_tags_every_customer_in_chunks(org, django_capture_on_commit_callbacks, monkeypatch):
    # given
    monkeypatch.setattr(services, "TAG_JOB_CHUNK", 2)
    label = LabelFactory(org=org)
    customers = [CustomerFactory(org=org) for _ in range(5)]
    already = customers[0]
    CustomerLabelFactory(org=org, customer=already, label=label)
    revived = customers[1]
    CustomerLabelFactory(org=org, customer=revived, label=label, is_active=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = services.customer_labels_tag_job_start(org=org, label=label,
                                                     customer_ids=[c.pk for c in customers] + [987654321])
    # then
    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.failed, run.percent) == (JobStatus.SUCCEEDED, 6, 5, 1, 100)
    assert run.parameters["next_offset"] == 6
    assert set(CustomerLabel.objects.filter(label=label, is_active=True).values_list("customer_id", flat=True)) == \
        {c.pk for c in customers}
    tagged_by_job = CustomerLabelEvent.objects.filter(job_run=run, action=LabelAction.TAGGED)
    assert sorted(tagged_by_job.values_list("customer_id", flat=True)) == sorted(c.pk for c in customers[1:])
    assert [line["message"] for line in run.log][-1].startswith("Tagging with")


def test_running_a_chunk_twice_changes_nothing(org):
    # given
    label = LabelFactory(org=org)
    customers = [CustomerFactory(org=org) for _ in range(3)]
    run = services.customer_labels_tag_job_start(org=org, label=label, customer_ids=[c.pk for c in customers])
    # when
    first = services.customer_labels_tag_batch(org_id=org.pk, run_id=run.pk, offset=0, limit=2)
    duplicate = services.customer_labels_tag_batch(org_id=org.pk, run_id=run.pk, offset=0, limit=2)
    last = services.customer_labels_tag_batch(org_id=org.pk, run_id=run.pk, offset=first, limit=2)
    # then
    run.refresh_from_db()
    assert (first, duplicate, last) == (2, None, None)
    assert (run.done, run.failed, run.status) == (3, 0, JobStatus.SUCCEEDED)
    assert CustomerLabelEvent.objects.filter(job_run=run).count() == 3


def test_job_stops_when_label_is_deactivated(org):
    # given
    label = LabelFactory(org=org)
    run = services.customer_labels_tag_job_start(org=org, label=label, customer_ids=[CustomerFactory(org=org).pk])
    services.label_update(org=org, label=label, is_active=False)
    # when
    result = services.customer_labels_tag_batch(org_id=org.pk, run_id=run.pk, offset=0)
    # then
    run.refresh_from_db()
    assert result is None and run.status == JobStatus.FAILED
    assert not CustomerLabel.objects.filter(label=label).exists()


def test_job_refuses_foreign_label_and_oversized_selection(org, other_org, monkeypatch):
    # given
    foreign = LabelFactory(org=other_org)
    monkeypatch.setattr(services, "TAG_JOB_MAX_CUSTOMERS", 2)
    # then
    with pytest.raises(LabelNotFound):
        services.customer_labels_tag_job_start(org=org, label=foreign, customer_ids=[1])
    with pytest.raises(TagJobTooLarge):
        services.customer_labels_tag_job_start(org=org, label=LabelFactory(org=org), customer_ids=[1, 2, 3])
    assert not JobRun.objects.exists()


def test_job_skips_customers_of_another_org(org, other_org):
    # given
    label = LabelFactory(org=org)
    theirs = CustomerFactory(org=other_org)
    run = services.customer_labels_tag_job_start(org=org, label=label, customer_ids=[theirs.pk])
    # when
    services.customer_labels_tag_batch(org_id=org.pk, run_id=run.pk, offset=0)
    # then
    run.refresh_from_db()
    assert (run.done, run.failed) == (0, 1)
    assert not CustomerLabel.objects.exists()
