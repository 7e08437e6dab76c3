"""customer_lookup is one indexed query; customer_search is bounded and org-scoped."""
import pytest

from apps.customers import errors, selectors
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


def test_lookup_is_one_query(org, django_assert_num_queries):
    customer = CustomerFactory(org=org, mobile="919845012345")
    with django_assert_num_queries(1):
        found = selectors.customer_lookup(org=org, identifier_type="MOBILE", value="+91 98450 12345")
    assert found == customer and found.registered_store is None


def test_lookup_never_crosses_orgs(org, other_org):
    CustomerFactory(org=other_org, mobile="919845012345")
    with pytest.raises(errors.CustomerNotFound):
        selectors.customer_lookup(org=org, identifier_type="mobile", value="919845012345")
    with pytest.raises(errors.CustomerNotFound):
        selectors.customer_get(org=org, customer_id=CustomerFactory(org=other_org).pk)


@pytest.mark.parametrize("customer_id", ["abc", "-1", "0", "", None, "99999999999999999999"])
def test_malformed_ids_are_not_found(org, customer_id):
    with pytest.raises(errors.CustomerNotFound):
        selectors.customer_get(org=org, customer_id=customer_id)


def test_customer_find_takes_the_first_v11_identifier_given(org):
    customer = CustomerFactory(org=org, email="asha@example.in", external_id="EXT-1")
    assert selectors.customer_find(org=org, identifiers={"email": "ASHA@example.in", "mobile": ""}) == customer
    assert selectors.customer_find(org=org, identifiers={"external_id": "EXT-1"}) == customer
    with pytest.raises(errors.LookupIdentifierMissing):
        selectors.customer_find(org=org, identifiers={"mobile": ""})


def test_search_reads_a_bounded_number_of_matches_per_field(org, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_MATCH_LIMIT", 2)
    for _ in range(5):
        CustomerFactory(org=org, first_name="Meera", last_name="Iyer")
    assert selectors.customer_search(org=org, q="mee").count() == 2
    assert selectors.customer_search(org=org, q="iye").count() == 2


def test_name_contains_needs_three_letters(org):
    customer = CustomerFactory(org=org, first_name="Aishwarya", last_name="Rao")
    assert selectors.customer_name_contains_ids(org=org, text="WARY") == [customer.pk]
    assert selectors.customer_name_contains_ids(org=org, text="wa") == []


def test_search_knows_its_size_until_narrowed(org, django_assert_num_queries):
    CustomerFactory(org=org, first_name="Meera", status="SUSPENDED")
    CustomerFactory(org=org, first_name="Meera")
    result = selectors.customer_search(org=org, q="meera")
    with django_assert_num_queries(0):
        assert result.count() == 2
    assert result.filter(status="SUSPENDED").count() == 1
