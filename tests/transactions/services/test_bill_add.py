"""Adding bills: duplicates, customers (auto-registration), non-member bills, currency, fields, master data."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection  # noqa: F401 (the skipif condition)
from django.utils import timezone

from apps.core.errors import DomainError
from apps.customers.models import Customer
from apps.fields.services import extended_field_create
from apps.points.models import PointsAccount
from apps.rules.services import rule_create, rule_set_status
from apps.transactions import errors
from apps.transactions.models import Bill, RejectedBill
from apps.transactions.services import BillInput, CustomerRef, MasterDataRejected, TenderInput, bill_submit
from tests.factories.organizations import PaymentModeFactory, StoreFactory, TillFactory
from tests.factories.transactions import ProductFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot
from tests.transactions.builders import D, sale, set_config

pytestmark = pytest.mark.django_db


# -- duplicates ----------------------------------------------------------------------------------------------------
def test_same_bill_number_same_store_same_day_is_refused(member, earn_rule, add_bill):
    # given
    add_bill(sale("B-1", ("RICE5", 1, "250")))
    before = db_snapshot()
    # when / then
    with pytest.raises(errors.DuplicateBillNumber) as refused:
        add_bill(sale("B-1", ("RICE5", 1, "250")))
    assert refused.value.code == 604 and refused.value.status == 409
    assert_nothing_written(before)


def test_same_number_is_fine_on_another_day_or_at_another_store(org, member, earn_rule, add_bill):
    # given
    add_bill(sale("B-1", ("RICE5", 1, "250")))
    other_till = TillFactory(org=org)
    # when
    add_bill(sale("B-1", ("RICE5", 1, "250"), billing_time=timezone.now() - timedelta(days=2)))
    add_bill(sale("B-1", ("RICE5", 1, "250"), till_code=other_till.code))
    # then
    assert Bill.objects.filter(number="B-1").count() == 3


def test_store_that_allows_repeated_numbers_keeps_both(org, till, member, earn_rule, add_bill):
    # given
    set_config(org, "CONF_LOYALTY_IS_BILL_NUMBER_UNIQUE", "0", store=till.store)
    # when
    add_bill(sale("B-1", ("RICE5", 1, "250")))
    add_bill(sale("B-1", ("RICE5", 1, "250")))
    # then
    assert Bill.objects.filter(number="B-1", number_is_unique=False).count() == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="names PostgreSQL's constraint / FOR UPDATE")
def test_the_unique_constraint_backs_the_check(org, till, member):
    # given a bill already stored under the uniqueness rule
    from django.db import IntegrityError

    from tests.factories.transactions import BillFactory

    first = BillFactory(org=org, store=till.store, customer=member, number="B-9", number_is_unique=True)
    # when a racing insert skips the check
    with pytest.raises(IntegrityError, match="transactions_bill_unique_number"):
        BillFactory(org=org, store=till.store, customer=member, number="B-9", number_is_unique=True,
                    billing_time=first.billing_time, bill_date=first.bill_date)


# -- customers -----------------------------------------------------------------------------------------------------
def test_unknown_mobile_registers_the_customer_and_earns(org, earn_rule, add_bill):
    # when
    result = add_bill(sale("B-1", ("RICE5", 2, "250"), mobile="919900011122"))
    # then
    assert result.customer_registered is True
    customer = Customer.objects.get(identifiers__value="919900011122")
    assert result.bill.customer == customer and result.points_awarded == D("50")
    assert PointsAccount.objects.get(customer=customer).available == D("50")


def test_unknown_customer_is_refused_when_auto_registration_is_off(org, earn_rule, add_bill):
    # given
    set_config(org, "CONF_TRANSACTION_AUTO_REGISTER", "0")
    before = db_snapshot()
    # when / then
    with pytest.raises(errors.TransactionCustomerNotFound) as refused:
        add_bill(sale("B-1", ("RICE5", 2, "250"), mobile="919900011122"))
    assert refused.value.code == 8015 and refused.value.v11_code == 611
    assert_nothing_written(before)


def test_returns_never_register_a_customer(org, earn_rule, add_bill):
    # when / then
    from tests.transactions.builders import return_of

    with pytest.raises(errors.TransactionCustomerNotFound):
        add_bill(return_of("B-1", "FULL", mobile="919900011122"))
    assert not Customer.objects.exists()


def test_non_member_bill_is_kept_with_its_identifiers_and_earns_nothing(org, earn_rule, add_bill):
    # given
    data = sale("NI-1", ("RICE5", 1, "250"), mobile="919900011122", not_interested_reason="In a hurry")
    data.type = "NOT_INTERESTED"
    # when
    result = add_bill(data)
    # then
    bill = result.bill
    assert bill.customer is None and bill.points == D("0")
    assert bill.customer_identifiers == {"mobile": "919900011122"}
    assert not Customer.objects.exists()


def test_non_loyalty_customer_earns_nothing(org, member, earn_rule, add_bill):
    # given
    member.loyalty_type = "NON_LOYALTY"
    member.save()
    # when
    result = add_bill(sale("B-1", ("RICE5", 2, "250")))
    # then
    assert result.bill.program is None and result.points_awarded == D("0")


# -- rules engine ----------------------------------------------------------------------------------------------------
def test_disabled_rule_awards_nothing_and_the_log_says_so(org, member, earn_rule, add_bill):
    # given
    rule_set_status(org=org, rule=earn_rule, status="DISABLED")
    # when
    result = add_bill(sale("B-1", ("RICE5", 2, "250")))
    # then
    assert result.points_awarded == D("0") and result.bill.evaluation_log == []


def test_per_bill_cap_limits_the_award(org, program, member, earn_rule, add_bill):
    # given
    from apps.rules.services import rule_update

    rule_update(org=org, rule=earn_rule, max_points_per_bill=D("40"))
    # when
    result = add_bill(sale("B-1", ("RICE5", 2, "250"), ("DAL1", 1, "120")))
    # then
    assert result.points_awarded == D("40")
    assert sum(line.points for line in result.bill.lines.all()) == D("40")


def test_customer_cap_is_shared_by_bills_of_the_period(org, program, member, add_bill):
    # given 10% capped at 60 points per customer per month
    rule_create(org=org, program=program, name="Capped", event_type="BILL_ADDED", status="RUNNING",
                max_points_per_customer=D("60"), customer_cap_period="MONTH",
                effects=[{"type": "award_points", "params": {"basis": "bill_percent", "value": "10"}}])
    # when
    first = add_bill(sale("B-1", ("RICE5", 2, "250")))
    second = add_bill(sale("B-2", ("RICE5", 2, "250")))
    # then
    assert (first.points_awarded, second.points_awarded) == (D("50"), D("10"))
    assert PointsAccount.objects.get(customer=member).available == D("60")


def test_category_rule_earns_on_matching_lines_only(org, program, member, add_bill):
    # given 5 points per unit of dairy, the category coming from the SKU master
    ProductFactory(org=org, item_code="MILK1", category="Dairy")
    rule_create(org=org, program=program, name="Dairy", event_type="BILL_ADDED", status="RUNNING",
                effects=[{"type": "award_points", "params": {"basis": "line_per_unit", "value": "5",
                                                             "items": {"categories": ["dairy"]}}}])
    # when
    result = add_bill(sale("B-1", ("MILK1", 3, "60"), ("RICE5", 1, "250")))
    # then
    milk, rice = result.bill.lines.order_by("position")
    assert (milk.category, milk.points, rice.points) == ("Dairy", D("15"), D("0"))


# -- currency ---------------------------------------------------------------------------------------------------------
def test_local_currency_bill_is_converted_at_the_org_ratio(org, member, earn_rule, add_bill):
    # given
    set_config(org, "CONF_CURRENCY_CONVERSION_ENABLE", "1")
    set_config(org, "CONF_CURRENCY_CONVERSION_RATIOS", "USD:83.25,AED:22.60")
    data = sale("B-1", ("PERFUME", 2, "40.50"), add_with_local_currency=True, currency_code="USD")
    # when
    result = add_bill(data)
    # then
    bill = result.bill
    assert (bill.local_currency, bill.local_amount, bill.conversion_ratio) == ("USD", D("81.00"), D("83.25"))
    assert bill.amount == D("6743.25") and bill.currency == "INR"
    assert bill.lines.get().rate == D("3371.625").quantize(D("0.0001"))
    assert result.points_awarded == D("674")


@pytest.mark.parametrize("settings, currency, error", [
    ({}, "USD", errors.CurrencyConversionDisabled),
    ({"CONF_CURRENCY_CONVERSION_ENABLE": "1"}, "EUR", errors.CurrencyRatioInvalid),
])
def test_local_currency_needs_conversion_on_and_a_ratio(org, member, earn_rule, add_bill, settings, currency, error):
    # given
    for key, value in settings.items():
        set_config(org, key, value)
    # when / then
    with pytest.raises(error):
        add_bill(sale("B-1", ("PERFUME", 1, "10"), add_with_local_currency=True, currency_code=currency))


# -- shape --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, code", [
    ({"type": "GIFT"}, 605),
    ({"number": ""}, 602),
    ({"number": "N" * 51}, 602),
    ({"amount": D("-1")}, 631),
    ({"discount": D("-5")}, 666),
    ({"billing_time": timezone.now() + timedelta(days=3)}, 643),
])
def test_bad_bills_are_refused_with_the_platform_code(member, earn_rule, add_bill, change, code):
    # given
    data = sale("B-1", ("RICE5", 1, "250"))
    for key, value in change.items():
        setattr(data, key, value)
    before = db_snapshot()
    # when / then
    with pytest.raises(DomainError) as refused:
        add_bill(data)
    assert refused.value.code == code
    assert_nothing_written(before)


def test_negative_line_quantity_is_refused_with_627(member, add_bill):
    data = sale("B-1", ("RICE5", -1, "250"))
    with pytest.raises(errors.NegativeLineValue) as refused:
        add_bill(data)
    assert refused.value.code == 627


# -- fields ----------------------------------------------------------------------------------------------------------
def test_extended_and_custom_fields_are_cleaned_and_bad_ones_become_warnings(org, member, earn_rule, add_bill):
    # given
    extended_field_create(org=org, entity="TRANSACTION", name="cashier_id")
    from tests.factories.organizations import CustomFieldFactory

    CustomFieldFactory(org=org, scope="loyalty_transaction", name="delivery_slot", type="select",
                       options=["morning", "evening"])
    data = sale("B-1", ("RICE5", 1, "250"), extended_fields={"cashier_id": "C-17", "shoe_size": "9"},
                custom_fields={"delivery_slot": "evening", "colour": "blue"})
    # when
    result = add_bill(data)
    # then
    assert result.bill.extended_fields == {"cashier_id": "C-17"}
    assert result.bill.custom_fields == {"delivery_slot": "evening"}
    assert sorted(w.code for w in result.warnings) == [1017, 91016]


# -- master data: the rejection queue ---------------------------------------------------------------------------------
def test_unknown_sku_payment_mode_and_missing_field_reject_the_bill_with_every_reason(org, till, member, earn_rule):
    # given
    set_config(org, "CONF_TRANSACTION_REQUIRE_KNOWN_SKU", "1")
    extended_field_create(org=org, entity="TRANSACTION", name="cashier_id", is_mandatory=True)
    PaymentModeFactory(org=org, name="CASH")
    ProductFactory(org=org, item_code="RICE5")
    data = sale("B-1", ("RICE5", 1, "250"), ("GHOST", 1, "10"), tenders=[TenderInput(mode="BITCOIN", value=D("260"))])
    # when
    with pytest.raises(errors.BillRejected) as rejected:
        bill_submit(org=org, data=data, till=till)
    # then the bill is queued (committed on its own), nothing else is written
    row = RejectedBill.objects.get()
    assert rejected.value.rejected == row and rejected.value.code == 686
    assert sorted(r["reason"] for r in row.reasons) == ["INVALID_PAYMENT_MODE", "MISSING_EXTENDED_FIELD",
                                                        "UNKNOWN_SKU"]
    assert sorted(r["code"] for r in row.reasons) == [403, 622, 9607]
    assert (row.number, row.status, row.store, row.till) == ("B-1", "PENDING", till.store, till)
    assert BillInput.from_payload(row.payload).lines[1].item_code == "GHOST"
    assert not Bill.objects.exists() and not PointsAccount.objects.exists()


def test_unknown_till_code_rejects_the_bill(org, till, member, earn_rule):
    # when
    with pytest.raises(errors.BillRejected) as rejected:
        bill_submit(org=org, data=sale("B-1", ("RICE5", 1, "250"), till_code="nope"), till=till)
    # then
    assert [r.code for r in rejected.value.reasons] == [671]


def test_another_orgs_till_code_is_unknown(org, other_org, till, member, earn_rule, add_bill):
    # given
    foreign = TillFactory(org=other_org)
    # when / then
    with pytest.raises(MasterDataRejected):
        add_bill(sale("B-1", ("RICE5", 1, "250"), till_code=foreign.code))


def test_tender_check_can_be_switched_off(org, member, earn_rule, add_bill):
    # given
    set_config(org, "CONF_TRANSACTION_REQUIRE_KNOWN_TENDER", "0")
    # when
    result = add_bill(sale("B-1", ("RICE5", 1, "250"), tenders=[TenderInput(mode="VOUCHER", value=D("250"))]))
    # then
    assert result.bill.tenders.get().payment_mode is None


def test_bill_attributed_to_another_store_of_the_org(org, member, earn_rule, add_bill):
    # given
    store = StoreFactory(org=org, code="chn-tnagar")
    # when
    result = add_bill(sale("B-1", ("RICE5", 1, "250"), store_code="chn-tnagar"))
    # then
    assert result.bill.store == store and result.bill.till is None


def test_unknown_redemption_on_a_bill_is_refused(member, earn_rule, add_bill):
    with pytest.raises(errors.RedemptionUnknown):
        add_bill(sale("B-1", ("RICE5", 1, "250"), redemption_codes=["NOPE1234"]))


def test_input_round_trips_through_the_queue_payload():
    # given
    data = sale("B-1", ("RICE5", 2, "250.50"), billing_time=timezone.now(),
                tenders=[TenderInput(mode="CASH", value=D("501"))])
    data.customer = CustomerRef(identifier_name="email", identifier_value="a@b.in")
    # when
    again = BillInput.from_payload(data.to_payload())
    # then
    assert again == data


@pytest.mark.parametrize("field, value", [("note", "n" * 501), ("bill_client_id", "c" * 101),
                                          ("not_interested_reason", "r" * 256)])
def test_a_value_too_long_for_its_column_is_refused_with_685_and_nothing_written(org, till, member, earn_rule,
                                                                                    field, value):
    data = sale("B-LONG", ("RICE5", 1, "250"))
    setattr(data, field, value)
    before = db_snapshot()
    with pytest.raises(errors.FieldTooLong) as caught:
        bill_submit(org=org, data=data, till=till)
    assert caught.value.code == 685 and caught.value.status == 400 and field in caught.value.message
    assert_nothing_written(before)
