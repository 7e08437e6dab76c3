"""The rules engine's issue_coupon effect: a running rule issues a coupon of a series, once per event."""
from __future__ import annotations

import pytest

from apps.coupons.models import Coupon
from apps.rules.effects import effects_clean
from apps.rules.engine import evaluate
from apps.rules.errors import RuleEffectsInvalid
from apps.rules.services import effects_apply
from tests.factories.rules import RuleFactory
from tests.rules.conftest import event, program, store  # noqa: F401 (fixtures)

from .conftest import make_series

pytestmark = pytest.mark.django_db


def test_a_rule_issues_a_coupon_once_per_event(org, program, customer, event):  # noqa: F811
    # given
    series = make_series(org)
    RuleFactory(org=org, program=program, effects=[{"type": "issue_coupon", "params": {"series_id": series.pk}}])
    context = event()
    # when
    first = effects_apply(org=org, evaluation=evaluate(context), context=context, source_type="BILL",
                          source_ref="7", idempotency_prefix="bill:7")
    again = effects_apply(org=org, evaluation=evaluate(context), context=context, source_type="BILL",
                          source_ref="7", idempotency_prefix="bill:7")
    # then
    coupon = Coupon.objects.get(series=series)
    assert coupon.customer_id == context.customer.pk
    assert first[0]["applied"] and first[0]["couponId"] == coupon.pk == again[0]["couponId"]


def test_the_effect_refuses_a_series_of_another_org(org, other_org):
    foreign = make_series(other_org)
    with pytest.raises(RuleEffectsInvalid):
        effects_clean([{"type": "issue_coupon", "params": {"series_id": foreign.pk}}], org=org)


def test_a_refused_issue_does_not_break_the_event(org, program, customer, event):  # noqa: F811
    series = make_series(org, max_create=0)
    RuleFactory(org=org, program=program, effects=[{"type": "issue_coupon", "params": {"series_id": series.pk}}])
    context = event()
    results = effects_apply(org=org, evaluation=evaluate(context), context=context, source_type="BILL",
                            source_ref="8", idempotency_prefix="bill:8")
    assert results[0]["applied"] is False and results[0]["code"] == 722
