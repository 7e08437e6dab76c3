"""extended_fields_validate / extended_fields_clean: every data type, enums, bounds, mandatory, unknown, partial."""
from decimal import Decimal

import pytest

from apps.fields import errors
from apps.fields.choices import ExtendedFieldDataType as T
from apps.fields.choices import ExtendedFieldEntity as E
from apps.fields.services import extended_fields_clean, extended_fields_validate
from tests.factories.fields import ExtendedFieldFactory
from tests.factories.organizations import StoreFactory

pytestmark = pytest.mark.django_db


def _field(org, data_type, **kwargs):
    return ExtendedFieldFactory(org=org, entity=kwargs.pop("entity", E.CUSTOMER), data_type=data_type, **kwargs)


@pytest.mark.parametrize(("data_type", "raw", "expected"), [
    (T.STRING, "  Bangalore ", "Bangalore"),
    (T.STRING, 42, "42"),
    (T.INTEGER, 7, 7),
    (T.INTEGER, "-12", -12),
    (T.INTEGER, 3.0, 3),
    (T.DOUBLE, "12.50", "12.50"),
    (T.DOUBLE, 3, "3"),
    (T.DOUBLE, Decimal("0.1"), "0.1"),
    (T.DOUBLE, 0.1, "0.1"),
    (T.DOUBLE, "1e3", "1000"),
    (T.BOOLEAN, True, True),
    (T.BOOLEAN, "false", False),
    (T.BOOLEAN, "1", True),
    (T.DATE, "2024-02-29", "2024-02-29"),
    (T.DATETIME, "1990-05-01", "1990-05-01"),
    (T.DATETIME, "2024-03-01T10:15:00+05:30", "2024-03-01T10:15:00+05:30"),
    (T.DATETIME, "2024-03-01 10:15:00", "2024-03-01T10:15:00+05:30"),
    (T.DATETIME, "2024-03-01T04:45:00Z", "2024-03-01T04:45:00+00:00"),
    (T.COUNTRY, "in", "IN"),
    (T.CURRENCY, "usd", "USD"),
    (T.LANGUAGE, "EN_us", "en-US"),
])
def test_each_data_type_is_cleaned_to_its_stored_form(org, data_type, raw, expected):
    # given
    _field(org, data_type, name="f")
    # when
    cleaned = extended_fields_validate(org=org, entity="CUSTOMER", values={"f": raw})
    # then
    assert cleaned == {"f": expected}


@pytest.mark.parametrize(("data_type", "raw"), [
    (T.STRING, True),
    (T.STRING, {"a": 1}),
    (T.INTEGER, "12.5"),
    (T.INTEGER, True),
    (T.INTEGER, "abc"),
    (T.DOUBLE, "1e400x"),
    (T.DOUBLE, "NaN"),
    (T.DOUBLE, "1e18"),
    (T.INTEGER, 10 ** 18),
    (T.BOOLEAN, "maybe"),
    (T.DATE, "2023-02-29"),
    (T.DATE, "01/02/2024"),
    (T.DATETIME, "yesterday"),
    (T.COUNTRY, "XX"),
    (T.CURRENCY, "ABC"),
    (T.LANGUAGE, "english!"),
])
def test_a_value_of_the_wrong_type_is_refused_with_91017_naming_the_field(org, data_type, raw):
    # given
    _field(org, data_type, name="f")
    # when
    with pytest.raises(errors.ExtendedFieldTypeMismatch) as caught:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"f": raw})
    # then
    assert caught.value.code == 91017
    assert caught.value.status == 400
    assert caught.value.field == "extendedFields.f"
    assert isinstance(caught.value, errors.ExtendedFieldInvalid)


def test_enum_value_matches_case_insensitively_and_returns_the_canonical_spelling(org):
    # given
    _field(org, T.STANDARD_ENUM, name="gender", enum_values=["Male", "Female", "Other"])
    # when
    cleaned = extended_fields_validate(org=org, entity="customer", values={"gender": "MALE"})
    # then
    assert cleaned == {"gender": "Male"}


def test_enum_value_outside_the_allowed_values_is_refused(org):
    # given
    _field(org, T.CUSTOM_ENUM, name="order_channel", enum_values=["Web", "App"])
    # when
    with pytest.raises(errors.ExtendedFieldValueNotAllowed) as caught:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"order_channel": "Phone"})
    # then
    assert caught.value.code == 91017
    assert caught.value.message == "The value of the extended field order_channel is not one of Web, App."


def test_unknown_field_is_refused_with_91016(org):
    # given
    _field(org, T.STRING, name="city")
    # when
    with pytest.raises(errors.ExtendedFieldUnknown) as caught:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"city": "Pune", "shoe_size": "9"})
    # then
    assert caught.value.code == 91016
    assert caught.value.message == "Extended field name shoe_size is invalid."
    assert caught.value.field == "extendedFields.shoe_size"


def test_inactive_field_and_field_of_another_entity_or_org_are_unknown(org, other_org):
    # given
    _field(org, T.STRING, name="inactive", is_active=False)
    _field(org, T.STRING, name="txn_only", entity=E.REGULAR_TRANSACTION)
    _field(other_org, T.STRING, name="theirs")
    # when / then
    for name in ("inactive", "txn_only", "theirs"):
        with pytest.raises(errors.ExtendedFieldUnknown):
            extended_fields_validate(org=org, entity="CUSTOMER", values={name: "x"})


def test_name_matches_case_insensitively_and_is_stored_under_its_configured_name(org):
    # given
    _field(org, T.DOUBLE, name="CentralGST", entity=E.REGULAR_TRANSACTION)
    # when
    cleaned = extended_fields_validate(org=org, entity="transaction", values={"centralgst": "18"})
    # then
    assert cleaned == {"CentralGST": "18"}


def test_mandatory_field_missing_is_refused_unless_partial(org):
    # given
    _field(org, T.STRING, name="city", is_mandatory=True)
    _field(org, T.STRING, name="zip")
    # when
    with pytest.raises(errors.ExtendedFieldMandatoryMissing) as caught:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"zip": "560001"})
    partial = extended_fields_validate(org=org, entity="CUSTOMER", values={"zip": "560001"}, partial=True)
    # then
    assert caught.value.code == 403
    assert caught.value.status == 400
    assert caught.value.message == "Mandatory field is missing. Field extendedFields.city is mandatory."
    assert partial == {"zip": "560001"}


def test_clearing_a_mandatory_field_is_refused_even_when_partial(org):
    # given
    _field(org, T.STRING, name="city", is_mandatory=True)
    # when / then
    with pytest.raises(errors.ExtendedFieldMandatoryMissing):
        extended_fields_validate(org=org, entity="CUSTOMER", values={"city": ""}, partial=True)


def test_empty_value_of_an_optional_field_clears_it(org):
    # given
    _field(org, T.INTEGER, name="kids")
    # when
    cleaned = extended_fields_validate(org=org, entity="CUSTOMER", values={"kids": None}, partial=True)
    # then
    assert cleaned == {"kids": None}


def test_none_or_empty_values_with_no_mandatory_field_give_an_empty_dict(org):
    # given
    _field(org, T.STRING, name="city")
    # when / then
    assert extended_fields_validate(org=org, entity="CUSTOMER", values=None) == {}
    assert extended_fields_validate(org=org, entity="CUSTOMER", values={}) == {}


def test_v11_name_value_list_is_accepted(org):
    # given
    _field(org, T.INTEGER, name="age")
    # when
    cleaned = extended_fields_validate(org=org, entity="CUSTOMER", values=[{"name": "age", "value": "25"}])
    # then
    assert cleaned == {"age": 25}


def test_values_that_are_not_an_object_are_refused(org):
    # when / then
    with pytest.raises(errors.ExtendedFieldInvalid) as caught:
        extended_fields_validate(org=org, entity="CUSTOMER", values="city=Pune")
    assert caught.value.field == "extendedFields"


def test_unknown_entity_is_refused(org):
    # when / then
    with pytest.raises(errors.ExtendedFieldEntityInvalid) as caught:
        extended_fields_validate(org=org, entity="PLANET", values={})
    assert caught.value.field == "entityType"


def test_numeric_bounds_string_length_and_pattern_are_enforced(org):
    # given
    _field(org, T.INTEGER, name="nps", min_value=Decimal("0"), max_value=Decimal("10"))
    _field(org, T.STRING, name="zip", max_length=6, regex=r"\d+")
    # when / then
    assert extended_fields_validate(org=org, entity="CUSTOMER", values={"nps": 10, "zip": "560001"}) == {
        "nps": 10, "zip": "560001"}
    with pytest.raises(errors.ExtendedFieldOutOfRange) as low:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"nps": -1})
    with pytest.raises(errors.ExtendedFieldOutOfRange) as high:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"nps": "11"})
    with pytest.raises(errors.ExtendedFieldTooLong) as long_:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"zip": "5600011"})
    with pytest.raises(errors.ExtendedFieldPatternMismatch) as pattern:
        extended_fields_validate(org=org, entity="CUSTOMER", values={"zip": "56A001"})
    assert low.value.message == "The value of the extended field nps must be >= 0."
    assert high.value.message == "The value of the extended field nps must be <= 10."
    assert (long_.value.code, long_.value.field) == (91015, "extendedFields.zip")
    assert pattern.value.code == 91017


def test_org_entity_must_be_a_store_code_of_the_org(org, other_org):
    # given
    _field(org, T.ORG_ENTITY, name="preferred_store")
    StoreFactory(org=org, code="blr01")
    StoreFactory(org=other_org, code="theirs01")
    # when
    cleaned = extended_fields_validate(org=org, entity="CUSTOMER", values={"preferred_store": "blr01"})
    # then
    assert cleaned == {"preferred_store": "blr01"}
    with pytest.raises(errors.ExtendedFieldTypeMismatch):
        extended_fields_validate(org=org, entity="CUSTOMER", values={"preferred_store": "theirs01"})


def test_clean_reports_every_bad_field_and_keeps_the_good_ones(org):
    # given
    _field(org, T.STRING, name="city")
    _field(org, T.INTEGER, name="age")
    _field(org, T.STRING, name="ssn", is_mandatory=True)
    # when
    cleaned, problems = extended_fields_clean(org=org, entity="CUSTOMER",
                                              values={"city": "Pune", "age": "old", "gender": "Male"})
    # then
    assert cleaned == {"city": "Pune"}
    assert [(p.code, p.field) for p in problems] == [
        (91017, "extendedFields.age"), (91016, "extendedFields.gender"), (403, "extendedFields.ssn")]


def test_validation_costs_one_query(org, django_assert_num_queries):
    # given
    for index in range(5):
        _field(org, T.STRING, name=f"f{index}")
    # when / then
    with django_assert_num_queries(1):
        extended_fields_validate(org=org, entity="CUSTOMER", values={f"f{i}": "x" for i in range(5)})
