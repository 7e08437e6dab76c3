"""Label screens: org scoping, writes through the services, bounded changelists, and the tagging action."""
import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from apps.core.admin import OrgScopedAdmin
from apps.core.choices import JobStatus
from apps.core.models import JobRun
from apps.customers.models import Customer
from apps.labels.admin import CustomerLabelListFilter, tag_with_label_action
from apps.labels.models import CustomerLabel, Label
from apps.organizations.services import org_config_set
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.customers import CustomerFactory
from tests.factories.labels import CustomerLabelFactory, LabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin(org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    # The org-admin role does not list the labels app yet (apps.staff.choices): grant its permissions here.
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="labels"))
    return user


@pytest.fixture
def org_admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


def test_label_changelist_shows_own_labels_with_counts(org_admin_client, org, other_org):
    # given
    mine = LabelFactory(org=org, name="Mine")
    CustomerLabelFactory(org=org, label=mine)
    CustomerLabelFactory(org=org, label=mine)
    LabelFactory(org=other_org, name="Theirs")
    # when
    page = org_admin_client.get("/admin/labels/label/").content.decode()
    # then
    assert "Mine" in page and "Theirs" not in page
    assert '<td class="field-customer_count">2</td>' in page


def test_adding_a_label_goes_through_the_rules(org_admin_client, org):
    # given
    LabelFactory(org=org, name="Premium")
    # when
    duplicate = org_admin_client.post("/admin/labels/label/add/", {"name": "premium", "description": ""})
    added = org_admin_client.post("/admin/labels/label/add/", {"name": "VIP", "description": "Top", "is_active": ""})
    # then
    assert duplicate.status_code == 200 and "already has a label named" in duplicate.content.decode()
    assert added.status_code == 302
    vip = Label.objects.get(org=org, name="VIP")
    assert (vip.description, vip.is_active) == ("Top", False)


def test_adding_a_label_past_the_limit_is_refused(org_admin_client, org):
    # given
    org_config_set(org=org, key="ORG_MAX_LABEL_COUNT", value="1")
    LabelFactory(org=org)
    # when
    response = org_admin_client.post("/admin/labels/label/add/", {"name": "VIP", "is_active": "on"})
    # then
    assert response.status_code == 200 and "ORG_MAX_LABEL_COUNT" in response.content.decode()
    assert Label.objects.filter(org=org).count() == 1


@pytest.mark.parametrize("url", ["/admin/labels/label/", "/admin/labels/customerlabel/",
                                 "/admin/labels/customerlabelevent/"])
def test_changelist_queries_do_not_grow_with_rows(org_admin_client, org, url, queries_for):
    # given
    def call():
        assert org_admin_client.get(url).status_code == 200

    def rows(n):
        for _ in range(n):
            customer = CustomerFactory(org=org)
            link = CustomerLabelFactory(org=org, customer=customer)
            link.label.events.create(org=org, customer=customer, action="TAGGED")

    rows(3)
    few = queries_for(call)
    # when
    rows(27)
    # then
    assert queries_for(call) == few


class _CustomerAdmin(OrgScopedAdmin):
    actions = [tag_with_label_action]
    list_filter = (CustomerLabelListFilter,)


def _action_request(user, data):
    request = RequestFactory().post("/admin/customers/customer/", data)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_tag_action_asks_for_a_label_of_the_org(org, other_org, org_admin):
    # given
    LabelFactory(org=org, name="Premium")
    LabelFactory(org=other_org, name="RivalLabel")
    customers = [CustomerFactory(org=org) for _ in range(2)]
    model_admin = _CustomerAdmin(Customer, admin.site)
    request = _action_request(org_admin, {"action": "tag_with_label_action",
                                          helpers.ACTION_CHECKBOX_NAME: [c.pk for c in customers]})
    # when
    response = tag_with_label_action(model_admin, request, Customer.objects.filter(pk__in=[c.pk for c in customers]))
    # then
    page = response.rendered_content
    assert "Premium" in page and "RivalLabel" not in page
    assert "2 customers selected" in page
    for customer in customers:
        assert f'name="_selected_action" value="{customer.pk}"' in page


def test_tag_action_starts_the_job_and_redirects_to_its_progress(org, org_admin, django_capture_on_commit_callbacks):
    # given
    label = LabelFactory(org=org, name="Premium")
    customers = [CustomerFactory(org=org) for _ in range(3)]
    model_admin = _CustomerAdmin(Customer, admin.site)
    request = _action_request(org_admin, {"action": "tag_with_label_action", "apply": "1", "label": label.pk,
                                          helpers.ACTION_CHECKBOX_NAME: [c.pk for c in customers]})
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = tag_with_label_action(model_admin, request, Customer.objects.for_org(org))
    # then
    run = JobRun.objects.get(org=org)
    assert response.status_code == 302 and response.url == f"/admin/core/jobrun/{run.pk}/change/"
    assert (run.status, run.done, run.created_by) == (JobStatus.SUCCEEDED, 3, org_admin)
    assert CustomerLabel.objects.filter(label=label, is_active=True).count() == 3


def test_tag_action_refuses_a_foreign_label(org, other_org, org_admin):
    # given
    foreign = LabelFactory(org=other_org)
    customer = CustomerFactory(org=org)
    request = _action_request(org_admin, {"action": "tag_with_label_action", "apply": "1", "label": foreign.pk,
                                          helpers.ACTION_CHECKBOX_NAME: [customer.pk]})
    # when
    response = tag_with_label_action(_CustomerAdmin(Customer, admin.site), request, Customer.objects.for_org(org))
    # then
    assert response.status_code == 200 and "Select a valid choice" in response.rendered_content
    assert not JobRun.objects.exists()


def test_customer_label_list_filter(org, org_admin):
    # given
    label = LabelFactory(org=org, name="Premium")
    tagged = CustomerLabelFactory(org=org, label=label).customer
    CustomerFactory(org=org)
    request = RequestFactory().get("/", {"label_id": str(label.pk)})
    request.user = org_admin
    model_admin = _CustomerAdmin(Customer, admin.site)
    # when
    list_filter = CustomerLabelListFilter(request, {"label_id": [str(label.pk)]}, Customer, model_admin)
    # then
    assert list(list_filter.queryset(request, Customer.objects.for_org(org))) == [tagged]
    assert list_filter.lookup_choices == [(str(label.pk), "Premium")]
