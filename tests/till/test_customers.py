"""Finding a customer with one field, the customer panel, and enrolment (same validation as the API)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.customers.models import Customer, CustomerIdentifier
from apps.customers.choices import IdentifierType
from apps.fields.choices import ExtendedFieldDataType
from apps.organizations.models import OrgConfig
from apps.staff.choices import StaffRole
from tests.factories.customers import CustomerFactory
from tests.factories.fields import ExtendedFieldFactory
from tests.helpers.tenancy import db_snapshot

from .conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["9845012345", "+91 98450 12345", "ASHA@example.com", "EXT-1"])
def test_one_field_finds_by_mobile_email_or_external_id(cashier_client, member, typed):
    response = cashier_client.get("/till/", {"q": typed})
    assert response.status_code == 302 and response["Location"] == f"/till/customers/{member.pk}/"


def test_a_scanned_card_number_finds_its_holder(cashier_client, org, member):
    CustomerIdentifier.objects.create(org=org, customer=member, type=IdentifierType.CARD_NUMBER, value="CARD0001234")
    response = cashier_client.get("/till/", {"q": "CARD0001234"})
    assert response["Location"] == f"/till/customers/{member.pk}/"


def test_unknown_value_says_so_and_offers_enrolment(cashier_client, member):
    response = cashier_client.get("/till/", {"q": "9845099999"})
    body = response.content.decode()
    assert response.status_code == 404
    assert "No customer found" in body and "/till/enrol?mobile=9845099999" in body


def test_another_orgs_customer_is_not_found(cashier_client, other_org):
    CustomerFactory(org=other_org, mobile="919845077777", email="rival@example.com")
    assert cashier_client.get("/till/", {"q": "9845077777"}).status_code == 404
    assert cashier_client.get("/till/", {"q": "rival@example.com"}).status_code == 404


def test_another_orgs_customer_page_is_404(cashier_client, other_org):
    rival = CustomerFactory(org=other_org)
    assert cashier_client.get(f"/till/customers/{rival.pk}/").status_code == 404


def test_find_takes_a_bounded_number_of_queries(cashier_client, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        cashier_client.get("/till/", {"q": "EXT-1"})


def test_panel_shows_name_points_and_expiry(cashier_client, member_with_points, earn_rule):
    response = cashier_client.get(f"/till/customers/{member_with_points.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Asha Rao" in body and 'data-testid="available">500<' in body and 'data-testid="promised">0<' in body
    assert "Next expiry" in body


def test_panel_is_a_bounded_number_of_queries(cashier_client, member_with_points, earn_rule, org,
                                              django_assert_max_num_queries):
    for n in range(5):
        CustomerIdentifier.objects.create(org=org, customer=member_with_points, type="cardnumber", value=f"C{n}")
    with django_assert_max_num_queries(30):
        response = cashier_client.get(f"/till/customers/{member_with_points.pk}/")
    assert response.status_code == 200


def test_panel_hides_actions_the_role_may_not_use(staff, member, program, store):
    from django.contrib.auth.models import Group, Permission

    cashier = staff(StaffRole.TILL_OPERATOR, username="limited")
    client = logged_in(cashier)
    group = Group.objects.get(name="till:TILL_OPERATOR")
    group.permissions.remove(Permission.objects.get(codename="record_bill"))
    body = client.get(f"/till/customers/{member.pk}/").content.decode()
    assert f"/till/customers/{member.pk}/bill" not in body
    assert client.get(f"/till/customers/{member.pk}/bill").status_code == 403


# -- enrolment ---------------------------------------------------------------------------------------------------------
def test_enrol_creates_the_customer_at_this_till(cashier_client, org, till):
    response = cashier_client.post("/till/enrol", {"mobile": "9845011111", "first_name": "Ravi", "last_name": "K"})
    customer = Customer.objects.get(org=org, first_name="Ravi")
    assert response.status_code == 302 and response["Location"] == f"/till/customers/{customer.pk}/"
    assert customer.registered_till_id == till.pk
    assert CustomerIdentifier.objects.filter(customer=customer, type="mobile", value="919845011111").exists()


def test_enrol_shows_the_apis_error_for_a_bad_mobile(cashier_client, org):
    before = db_snapshot()
    response = cashier_client.post("/till/enrol", {"mobile": "12", "first_name": "Ravi"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "(8014)" in body  # the platform's invalid-mobile code, as the API answers it
    assert db_snapshot() == before


def test_enrol_marks_the_orgs_mandatory_mobile_required(cashier_client):
    response = cashier_client.post("/till/enrol", {"first_name": "Ravi"})
    assert response.status_code == 400
    assert 'id="id_mobile_error">This field is required.' in response.content.decode()


def test_enrol_without_any_identifier_gets_the_apis_error(cashier_client, org):
    OrgConfig.objects.create(org=org, key="CONF_USERS_IS_MOBILE_REQUIRED", value="false")
    response = cashier_client.post("/till/enrol", {"first_name": "Ravi"})
    assert response.status_code == 400 and "(8005)" in response.content.decode()


def test_enrol_asks_for_the_orgs_mandatory_fields(cashier_client, org):
    OrgConfig.objects.create(org=org, key="CONF_USERS_IS_EMAIL_REQUIRED", value="true")
    ExtendedFieldFactory(org=org, entity="CUSTOMER", name="city", label="City", is_mandatory=True,
                         data_type=ExtendedFieldDataType.STRING)
    page = cashier_client.get("/till/enrol").content.decode()
    assert 'name="ef_city"' in page and 'id="id_email"' in page
    response = cashier_client.post("/till/enrol", {"mobile": "9845011112"})
    body = response.content.decode()
    assert response.status_code == 400 and body.count("This field is required") >= 2


def test_enrol_passes_extended_field_errors_through(cashier_client, org):
    ExtendedFieldFactory(org=org, entity="CUSTOMER", name="age_years", label="Age",
                         data_type=ExtendedFieldDataType.INTEGER, min_value=Decimal(18))
    response = cashier_client.post("/till/enrol", {"mobile": "9845011113", "ef_age_years": "12"})
    assert response.status_code == 400 and "(91017)" in response.content.decode()
    assert not Customer.objects.filter(org=org).exists()


def test_enrol_of_a_known_identifier_is_refused(cashier_client, member):
    response = cashier_client.post("/till/enrol", {"mobile": "9845012345"})
    assert response.status_code == 400 and "(8006)" in response.content.decode()


def test_enrol_form_is_a_bounded_number_of_queries(cashier_client, org, django_assert_max_num_queries):
    for n in range(5):
        ExtendedFieldFactory(org=org, entity="CUSTOMER", name=f"f{n}", label=f"F{n}")
    with django_assert_max_num_queries(15):
        assert cashier_client.get("/till/enrol").status_code == 200


def test_not_found_pages_stay_in_the_till_layout(cashier_client, other_org):
    rival = CustomerFactory(org=other_org)
    response = cashier_client.get(f"/till/customers/{rival.pk}/")
    body = response.content.decode()
    assert response.status_code == 404 and "There is no such customer" in body and "Log out" in body
