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


# -- tokens read once per request ---------------------------------------------------------------------------------
@pytest.fixture
def in_request():
    from apps.core.orgcache import request_tokens_end, request_tokens_start

    request_tokens_start()
    yield
    request_tokens_end()


def _counting_cache(monkeypatch):
    from apps.core import orgcache

    reads, inside = [], []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if not inside:  # a backend's get_many may be a loop of gets: one round trip all the same
            reads.append(("get", key))
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(("get_many", tuple(keys)))
        inside.append(1)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(orgcache.cache, "get", get)
    monkeypatch.setattr(orgcache.cache, "get_many", get_many)
    return reads


def test_a_request_reads_all_of_an_orgs_tokens_in_one_round_trip(org, monkeypatch, in_request):
    # given a process that has used two kinds of the org's data before
    from apps.core.orgcache import request_tokens_start

    org_data(org.pk, "alpha", ("k",), lambda: "a")
    org_data(org.pk, "beta", ("k",), lambda: "b")
    request_tokens_start()  # a new request
    reads = _counting_cache(monkeypatch)
    # when the request reads both, twice
    for _ in range(2):
        assert org_data(org.pk, "alpha", ("k",), lambda: "reloaded") == "a"
        assert org_data(org.pk, "beta", ("k",), lambda: "reloaded") == "b"
    # then the shared cache was asked once
    assert [kind for kind, _ in reads] == ["get_many"]


def test_a_request_sees_its_own_changes_and_the_next_request_sees_other_processes(org, in_request):
    from apps.core.orgcache import _token_key, request_tokens_start

    assert org_data(org.pk, "thing", ("k",), lambda: 1) == 1
    org_data_changed(org.pk, "thing")  # this request's own change
    assert org_data(org.pk, "thing", ("k",), lambda: 2) == 2
    cache.set(_token_key(org.pk, "thing"), "moved-by-another-process")
    assert org_data(org.pk, "thing", ("k",), lambda: 3) == 2  # the request keeps what it first saw
    request_tokens_start()  # the next request
    assert org_data(org.pk, "thing", ("k",), lambda: 3) == 3


def test_outside_requests_every_read_asks_the_shared_cache(org, monkeypatch):
    org_data(org.pk, "thing", ("k",), lambda: 1)
    reads = _counting_cache(monkeypatch)
    org_data(org.pk, "thing", ("k",), lambda: 1)
    org_data(org.pk, "thing", ("k",), lambda: 1)
    assert len(reads) == 2
