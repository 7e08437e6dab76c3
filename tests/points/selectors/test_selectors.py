"""Reads of the points domain: balances, schedules, closing balances, ledger filters, liability."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.points import selectors
from apps.points.choices import EntryKind, SourceType
from apps.points.models import PointsLot
from apps.points.services import points_credit, points_redeem, points_transfer, program_create

pytestmark = pytest.mark.django_db
D = Decimal


def credit(org, customer, program, points, ref="B1", **kwargs):
    return points_credit(org=org, customer=customer, points=D(points), program=program, source_type="BILL",
                         source_ref=ref, **kwargs)


@pytest.mark.parametrize("kind, source, name", [
    (EntryKind.CREDIT, SourceType.BILL, "TransactionAdd"), (EntryKind.PROMISE, SourceType.LINE, "TransactionAdd"),
    (EntryKind.CREDIT, SourceType.ENROLMENT, "CustomerRegistration"),
    (EntryKind.CREDIT, SourceType.REQUEST, "AllocateGoodwillPoints"), (EntryKind.CREDIT, SourceType.RULE, "GenericEvent"),
    (EntryKind.CONVERT, SourceType.BILL, "DelayedAccrual"), (EntryKind.REDEEM, SourceType.REDEMPTION, "PointsRedemption"),
    (EntryKind.REVERSE_REDEMPTION, SourceType.REDEMPTION, "PointsRedemptionReversal"),
    (EntryKind.EXPIRE, SourceType.EXPIRY, "PointsExpiry"), (EntryKind.TRANSFER_IN, SourceType.TRANSFER, "PointsTransfer"),
    (EntryKind.REVOKE, SourceType.BILL, "ReturnBill"), (EntryKind.REVOKE, SourceType.MANUAL, "ManualPointsAdjustment"),
    (EntryKind.ADJUST_DEBIT, SourceType.MANUAL, "ManualPointsAdjustment"),
])
def test_event_names(kind, source, name):
    assert selectors.event_name(kind, source) == name
    assert selectors.event_filter_known(name)


def test_balances_leave_out_points_past_their_date(org, program, customer, clock):
    other = program_create(org=org, name="Other")
    credit(org, customer, program, 40, expires_at=clock.now + timedelta(hours=1))
    credit(org, customer, program, 60, ref="B2")
    clock.advance(hours=2)
    mine, theirs = selectors.balances_for(org=org, customer=customer, programs=[program, other], now=clock.now)
    assert (mine.available, mine.figure("available"), mine.account.due) == (D(60), D(100), D(40))
    assert (theirs.account, theirs.available, theirs.figure("redeemed")) == (None, D(0), D(0))


def test_expiry_schedule_groups_by_org_day_and_skips_promised_and_spent(org, program, customer, clock):
    credit(org, customer, program, 10, ref="A", expires_at=clock.now + timedelta(days=3))
    credit(org, customer, program, 5, ref="B", expires_at=clock.now + timedelta(days=3, hours=2))
    credit(org, customer, program, 7, ref="P", promised=True, expires_at=clock.now + timedelta(days=3))
    credit(org, customer, program, 4, ref="X", expires_at=clock.now + timedelta(days=1))
    points_redeem(org=org, customer=customer, program=program, points=D(4))  # spends X entirely
    rows = selectors.expiry_schedule(org=org, customer=customer, programs=[program], after=clock.now,
                                     before=clock.now + timedelta(days=30))
    assert [(r["expiryDate"], r["points"], r["pointsType"]) for r in rows] == [(date(2026, 1, 18), D(15), "bill_regular")]


def test_promised_schedule_separates_trigger_based_points(org, program, customer, clock):
    program.promised_delay_days = 2
    program.save()
    credit(org, customer, program, 10, ref="A")
    credit(org, customer, program, 3, ref="T")
    PointsLot.objects.filter(source_ref="T").update(available_from=None)
    dated, triggered = selectors.promised_schedule(org=org, customer=customer, programs=[program])
    assert [(r["redeemableFrom"], r["points"]) for r in dated] == [(date(2026, 1, 17), D(10))]
    assert triggered == [{"points": D(3), "programId": program.pk, "pointsType": "bill_regular"}]


def test_closing_balance_is_the_running_balance_at_the_moment(org, program, customer, clock):
    credit(org, customer, program, 10)
    start = clock.now
    clock.advance(days=1)
    credit(org, customer, program, 5, ref="B2")
    (then,) = selectors.closing_balances(org=org, customer=customer, as_of=start)
    (now,) = selectors.closing_balances(org=org, customer=customer, as_of=None)
    (before,) = selectors.closing_balances(org=org, customer=customer, as_of=start - timedelta(days=1))
    assert (then.balance_main, now.balance_main, before.balance_main) == (D(10), D(15), D(0))


def test_ledger_filters(org, program, customer, other_customer):
    credit(org, customer, program, 10)
    points_redeem(org=org, customer=customer, program=program, points=D(4))
    points_transfer(org=org, from_customer=customer, to_customer=other_customer, program=program, points=D(1))
    every = selectors.ledger_entries(org=org, customer=customer, filters=selectors.LedgerFilter())
    debits = selectors.ledger_entries(org=org, customer=customer, filters=selectors.LedgerFilter(entry_type="DEBIT"))
    oldest_first = selectors.ledger_entries(org=org, customer=customer, filters=selectors.LedgerFilter(ascending=True))
    assert [e.kind for e in every] == ["TRANSFER_OUT", "REDEEM", "CREDIT"]
    assert [e.kind for e in debits] == ["TRANSFER_OUT", "REDEEM"]
    assert [e.kind for e in oldest_first] == ["CREDIT", "REDEEM", "TRANSFER_OUT"]


def test_transfer_list_covers_both_directions(org, program, customer, other_customer):
    credit(org, customer, program, 10)
    credit(org, other_customer, program, 10, ref="B2")
    out = points_transfer(org=org, from_customer=customer, to_customer=other_customer, program=program, points=D(2))
    back = points_transfer(org=org, from_customer=other_customer, to_customer=customer, program=program, points=D(1))
    assert list(selectors.transfer_list(org=org, customer=customer)) == [back, out]
    assert list(selectors.transfer_list(org=org, customer=customer, sort_by="pointsTransferred",
                                        descending=False)) == [back, out]


def test_liability_for_the_platform_operator_spans_orgs(org, other_org, program, customer, clock):
    from apps.customers.models import Customer

    foreign_program = program_create(org=other_org, name="Rival", is_default=True, point_value=D(2))
    credit(org, customer, program, 10, expires_at=None)
    credit(other_org, Customer.objects.create(org=other_org), foreign_program, 5, ref="F",
           expires_at=clock.now + timedelta(days=40))
    rows = selectors.liability_by_month()
    summary = sorted((r["program"], r["month"], r["available"], r["value"]) for r in rows
                     if r["program"] in ("Club", "Rival"))
    assert summary[0][0] == "Club" and summary[0][2:] == (D(10), D("5.0000"))
    assert summary[1][0] == "Rival" and summary[1][2:] == (D(5), D("10.0000"))
    assert len(selectors.liability_by_month(org=org)) == 1
