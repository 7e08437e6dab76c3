"""Customer admin: org scoping, identifier search, filters, bounded queries, status actions, CSV export."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.customers.models import Customer, CustomerEvent
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.customers import CustomerFactory, CustomerNoteFactory, CustomerSubscriptionFactory
from tests.factories.organizations import StoreFactory

pytestmark = pytest.mark.django_db
URL = "/admin/customers/customer/"


@pytest.fixture
def admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    client.force_login(user)
    return client


def _ids(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


def test_changelist_shows_only_the_orgs_customers(admin_client, org, other_org):
    mine = CustomerFactory(org=org, first_name="Mine")
    CustomerFactory(org=other_org, first_name="Theirs")
    response = admin_client.get(URL)
    assert response.status_code == 200 and _ids(response) == [mine.pk]


@pytest.mark.parametrize("term", ["919845012345", "+91 98450 12345", "98450", "ASHA@example.in", "asha@", "EXT-77",
                                  "Asha", "rao", "sha"])
def test_search_by_any_identifier_or_name(admin_client, org, other_org, term):
    asha = CustomerFactory(org=org, first_name="Asha", last_name="Rao", mobile="919845012345",
                           email="asha@example.in", external_id="EXT-77")
    CustomerFactory(org=org, first_name="Ravi", last_name="Menon")
    CustomerFactory(org=other_org, first_name="Asha", mobile="919845012346")
    response = admin_client.get(URL, {"q": term})
    assert _ids(response) == [asha.pk]


def test_filters(admin_client, org):
    store = StoreFactory(org=org)
    suspended = CustomerFactory(org=org, status="SUSPENDED", registered_store=store, registered_source="ECOMMERCE",
                                loyalty_type="NON_LOYALTY")
    CustomerFactory(org=org)
    for params in ({"status__exact": "SUSPENDED"}, {"loyalty_type__exact": "NON_LOYALTY"},
                   {"registered_source__exact": "ECOMMERCE"}, {"registered_store": store.pk}):
        assert _ids(admin_client.get(URL, params)) == [suspended.pk], params


def test_changelist_queries_do_not_grow_with_rows(admin_client, org):
    store = StoreFactory(org=org)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(URL).status_code == 200
        return len(ctx)

    for _ in range(3):
        CustomerFactory(org=org, registered_store=store, email=None)
    few = count()
    for _ in range(27):
        CustomerFactory(org=org, registered_store=store)
    assert count() == few


def test_change_page_shows_inlines_and_saves_through_the_service(admin_client, org):
    customer = CustomerFactory(org=org, first_name="Asha")
    CustomerSubscriptionFactory(customer=customer)
    CustomerNoteFactory(customer=customer, description="Prefers home delivery")
    page = admin_client.get(f"{URL}{customer.pk}/change/")
    assert page.status_code == 200 and "Prefers home delivery" in page.content.decode()
    response = admin_client.post(f"{URL}{customer.pk}/change/", {
        "first_name": "Asha", "last_name": "Rao", "gender": "", "birth_date": "1990-01-02", "anniversary_date": "",
        "language": "kn", "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0",
        "subscriptions-TOTAL_FORMS": "0", "subscriptions-INITIAL_FORMS": "0", "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    customer.refresh_from_db()
    assert (customer.last_name, customer.language, str(customer.birth_date)) == ("Rao", "kn", "1990-01-02")
    assert CustomerEvent.objects.filter(customer=customer, type="UPDATED").exists()


def test_foreign_customer_change_page_is_not_reachable(admin_client, other_org):
    foreign = CustomerFactory(org=other_org)
    assert admin_client.get(f"{URL}{foreign.pk}/change/").status_code == 302


def test_status_action_calls_the_service(admin_client, org):
    customers = [CustomerFactory(org=org) for _ in range(2)]
    response = admin_client.post(URL, {"action": "mark_suspended", "_selected_action": [c.pk for c in customers]})
    assert response.status_code == 302
    assert set(Customer.objects.filter(org=org).values_list("status", flat=True)) == {"SUSPENDED"}
    assert CustomerEvent.objects.filter(type="STATUS_CHANGED", user__username="boss").count() == 2


def test_csv_export_streams_the_selected_customers(admin_client, org):
    asha = CustomerFactory(org=org, first_name="Asha", mobile="919845012345", email="asha@example.in")
    response = admin_client.post(URL, {"action": "export_csv", "_selected_action": [asha.pk]})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,first_name,last_name,mobile,email")
    assert lines[1].startswith(f"{asha.pk},Asha,") and "919845012345,asha@example.in" in lines[1]


def test_store_manager_may_view_and_export_but_not_change_status(client, org):
    manager = staff_user_create(org=org, username="mgr", password="Mgr-pass-123", role=StaffRole.STORE_MANAGER)
    client.force_login(manager)
    customer = CustomerFactory(org=org)
    page = client.get(URL)
    assert page.status_code == 200
    actions = [name for name, _ in page.context["action_form"].fields["action"].choices if name]
    assert actions == ["export_csv"]
    client.post(URL, {"action": "mark_suspended", "_selected_action": [customer.pk]})
    customer.refresh_from_db()
    assert customer.status == "ACTIVE"
