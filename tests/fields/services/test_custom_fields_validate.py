"""custom_fields_validate: invalid fields become 1017 warnings, mandatory fields are enforced unless partial."""
import pytest

from apps.fields import errors
from apps.fields.services import custom_fields_validate
from apps.organizations.choices import CustomFieldScope, CustomFieldType
from tests.factories.organizations import CustomFieldFactory

pytestmark = pytest.mark.django_db

REG = CustomFieldScope.LOYALTY_REGISTRATION


def test_valid_values_are_cleaned_per_type(org):
    # given
    CustomFieldFactory(org=org, name="nickname")
    CustomFieldFactory(org=org, name="kids", type=CustomFieldType.NUMBER)
    CustomFieldFactory(org=org, name="ratio", data_type="Double")
    CustomFieldFactory(org=org, name="anniversary", type=CustomFieldType.DATE)
    CustomFieldFactory(org=org, name="newsletter", type=CustomFieldType.CHECKBOX)
    CustomFieldFactory(org=org, name="language", type=CustomFieldType.SELECT, options=["English", "Hindi"])
    CustomFieldFactory(org=org, name="hobbies", type=CustomFieldType.MULTISELECT, options=["Music", "Sport"])
    # when
    cleaned, warnings = custom_fields_validate(org=org, scope=REG, values={
        "nickname": " Tom ", "kids": "2", "ratio": "0.75", "anniversary": "2015-06-01", "newsletter": "true",
        "language": "hindi", "hobbies": "sport,music"})
    # then
    assert cleaned == {"nickname": "Tom", "kids": 2, "ratio": "0.75", "anniversary": "2015-06-01",
                       "newsletter": True, "language": "Hindi", "hobbies": ["Sport", "Music"]}
    assert warnings == []


@pytest.mark.parametrize(("kwargs", "raw"), [
    ({"type": CustomFieldType.NUMBER}, "two"),
    ({"data_type": "Double"}, "1.2.3"),
    ({"type": CustomFieldType.DATE}, "32/01/2020"),
    ({"type": CustomFieldType.CHECKBOX}, "perhaps"),
    ({"type": CustomFieldType.SELECT, "options": ["A", "B"]}, "C"),
    ({"type": CustomFieldType.MULTISELECT, "options": ["A", "B"]}, ["A", "Z"]),
    ({"regex": r"[A-Z]{3}"}, "ab1"),
])
def test_invalid_value_is_dropped_with_warning_1017(org, kwargs, raw):
    # given
    CustomFieldFactory(org=org, name="f", **kwargs)
    CustomFieldFactory(org=org, name="ok")
    # when
    cleaned, warnings = custom_fields_validate(org=org, scope=REG, values={"f": raw, "ok": "yes"})
    # then
    assert cleaned == {"ok": "yes"}
    assert [(w.code, w.message, w.field) for w in warnings] == [(1017, "Provided Custom Field is invalid", "f")]


def test_unknown_disabled_and_server_disabled_fields_are_warnings(org, other_org):
    # given
    CustomFieldFactory(org=org, name="old", is_disabled=True)
    CustomFieldFactory(org=org, name="hidden", disable_at_server=True)
    CustomFieldFactory(org=org, name="txn", scope=CustomFieldScope.LOYALTY_TRANSACTION)
    CustomFieldFactory(org=other_org, name="theirs")
    # when
    cleaned, warnings = custom_fields_validate(org=org, scope=REG, values={
        "old": "1", "hidden": "1", "txn": "1", "theirs": "1", "nope": "1"})
    # then
    assert cleaned == {}
    assert [w.field for w in warnings] == ["old", "hidden", "txn", "theirs", "nope"]


def test_mandatory_field_missing_raises_unless_partial(org):
    # given
    CustomFieldFactory(org=org, name="age_group", is_mandatory=True)
    # when
    with pytest.raises(errors.CustomFieldMandatoryMissing) as caught:
        custom_fields_validate(org=org, scope=REG, values={})
    cleaned, warnings = custom_fields_validate(org=org, scope=REG, values={}, partial=True)
    # then
    assert (caught.value.code, caught.value.status, caught.value.field) == (403, 400, "age_group")
    assert caught.value.message == "Mandatory field is missing. Field age_group is mandatory."
    assert (cleaned, warnings) == ({}, [])


def test_mandatory_field_sent_with_an_invalid_value_counts_as_missing(org):
    # given
    CustomFieldFactory(org=org, name="kids", type=CustomFieldType.NUMBER, is_mandatory=True)
    # when / then
    with pytest.raises(errors.CustomFieldMandatoryMissing):
        custom_fields_validate(org=org, scope=REG, values={"kids": "many"})


def test_v2_scope_name_and_v11_list_and_case_insensitive_names_are_accepted(org):
    # given
    CustomFieldFactory(org=org, name="cashier", scope=CustomFieldScope.STORE)
    # when
    cleaned, warnings = custom_fields_validate(org=org, scope="STORE_CUSTOM_FIELDS",
                                               values=[{"name": "Cashier", "value": "Ann"}])
    # then
    assert (cleaned, warnings) == ({"cashier": "Ann"}, [])


def test_unknown_scope_is_refused_with_1018(org):
    # when / then
    with pytest.raises(errors.CustomFieldScopeInvalid) as caught:
        custom_fields_validate(org=org, scope="POINTS_SOMEWHERE", values={})
    assert (caught.value.code, caught.value.message) == (1018, "Provided scope is invalid.")


def test_values_that_are_not_an_object_are_refused(org):
    # when / then
    with pytest.raises(errors.InvalidCustomFieldsInput):
        custom_fields_validate(org=org, scope=REG, values=["a", "b"])


def test_validation_costs_one_query(org, django_assert_num_queries):
    # given
    for index in range(5):
        CustomFieldFactory(org=org, name=f"f{index}")
    # when / then
    with django_assert_num_queries(1):
        custom_fields_validate(org=org, scope=REG, values={f"f{i}": "x" for i in range(5)})


def test_a_broken_regex_or_an_overlong_value_is_a_warning_not_a_crash(org):
    # given
    CustomFieldFactory(org=org, name="code", regex="([")
    CustomFieldFactory(org=org, name="note")
    # when
    cleaned, warnings = custom_fields_validate(org=org, scope=REG, values={"code": "A1", "note": "x" * 1001})
    # then
    assert cleaned == {}
    assert [w.field for w in warnings] == ["code", "note"]
