"""The configuration screens: org-scoped, validated like the API, bounded queries."""
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.fields.models import ExtendedField
from apps.organizations.models import CustomField
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.fields import ExtendedFieldFactory
from tests.factories.organizations import CustomFieldFactory

pytestmark = pytest.mark.django_db

EXT_URL = "/admin/fields/extendedfield/"
CUSTOM_URL = "/admin/organizations/customfield/"


@pytest.fixture
def org_admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    # The org-admin role does not list the fields app yet (requested from the staff app's owner).
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="fields"))
    client.force_login(user)
    return client


def _ext_form(**overrides):
    data = {"entity": "CUSTOMER", "name": "shoe_size", "label": "Shoe size", "data_type": "INTEGER",
            "enum_values": "", "default_value": "", "parent": "", "regex": "", "max_length": "255", "min_value": "",
            "max_value": "", "is_active": "on", "is_updatable": "on", "position": "0"}
    data.update(overrides)
    return data


def test_changelist_shows_only_the_orgs_fields(org_admin_client, org, other_org):
    # given
    ExtendedFieldFactory(org=org, name="mine_field")
    ExtendedFieldFactory(org=other_org, name="their_field")
    CustomFieldFactory(org=org, name="mine_custom")
    CustomFieldFactory(org=other_org, name="their_custom")
    # when
    ext_page = org_admin_client.get(EXT_URL).content.decode()
    custom_page = org_admin_client.get(CUSTOM_URL).content.decode()
    # then
    assert "mine_field" in ext_page and "their_field" not in ext_page
    assert "mine_custom" in custom_page and "their_custom" not in custom_page


def test_adding_an_extended_field_saves_it_for_the_staff_members_org(org_admin_client, org):
    # when
    response = org_admin_client.post(f"{EXT_URL}add/", _ext_form(min_value="30", max_value="50", default_value="42"))
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    field = ExtendedField.objects.get(name="shoe_size")
    assert (field.org, field.data_type, field.min_value, field.default_value) == (org, "INTEGER", 30, "42")


def test_enum_values_are_entered_one_per_line(org_admin_client, org):
    # when
    response = org_admin_client.post(f"{EXT_URL}add/", _ext_form(
        name="channel", data_type="CUSTOM_ENUM", enum_values="Web\n App \n\nKiosk", default_value="app"))
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    field = ExtendedField.objects.get(org=org, name="channel")
    assert (field.enum_values, field.default_value) == (["Web", "App", "Kiosk"], "App")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"data_type": "CUSTOM_ENUM"}, "An enum field needs at least one allowed value."),
    ({"name": "gender", "data_type": "STRING"}, "gender is a standard field of type STANDARD_ENUM"),
    ({"default_value": "big"}, "does not match the data type INTEGER"),
    ({"min_value": "5", "max_value": "1"}, "The maximum must not be below the minimum."),
    ({"name": "taken"}, "Extended field taken already exists for entity CUSTOMER"),
    ({"regex": "(["}, "Not a valid regular expression"),
])
def test_the_form_refuses_what_the_api_refuses(org_admin_client, org, overrides, message):
    # given
    ExtendedFieldFactory(org=org, name="taken")
    # when
    response = org_admin_client.post(f"{EXT_URL}add/", _ext_form(**overrides))
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ExtendedField.objects.filter(org=org).count() == 1


def test_the_parent_choices_are_the_orgs_own_fields(org_admin_client, org, other_org):
    # given
    ExtendedFieldFactory(org=org, name="own_parent")
    ExtendedFieldFactory(org=other_org, name="foreign_parent")
    # when
    page = org_admin_client.get(f"{EXT_URL}add/").content.decode()
    # then
    assert "own_parent" in page and "foreign_parent" not in page


def _custom_form(**overrides):
    data = {"name": "Footer", "label": "Footer", "scope": "store", "type": "text", "data_type": "",
            "widget": "", "default_value": "", "options": "[]", "regex": "", "error_message": "", "rule": "",
            "server_rule": "", "help_text": "", "attrs": "", "is_updatable": "on", "phase": "1", "position": "0"}
    data.update(overrides)
    return data


def test_adding_a_custom_field_saves_it_for_the_staff_members_org(org_admin_client, org):
    # when
    response = org_admin_client.post(f"{CUSTOM_URL}add/", _custom_form(data_type="Integer"))
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    field = CustomField.objects.get(name="Footer")
    assert (field.org, field.scope, field.data_type) == (org, "store", "Integer")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"name": "footer"}, "Duplicate organisation custom field: Footer."),
    ({"name": "A name that is far too long"}, "is longer than 20 characters"),
])
def test_the_custom_field_form_refuses_what_the_api_refuses(org_admin_client, org, overrides, message):
    # given
    CustomFieldFactory(org=org, name="Footer", scope="store")
    # when
    response = org_admin_client.post(f"{CUSTOM_URL}add/", _custom_form(**overrides))
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CustomField.objects.filter(org=org).count() == 1


def _changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_changelists_cost_the_same_queries_for_3_and_30_rows(org_admin_client, org):
    # given
    parent = ExtendedFieldFactory(org=org, name="parent_field")
    for index in range(2):
        ExtendedFieldFactory(org=org, name=f"few{index}", parent=parent)
        CustomFieldFactory(org=org, name=f"few{index}")
    few = (_changelist_queries(org_admin_client, EXT_URL), _changelist_queries(org_admin_client, CUSTOM_URL))
    for index in range(27):
        ExtendedFieldFactory(org=org, name=f"many{index}", parent=parent)
        CustomFieldFactory(org=org, name=f"many{index}")
    # when
    many = (_changelist_queries(org_admin_client, EXT_URL), _changelist_queries(org_admin_client, CUSTOM_URL))
    # then
    assert many == few
