"""The ledger's Celery tasks, run eagerly: expiry, promised conversion, expiry reminders, invariant checks — each
with its JobRun, chunked, and safe to run again."""
from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from apps.communications.models import Message
from apps.core.choices import JobStatus
from apps.core.models import JobRun
from apps.customers.models import CustomerSubscription
from apps.points import tasks
from apps.points.choices import LotState
from apps.points.models import LedgerEntry, PointsAccount, PointsLot
from apps.points.services import jobs, ledger_check, points_credit, program_create
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db
D = Decimal


def credit(org, customer, program, points, ref, **kwargs):
    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref, **kwargs)


@pytest.fixture
def members(org):
    return [CustomerFactory(org=org, mobile=f"91980000010{i}") for i in range(3)]


def runs(org, kind):
    return list(JobRun.objects.filter(org=org, kind=kind).order_by("id"))


# -- expiry --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("chunk", [1000, 1])
def test_expiry_task_expires_due_lots_under_a_job_run(org, program, members, clock, chunk):
    # given
    for i, member in enumerate(members):
        credit(org, member, program, 10 + i, f"B{i}", expires_at=clock.now + timedelta(days=1))
        credit(org, member, program, 100, f"K{i}")  # not due
    clock.advance(days=2)
    # when
    tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat(), chunk_accounts=chunk)
    # then
    (run,) = runs(org, jobs.EXPIRE_KIND)
    assert (run.status, run.total, run.done, run.failed) == (JobStatus.SUCCEEDED, 3, 3, 0)
    assert sorted(PointsAccount.objects.values_list("available", flat=True)) == [D(100)] * 3
    assert LedgerEntry.objects.filter(kind="EXPIRE").count() == 3
    assert ledger_check(org=org) == []


def test_expiry_rerun_does_nothing_twice(org, program, members, clock):
    credit(org, members[0], program, 10, "B0", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat())
    tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat())
    assert len(runs(org, jobs.EXPIRE_KIND)) == 1  # the second run found nothing due and opened no job
    assert LedgerEntry.objects.filter(kind="EXPIRE").count() == 1
    assert PointsAccount.objects.get().expired == D(10)


def test_redelivered_chunk_of_a_finished_run_is_ignored(org, program, members, clock):
    credit(org, members[0], program, 10, "B0", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat())
    (run,) = runs(org, jobs.EXPIRE_KIND)
    tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat(), run_id=run.pk)
    assert JobRun.objects.get(pk=run.pk).done == 1 and LedgerEntry.objects.filter(kind="EXPIRE").count() == 1


def test_expiry_run_stops_at_its_time_budget_and_resumes(org, program, members, clock):
    for i, member in enumerate(members):
        credit(org, member, program, 10, f"B{i}", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    run_id = jobs.points_expire_start(org_id=org.pk, now=clock.now)
    more = jobs.points_expire_run(org_id=org.pk, run_id=run_id, now=clock.now, chunk_accounts=1, time_budget=0)
    assert more == 1
    assert PointsLot.objects.filter(remaining=0).count() == 1
    while more is not None:
        more = jobs.points_expire_run(org_id=org.pk, run_id=run_id, now=clock.now, chunk_accounts=1, time_budget=0)
    assert PointsLot.objects.filter(remaining=0).count() == 3
    assert JobRun.objects.get(pk=run_id).status == JobStatus.SUCCEEDED


def test_dispatcher_fans_out_per_org(org, other_org, program, members, clock):
    foreign = program_create(org=other_org, name="Rival", is_default=True)
    stranger = CustomerFactory(org=other_org)
    credit(org, members[0], program, 10, "B0", expires_at=clock.now + timedelta(days=1))
    credit(other_org, stranger, foreign, 20, "F0", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    assert tasks.points_expire_all_task.delay(now=clock.now.isoformat()).get() == 2
    assert len(runs(org, jobs.EXPIRE_KIND)) == 1 and len(runs(other_org, jobs.EXPIRE_KIND)) == 1
    assert PointsLot.objects.filter(remaining__gt=0).count() == 0


def test_tasks_retry_only_database_errors(org, program, members, clock, monkeypatch):
    assert tasks.points_expire_task.autoretry_for == (OperationalError,)
    assert tasks.points_expire_task.retry_backoff is True and tasks.points_expire_task.retry_jitter is True
    credit(org, members[0], program, 10, "B0", expires_at=clock.now + timedelta(days=1))
    clock.advance(days=2)
    real, calls = jobs.points_expire_run, []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "points_expire_run", flaky)
    with pytest.raises(Retry):  # eagerly, the retry Celery schedules surfaces as Retry
        tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat())
    (run,) = runs(org, jobs.EXPIRE_KIND)
    assert run.status != JobStatus.SUCCEEDED and LedgerEntry.objects.filter(kind="EXPIRE").count() == 0
    # the retried message carries the same run
    tasks.points_expire_task.delay(org_id=org.pk, now=clock.now.isoformat(), run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.done, len(calls)) == (JobStatus.SUCCEEDED, 1, 2)
    assert len(runs(org, jobs.EXPIRE_KIND)) == 1


# -- promised points -----------------------------------------------------------------------------------------------
def test_promised_points_convert_when_due_and_only_once(org, program, members, clock):
    program.promised_delay_days = 7
    program.save()
    for i, member in enumerate(members):
        credit(org, member, program, 10, f"B{i}")
    credit(org, members[0], program, 99, "LATER", earned_at=clock.now + timedelta(days=5))
    clock.advance(days=8)
    tasks.points_convert_promised_task.delay(org_id=org.pk, now=clock.now.isoformat(), chunk_accounts=2)
    tasks.points_convert_promised_task.delay(org_id=org.pk, now=clock.now.isoformat())
    (run,) = runs(org, jobs.CONVERT_KIND)
    assert (run.status, run.total, run.done) == (JobStatus.SUCCEEDED, 3, 3)
    assert sorted(PointsAccount.objects.values_list("available", "promised")) == [
        (D(10), D(0)), (D(10), D(0)), (D(10), D(99))]
    assert LedgerEntry.objects.filter(kind="CONVERT").count() == 3
    assert tasks.points_convert_promised_all_task.delay(now=clock.now.isoformat()).get() == 1


# -- reminders -----------------------------------------------------------------------------------------------------
def test_expiry_reminders_are_sent_once_per_window(org, program, members, clock):
    # given: today is 2026-01-15 in the org's calendar
    program.reminder_offsets_days = [7, 1]
    program.save()
    in_a_week = clock.now + timedelta(days=7)
    credit(org, members[0], program, 40, "B0", expires_at=in_a_week)
    credit(org, members[0], program, 2, "B1", expires_at=in_a_week + timedelta(hours=1))
    credit(org, members[1], program, 5, "B2", expires_at=clock.now + timedelta(days=1))
    credit(org, members[2], program, 9, "B3", expires_at=clock.now + timedelta(days=3))  # no reminder today
    unreachable = CustomerFactory(org=org, mobile="")
    credit(org, unreachable, program, 7, "B4", expires_at=in_a_week)
    # when
    tasks.points_expiry_reminders_task.delay(org_id=org.pk, today="2026-01-15", chunk_accounts=1)
    tasks.points_expiry_reminders_task.delay(org_id=org.pk, today="2026-01-15")
    # then
    messages = list(Message.objects.order_by("recipient"))
    assert [(m.recipient, m.purpose) for m in messages] == [
        ("919800000100", "POINTS_EXPIRY_REMINDER"), ("919800000101", "POINTS_EXPIRY_REMINDER")]
    assert messages[0].body.startswith("42 Club points in your account expire on 22 Jan 2026")
    first, second = runs(org, "points.expiry_reminders")
    assert (first.status, first.done, first.failed) == (JobStatus.SUCCEEDED, 2, 1)
    assert (second.done, Message.objects.count()) == (2, 2)  # the rerun found every message already queued


def test_reminders_skip_customers_who_opted_out(org, program, clock):
    program.reminder_offsets_days = [1]
    program.save()
    both = CustomerFactory(org=org, mobile="919800000201", email="both@example.in")
    CustomerSubscription.objects.create(org=org, customer=both, channel="SMS", priority="TRANS", is_subscribed=False)
    credit(org, both, program, 5, "B0", expires_at=clock.now + timedelta(days=1))
    tasks.points_expiry_reminders_task.delay(org_id=org.pk, today="2026-01-15")
    assert list(Message.objects.values_list("channel", "recipient")) == [("EMAIL", "both@example.in")]


def test_no_reminder_settings_no_job(org, program, members):
    assert tasks.points_expiry_reminders_task.delay(org_id=org.pk).get() is None
    assert runs(org, "points.expiry_reminders") == []


# -- invariants ----------------------------------------------------------------------------------------------------
def test_ledger_check_records_violations(org, program, members, caplog):
    for i, member in enumerate(members):
        credit(org, member, program, 10, f"B{i}")
    broken = PointsAccount.objects.order_by("id").last()
    PointsAccount.objects.filter(pk=broken.pk).update(available=D(11))  # a balance moved outside the services
    with caplog.at_level(logging.ERROR, logger="apps.points"):
        tasks.points_ledger_check_task.delay(org_id=org.pk, chunk_accounts=2)
    (run,) = runs(org, jobs.CHECK_KIND)
    assert (run.status, run.total, run.done, run.failed) == (JobStatus.FAILED, 3, 2, 1)
    assert any(f"account {broken.pk}:" in line["message"] for line in run.log)
    assert [r.account_id for r in caplog.records if r.getMessage() == "points ledger invariant violated"] == [broken.pk]


def test_ledger_check_of_a_healthy_org_succeeds(org, program, members):
    credit(org, members[0], program, 10, "B0")
    tasks.points_ledger_check_all_task.delay()
    (run,) = runs(org, jobs.CHECK_KIND)
    assert (run.status, run.done, run.failed) == (JobStatus.SUCCEEDED, 1, 0)


def test_lot_states_untouched_by_a_check(org, program, members):
    credit(org, members[0], program, 10, "B0")
    tasks.points_ledger_check_task.delay(org_id=org.pk)
    assert PointsLot.objects.get().state == LotState.AVAILABLE
