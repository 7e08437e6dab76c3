"""Hypothesis drives random ledger operations with a controllable clock and checks the invariants after every step."""
from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from apps.core.errors import DomainError
from apps.customers.models import Customer
from apps.points.choices import DeficitPolicy
from apps.points.models import LedgerEntry, PointsAccount, Redemption
from apps.points.services import (Actor, ledger_check, points_adjust, points_convert_promised, points_credit,
                                  points_expire_due, points_redeem, points_reverse_redemption, points_revoke,
                                  points_transfer, program_create)
from tests.factories.organizations import OrganizationFactory

D = Decimal
POINTS = st.integers(min_value=1, max_value=500).map(D)


class LedgerMachine(RuleBasedStateMachine):
    clock: dict = {}

    @initialize(policy=st.sampled_from(list(DeficitPolicy)), delay=st.sampled_from([0, 0, 3]))
    def setup(self, policy, delay):
        self.clock["now"] = datetime(2026, 1, 1, 9, tzinfo=dt_timezone.utc)
        self.org = OrganizationFactory()
        self.program = program_create(org=self.org, name="Club", is_default=True, deficit_policy=policy,
                                      promised_delay_days=delay, expiry_days=30)
        self.customers = [Customer.objects.create(org=self.org, first_name=n) for n in ("A", "B", "C")]
        self.bills: list[tuple[Customer, str]] = []
        self.redemptions: list[str] = []
        self.counter = 0

    def _ref(self) -> str:
        self.counter += 1
        return f"B{self.counter}"

    @rule(who=st.integers(0, 2), points=POINTS)
    def earn(self, who, points):
        ref = self._ref()
        points_credit(org=self.org, customer=self.customers[who], points=points, program=self.program,
                      source_type="BILL", source_ref=ref, idempotency_key=ref)
        self.bills.append((self.customers[who], ref))

    @precondition(lambda self: self.bills)
    @rule(index=st.integers(0, 1000))
    def replay_earn(self, index):
        customer, ref = self.bills[index % len(self.bills)]
        before = LedgerEntry.objects.filter(org=self.org).count()
        points_credit(org=self.org, customer=customer, points=D(1), program=self.program, source_type="BILL",
                      source_ref=ref, idempotency_key=ref)
        assert LedgerEntry.objects.filter(org=self.org).count() == before

    @rule(who=st.integers(0, 2), points=POINTS)
    def redeem(self, who, points):
        try:
            redemption = points_redeem(org=self.org, customer=self.customers[who], program=self.program, points=points)
        except DomainError:
            return
        self.redemptions.append(redemption.code)

    @precondition(lambda self: self.redemptions)
    @rule(index=st.integers(0, 1000), part=st.one_of(st.none(), POINTS))
    def reverse(self, index, part):
        try:
            points_reverse_redemption(org=self.org, redemption_code=self.redemptions[index % len(self.redemptions)],
                                      points=part)
        except DomainError:
            pass

    @precondition(lambda self: self.bills)
    @rule(index=st.integers(0, 1000), points=POINTS)
    def return_bill(self, index, points):
        customer, ref = self.bills[index % len(self.bills)]
        try:
            points_revoke(org=self.org, customer=customer, program=self.program, points=points, source_type="BILL",
                          source_ref=ref)
        except DomainError:
            pass

    @rule(giver=st.integers(0, 2), taker=st.integers(0, 2), points=POINTS)
    def transfer(self, giver, taker, points):
        try:
            points_transfer(org=self.org, from_customer=self.customers[giver], to_customer=self.customers[taker],
                            program=self.program, points=points)
        except DomainError:
            pass

    @rule(who=st.integers(0, 2), points=st.integers(-300, 300).filter(bool).map(D))
    def adjust(self, who, points):
        try:
            points_adjust(org=self.org, customer=self.customers[who], program=self.program, points=points,
                          reason="test", actor=Actor())
        except DomainError:
            pass

    @rule(days=st.integers(1, 40))
    def time_passes(self, days):
        self.clock["now"] += timedelta(days=days)

    @rule()
    def expire(self):
        first = points_expire_due(org_id=self.org.pk)
        again = points_expire_due(org_id=self.org.pk)
        assert again == (D(0), 0), (first, again)

    @rule(who=st.integers(0, 2))
    def convert(self, who):
        points_convert_promised(org=self.org, customer=self.customers[who], program=self.program)

    @invariant()
    def ledger_balances(self):
        if not hasattr(self, "org"):
            return
        assert ledger_check(org=self.org) == []
        for account in PointsAccount.objects.filter(org=self.org):
            if not account.allow_negative:
                assert account.available >= 0
        redeemed = sum((r.points - r.reversed_points for r in Redemption.objects.filter(org=self.org)), D(0))
        assert redeemed == sum((a.redeemed for a in PointsAccount.objects.filter(org=self.org)), D(0))


@pytest.mark.django_db
def test_ledger_invariants_hold_under_random_operations(monkeypatch):
    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "now", lambda: LedgerMachine.clock["now"])
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
