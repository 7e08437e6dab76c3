"""Ladder rules, settings, and safe ladder changes: preview, then a job that re-places customers with progress."""
from __future__ import annotations

import pytest

from apps.core.models import JobRun
from apps.tiers.choices import ChangeSource, LadderChangeKind, LadderChangeStatus
from apps.tiers.errors import LadderChangeNotDraft, TierInvalid
from apps.tiers.models import Tier, TierChange, TierMembership
from apps.tiers.selectors import ladder
from apps.tiers.services import (ladder_change_apply_start, ladder_change_create, tier_create, tier_manual_adjust,
                                 tier_settings_set, tier_update)
from tests.factories.customers import CustomerFactory
from tests.tiers.conftest import D, at

pytestmark = pytest.mark.django_db


def test_first_tier_is_the_base_and_thresholds_must_increase(org, program):
    base = tier_create(org=org, program=program, name="Silver", threshold=D("500"))
    assert (base.serial, base.threshold) == (1, D("0"))
    tier_create(org=org, program=program, name="Gold", threshold=D("1000"))
    with pytest.raises(TierInvalid):
        tier_create(org=org, program=program, name="Bronze", threshold=D("1000"))
    with pytest.raises(TierInvalid):
        tier_create(org=org, program=program, name="Low", threshold=D("-1"))
    assert [t.name for t in ladder(org=org, program=program)] == ["Silver", "Gold"]


def test_settings_refuse_unknown_names_and_bad_values(org, program):
    with pytest.raises(TierInvalid):
        tier_settings_set(org=org, program=program, colour="red")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        tier_settings_set(org=org, program=program, fixed_month=13)


def test_tier_update_changes_benefits_but_not_thresholds(org, program, tiers):
    tier = tier_update(org=org, tier=tiers[1], earn_multiplier=D("1.5"), renew_visits=4)
    assert tier.earn_multiplier == D("1.5") and tier.renew_visits == 4
    with pytest.raises(TierInvalid):
        tier_update(org=org, tier=tiers[1], threshold=D("10"))


@pytest.fixture
def population(org, program, tiers, buy):
    """Customers at 500 (Silver), 1,500 (Gold), 3,500 (Gold) and 6,000 (Platinum) of purchases."""
    people = []
    for n, amount in enumerate(("500", "1500", "3500", "6000")):
        mobile = f"91980000000{n}"
        people.append(CustomerFactory(org=org, mobile=mobile))
        buy(f"P{n}", amount, at(2024, 4, 1), mobile=mobile)
    return people


def _tiers_of(people, program):
    rows = dict(TierMembership.objects.filter(program=program).values_list("customer_id", "tier__name"))
    return [rows.get(p.pk, "Silver") for p in people]


def test_inserting_a_tier_previews_and_applies(org, program, tiers, population, django_capture_on_commit_callbacks):
    # given a proposal to insert Gold Plus at 3,000
    change = ladder_change_create(org=org, program=program, kind=LadderChangeKind.INSERT,
                                  params={"name": "Gold Plus", "threshold": "3000"}, now=at(2024, 5, 1))
    # then the preview counts who moves, nothing moved yet
    assert (change.preview["up"], change.preview["down"], change.preview["same"]) == (1, 0, 3)
    assert [r["name"] for r in change.preview["ladder"]] == ["Silver", "Gold", "Gold Plus", "Platinum"]
    assert [r["customers"] for r in change.preview["ladder"]] == [1, 1, 1, 1]
    assert Tier.objects.filter(program=program).count() == 3
    # when applied (the job runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        run = ladder_change_apply_start(org=org, change=change, now=at(2024, 5, 2))
    # then
    assert [(t.serial, t.name) for t in ladder(org=org, program=program)] == [
        (1, "Silver"), (2, "Gold"), (3, "Gold Plus"), (4, "Platinum")]
    assert _tiers_of(population, program) == ["Silver", "Gold", "Gold Plus", "Platinum"]
    run.refresh_from_db()
    assert run.finished_at is not None and run.done == 4 and run.percent == 100
    change.refresh_from_db()
    assert change.status == LadderChangeStatus.APPLIED
    assert TierChange.objects.filter(source=ChangeSource.LADDER).count() == 1
    with pytest.raises(LadderChangeNotDraft):
        ladder_change_apply_start(org=org, change=change)


def test_retiring_a_tier_moves_its_members_down(org, program, tiers, population, django_capture_on_commit_callbacks):
    change = ladder_change_create(org=org, program=program, kind=LadderChangeKind.RETIRE,
                                  params={"tier_id": tiers[1].pk}, now=at(2024, 5, 1))
    assert (change.preview["up"], change.preview["down"], change.preview["same"]) == (0, 2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        ladder_change_apply_start(org=org, change=change, now=at(2024, 5, 2))
    assert [(t.serial, t.name) for t in ladder(org=org, program=program)] == [(1, "Silver"), (2, "Platinum")]
    assert _tiers_of(population, program) == ["Silver", "Silver", "Silver", "Platinum"]
    retired = Tier.objects.get(pk=tiers[1].pk)
    assert not retired.is_active and retired.retired_at is not None


def test_raising_thresholds_moves_down_only_when_asked(org, program, tiers, population,
                                                        django_capture_on_commit_callbacks):
    params = {"thresholds": {str(tiers[1].pk): "2000", str(tiers[2].pk): "3000"}}
    keep = ladder_change_create(org=org, program=program, kind=LadderChangeKind.THRESHOLDS, params=params,
                                now=at(2024, 5, 1))
    assert (keep.preview["up"], keep.preview["down"]) == (1, 0)  # 3,500 reaches Platinum; 1,500 keeps Gold
    strict = ladder_change_create(org=org, program=program, kind=LadderChangeKind.THRESHOLDS, params=params,
                                  move_down=True, now=at(2024, 5, 1))
    assert (strict.preview["up"], strict.preview["down"]) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        ladder_change_apply_start(org=org, change=strict, now=at(2024, 5, 2))
    assert [t.threshold for t in ladder(org=org, program=program)] == [D("0"), D("2000"), D("3000")]
    assert _tiers_of(population, program) == ["Silver", "Silver", "Platinum", "Platinum"]


def test_a_manual_floor_holds_through_a_ladder_change(org, program, tiers, population,
                                                       django_capture_on_commit_callbacks):
    # given the 500 customer was put in Gold by hand (a floor for ten years)
    tier_settings_set(org=org, program=program, manual_is_floor=True)
    tier_manual_adjust(org=org, customer=population[0], program=program, action="UPGRADE", to_tier_name="Gold",
                       validity="FIXED_DURATION", validity_upto="3650", now=at(2024, 4, 2))
    # when Gold moves to 2,000 and customers below it move down
    change = ladder_change_create(org=org, program=program, kind=LadderChangeKind.THRESHOLDS,
                                  params={"thresholds": {str(tiers[1].pk): "2000"}}, move_down=True,
                                  now=at(2024, 5, 1))
    assert change.preview["down"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        ladder_change_apply_start(org=org, change=change, now=at(2024, 5, 2))
    # then the manual Gold stays, the automatic 1,500 Gold goes down
    assert _tiers_of(population, program) == ["Gold", "Silver", "Gold", "Platinum"]


@pytest.mark.parametrize("kind, params", [
    (LadderChangeKind.INSERT, {"name": "Gold", "threshold": "3000"}),       # name taken
    (LadderChangeKind.INSERT, {"name": "Mid", "threshold": "1000"}),        # equal threshold
    (LadderChangeKind.RETIRE, {"tier_id": 0}),
    (LadderChangeKind.THRESHOLDS, {"thresholds": {}}),
])
def test_invalid_ladder_changes_are_refused(org, program, tiers, kind, params):
    if kind == LadderChangeKind.RETIRE:
        params = {"tier_id": tiers[0].pk}  # the base tier
    with pytest.raises(TierInvalid):
        ladder_change_create(org=org, program=program, kind=kind, params=params)


def test_inverted_thresholds_are_refused(org, program, tiers):
    with pytest.raises(TierInvalid):
        ladder_change_create(org=org, program=program, kind=LadderChangeKind.THRESHOLDS,
                             params={"thresholds": {str(tiers[1].pk): "9000"}})


def test_preview_query_count_does_not_grow_with_customers(org, program, tiers, population, buy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def preview_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            ladder_change_create(org=org, program=program, kind=LadderChangeKind.INSERT,
                                 params={"name": "Gold Plus", "threshold": "3000"}, now=at(2024, 5, 1))
        return len(ctx.captured_queries)

    few = preview_queries()
    for n in range(10):
        mobile = f"91981000000{n}"
        CustomerFactory(org=org, mobile=mobile)
        buy(f"Q{n}", "2500", at(2024, 4, 2), mobile=mobile)
    assert preview_queries() == few <= 12
    assert JobRun.objects.count() == 0
