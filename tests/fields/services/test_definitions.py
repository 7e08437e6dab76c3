"""Services that define extended and custom fields: standard-field meta, parent rules, limits, all-or-none."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.fields import errors, services
from apps.fields.choices import ExtendedFieldDataType as T
from apps.fields.choices import ExtendedFieldEntity as E
from apps.fields.models import ExtendedField
from apps.organizations.models import CustomField
from tests.factories.fields import ExtendedFieldFactory
from tests.factories.organizations import CustomFieldFactory

pytestmark = pytest.mark.django_db


def test_create_standard_field_copies_type_label_and_values_from_meta(org):
    # when
    field = services.extended_field_create(org=org, entity="lineitem", name="Unit")
    # then
    assert (field.entity, field.data_type, field.label, field.enum_values) == (
        E.REGULAR_LINEITEM, T.STANDARD_ENUM, "Unit", ["GRAM", "KILOGRAM", "PIECE", "LITRE"])


def test_standard_field_keeps_its_type_on_update(org):
    # given
    field = services.extended_field_create(org=org, entity="CUSTOMER", name="dob")
    # when
    with pytest.raises(errors.ExtendedFieldConfigInvalid) as caught:
        services.extended_field_update(org=org, field=field, data_type=T.STRING)
    # then
    assert caught.value.field == "dataType"
    assert ExtendedField.objects.get(pk=field.pk).data_type == T.DATETIME


def test_create_refuses_a_taken_name_per_org_and_entity(org, other_org):
    # given
    ExtendedFieldFactory(org=org, name="zip")
    # when
    with pytest.raises(errors.ExtendedFieldExists):
        services.extended_field_create(org=org, entity="CUSTOMER", name="zip")
    same_name_elsewhere = [services.extended_field_create(org=org, entity="CARD", name="zip"),
                           services.extended_field_create(org=other_org, entity="CUSTOMER", name="zip")]
    # then
    assert len(same_name_elsewhere) == 2


def test_create_refuses_more_than_the_org_limit(org, monkeypatch):
    # given
    monkeypatch.setattr(services, "MAX_EXTENDED_FIELDS_PER_ORG", 2)
    ExtendedFieldFactory.create_batch(2, org=org)
    # when / then
    with pytest.raises(errors.ExtendedFieldConfigInvalid):
        services.extended_field_create(org=org, entity="CUSTOMER", name="third")


def test_update_of_another_orgs_field_is_not_found(org, other_org):
    # given
    theirs = ExtendedFieldFactory(org=other_org, name="theirs")
    # when / then
    with pytest.raises(errors.ExtendedFieldNotFound):
        services.extended_field_update(org=org, field=theirs, label="Mine now")
    assert ExtendedField.objects.get(pk=theirs.pk).label == theirs.label


@pytest.mark.parametrize("parent_kwargs", [
    {"entity": E.REGULAR_TRANSACTION},           # another entity
    {"org_is_other": True},                      # another org
    {"nested": True},                            # a child cannot be a parent
])
def test_parent_must_be_a_top_level_field_of_the_same_org_and_entity(org, other_org, parent_kwargs):
    # given
    if parent_kwargs.get("org_is_other"):
        parent = ExtendedFieldFactory(org=other_org, name="p")
    elif parent_kwargs.get("nested"):
        parent = ExtendedFieldFactory(org=org, name="p", parent=ExtendedFieldFactory(org=org, name="grand"))
    else:
        parent = ExtendedFieldFactory(org=org, name="p", entity=parent_kwargs["entity"])
    # when / then
    with pytest.raises((ValidationError, errors.ExtendedFieldConfigInvalid)):
        services.extended_field_create(org=org, entity="CUSTOMER", name="child", parent=parent)
    assert not ExtendedField.objects.filter(org=org, name="child").exists()


def test_configure_upserts_by_entity_and_name(org):
    # when
    first, created = services.extended_field_configure(org=org, entity="CUSTOMER", name="nps", data_type=T.INTEGER,
                                                       min_value=Decimal("0"), max_value=Decimal("10"))
    second, created_again = services.extended_field_configure(org=org, entity="customer", name="nps",
                                                              is_mandatory=True)
    # then
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert (second.is_mandatory, second.max_value) == (True, Decimal("10"))


def test_boolean_default_is_stored_as_lower_case_text(org):
    # when
    field = services.extended_field_create(org=org, entity="CUSTOMER", name="vip", data_type=T.BOOLEAN,
                                           default_value="1")
    # then
    assert field.default_value == "true"


def test_custom_fields_create_is_all_or_none(org):
    # given
    items = [{"name": "first", "label": "First"}, {"name": "second", "label": "Second", "type": "bogus"}]
    # when
    with pytest.raises(ValidationError):
        services.custom_fields_create(org=org, scope="loyalty_registration", fields=items)
    # then
    assert CustomField.objects.filter(org=org).count() == 0


def test_custom_fields_create_defaults_the_label_to_the_name(org):
    # when
    [field] = services.custom_fields_create(org=org, scope="LOYALTY_TRANSACTION", fields=[{"name": "bank"}])
    # then
    assert (field.scope, field.label) == ("loyalty_transaction", "bank")


def test_custom_field_save_counts_an_already_audited_field_once(org):
    # given
    field = CustomFieldFactory(org=org, enable_audit_trail=True)
    CustomFieldFactory.create_batch(4, org=org, enable_audit_trail=True)
    # when
    field.label = "Relabelled"
    saved = services.custom_field_save(org=org, field=field)
    # then
    assert saved.label == "Relabelled"
    with pytest.raises(errors.CustomFieldAuditLimitBreached):
        services.custom_field_save(org=org, field=CustomField(name="sixth", label="Sixth",
                                                              scope="loyalty_registration", enable_audit_trail=True))
