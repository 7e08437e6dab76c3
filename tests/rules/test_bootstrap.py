"""bootstrap_org --earn-percent and the demo rules."""
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.rules.choices import RuleStatus
from apps.rules.engine import evaluate
from apps.rules.models import Rule
from apps.rules.services import demo_rules_load
from tests.rules.conftest import SATURDAY, line

pytestmark = pytest.mark.django_db
D = Decimal
ARGS = ["--name", "Shop Co", "--till-username", "shop.till", "--till-password", "pw-1"]


def test_bootstrap_gives_the_default_programme_a_one_percent_rule():
    call_command("bootstrap_org", *ARGS)
    call_command("bootstrap_org", *ARGS)
    (rule,) = Rule.objects.filter(org__code="shop-co")
    assert (rule.status, rule.event_type, rule.program.is_default) == (RuleStatus.RUNNING, "BILL_ADDED", True)
    assert rule.effects == [{"type": "award_points", "params": {"basis": "bill_percent", "value": "1"}}]


def test_earn_percent_option():
    call_command("bootstrap_org", *ARGS, "--earn-percent", "2.5")
    assert Rule.objects.get().effects[0]["params"]["value"] == "2.5"
    call_command("bootstrap_org", *ARGS, "--earn-percent", "3")
    assert Rule.objects.get().effects[0]["params"]["value"] == "3"


def test_earn_percent_zero_makes_no_rule():
    call_command("bootstrap_org", *ARGS, "--earn-percent", "0")
    assert Rule.objects.count() == 0


@pytest.mark.parametrize(("value", "message"), [("abc", "--earn-percent must be a number"),
                                                ("150", "Earn percent must be greater than 0 and at most 100")])
def test_bad_earn_percent_is_refused(value, message):
    with pytest.raises(CommandError) as caught:
        call_command("bootstrap_org", *ARGS, "--earn-percent", value)
    assert str(caught.value) == message
    assert Rule.objects.count() == 0


def test_demo_rules_are_idempotent_and_work(org, program, event):
    # given / when
    first = demo_rules_load(org=org, program=program)
    again = demo_rules_load(org=org, program=program)
    # then
    assert [r.pk for r in first] == [r.pk for r in again]
    assert [r.name for r in first] == ["Category bonus: 2x on Footwear, 1.5x on Apparel",
                                       "Weekend bonus: 50 points on bills of 1000 or more",
                                       "Big basket: 5% extra, at most 200 points per bill"]
    lines = [line(0, "2000", category="Footwear"), line(1, "2000", category="Apparel"), line(2, "2000")]
    evaluation = evaluate(event(amount="6000", lines=lines, at=SATURDAY))
    # 2% of 2000 + 1.5% of 2000; 50 on a Saturday; 5% of 6000 = 300 capped at 200
    assert [(e.rule_name[:10], e.points) for e in evaluation.effects] == [
        ("Category b", D("70")), ("Weekend bo", D("50")), ("Big basket", D("200"))]


def test_load_demo_adds_the_demo_rules(monkeypatch):
    # the demo customers take minutes to load and are not what this checks
    monkeypatch.setattr("apps.demo.services.demo_customers_load", lambda **kwargs: None)
    call_command("load_demo")
    names = set(Rule.objects.filter(org__code="demo-retail").values_list("name", flat=True))
    assert names >= {"Earn 1% of the bill", "Weekend bonus: 50 points on bills of 1000 or more"}
    assert len(names) == 4
