"""Which rules run: status, event type, validity window, days of week, stores and zones, audiences, priority and
the stop-processing flags."""
from datetime import timedelta
from decimal import Decimal

import pytest

from apps.rules.choices import RuleStatus
from apps.rules.engine import evaluate
from tests.factories.organizations import StoreFactory, ZoneFactory
from tests.factories.rules import RuleFactory, percent_of_bill
from tests.rules.conftest import SATURDAY, THURSDAY

pytestmark = pytest.mark.django_db
D = Decimal


def fired(evaluation) -> list[str]:
    return [entry["ruleName"] for entry in evaluation.log if entry["matched"]]


def reasons(evaluation) -> dict[str, str]:
    return {entry["ruleName"]: entry["reason"] for entry in evaluation.log}


def test_only_running_rules_of_the_event_and_programme_are_candidates(org, program, other_org, event):
    # given
    RuleFactory(org=org, program=program, name="running")
    RuleFactory(org=org, program=program, name="draft", status=RuleStatus.DRAFT)
    RuleFactory(org=org, program=program, name="disabled", status=RuleStatus.DISABLED)
    RuleFactory(org=org, program=program, name="on registration", event_type="CUSTOMER_REGISTERED")
    RuleFactory(org=org, name="other programme")
    RuleFactory(org=other_org, name="other org")
    # when
    evaluation = evaluate(event(amount="1000"))
    # then
    assert [entry["ruleName"] for entry in evaluation.log] == ["running"]
    assert evaluation.total_points == D("10")


def test_validity_window(org, program, event):
    # given
    RuleFactory(org=org, program=program, name="current", valid_from=THURSDAY - timedelta(days=1),
                valid_until=THURSDAY + timedelta(days=1))
    RuleFactory(org=org, program=program, name="expired", valid_until=THURSDAY - timedelta(seconds=1))
    RuleFactory(org=org, program=program, name="future", valid_from=THURSDAY + timedelta(hours=1))
    # when
    evaluation = evaluate(event())
    # then
    assert fired(evaluation) == ["current"]
    assert reasons(evaluation)["expired"] == "expired on 2026-01-15T04:29:59+00:00"
    assert reasons(evaluation)["future"] == "not valid before 2026-01-15T05:30:00+00:00"


def test_days_of_week_in_the_org_time_zone(org, program, event):
    # given: Saturday 04:30 UTC is Saturday 10:00 in Kolkata; Friday 20:00 UTC is Saturday 01:30 in Kolkata
    RuleFactory(org=org, program=program, name="weekend", days_of_week=[6, 7])
    # when
    saturday = evaluate(event(at=SATURDAY))
    thursday = evaluate(event(at=THURSDAY))
    friday_night_utc = evaluate(event(at=SATURDAY.replace(day=16, hour=20)))
    # then
    assert fired(saturday) == ["weekend"] and fired(friday_night_utc) == ["weekend"]
    assert reasons(thursday)["weekend"] == "runs on Saturday, Sunday only, not Thursday"


def test_stores_and_zones(org, program, event, store):
    # given: zone "south" contains sub-zone "blr-zone"
    south = ZoneFactory(org=org, code="south")
    blr_zone = ZoneFactory(org=org, code="blrz", parent=south)
    in_zone = StoreFactory(org=org, code="koramangala", zone=blr_zone)
    RuleFactory(org=org, program=program, name="this store", stores=[store])
    RuleFactory(org=org, program=program, name="south", zones=[south])
    # when
    at_store = evaluate(event(store=store))
    in_sub_zone = evaluate(event(store=in_zone))
    no_store = evaluate(event(store=None))
    # then
    assert fired(at_store) == ["this store"]
    assert reasons(at_store)["south"] == "store blr is not targeted"
    assert fired(in_sub_zone) == ["south"]
    assert reasons(no_store) == {"this store": "the event has no store", "south": "the event has no store"}


def test_audience_by_label_and_tier(org, program, event):
    # given
    RuleFactory(org=org, program=program, name="vip", audience_labels=["VIP", "Staff"])
    RuleFactory(org=org, program=program, name="gold", audience_tiers=["gold", "3"])
    # when
    vip = evaluate(event(labels=["vip"]))
    gold_by_number = evaluate(event(tier={"number": 3, "name": "Platinum"}))
    nobody = evaluate(event(labels=["Regular"], tier={"number": 1, "name": "Silver"}))
    anonymous = evaluate(event(customer=None))
    # then
    assert fired(vip) == ["vip"]
    assert fired(gold_by_number) == ["gold"]
    assert reasons(nobody) == {"vip": "customer has none of the labels VIP, Staff",
                               "gold": "customer's tier Silver is not targeted"}
    assert reasons(anonymous)["vip"] == "no customer (the audience is by label)"


def test_rules_run_by_priority(org, program, event):
    RuleFactory(org=org, program=program, name="second", priority=20)
    RuleFactory(org=org, program=program, name="first", priority=5)
    RuleFactory(org=org, program=program, name="third", priority=20)
    assert [entry["ruleName"] for entry in evaluate(event()).log] == ["first", "second", "third"]


def test_stop_after_match_skips_later_rules(org, program, event):
    # given
    RuleFactory(org=org, program=program, name="exclusive", priority=1, stop_after_match=True,
                effects=percent_of_bill("5"))
    RuleFactory(org=org, program=program, name="base", priority=2)
    # when
    evaluation = evaluate(event(amount="1000"))
    # then
    assert [entry["ruleName"] for entry in evaluation.log] == ["exclusive"]
    assert evaluation.log[0]["stopped"] is True
    assert evaluation.total_points == D("50")


def test_stop_if_false_is_a_gate(org, program, event):
    # given: the gate stops everything below it when its condition fails
    RuleFactory(org=org, program=program, name="gate", priority=1, condition="bill.amount >= 500.0",
                stop_if_false=True, effects=[])
    RuleFactory(org=org, program=program, name="base", priority=2)
    # when
    small = evaluate(event(amount="100"))
    big = evaluate(event(amount="1000"))
    # then
    assert [(e["ruleName"], e["reason"], e["stopped"]) for e in small.log] == [("gate", "condition is false", True)]
    assert fired(big) == ["gate", "base"]


def test_stop_on_error(org, program, event):
    # given: the condition reads an extended field the bill does not carry
    RuleFactory(org=org, program=program, name="careful", priority=1, stop_on_error=True,
                condition='bill.extended_fields.membership == "Yes"')
    RuleFactory(org=org, program=program, name="lenient", priority=2,
                condition='bill.extended_fields.membership == "Yes"')
    RuleFactory(org=org, program=program, name="base", priority=3)
    # when
    stopped = evaluate(event())
    careful = stopped.log[0]
    # then
    assert careful["reason"] == "condition error: no such member in mapping: 'membership'"
    assert [e["ruleName"] for e in stopped.log] == ["careful"]
    assert fired(evaluate(event(extended_fields={"membership": "Yes"}))) == ["careful", "lenient", "base"]


def test_condition_over_lines_customer_and_time(org, program, event, store):
    # given
    from tests.rules.conftest import line

    RuleFactory(org=org, program=program, name="shoes in the morning at blr",
                condition='lines.exists(l, l.category == "Shoes" && l.amount > 500.0) && time.hour < 12 '
                          '&& store.code == "blr" && "VIP" in customer.labels')
    # when
    hit = evaluate(event(lines=[line(0, "800", category="Shoes")], labels=["VIP"]))
    miss = evaluate(event(lines=[line(0, "400", category="Shoes")], labels=["VIP"]))
    # then
    assert fired(hit) == ["shoes in the morning at blr"]
    assert reasons(miss) == {"shoes in the morning at blr": "condition is false"}


def test_given_rule_set_runs_drafts_but_only_for_the_event(org, program, event):
    # given: simulation/backtest pass their own rules (drafts included)
    draft = RuleFactory(org=org, program=program, name="draft", status=RuleStatus.DRAFT)
    registration = RuleFactory(org=org, program=program, name="registration", event_type="CUSTOMER_REGISTERED")
    # when
    evaluation = evaluate(event(), rules=[draft, registration])
    # then
    assert fired(evaluation) == ["draft"]
