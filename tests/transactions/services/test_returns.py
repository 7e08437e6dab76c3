"""Returns take back exactly what the returned goods earned: FULL, AMOUNT, LINE_ITEM, in one or several steps."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.points.errors import DebitBlocked
from apps.points.models import PointsAccount
from apps.points.services import SYSTEM, points_redeem
from apps.rules.services import rule_create
from apps.transactions import errors
from apps.transactions.models import Bill, BillLine
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.transactions.builders import D, return_of, sale, set_config

pytestmark = pytest.mark.django_db


def account_of(customer) -> PointsAccount:
    return PointsAccount.objects.get(customer=customer)


def bought(add_bill, number="B-1"):
    """2 x RICE5 at 250 + 1 x DAL1 at 120 = 620, earning 62 points (50 on rice, 12 on dal)."""
    return add_bill(sale(number, ("RICE5", 2, "250"), ("DAL1", 1, "120"))).bill


def test_full_return_takes_back_every_point(member, earn_rule, add_bill):
    # given
    bill = bought(add_bill)
    # when
    result = add_bill(return_of("B-1", "FULL"))
    # then
    bill.refresh_from_db()
    assert result.points_reversed == D("62")
    assert bill.points_returned == D("62") and bill.is_fully_returned and bill.return_mode == "FULL"
    assert account_of(member).available == D("0")
    assert result.bill.parent_id == bill.pk and result.bill.amount == D("620")
    assert BillLine.objects.filter(bill=result.bill, type="RETURN").count() == 2


def test_amount_returns_in_steps_take_back_the_ratio_and_end_at_zero(member, earn_rule, add_bill):
    # given
    bill = bought(add_bill)
    # when 25% of the amount comes back, then the rest
    first = add_bill(return_of("B-1", "AMOUNT", amount=D("155")))
    second = add_bill(return_of("B-1", "AMOUNT", amount=D("465")))
    # then
    assert first.points_reversed == D("15.5")
    assert second.points_reversed == D("46.5")
    bill.refresh_from_db()
    assert bill.points_returned == D("62") and bill.is_fully_returned
    assert account_of(member).available == D("0")


def test_line_item_returns_take_back_each_lines_share(member, earn_rule, add_bill):
    # given
    bought(add_bill)
    # when one rice bag, then the dal, then the other rice bag come back
    steps = [add_bill(return_of("B-1", "LINE_ITEM", ("RICE5", 1))).points_reversed,
             add_bill(return_of("B-1", "LINE_ITEM", ("DAL1", 1))).points_reversed,
             add_bill(return_of("B-1", "LINE_ITEM", ("RICE5", 1))).points_reversed]
    # then
    assert steps == [D("25"), D("12"), D("25")]
    assert account_of(member).available == D("0")
    assert Bill.objects.get(number="B-1", type="REGULAR").is_fully_returned


def test_bill_level_points_go_back_only_with_the_last_line(org, program, member, earn_rule, add_bill):
    # given a fixed 30-point bonus per bill on top of 10%
    rule_create(org=org, program=program, name="Visit bonus", event_type="BILL_ADDED", status="RUNNING", priority=20,
                effects=[{"type": "award_points", "params": {"basis": "bill_fixed", "value": "30"}}])
    bill = bought(add_bill)
    assert (bill.points, bill.bill_points) == (D("92"), D("30"))
    # when the rice comes back, then the dal
    rice = add_bill(return_of("B-1", "LINE_ITEM", ("RICE5", 2)))
    dal = add_bill(return_of("B-1", "LINE_ITEM", ("DAL1", 1)))
    # then the bonus is taken back with the last line only
    assert (rice.points_reversed, dal.points_reversed) == (D("50"), D("42"))
    assert account_of(member).available == D("0")


def test_uneven_partial_returns_never_leave_points_behind(org, program, member, earn_rule, add_bill):
    # given 3 x 33.33 = 99.99, earning floor(9.999) = 9 points
    add_bill(sale("B-7", ("SOAP", 3, "33.33")))
    assert account_of(member).available == D("9")
    # when the amount comes back in three uneven steps
    taken = [add_bill(return_of("B-7", "AMOUNT", amount=D(a))).points_reversed for a in ("10", "20", "69.99")]
    # then every step rounds up and the steps add up to exactly what was earned
    assert taken == [D("0.901"), D("1.800"), D("6.299")]
    assert sum(taken) == D("9") and account_of(member).available == D("0")


@pytest.mark.parametrize("step, code", [
    (lambda: return_of("B-1", "LINE_ITEM", ("RICE5", 3)), 626),
    (lambda: return_of("B-1", "AMOUNT", amount=D("620.01")), 630),
    (lambda: return_of("B-1", "LINE_ITEM", ("SUGAR", 1)), 688),
    (lambda: return_of("B-404", "FULL"), 625),
])
def test_returning_more_than_was_bought_is_refused_and_writes_nothing(member, earn_rule, add_bill, step, code):
    # given
    bought(add_bill)
    before = db_snapshot()
    # when / then
    with pytest.raises(errors.TransactionError) as refused:
        add_bill(step())
    assert refused.value.code == code
    assert_nothing_written(before)
    assert account_of(member).available == D("62")


def test_partial_returns_cannot_exceed_what_is_left(member, earn_rule, add_bill):
    # given one rice bag already returned
    bought(add_bill)
    add_bill(return_of("B-1", "LINE_ITEM", ("RICE5", 1)))
    # when two more rice bags are returned
    with pytest.raises(errors.ReturnQtyExceeded):
        add_bill(return_of("B-1", "LINE_ITEM", ("RICE5", 2)))
    # then the customer still holds the points of what was kept, no more
    assert account_of(member).available == D("37")


@pytest.mark.parametrize("first, second, error", [
    (return_of("B-1", "AMOUNT", amount=D("100")), return_of("B-1", "LINE_ITEM", ("DAL1", 1)),
     errors.ReturnLineAfterAmount),
    (return_of("B-1", "LINE_ITEM", ("DAL1", 1)), return_of("B-1", "AMOUNT", amount=D("100")),
     errors.ReturnAmountAfterLine),
    (return_of("B-1", "LINE_ITEM", ("DAL1", 1)), return_of("B-1", "FULL"), errors.FullReturnAfterPartial),
    (return_of("B-1", "FULL"), return_of("B-1", "AMOUNT", amount=D("1")), errors.AlreadyFullyReturned),
])
def test_a_bill_is_returned_one_way_only(member, earn_rule, add_bill, first, second, error):
    # given
    bought(add_bill)
    add_bill(first)
    # when / then
    with pytest.raises(error):
        add_bill(second)


def test_return_dated_before_the_purchase_is_refused(member, earn_rule, add_bill):
    # given
    bill = bought(add_bill)
    # when / then
    with pytest.raises(errors.ReturnBeforePurchase):
        add_bill(return_of("B-1", "FULL", billing_time=bill.billing_time - timedelta(hours=1)))


def test_another_customers_bill_cannot_be_returned(org, member, earn_rule, add_bill):
    # given Asha's bill and Ravi, another member
    from tests.factories.customers import CustomerFactory

    bought(add_bill)
    CustomerFactory(org=org, mobile="919845099999")
    # when Ravi returns Asha's bill
    with pytest.raises(errors.ParentBillNotFound):
        add_bill(return_of("B-1", "FULL", mobile="919845099999"))
    # then Asha keeps her points
    assert account_of(member).available == D("62")


def test_promised_points_are_taken_back_from_the_promise(org, program, member, earn_rule, add_bill):
    # given a 7-day return window: points are promised first
    program.promised_delay_days = 7
    program.save()
    bought(add_bill)
    account = account_of(member)
    assert (account.available, account.promised) == (D("0"), D("62"))
    # when
    add_bill(return_of("B-1", "LINE_ITEM", ("RICE5", 2)))
    # then
    account.refresh_from_db()
    assert (account.available, account.promised) == (D("0"), D("12"))


def _spend(org, program, member, points):
    points_redeem(org=org, customer=member, program=program, points=D(points), bill_number="B-2",
                  external_reference="", idempotency_key="", purpose="", notes="", actor=SYSTEM, redeemed_at=None)


def test_clamp_policy_takes_what_is_left_and_records_the_shortfall(org, program, member, earn_rule, add_bill):
    # given the customer spent 50 of the 62 points
    bought(add_bill)
    _spend(org, program, member, "50")
    # when the whole bill comes back
    add_bill(return_of("B-1", "FULL"))
    # then
    account = account_of(member)
    assert (account.available, account.shortfall, account.negative_balance) == (D("0"), D("50"), D("0"))


def test_allow_negative_policy_leaves_the_customer_owing(org, program, member, earn_rule, add_bill):
    # given
    program.deficit_policy = "ALLOW_NEGATIVE"
    program.save()
    bought(add_bill)
    _spend(org, program, member, "50")
    # when
    add_bill(return_of("B-1", "FULL"))
    # then
    account = account_of(member)
    assert (account.available, account.negative_balance) == (D("-50"), D("50"))
    # and the next bill pays the debt first
    add_bill(sale("B-3", ("RICE5", 2, "250")))
    account.refresh_from_db()
    assert (account.available, account.negative_balance) == (D("0"), D("0"))


def test_block_policy_refuses_the_return_and_writes_nothing(org, program, member, earn_rule, add_bill):
    # given
    program.deficit_policy = "BLOCK"
    program.save()
    bought(add_bill)
    _spend(org, program, member, "50")
    before = db_snapshot()
    # when / then
    with pytest.raises(DebitBlocked):
        add_bill(return_of("B-1", "FULL"))
    assert_nothing_written(before)


def test_points_return_switched_off_keeps_the_points_with_a_warning(org, member, earn_rule, add_bill):
    # given
    set_config(org, "CONF_POINTS_RETURN_ENABLED", "0")
    bought(add_bill)
    # when
    result = add_bill(return_of("B-1", "FULL"))
    # then
    assert [w.code for w in result.warnings] == [710]
    assert result.points_reversed == D("0") and account_of(member).available == D("62")


def test_full_return_gives_back_points_redeemed_on_the_bill(org, program, member, earn_rule, add_bill):
    # given 40 points redeemed and quoted on a later bill
    bought(add_bill)
    _spend(org, program, member, "40")
    from apps.points.models import Redemption

    code = Redemption.objects.get(customer=member).code
    add_bill(sale("B-2", ("RICE5", 1, "250"), redemption_codes=[code]))
    assert account_of(member).available == D("47")
    # when the bill paid with points comes back in full
    add_bill(return_of("B-2", "FULL"))
    # then its 25 points go and the 40 redeemed points come back
    assert account_of(member).available == D("62")
    assert Redemption.objects.get(code=code).status == "REVERSED"


def test_exchange_returns_old_lines_and_earns_on_new_ones(org, member, earn_rule, add_bill):
    # given
    bought(add_bill)
    from apps.transactions.services import BillInput, CustomerRef, LineInput

    exchange = BillInput(type="MIXED", number="X-1", customer=CustomerRef("mobile", "919845012345"), lines=[
        LineInput(item_code="RICE10", qty=D("1"), rate=D("480")),
        LineInput(item_code="RICE5", qty=D("2"), type="RETURN", return_type="LINE_ITEM", parent_number="B-1"),
    ])
    # when
    result = add_bill(exchange)
    # then
    assert (result.points_awarded, result.points_reversed) == (D("48"), D("50"))
    assert result.bill.amount == D("480")
    assert account_of(member).available == D("60")
    assert result.bill.lines.filter(type="RETURN").get().parent_line.item_code == "RICE5"
