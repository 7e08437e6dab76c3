"""Celery tasks (eager in tests): the nightly fan-out, the per-org JobRun, chunking and re-runs."""
from __future__ import annotations

from datetime import date

import pytest

from apps.core.models import JobRun
from apps.tiers.choices import ValidityMode
from apps.tiers.models import TierCheck, TierMembership
from apps.tiers.services import tier_settings_set
from apps.tiers.tasks import tier_checks_all_task, tier_checks_task
from loyalty.celery import app
from tests.factories.customers import CustomerFactory
from tests.transactions.builders import set_config
from tests.tiers.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_members(org, program, tiers, buy):
    """Five Gold members valid until 15 Apr 2025 who bought nothing since (downgrades on, daily checks)."""
    tier_settings_set(org=org, program=program, validity_mode=ValidityMode.FIXED_MONTHS, validity_months=12,
                      downgrade_enabled=True)
    set_config(org, "TIER_CHECK_DAILY", "1")
    tiers[1].renew_purchase_amount = 100
    tiers[1].save()
    people = []
    for n in range(5):
        mobile = f"91982000000{n}"
        people.append(CustomerFactory(org=org, mobile=mobile))
        buy(f"T{n}", "1500", at(2024, 4, 15), mobile=mobile)
    return people


def test_beat_entry_is_declared():
    assert app.conf.beat_schedule["tiers-checks"]["task"] == "apps.tiers.tasks.tier_checks_all_task"


def test_nightly_task_checks_the_day_that_ended_in_chunks(org, due_members):
    # when the beat runs in the early hours of 16 Apr 2025 (UTC org)
    assert tier_checks_all_task(now=at(2025, 4, 16, 0).isoformat()) == 1
    # then the 15 Apr checks ran under one JobRun
    run = JobRun.objects.get(kind="tiers.checks")
    assert run.parameters == {"day": "2025-04-15"} and run.done == 5 and run.finished_at is not None
    assert set(TierMembership.objects.values_list("tier__name", flat=True)) == {"Silver"}
    assert TierCheck.objects.filter(check_date=date(2025, 4, 15)).count() == 5


def test_small_chunks_and_a_rerun(org, due_members):
    tier_checks_task(org_id=org.pk, day="2025-04-15", now=at(2025, 4, 16, 0).isoformat(), chunk=2)
    assert TierCheck.objects.count() == 5
    # a second delivery of the whole job finds nothing due and opens no run
    assert tier_checks_task(org_id=org.pk, day="2025-04-15", now=at(2025, 4, 16, 0).isoformat()) is None
    assert JobRun.objects.filter(kind="tiers.checks").count() == 1 and TierCheck.objects.count() == 5


def test_orgs_without_ladders_are_skipped(other_org, org, due_members):
    assert tier_checks_all_task(now=at(2025, 4, 16, 0).isoformat()) == 1
    assert not JobRun.objects.filter(org=other_org).exists()
