"""Backtests: a draft rule set over past bills, per rule, against what was issued — writing nothing to the ledger."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from apps.core.choices import JobStatus
from apps.points.models import LedgerEntry, PointsAccount
from apps.rules.choices import RuleStatus
from apps.rules.errors import BacktestInvalid
from apps.rules.models import Backtest, RuleAward
from apps.rules.services import backtest_run, backtest_start, default_earn_rule_ensure, effects_apply
from apps.rules.engine import evaluate
from tests.factories.rules import RuleFactory, percent_of_bill
from tests.rules.conftest import THURSDAY

pytestmark = pytest.mark.django_db
D = Decimal


class FakeBills:
    """A bill source over contexts kept in memory (the protocol the transactions app implements)."""

    def __init__(self, contexts):
        self.contexts = contexts

    def count(self, *, org, start, end):
        return len(list(self.bills(org=org, start=start, end=end)))

    def bills(self, *, org, start, end):
        return [(n, c) for n, c in enumerate(self.contexts, start=1) if start <= c.occurred_at < end]

    def context(self, bill):
        return bill[1]

    def ref(self, bill):
        return str(bill[0])


def test_backtest_compares_a_draft_with_what_was_issued(org, program, event):
    # given: three bills that earned 1% for real, and a draft 5% rule capped at 120 per customer per month
    base = default_earn_rule_ensure(org=org, program=program, percent=D("1"))
    contexts = [event(amount=amount, at=THURSDAY + timedelta(days=n), number=f"B{n}")
                for n, amount in enumerate(["1000", "2000", "3000"])]
    for n, context in enumerate(contexts, start=1):
        effects_apply(org=org, evaluation=evaluate(context), context=context, source_type="BILL", source_ref=str(n),
                      idempotency_prefix=f"bill:{n}")
    draft = RuleFactory(org=org, program=program, name="Five percent", status=RuleStatus.DRAFT,
                        effects=percent_of_bill("5"), max_points_per_customer=D("120"))
    backtest = backtest_start(org=org, rules=[draft, base], start=date(2026, 1, 1), end=date(2026, 1, 31))
    ledger = (LedgerEntry.objects.count(), RuleAward.objects.count(), PointsAccount.objects.get().available)
    # when
    result = backtest_run(org_id=org.pk, backtest_id=backtest.pk, source=FakeBills(contexts))
    # then
    assert result == {
        "bills": 3, "start": "2026-01-01", "end": "2026-01-31",
        "rules": [
            {"ruleId": base.pk, "ruleName": "Earn 1% of the bill", "status": "RUNNING", "billsMatched": 3,
             "billsAwarded": 3, "wouldIssue": "60", "actual": "60", "difference": "0"},
            {"ruleId": draft.pk, "ruleName": "Five percent", "status": "DRAFT", "billsMatched": 3,
             "billsAwarded": 2, "wouldIssue": "120", "actual": "0", "difference": "120"},
        ],
        "totals": {"wouldIssue": "180", "actual": "60", "actualOtherRules": "0", "difference": "120"},
    }
    assert (LedgerEntry.objects.count(), RuleAward.objects.count(), PointsAccount.objects.get().available) == ledger
    backtest.refresh_from_db()
    assert backtest.result == result
    assert (backtest.job_run.status, backtest.job_run.total, backtest.job_run.done) == (JobStatus.SUCCEEDED, 3, 3)


def test_backtest_job_runs_on_commit_with_eager_celery(org, program, event, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    # given
    from apps.rules.services import backtest as backtest_module

    rule = RuleFactory(org=org, program=program, status=RuleStatus.DRAFT, effects=percent_of_bill("2"))
    contexts = [event(amount="500", at=THURSDAY)]
    monkeypatch.setattr(backtest_module, "TransactionsBillSource", lambda: FakeBills(contexts))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        backtest = backtest_start(org=org, rules=[rule.pk], start=date(2026, 1, 15), end=date(2026, 1, 15))
    # then
    backtest.refresh_from_db()
    assert backtest.result["rules"][0]["wouldIssue"] == "10"
    assert backtest.job_run.status == JobStatus.SUCCEEDED
    assert LedgerEntry.objects.count() == 0 and RuleAward.objects.count() == 0


def test_backtest_over_real_bills_writes_nothing_to_the_ledger(org, till, program, django_capture_on_commit_callbacks):
    # given: bills added through the transactions app, earning 1% by the default rule
    from apps.transactions.services import bill_add
    from tests.factories.customers import CustomerFactory
    from tests.transactions.builders import sale

    base = default_earn_rule_ensure(org=org, program=program, percent=D("1"))
    CustomerFactory(org=org, mobile="919845012345")
    for n in range(3):
        bill_add(org=org, data=sale(f"R-{n}", ("RICE5", 2, "250")), till=till)
    draft = RuleFactory(org=org, program=program, status=RuleStatus.DRAFT, name="Rice 3x",
                        effects=[{"type": "award_points", "params": {"basis": "line_percent", "value": "3",
                                                                     "items": {"item_codes": ["RICE5"]}}}])
    ledger = (LedgerEntry.objects.count(), RuleAward.objects.count())
    today = datetime.now().date()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        backtest = backtest_start(org=org, rules=[draft, base], start=today - timedelta(days=1),
                                  end=today + timedelta(days=1))
    # then
    backtest.refresh_from_db()
    rows = {row["ruleName"]: (row["wouldIssue"], row["actual"]) for row in backtest.result["rules"]}
    assert backtest.result["bills"] == 3
    assert rows == {"Earn 1% of the bill": ("15", "15"), "Rice 3x": ("45", "0")}
    assert (LedgerEntry.objects.count(), RuleAward.objects.count()) == ledger


@pytest.mark.parametrize(("start", "end", "rules", "message"), [
    (date(2026, 2, 1), date(2026, 1, 1), "own", "Invalid backtest: the start date must be on or before the end date"),
    (date(2024, 12, 31), date(2026, 1, 1), "own", "Invalid backtest: at most 366 days at a time"),
    (date(2026, 1, 1), date(2026, 1, 2), "none", "Invalid backtest: choose 1 to 50 rules"),
    (date(2026, 1, 1), date(2026, 1, 2), "foreign", "Invalid backtest: not all rules belong to the organisation"),
])
def test_backtest_input_is_checked(org, other_org, program, start, end, rules, message):
    chosen = {"own": [RuleFactory(org=org, program=program)], "none": [],
              "foreign": [RuleFactory(org=other_org)]}[rules]
    with pytest.raises(BacktestInvalid) as caught:
        backtest_start(org=org, rules=chosen, start=start, end=end)
    assert caught.value.message == message
    assert Backtest.objects.count() == 0


def test_a_finished_backtest_is_not_run_again(org, program, event):
    rule = RuleFactory(org=org, program=program)
    backtest = backtest_start(org=org, rules=[rule], start=date(2026, 1, 1), end=date(2026, 1, 31))
    first = backtest_run(org_id=org.pk, backtest_id=backtest.pk, source=FakeBills([event()]))
    second = backtest_run(org_id=org.pk, backtest_id=backtest.pk, source=FakeBills([event(), event()]))
    assert second == first and first["bills"] == 1
