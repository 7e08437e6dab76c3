"""The rules admin: editing through the services with clear errors, status actions, backtest screens, bounded
changelists, and the readable evaluation log."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from apps.rules.choices import RuleStatus
from apps.rules.models import Backtest, Rule, RuleAward
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.rules import RuleFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin_client(client, org):
    # Marketer-level permissions on rules are not in the staff roles yet: a superuser of the org is scoped the same.
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def rule_form(program, **overrides):
    data = {"program": program.pk, "name": "Weekend", "description": "", "event_type": "BILL_ADDED",
            "status": "DRAFT", "priority": "100", "condition": "bill.amount >= 100.0",
            "effects": '[{"type": "award_points", "params": {"basis": "bill_fixed", "value": "50"}}]',
            "days_of_week": ["6", "7"], "audience_labels": "VIP, Staff", "audience_tiers": "",
            "customer_cap_period": "MONTH", "allow_partial_on_cap": "on"}
    data.update(overrides)
    return data


def test_adding_a_rule_goes_through_the_service(admin_client, org, program, store):
    response = admin_client.post("/admin/rules/rule/add/", rule_form(program, stores=[store.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = Rule.objects.get()
    assert (rule.org, rule.name, rule.days_of_week, rule.audience_labels, rule.created_by.username) == (
        org, "Weekend", [6, 7], ["VIP", "Staff"], "boss")
    assert rule.effects == [{"type": "award_points", "params": {"basis": "bill_fixed", "value": "50"}}]
    assert list(rule.stores.all()) == [store]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"condition": "bill.amount == 100"}, "Invalid condition: cannot compare or combine"),
    ({"condition": "bill.total > 1.0"}, "Invalid condition: &#x27;bill&#x27; has no field &#x27;total&#x27;"),
    ({"effects": '[{"type": "award_points", "params": {"basis": "bill_fixed"}}]'},
     "Invalid effects: effect 1 (award_points): value: required"),
    ({"effects": "[]", "status": "RUNNING"}, "A rule needs at least one effect to run."),
])
def test_invalid_rules_show_a_clear_error_and_write_nothing(admin_client, program, overrides, message):
    before = db_snapshot()
    response = admin_client.post("/admin/rules/rule/add/", rule_form(program, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_written(before)


def test_editing_a_rule_bumps_its_version(admin_client, org, program):
    rule = RuleFactory(org=org, program=program, name="Old", status=RuleStatus.DRAFT)
    response = admin_client.post(f"/admin/rules/rule/{rule.pk}/change/", rule_form(program, name="New"))
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    assert (rule.name, rule.version) == ("New", 2)


def test_status_actions(admin_client, org, program):
    ready = RuleFactory(org=org, program=program, status=RuleStatus.DRAFT)
    empty = RuleFactory(org=org, program=program, status=RuleStatus.DRAFT, effects=[])
    response = admin_client.post("/admin/rules/rule/", {"action": "run_selected",
                                                        "_selected_action": [ready.pk, empty.pk]}, follow=True)
    page = response.content.decode()
    assert f"Rule {empty.name} cannot run: it has no effects" in page and "1 rule(s) now running" in page
    ready.refresh_from_db(), empty.refresh_from_db()
    assert (ready.status, empty.status) == (RuleStatus.RUNNING, RuleStatus.DRAFT)


def test_foreign_rule_is_not_reachable(admin_client, other_org):
    foreign = RuleFactory(org=other_org)
    assert admin_client.get(f"/admin/rules/rule/{foreign.pk}/change/").status_code == 302
    assert foreign.name not in admin_client.get("/admin/rules/rule/").content.decode()


def test_backtest_screen_form_job_result(admin_client, org, program, django_capture_on_commit_callbacks):
    # given
    rule = RuleFactory(org=org, program=program, status=RuleStatus.DRAFT, name="Draft 5%")
    action = admin_client.post("/admin/rules/rule/", {"action": "backtest_selected", "_selected_action": [rule.pk]})
    assert action.status_code == 302 and action["Location"] == f"/admin/rules/backtest/add/?rules={rule.pk}"
    assert "Draft 5%" in admin_client.get(action["Location"]).content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/rules/backtest/add/", {"rules": [rule.pk], "start": "2026-01-01",
                                                                    "end": "2026-01-31"})
    # then
    backtest = Backtest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/rules/backtest/{backtest.pk}/change/"
    page = admin_client.get(response["Location"]).content.decode()
    assert "0 bills from 2026-01-01 to 2026-01-31. Nothing was written to the ledger." in page
    assert "Draft 5%" in page and "Succeeded" in page


def test_backtest_form_refuses_a_reversed_range(admin_client, org, program):
    rule = RuleFactory(org=org, program=program)
    response = admin_client.post("/admin/rules/backtest/add/", {"rules": [rule.pk], "start": "2026-02-01",
                                                                "end": "2026-01-01"})
    assert response.status_code == 200 and "The end must be on or after the start." in response.content.decode()
    assert Backtest.objects.count() == 0


@pytest.mark.parametrize("url", ["/admin/rules/rule/", "/admin/rules/ruleaward/", "/admin/rules/backtest/",
                                 "/admin/rules/ruleoutboxevent/", "/admin/rules/programrulesettings/",
                                 "/admin/rules/rulecustomertally/"])
def test_changelist_queries_do_not_grow_with_rows(admin_client, org, program, customer, url):
    from apps.rules.models import ProgramRuleSettings, RuleCustomerTally, RuleOutboxEvent
    from apps.rules.services import backtest_start
    from tests.factories.rules import ProgramFactory

    def add_rows(n):
        for _ in range(n):
            rule = RuleFactory(org=org, program=program)
            RuleAward.objects.create(org=org, rules={str(rule.pk): "1"}, customer=customer, program=program, points=D("1"),
                                     source_type="BILL", source_ref=str(rule.pk), idempotency_key=f"k{rule.pk}",
                                     awarded_at=rule.created_at)
            RuleOutboxEvent.objects.create(org=org, rule=rule, event_name="e", dedupe_key=f"d{rule.pk}")
            RuleCustomerTally.objects.create(org=org, rule=rule, customer=customer, period_key="LIFETIME", points=1)
            backtest_start(org=org, rules=[rule], start=date(2026, 1, 1), end=date(2026, 1, 2))
            ProgramRuleSettings.objects.create(org=org, program=ProgramFactory(org=org))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx)

    add_rows(3)
    few = count()
    add_rows(27)
    assert count() == few


def test_evaluation_log_template_tag():
    log = [{"ruleId": 1, "ruleName": "Base 1%", "matched": True, "reason": "matched", "stopped": False,
            "effects": [{"type": "award_points", "points": "10", "billPoints": "0", "linePoints": {"0": "6", "1": "4"},
                         "basis": "bill_percent", "rate": "1", "rateSource": "default", "cappedBy": None}],
            "skipped": [{"type": "add_label", "reason": "no customer to label"}]},
           {"ruleId": 2, "ruleName": "Weekend <b>", "matched": False, "reason": "runs on Saturday, Sunday only",
            "effects": [], "skipped": [], "stopped": True}]
    html = Template("{% load rules_tags %}{% evaluation_log log %}").render(Context({"log": log}))
    assert "10 points (lines #0: 6, #1: 4) — bill_percent 1 (default)" in html
    assert "add_label: no customer to label" in html
    assert "Weekend &lt;b&gt;" in html and "stopped later rules" in html
    assert "No rule was a candidate" in Template("{% load rules_tags %}{% evaluation_log log %}").render(
        Context({"log": []}))


def test_award_rows_filter_by_the_rule_with_a_share_in_them(admin_client, org, program, customer, other_org):
    first, second = RuleFactory(org=org, program=program, name="First"), RuleFactory(org=org, program=program,
                                                                                      name="Second")
    foreign = RuleFactory(org=other_org, name="Elsewhere")
    for n, shares in enumerate([{first.pk: "5"}, {first.pk: "2", second.pk: "3"}, {second.pk: "7"}]):
        RuleAward.objects.create(org=org, rules={str(k): v for k, v in shares.items()}, customer=customer,
                                 program=program, points=sum(D(v) for v in shares.values()), source_type="BILL",
                                 source_ref=f"F-{n}", idempotency_key=f"f{n}", awarded_at=first.created_at)
    page = admin_client.get("/admin/rules/ruleaward/").content.decode()
    assert "First" in page and "Second" in page and "Elsewhere" not in page  # the org's rules only
    page = admin_client.get(f"/admin/rules/ruleaward/?rule={first.pk}").content.decode()
    assert "F-0" in page and "F-1" in page and "F-2" not in page
    assert f"rule {second.pk}: 3" in page  # each row lists the rules' shares
    assert admin_client.get(f"/admin/rules/ruleaward/?rule={foreign.pk}").status_code == 200
