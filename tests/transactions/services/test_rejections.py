"""The rejected-bill queue: retrigger once master data exists (a background job), or give up (mark failed)."""
from __future__ import annotations

import pytest

from apps.core.models import JobRun
from apps.points.models import PointsAccount
from apps.transactions import errors
from apps.transactions.models import Bill, RejectedBill
from apps.transactions.services import (bill_submit, rejected_bills_mark_failed, rejected_bills_retrigger,
                                        rejected_bill_retry)
from tests.factories.transactions import ProductFactory, RejectedBillFactory
from tests.transactions.builders import D, sale, set_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(org, till, member, earn_rule):
    """A bill rejected because its SKU is not in the master yet."""
    set_config(org, "CONF_TRANSACTION_REQUIRE_KNOWN_SKU", "1")
    with pytest.raises(errors.BillRejected) as exc:
        bill_submit(org=org, data=sale("B-1", ("NEWSKU", 2, "250")), till=till)
    return exc.value.rejected


def test_retrigger_after_the_master_data_exists_adds_the_bill(org, member, rejected, django_capture_on_commit_callbacks):
    # given the SKU was added to the master
    ProductFactory(org=org, item_code="NEWSKU")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = rejected_bills_retrigger(org=org, ids=[rejected.pk])
    # then
    run.refresh_from_db()
    rejected.refresh_from_db()
    assert (run.status, run.done, run.failed, run.total) == ("succeeded", 1, 0, 1)
    assert rejected.status == "PROCESSED" and rejected.bill == Bill.objects.get(number="B-1")
    assert rejected.attempts == 2 and rejected.reasons == []
    assert PointsAccount.objects.get(customer=member).available == D("50")


def test_retrigger_of_a_still_bad_bill_keeps_it_pending_with_fresh_reasons(org, rejected,
                                                                          django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = rejected_bills_retrigger(org=org, ids=[rejected.pk])
    # then
    run.refresh_from_db()
    rejected.refresh_from_db()
    assert (run.done, run.failed) == (0, 1)
    assert rejected.status == "PENDING" and rejected.attempts == 2 and rejected.reasons[0]["code"] == 622
    assert not Bill.objects.exists()


def test_retrying_a_processed_bill_does_nothing(org, rejected):
    # given
    ProductFactory(org=org, item_code="NEWSKU")
    assert rejected_bill_retry(org=org, rejected_id=rejected.pk)[0] is True
    # when
    again = rejected_bill_retry(org=org, rejected_id=rejected.pk)
    # then
    assert again is None and Bill.objects.count() == 1


def test_retrigger_refuses_unknown_and_foreign_ids_up_front(org, other_org, rejected):
    # given
    foreign = RejectedBillFactory(org=other_org)
    # when / then
    with pytest.raises(errors.RejectedBillNotFound):
        rejected_bills_retrigger(org=org, ids=[rejected.pk, foreign.pk])
    assert not JobRun.objects.exists()


def test_mark_failed_gives_up_on_pending_bills_only(org, rejected):
    # given
    done = RejectedBillFactory(org=org, status="PROCESSED")
    # when
    results = rejected_bills_mark_failed(org=org, ids=[rejected.pk, done.pk, 999999], reason="Wrong store data")
    # then
    by_id = {r["id"]: r for r in results}
    assert by_id[rejected.pk]["row"].status == "FAILED"
    assert by_id[done.pk]["error"].code == 1636 and by_id[999999]["error"].code == 620
    rejected.refresh_from_db()
    assert (rejected.status, rejected.failed_reason) == ("FAILED", "Wrong store data")
    with pytest.raises(errors.RejectedBillNotPending):
        rejected_bills_retrigger(org=org, ids=[rejected.pk])


def test_rejection_is_kept_even_though_the_bill_is_refused(org, till, rejected):
    assert RejectedBill.objects.filter(pk=rejected.pk, org=org).exists()
