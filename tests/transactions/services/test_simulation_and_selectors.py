"""Simulation evaluates without writing; the backtest selectors give the rules app the same context as earning."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.rules.engine import EventContext
from apps.transactions import errors
from apps.transactions.selectors import bill_context, bill_list
from apps.transactions.services import bill_simulate, bill_update
from tests.factories.transactions import BillFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.transactions.builders import D, sale

pytestmark = pytest.mark.django_db


def test_simulation_evaluates_the_rules_and_writes_nothing(org, till, member, earn_rule):
    # given
    before = db_snapshot()
    # when
    sim = bill_simulate(org=org, data=sale("S-1", ("RICE5", 2, "250"), ("DAL1", 1, "120")), till=till)
    # then
    assert (sim.points, sim.points_by_line, sim.bill_points) == (D("62"), {0: D("50"), 1: D("12")}, D("0"))
    assert sim.evaluation.log[0]["ruleId"] == earn_rule.pk
    assert_nothing_written(before)


def test_simulation_never_registers_a_customer(org, till, earn_rule):
    before = db_snapshot()
    with pytest.raises(errors.TransactionCustomerNotFound):
        bill_simulate(org=org, data=sale("S-1", ("RICE5", 1, "250"), mobile="919900011122"), till=till)
    assert_nothing_written(before)


def test_bill_list_and_context_replay_what_earning_saw(org, member, earn_rule, add_bill):
    # given a sale, a return and another org's bill
    from tests.transactions.builders import return_of

    sold = add_bill(sale("B-1", ("RICE5", 2, "250"))).bill
    add_bill(return_of("B-1", "AMOUNT", amount=D("100")))
    BillFactory()
    start, end = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)
    # when
    bills = list(bill_list(org=org, start=start, end=end))
    context = bill_context(bills[0])
    # then only the org's sales are listed, with a context like the one earning used
    assert bills == [sold]
    assert isinstance(context, EventContext)
    assert context.bill["amount"] == D("500") and context.lines[0]["qty"] == D("2")
    assert context.customer == member and context.program == sold.program
    assert context.attributes["customer"]["labels"] == []


def test_update_merges_fields_and_sets_the_delivery_status(org, member, earn_rule, add_bill):
    # given
    from apps.fields.services import extended_field_create

    extended_field_create(org=org, entity="TRANSACTION", name="cashier_id")
    bill = add_bill(sale("B-1", ("RICE5", 1, "250"), extended_fields={"cashier_id": "C-1"})).bill
    # when
    updated, warnings = bill_update(org=org, bill=bill, delivery_status="shipped", custom_fields={"unknown": "x"})
    # then
    assert (updated.delivery_status, updated.extended_fields, warnings[0].code) == ("SHIPPED", {"cashier_id": "C-1"},
                                                                                     1017)
    with pytest.raises(errors.TransactionNotUpdated):
        bill_update(org=org, bill=bill, delivery_status="LOST")
