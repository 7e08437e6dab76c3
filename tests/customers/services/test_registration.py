"""customer_create / customer_update / customer_upsert rules, independent of any API version."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.customers import errors
from apps.customers.choices import CustomerEventType
from apps.customers.models import Customer, CustomerEvent
from apps.customers.services import customer_create, customer_update, customer_upsert
from apps.fields.services import extended_field_create
from apps.organizations.services import org_config_set
from tests.factories.organizations import OrganizationFactory, TillFactory

pytestmark = pytest.mark.django_db


def _create(org, **kwargs):
    kwargs.setdefault("identifiers", [{"type": "mobile", "value": "919845012345"}])
    return customer_create(org=org, source=kwargs.pop("source", "INSTORE"), **kwargs)


@pytest.mark.parametrize("sent, stored", [("919845012345", "919845012345"), ("9845012345", "919845012345"),
                                          ("+91 98450-12345", "919845012345"), ("+44 7911 123456", "447911123456")])
def test_mobile_is_stored_in_e164_digits_with_the_org_country_as_default(org, sent, stored):
    customer, _ = _create(org, identifiers=[{"type": "mobile", "value": sent}])
    assert customer.identifiers.get().value == stored


def test_default_region_comes_from_the_org_country():
    org = OrganizationFactory(country_code="GB")
    customer, _ = _create(org, identifiers=[{"type": "mobile", "value": "07911 123456"}])
    assert customer.identifiers.get().value == "447911123456"


def test_email_is_case_insensitive(org):
    customer, _ = _create(org, identifiers=[{"type": "mobile", "value": "919845012345"},
                                            {"type": "email", "value": "Asha.Rao@Example.IN"}])
    assert customer.identifiers.get(type="email").value == "asha.rao@example.in"
    with pytest.raises(errors.CustomerExistsSameSource):
        _create(org, identifiers=[{"type": "mobile", "value": "919845099999"},
                                  {"type": "email", "value": "ASHA.RAO@example.in"}])


def test_registration_records_attribution_events_and_default_subscriptions(org):
    till = TillFactory(org=org)
    customer, warnings = _create(org, till=till, first_name=" Asha ", last_name="Rao", language="kn")
    assert warnings == []
    assert (customer.first_name, customer.registered_till, customer.registered_store, customer.language) == (
        "Asha", till, till.store, "kn")
    assert list(CustomerEvent.objects.filter(customer=customer).values_list("type", flat=True)) == [
        CustomerEventType.REGISTERED, CustomerEventType.STATUS_CHANGED]
    assert customer.subscriptions.filter(is_subscribed=True).count() == 4  # SMS + WHATSAPP, TRANS + BULK


def test_associated_with_names_the_registration_till(org):
    other = TillFactory(org=org, code="bukl.till")
    customer, warnings = _create(org, associated_with="bukl.till")
    assert customer.registered_till == other and warnings == []


def test_extended_fields_mirror_into_columns(org):
    for name in ("gender", "dob", "wedding_date", "preferred_language"):
        extended_field_create(org=org, entity="CUSTOMER", name=name)
    customer, _ = _create(org, extended_fields={"gender": "Female", "dob": "1990-04-12",
                                                "wedding_date": "2015-02-01", "preferred_language": "hi"})
    assert (customer.gender, str(customer.birth_date), str(customer.anniversary_date), customer.language) == (
        "Female", "1990-04-12", "2015-02-01", "hi")


def test_registration_date_in_the_future_is_refused(org):
    with pytest.raises(errors.RegistrationDateInvalid):
        _create(org, registered_on=(timezone.now() + timedelta(days=3)).isoformat())
    customer, _ = _create(org, registered_on="2019-05-01 10:00:00")
    assert customer.registered_on.year == 2019


def test_external_id_can_be_mandatory(org):
    org_config_set(org=org, key="CONF_USERS_IS_EXTERNAL_ID_REQUIRED", value="1")
    with pytest.raises(errors.ExternalIdRequired):
        _create(org)


def test_same_identifiers_in_two_orgs_are_two_customers(org, other_org):
    mine, _ = _create(org)
    theirs, _ = _create(other_org)
    assert mine.pk != theirs.pk


def test_update_merges_fields_and_logs_one_event(org):
    extended_field_create(org=org, entity="CUSTOMER", name="city")
    extended_field_create(org=org, entity="CUSTOMER", name="zip")
    customer, _ = _create(org, extended_fields={"city": "Pune", "zip": "411001"})
    customer, warnings = customer_update(org=org, customer=customer, last_name="Kulkarni",
                                         extended_fields={"zip": "411002"})
    assert warnings == [] and customer.extended_fields == {"city": "Pune", "zip": "411002"}
    assert CustomerEvent.objects.filter(customer=customer, type=CustomerEventType.UPDATED).get().parameters == {
        "changed": ["extendedFields", "last_name"]}


def test_update_of_a_foreign_customer_is_not_found(org, other_org):
    customer, _ = _create(other_org)
    with pytest.raises(errors.CustomerNotFound):
        customer_update(org=org, customer=customer, first_name="X")


def test_upsert_creates_then_finds_by_any_identifier(org):
    first, created, _ = customer_upsert(org=org, source="INSTORE", identifiers=[
        {"type": "mobile", "value": "919845012345"}, {"type": "externalId", "value": "E-9"}], first_name="Ravi")
    second, created_again, _ = customer_upsert(org=org, source="INSTORE", identifiers=[
        {"type": "externalId", "value": "E-9"}], first_name="Ravi K")
    assert created and not created_again and first.pk == second.pk
    assert Customer.objects.get(pk=first.pk).first_name == "Ravi K"
