"""Writing rules: checked when saved (condition, effect params, tenancy), versioned, the default earn rule."""
from decimal import Decimal

import pytest

from apps.rules.choices import RuleStatus, TierCrossing
from apps.rules.errors import EarnPercentInvalid, RuleCannotRun, RuleConditionInvalid, RuleEffectsInvalid, RuleInvalid
from apps.rules.models import ProgramRuleSettings, Rule, RuleTally
from apps.rules.services import (DEFAULT_EARN_KEY, default_earn_rule_ensure, program_rule_settings_set, rule_create,
                                 rule_set_status, rule_update)
from tests.factories.organizations import StoreFactory
from tests.factories.rules import ProgramFactory, percent_of_bill
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db
D = Decimal


def create(org, program, **kwargs):
    kwargs.setdefault("name", "Rule")
    kwargs.setdefault("event_type", "BILL_ADDED")
    kwargs.setdefault("effects", percent_of_bill("2"))
    return rule_create(org=org, program=program, **kwargs)


def test_create_normalises_and_stores(org, program, store):
    # given / when
    rule = create(org, program, condition="  bill.amount > 10.0 ", stores=[store], days_of_week=[7, 6, 6],
                  effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": 2}}],
                  audience_labels=[" VIP "])
    # then
    rule.refresh_from_db()
    assert (rule.condition, rule.days_of_week, rule.audience_labels, rule.status, rule.version) == (
        "bill.amount > 10.0", [6, 7], ["VIP"], RuleStatus.DRAFT, 1)
    assert rule.effects == [{"type": "award_points", "params": {"basis": "bill_percent", "value": "2"}}]
    assert list(rule.stores.all()) == [store]


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"condition": "bill.amount >"}, RuleConditionInvalid, "Invalid condition: syntax error at line 1, column 13"),
    ({"effects": [{"type": "award_coupon", "params": {}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1: unknown type 'award_coupon' (known: add_label, award_points, emit_event, "
     "issue_coupon, remove_label, send_message)"),
    ({"effects": [{"type": "award_points", "params": {"basis": "bill_percent"}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (award_points): value: required"),
    ({"effects": [{"type": "award_points", "params": {"basis": "per_visit", "value": "1"}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (award_points): basis: one of bill_fixed, bill_percent, line_percent, line_per_unit"),
    ({"effects": [{"type": "award_points", "params": {"basis": "bill_fixed", "value": 1.5}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (award_points): value: give a decimal number as a string or an integer (no floats)"),
    ({"effects": [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "-1"}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (award_points): value: must be at least 0"),
    ({"effects": [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "1", "items": {
        "categories": ["A"]}}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (award_points): items: only line_percent and line_per_unit choose lines"),
    ({"effects": [{"type": "award_points", "params": {"basis": "line_percent", "value": "1", "multipliers": [
        {"factor": "2"}]}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (award_points): multipliers[1]: name the item_codes, categories or brands it "
     "applies to"),
    ({"effects": [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "1", "bonus": True}}]},
     RuleEffectsInvalid, "Invalid effects: effect 1 (award_points): bonus: unknown parameter (known: basis, items, "
                         "multipliers, tier_values, value)"),
    ({"effects": [{"type": "add_label", "params": {"label": "Ghost"}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (add_label): label: the org has no active label named 'Ghost'"),
    ({"effects": [{"type": "send_message", "params": {"channel": "SMS", "body": "Hi {name}"}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (send_message): body: unknown placeholder {name} (known: first_name, last_name, "
     "points, rule_points, bill_number, bill_amount, store_name, rule_name)"),
    ({"effects": [{"type": "emit_event", "params": {"event_name": "no spaces"}}]}, RuleEffectsInvalid,
     "Invalid effects: effect 1 (emit_event): event_name: must match [A-Za-z][A-Za-z0-9_.\\-]{2,63}"),
    ({"effects": "award"}, RuleEffectsInvalid, "Invalid effects: give a list of {type, params}"),
    ({"effects": [], "status": RuleStatus.RUNNING}, RuleCannotRun, "Rule Rule cannot run: it has no effects"),
])
def test_invalid_rules_are_refused_and_nothing_is_written(org, program, kwargs, error, message):
    before = db_snapshot()
    with pytest.raises(error) as caught:
        create(org, program, **kwargs)
    assert caught.value.message == message
    assert_nothing_written(before)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"event_type": "bill added"}, "event_type"), ({"days_of_week": [0, 8]}, "days_of_week"),
    ({"audience_tiers": [""]}, "audience_tiers"), ({"max_points_per_bill": D("-1")}, "max_points_per_bill"),
])
def test_invalid_fields_are_refused(org, program, kwargs, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        create(org, program, **kwargs)
    assert list(caught.value.message_dict) == [field]
    assert Rule.objects.count() == 0


def test_foreign_programme_and_stores_are_refused(org, other_org, program):
    foreign_store = StoreFactory(org=other_org)
    with pytest.raises(RuleInvalid) as caught:
        create(org, program, stores=[foreign_store])
    assert caught.value.message == "Invalid rule: stores: not all of them belong to the organisation"
    with pytest.raises(RuleInvalid):
        create(org, ProgramFactory(org=other_org))
    assert Rule.objects.count() == 0


def test_update_bumps_the_version(org, program):
    rule = create(org, program, condition="bill.amount > 1.0")
    updated = rule_update(org=org, rule=rule, condition="bill.amount > 2.0", priority=5)
    assert (updated.version, updated.condition, updated.priority) == (2, "bill.amount > 2.0", 5)
    with pytest.raises(RuleConditionInvalid):
        rule_update(org=org, rule=rule, condition="bill.nope > 1.0")
    rule.refresh_from_db()
    assert (rule.version, rule.condition) == (2, "bill.amount > 2.0")


def test_update_refuses_another_orgs_rule(org, other_org, program):
    rule = create(org, program)
    with pytest.raises(RuleInvalid):
        rule_update(org=other_org, rule=rule, name="Mine now")
    rule.refresh_from_db()
    assert rule.name == "Rule"


def test_status_changes(org, program):
    rule = create(org, program)
    assert rule_set_status(org=org, rule=rule, status=RuleStatus.RUNNING).status == RuleStatus.RUNNING
    assert rule_set_status(org=org, rule=rule, status=RuleStatus.DISABLED).status == RuleStatus.DISABLED
    with pytest.raises(RuleInvalid):
        rule_set_status(org=org, rule=rule, status="PAUSED")


def test_setting_a_budget_starts_the_tally_from_history(org, program, customer):
    from apps.rules.models import RuleAward

    rule = create(org, program)
    other = create(org, program)
    for n, shares in enumerate([{rule.pk: "40", other.pk: "5"}, {other.pk: "7"}, {rule.pk: "2.5"}]):
        RuleAward.objects.create(org=org, rules={str(k): v for k, v in shares.items()}, customer=customer,
                                 program=program, points=sum(D(v) for v in shares.values()), source_type="BILL",
                                 source_ref=str(n), idempotency_key=f"k{n}", awarded_at=rule.created_at)
    rule_update(org=org, rule=rule, budget_points=D("100"))
    tally = RuleTally.objects.get(rule=rule)
    assert (tally.awarded_points, tally.award_count) == (D("42.5"), 2)


def test_default_earn_rule_is_idempotent_and_follows_the_percent(org, program):
    # given / when
    first = default_earn_rule_ensure(org=org, program=program, percent=D("1"))
    again = default_earn_rule_ensure(org=org, program=program, percent=D("1"))
    # then
    assert first.pk == again.pk and again.version == 1
    assert (first.name, first.status, first.event_type, first.system_key) == (
        "Earn 1% of the bill", RuleStatus.RUNNING, "BILL_ADDED", DEFAULT_EARN_KEY)
    assert first.effects == [{"type": "award_points", "params": {"basis": "bill_percent", "value": "1"}}]
    # and a new percent updates it, keeping a marketer's pause
    rule_set_status(org=org, rule=first, status=RuleStatus.DISABLED)
    changed = default_earn_rule_ensure(org=org, program=program, percent=D("2.5"))
    assert (changed.pk, changed.name, changed.status) == (first.pk, "Earn 2.5% of the bill", RuleStatus.DISABLED)
    assert Rule.objects.count() == 1


@pytest.mark.parametrize(("percent", "name", "value"), [
    (D("10"), "Earn 10% of the bill", "10"), (D("100"), "Earn 100% of the bill", "100"),
    (D("1.50"), "Earn 1.5% of the bill", "1.5"), (D("1E+1"), "Earn 10% of the bill", "10"),
    ("0.25", "Earn 0.25% of the bill", "0.25"), (20, "Earn 20% of the bill", "20")])
def test_default_earn_rule_names_the_percent_plainly(org, program, percent, name, value):
    rule = default_earn_rule_ensure(org=org, program=program, percent=percent)
    assert (rule.name, rule.effects[0]["params"]["value"]) == (name, value)


@pytest.mark.parametrize("percent", [D("0"), D("-1"), D("101"), "abc"])
def test_default_earn_percent_must_be_sensible(org, program, percent):
    with pytest.raises(EarnPercentInvalid):
        default_earn_rule_ensure(org=org, program=program, percent=percent)
    assert Rule.objects.count() == 0


def test_programme_tier_crossing_setting(org, other_org, program):
    settings = program_rule_settings_set(org=org, program=program, tier_crossing=TierCrossing.SPLIT)
    program_rule_settings_set(org=org, program=program, tier_crossing=TierCrossing.UPGRADE_THEN_EARN)
    assert ProgramRuleSettings.objects.get(pk=settings.pk).tier_crossing == TierCrossing.UPGRADE_THEN_EARN
    with pytest.raises(RuleInvalid):
        program_rule_settings_set(org=other_org, program=program, tier_crossing=TierCrossing.SPLIT)
    with pytest.raises(RuleInvalid):
        program_rule_settings_set(org=org, program=program, tier_crossing="LATER")
