"""Writes and validation of the fields domain: extended-field definitions, custom-field definitions, and the
validation other domains (customers, transactions, cards) call before storing field values.

Stored values are JSON-serialisable, because callers keep them in JSONFields: INTEGER -> int, DOUBLE -> the exact
Decimal as a string ("12.50"), BOOLEAN -> bool, DATE -> "YYYY-MM-DD", DATETIME -> ISO 8601 with offset (a date-only
value stays "YYYY-MM-DD"), enums -> the configured spelling, COUNTRY/CURRENCY -> upper-case codes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from apps.organizations.choices import CustomFieldType as C
from apps.organizations.models import CustomField, Organization, Store
from apps.organizations.selectors import custom_field_definitions

from . import errors, meta, validation
from .choices import ENTITY_ALIASES, ENUM_TYPES, NUMERIC_TYPES, ExtendedFieldDataType, ExtendedFieldEntity
from .models import ExtendedField
from .selectors import extended_definitions
from .scopes import scope_internal

T = ExtendedFieldDataType


# -- extended-field values ---------------------------------------------------------------------------------------

def extended_field_entity(entity: str) -> str:
    """The canonical entity type for entity (case-insensitive; "transaction"/"lineitem" accepted)."""
    key = (entity or "").strip().upper()
    key = ENTITY_ALIASES.get(key, key)
    if key not in ExtendedFieldEntity.values:
        raise errors.ExtendedFieldEntityInvalid(allowed=", ".join(ExtendedFieldEntity.values), field="entityType")
    return key


def extended_fields_validate(*, org: Organization, entity: str, values: dict | list | None,
                             partial: bool = False) -> dict:
    """Cleaned values of the entity's active extended fields, keyed by their configured names.

    Raises ExtendedFieldInvalid (a subclass naming the field) for an unknown field (91016), a wrong type or a value
    outside the enum, range or pattern (91017), a too-long string (91015), or a missing mandatory field (403; skipped
    when partial=True, which updates use; sending an empty value for a mandatory field is refused even then).
    values is {name: value} or the v1.1 list [{"name", "value"}]; an empty value clears the field (None).
    """
    cleaned, problems = extended_fields_clean(org=org, entity=entity, values=values, partial=partial)
    if problems:
        raise problems[0]
    return cleaned


def extended_fields_clean(*, org: Organization, entity: str, values: dict | list | None,
                          partial: bool = False) -> tuple[dict, list[errors.ExtendedFieldInvalid]]:
    """Lenient form of extended_fields_validate: the good values plus one error per bad field, for callers that
    report bad extended fields as item warnings (the platform's transaction APIs do) instead of refusing."""
    entity = extended_field_entity(entity)
    pairs = _pairs(values, "extendedFields", errors.ExtendedFieldInvalid)
    definitions = extended_definitions(org=org, entity=entity)
    exact = {d.name: d for d in definitions}
    folded = {d.name.casefold(): d for d in definitions}
    cleaned: dict = {}
    problems: list[errors.ExtendedFieldInvalid] = []
    for name, raw in pairs:
        definition = exact.get(name) or folded.get(str(name).casefold())
        if definition is None:
            problems.append(errors.ExtendedFieldUnknown(name=name, field=f"extendedFields.{name}"))
            continue
        try:
            cleaned[definition.name] = _extended_value(org, definition, raw)
        except errors.ExtendedFieldInvalid as exc:
            problems.append(exc)
    if not partial:
        problems.extend(errors.ExtendedFieldMandatoryMissing(name=d.name, field=f"extendedFields.{d.name}")
                        for d in definitions if d.is_mandatory and cleaned.get(d.name) is None
                        and not any(p.field == f"extendedFields.{d.name}" for p in problems))
    return cleaned, problems


def _pairs(values, what: str, error: type) -> list[tuple[str, object]]:
    if values is None:
        return []
    if isinstance(values, dict):
        return [(str(k), v) for k, v in values.items()]
    if isinstance(values, list) and all(isinstance(i, dict) and "name" in i for i in values):
        return [(str(i["name"]), i.get("value")) for i in values]
    raise error(f"Invalid input. {what} must be an object of name: value pairs", field=what)


def _extended_value(org: Organization, definition: ExtendedField, raw):
    name, field = definition.name, f"extendedFields.{definition.name}"
    if validation.is_blank(raw):
        if definition.is_mandatory:
            raise errors.ExtendedFieldMandatoryMissing(name=name, field=field)
        return None
    try:
        value = _EXTENDED_CLEANERS[definition.data_type](org, definition, raw)
    except ValueError:
        if definition.data_type in ENUM_TYPES:
            raise errors.ExtendedFieldValueNotAllowed(name=name, allowed=", ".join(definition.enum_values),
                                                      field=field) from None
        raise errors.ExtendedFieldTypeMismatch(name=name, data_type=definition.data_type, field=field) from None
    _check_bounds(definition, value, field)
    return value


def _check_bounds(definition: ExtendedField, value, field: str) -> None:
    name = definition.name
    if definition.data_type in NUMERIC_TYPES:
        number = validation.number_of(value)
        if definition.min_value is not None and number < definition.min_value:
            raise errors.ExtendedFieldOutOfRange(name=name, bound=f">= {_plain(definition.min_value)}", field=field)
        if definition.max_value is not None and number > definition.max_value:
            raise errors.ExtendedFieldOutOfRange(name=name, bound=f"<= {_plain(definition.max_value)}", field=field)
    if isinstance(value, str) and len(value) > definition.max_length:
        raise errors.ExtendedFieldTooLong(name=name, maximum=definition.max_length, field=field)
    if definition.regex and isinstance(value, str) and not _matches(definition.regex, value):
        raise errors.ExtendedFieldPatternMismatch(name=name, pattern=definition.regex, field=field)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _store_code(org: Organization, definition: ExtendedField, raw) -> str:
    code = validation.clean_string(raw)
    if not Store.objects.for_org(org).filter(code=code).exists():
        raise ValueError("not a store of the org")
    return code


def _staff_code(org: Organization, definition: ExtendedField, raw) -> str:
    from django.contrib.auth import get_user_model

    code = validation.clean_string(raw)
    users = get_user_model().objects.filter(org=org)
    if not (users.filter(code=code).exists() or users.filter(username=code).exists()):
        raise ValueError("not a staff member of the org")
    return code


_EXTENDED_CLEANERS: dict[str, Callable] = {
    T.STRING: lambda org, d, raw: validation.clean_string(raw),
    T.INTEGER: lambda org, d, raw: validation.clean_integer(raw),
    T.DOUBLE: lambda org, d, raw: validation.clean_double(raw),
    T.BOOLEAN: lambda org, d, raw: validation.clean_boolean(raw),
    T.DATE: lambda org, d, raw: validation.clean_date(raw),
    T.DATETIME: lambda org, d, raw: validation.clean_datetime(raw, tz_name=org.timezone),
    T.STANDARD_ENUM: lambda org, d, raw: validation.clean_enum(raw, d.enum_values),
    T.CUSTOM_ENUM: lambda org, d, raw: validation.clean_enum(raw, d.enum_values),
    T.COUNTRY: lambda org, d, raw: validation.clean_country(raw),
    T.CURRENCY: lambda org, d, raw: validation.clean_currency(raw),
    T.LANGUAGE: lambda org, d, raw: validation.clean_language(raw),
    T.ORG_ENTITY: _store_code,
    T.ASSOCIATE_USER: _staff_code,
}


MAX_CUSTOM_VALUE_LENGTH = 1000


# -- custom-field values -----------------------------------------------------------------------------------------

def custom_fields_validate(*, org: Organization, scope: str, values: dict | list | None,
                           partial: bool = False) -> tuple[dict, list[errors.CustomFieldInvalid]]:
    """Cleaned values of the scope's custom fields, and one warning per field that was dropped.

    The platform accepts a request carrying an invalid custom field and reports it as item warning 1017 "Provided
    Custom Field is invalid": unknown or server-disabled names and values that do not fit the field's type, options
    or regex are dropped with a CustomFieldInvalid warning (never raised). A missing mandatory field (not partial)
    raises CustomFieldMandatoryMissing. scope is the org scope ("loyalty_registration") or the v2 name
    ("LOYALTY_REGISTRATION"); values is {name: value} or the v1.1 list [{"name", "value"}].
    """
    internal = scope_internal(scope)
    pairs = _pairs(values, "customFields", errors.InvalidCustomFieldsInput)
    definitions = [f for f in custom_field_definitions(org=org, scope=internal) if not f.is_disabled
                   and not f.disable_at_server]
    exact = {d.name: d for d in definitions}
    folded = {d.name.casefold(): d for d in definitions}
    cleaned: dict = {}
    warnings: list[errors.CustomFieldInvalid] = []
    for name, raw in pairs:
        definition = exact.get(name) or folded.get(name.casefold())
        try:
            if definition is None:
                raise ValueError("unknown custom field")
            cleaned[definition.name] = _custom_value(definition, raw)
        except ValueError:
            warnings.append(errors.CustomFieldInvalid(field=name))
    if not partial:
        for definition in definitions:
            if definition.is_mandatory and validation.is_blank(cleaned.get(definition.name)):
                raise errors.CustomFieldMandatoryMissing(name=definition.name, field=definition.name)
    return cleaned, warnings


def _custom_value(definition: CustomField, raw):
    """The stored form of one custom-field value (ValueError when it does not fit the field)."""
    if validation.is_blank(raw):
        return ""
    if definition.type == C.MULTISELECT:
        items = raw if isinstance(raw, list) else [p for p in validation.clean_string(raw).split(",") if p.strip()]
        return [validation.clean_enum(item, definition.options) for item in items]
    if definition.type == C.SELECT and definition.options:
        return validation.clean_enum(raw, definition.options)
    if definition.type == C.DATE:
        return validation.clean_date(raw)
    value = _CUSTOM_BY_DATA_TYPE[definition.datatype](raw)
    if isinstance(value, str) and len(value) > MAX_CUSTOM_VALUE_LENGTH:
        raise ValueError("too long")
    if definition.regex and not _matches(definition.regex, str(value)):
        raise ValueError("does not match the field's regex")
    return value


def _matches(pattern: str, text: str) -> bool:
    """Whether text fully matches an org-configured pattern; a broken pattern matches nothing (never a 500)."""
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False


_CUSTOM_BY_DATA_TYPE: dict[str, Callable] = {
    "String": validation.clean_string,
    "Integer": validation.clean_integer,
    "Double": validation.clean_double,
    "Boolean": validation.clean_boolean,
    "Date": validation.clean_date,
}


# -- extended-field definitions ----------------------------------------------------------------------------------

MAX_EXTENDED_FIELDS_PER_ORG = 500
EXTENDED_FIELD_ATTRS = frozenset({
    "label", "data_type", "enum_values", "default_value", "regex", "max_length", "min_value", "max_value", "parent",
    "is_mandatory", "is_active", "is_hidden", "is_updatable", "is_pii_data", "is_psi_data", "position"})


@transaction.atomic
def extended_field_create(*, org: Organization, entity: str, name: str, **attrs) -> ExtendedField:
    """Define an extended field of the org; a platform-standard name takes its type (and enum values) from meta."""
    entity = extended_field_entity(entity)
    _refuse_unknown_attrs(attrs)
    standard = meta.standard_field(entity, name)
    if standard is not None:
        attrs.setdefault("data_type", standard.data_type)
        attrs.setdefault("label", standard.label)
        if standard.enum_values and not attrs.get("enum_values"):
            attrs["enum_values"] = list(standard.enum_values)
    attrs.setdefault("label", name)
    return extended_field_save(org=org, field=ExtendedField(org=org, entity=entity, name=name, **attrs))


@transaction.atomic
def extended_field_update(*, org: Organization, field: ExtendedField, **changes) -> ExtendedField:
    """Change an extended field's label, rules or display settings; a standard field keeps its platform type."""
    _refuse_unknown_attrs(changes)
    field = ExtendedField.objects.for_org(org).select_for_update().filter(pk=field.pk).first()
    if field is None:
        raise errors.ExtendedFieldNotFound(field="extendedFieldId")
    for attr, value in changes.items():
        setattr(field, attr, value)
    return _extended_field_save(org, field)


_UNSET = object()


@transaction.atomic
def extended_field_configure(*, org: Organization, entity: str, name: str, parent_name=_UNSET,
                             **attrs) -> tuple[ExtendedField, bool]:
    """Create the (entity, name) field or update its settings (POST v2/org/extendedFields); True when created.
    parent_name names a top-level field of the same entity (None detaches it)."""
    entity = extended_field_entity(entity)
    if parent_name is not _UNSET:
        attrs["parent"] = _parent_by_name(org, entity, parent_name)
    existing = ExtendedField.objects.for_org(org).filter(entity=entity, name=name).first()
    if existing is None:
        return extended_field_create(org=org, entity=entity, name=name, **attrs), True
    return extended_field_update(org=org, field=existing, **attrs), False


def _parent_by_name(org: Organization, entity: str, name: str | None) -> ExtendedField | None:
    if name is None:
        return None
    parent = ExtendedField.objects.for_org(org).filter(entity=entity, name=name).first()
    if parent is None:
        raise errors.ExtendedFieldConfigInvalid(detail=f"parentName: no extended field {name} of {entity}",
                                                field="parentName")
    return parent


def _refuse_unknown_attrs(attrs: dict) -> None:
    unknown = sorted(set(attrs) - EXTENDED_FIELD_ATTRS)
    if unknown:
        raise TypeError(f"unknown extended-field attribute(s): {', '.join(unknown)}")


@transaction.atomic
def extended_field_save(*, org: Organization, field: ExtendedField) -> ExtendedField:
    """Create or change one extended field given as an instance (admin screen), under the API's rules."""
    field.org = org
    return _extended_field_save(org, field)


def extended_field_check(*, org: Organization, field: ExtendedField) -> None:
    """Refuse a definition the API would refuse: a taken name, too many fields, a standard name with another type,
    a foreign parent, a default value that does not fit the field (normalised). Model rules run in full_clean()."""
    others = ExtendedField.objects.for_org(org).exclude(pk=field.pk)
    if others.filter(entity=field.entity, name=field.name).exists():
        raise errors.ExtendedFieldExists(name=field.name, entity=field.entity, field="name")
    if field.pk is None and others.count() >= MAX_EXTENDED_FIELDS_PER_ORG:
        raise errors.ExtendedFieldConfigInvalid(
            detail=f"An org can define at most {MAX_EXTENDED_FIELDS_PER_ORG} extended fields")
    standard = meta.standard_field(field.entity, field.name)
    if standard is not None and field.data_type != standard.data_type:
        raise errors.ExtendedFieldConfigInvalid(
            detail=f"dataType: {field.name} is a standard field of type {standard.data_type}", field="dataType")
    if field.parent_id is not None and field.parent.org_id != org.pk:
        raise errors.ExtendedFieldConfigInvalid(detail="parent: not an extended field of the org", field="parent")
    if not validation.is_blank(field.default_value):
        try:
            default = _extended_value(org, field, field.default_value)
        except errors.ExtendedFieldInvalid as exc:
            raise errors.ExtendedFieldConfigInvalid(detail=f"defaultValue: {exc.message}",
                                                    field="defaultValue") from None
        field.default_value = ("true" if default else "false") if isinstance(default, bool) else str(default)


def _extended_field_save(org: Organization, field: ExtendedField) -> ExtendedField:
    extended_field_check(org=org, field=field)
    field.full_clean()
    field.save()
    return field


# -- custom-field definitions ------------------------------------------------------------------------------------

MAX_CUSTOM_FIELD_NAME = 20
MAX_CUSTOM_FIELDS_PER_ORG = 500
AUDITABLE_LIMIT_KEY = "PRODUCT_CONF_ORG_AUDITABLE_CUSTOM_FIELDS_LIMIT"
CUSTOM_FIELD_ATTRS = frozenset({
    "label", "type", "data_type", "widget", "default_value", "options", "regex", "error_message", "rule",
    "server_rule", "help_text", "attrs", "is_mandatory", "is_disabled", "disable_at_server", "is_updatable",
    "enable_audit_trail", "is_pii_data", "is_psi_data", "phase", "position"})


@transaction.atomic
def custom_fields_create(*, org: Organization, scope: str, fields: list[dict]) -> list[CustomField]:
    """Create several custom fields of one scope, all or none (POST v2/customFields); each dict holds `name` plus
    CustomField attributes. Refuses an empty list (1028), an empty name or label (1024), a name already used in the
    scope or twice in the list (1025) and more auditable fields than the org's limit (1023)."""
    internal = scope_internal(scope)
    if not fields:
        raise errors.CustomFieldListEmpty()
    names = [str(item.get("name") or "").strip() for item in fields]
    _check_custom_field_names(org, internal, names)
    _check_audit_limit(org, extra=sum(1 for item in fields if item.get("enable_audit_trail")))
    if CustomField.objects.for_org(org).count() + len(fields) > MAX_CUSTOM_FIELDS_PER_ORG:
        raise errors.CustomFieldsTooMany(maximum=MAX_CUSTOM_FIELDS_PER_ORG)
    created = []
    for name, item in zip(names, fields):
        attrs = {k: v for k, v in item.items() if k != "name"}
        _refuse_unknown_custom_attrs(attrs)
        if validation.is_blank(attrs.get("label")):
            attrs["label"] = name
        field = CustomField(org=org, scope=internal, name=name, **attrs)
        field.full_clean()
        field.save()
        created.append(field)
    return created


@transaction.atomic
def custom_field_save(*, org: Organization, field: CustomField) -> CustomField:
    """Create or change one custom field (admin screen) under the same rules as custom_fields_create."""
    field.org = org
    custom_field_check(org=org, field=field)
    field.full_clean()
    field.save()
    return field


def custom_field_check(*, org: Organization, field: CustomField) -> None:
    """Refuse what custom_fields_create refuses for one field: empty, too long or duplicate name, the org's limits."""
    _check_custom_field_names(org, field.scope, [field.name], exclude_pk=field.pk)
    if field.pk is None and CustomField.objects.for_org(org).count() >= MAX_CUSTOM_FIELDS_PER_ORG:
        raise errors.CustomFieldsTooMany(maximum=MAX_CUSTOM_FIELDS_PER_ORG)
    if field.enable_audit_trail:
        was_audited = field.pk is not None and CustomField.objects.for_org(org).filter(
            pk=field.pk, enable_audit_trail=True).exists()
        _check_audit_limit(org, extra=0 if was_audited else 1)


def _check_custom_field_names(org: Organization, scope: str, names: list[str], exclude_pk: int | None = None) -> None:
    for name in names:
        if not name:
            raise errors.CustomFieldParamEmpty(param="name", field="name")
        if len(name) > MAX_CUSTOM_FIELD_NAME:
            raise errors.CustomFieldNameTooLong(name=name, maximum=MAX_CUSTOM_FIELD_NAME, field="name")
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise errors.CustomFieldDuplicate(name=name, field="name")
        seen.add(name.casefold())
    taken = CustomField.objects.for_org(org).filter(scope=scope).exclude(pk=exclude_pk)
    clash = next((n for n in taken.values_list("name", flat=True) if n.casefold() in seen), None)
    if clash is not None:
        raise errors.CustomFieldDuplicate(name=clash, field="name")


def _check_audit_limit(org: Organization, *, extra: int) -> None:
    if not extra:
        return
    from apps.organizations.selectors import org_config_value

    limit = int(org_config_value(org=org, key=AUDITABLE_LIMIT_KEY) or 5)
    count = CustomField.objects.for_org(org).filter(enable_audit_trail=True).count() + extra
    if count > limit:
        raise errors.CustomFieldAuditLimitBreached(maximum=limit, count=count, field="enableAuditTrail")


def _refuse_unknown_custom_attrs(attrs: dict) -> None:
    unknown = sorted(set(attrs) - CUSTOM_FIELD_ATTRS)
    if unknown:
        raise TypeError(f"unknown custom-field attribute(s): {', '.join(unknown)}")
