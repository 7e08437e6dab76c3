"""Process-local copies of org master data (apps.core.orgcache): served while unchanged, reloaded after any change,
never shared between orgs."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from apps.core.orgcache import org_data, org_data_changed, org_data_token
from apps.organizations.selectors import payment_modes_active
from apps.organizations.services import payment_mode_create
from apps.points.services import program_ensure_default, program_resolve
from apps.rules.selectors import rules_for_event
from apps.rules.services import rule_create, rule_set_status
from tests.factories.organizations import StoreFactory

pytestmark = pytest.mark.django_db

AWARD = [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "5"}}]


def test_a_copy_is_served_until_the_data_changes(org):
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    assert org_data(org.pk, "thing", ("k",), load) == 1
    assert org_data(org.pk, "thing", ("k",), load) == 1
    org_data_changed(org.pk, "thing")
    assert org_data(org.pk, "thing", ("k",), load) == 2


def test_copies_are_per_org(org, other_org):
    assert org_data(org.pk, "thing", ("k",), lambda: "mine") == "mine"
    assert org_data(other_org.pk, "thing", ("k",), lambda: "theirs") == "theirs"
    org_data_changed(other_org.pk, "thing")
    assert org_data(org.pk, "thing", ("k",), lambda: "reloaded") == "mine"


def test_a_cleared_cache_never_serves_an_old_copy(org):
    assert org_data(org.pk, "thing", ("k",), lambda: "old") == "old"
    token = org_data_token(org.pk, "thing")
    cache.clear()
    assert org_data_token(org.pk, "thing") != token
    assert org_data(org.pk, "thing", ("k",), lambda: "new") == "new"


def test_running_rules_are_read_once_and_reloaded_after_an_edit(org, django_assert_num_queries):
    program = program_ensure_default(org=org)
    first = rule_create(org=org, program=program, name="Five", event_type="BILL_ADDED", effects=AWARD,
                        status="RUNNING")
    assert [r.pk for r in rules_for_event(org=org, program=program, event_type="BILL_ADDED")] == [first.pk]
    with django_assert_num_queries(0):
        rules_for_event(org=org, program=program, event_type="BILL_ADDED")
    second = rule_create(org=org, program=program, name="Ten", event_type="BILL_ADDED", effects=AWARD,
                         status="RUNNING")
    assert {r.pk for r in rules_for_event(org=org, program=program, event_type="BILL_ADDED")} == {first.pk, second.pk}
    rule_set_status(org=org, rule=first, status="DISABLED")
    assert [r.pk for r in rules_for_event(org=org, program=program, event_type="BILL_ADDED")] == [second.pk]


def test_a_rules_store_list_change_is_seen(org):
    program = program_ensure_default(org=org)
    rule = rule_create(org=org, program=program, name="Store", event_type="BILL_ADDED", effects=AWARD,
                       status="RUNNING")
    assert list(rules_for_event(org=org, program=program, event_type="BILL_ADDED")[0].stores.all()) == []
    store = StoreFactory(org=org)
    rule.stores.add(store)
    assert list(rules_for_event(org=org, program=program, event_type="BILL_ADDED")[0].stores.all()) == [store]


def test_programmes_and_tenders_follow_their_edits(org):
    program = program_ensure_default(org=org)
    resolved = program_resolve(org=org)
    resolved.promised_delay_days = 99  # a private copy: nobody else sees this
    assert program_resolve(org=org).promised_delay_days == program.promised_delay_days
    program.promised_delay_days = 3
    program.save()
    assert program_resolve(org=org).promised_delay_days == 3
    assert [m.name for m in payment_modes_active(org=org)] == []
    payment_mode_create(org=org, name="CASH", canonical_name="CASH")
    assert [m.name for m in payment_modes_active(org=org)] == ["CASH"]
