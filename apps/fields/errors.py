"""Error codes of extended and custom fields (the platform's 910xx extended-field codes and 10xx custom-field codes)."""
from apps.core.errors import DomainError, NotFound, register_constraint_error


class ExtendedFieldInvalid(DomainError):
    """Base of every refusal of an extended-field value; `field` names the offending field."""

    code, status, template = 91015, 400, "Failed to update extended fields; field {name} is invalid"


class ExtendedFieldUnknown(ExtendedFieldInvalid):
    code, template = 91016, "Extended field name {name} is invalid."


class ExtendedFieldTypeMismatch(ExtendedFieldInvalid):
    code, template = 91017, "The value of the extended field {name} does not match the data type {data_type}."


class ExtendedFieldValueNotAllowed(ExtendedFieldInvalid):
    code, template = 91017, "The value of the extended field {name} is not one of {allowed}."


class ExtendedFieldTooLong(ExtendedFieldInvalid):
    code, template = 91015, "Failed to update extended fields; field {name} length too long (maximum {maximum})."


class ExtendedFieldOutOfRange(ExtendedFieldInvalid):
    code, template = 91017, "The value of the extended field {name} must be {bound}."


class ExtendedFieldPatternMismatch(ExtendedFieldInvalid):
    code, template = 91017, "The value of the extended field {name} does not match the pattern {pattern}."


class ExtendedFieldMandatoryMissing(ExtendedFieldInvalid):
    # The platform's request-level "mandatory field missing" code; the HTTP status stays 400.
    code, template = 403, "Mandatory field is missing. Field extendedFields.{name} is mandatory."


class ExtendedFieldEntityInvalid(DomainError):
    code, status, template = 400, 400, "Invalid input. entityType: must be one of {allowed}"


class ExtendedFieldNotInMeta(DomainError):
    code, status, template = 91016, 400, "Extended field name {name} is invalid."


class ExtendedFieldExists(DomainError):
    code, status, template = 409, 409, "Extended field {name} already exists for entity {entity}"


class ExtendedFieldNotFound(NotFound):
    code, template = 91016, "Extended field not found"


class ExtendedFieldConfigInvalid(DomainError):
    code, status, template = 400, 400, "Invalid input. {detail}"


class CustomFieldScopeInvalid(DomainError):
    code, status, template = 1018, 400, "Provided scope is invalid."


class CustomFieldParamEmpty(DomainError):
    code, status, template = 1024, 400, "Custom field parameter {param} is null or empty."


class CustomFieldDuplicate(DomainError):
    code, status, template = 1025, 400, "Duplicate organisation custom field: {name}."


class CustomFieldListEmpty(DomainError):
    code, status, template = 1028, 400, "Null or empty custom field list."


class CustomFieldAuditLimitBreached(DomainError):
    code, status = 1023, 400
    template = ("Maximum auditable custom field limit is {maximum}, existing count is {count} "
                "(including the current payload).")


class CustomFieldMandatoryMissing(DomainError):
    code, status, template = 403, 400, "Mandatory field is missing. Field {name} is mandatory."


class CustomFieldInvalid(DomainError):
    """Reported as an item warning (the request still succeeds), never raised to the client."""

    code, status, template = 1017, 400, "Provided Custom Field is invalid"


class ExtendedFieldExistsRace(ExtendedFieldExists):
    template = "Extended field already exists for this entity"


class CustomFieldDuplicateRace(CustomFieldDuplicate):
    template = "Duplicate organisation custom field."


class CustomFieldNameTooLong(DomainError):
    code, status, template = 400, 400, "Invalid input. Custom field name {name} is longer than {maximum} characters."


class CustomFieldsTooMany(DomainError):
    code, status, template = 400, 400, "Invalid input. An org can define at most {maximum} custom fields."


register_constraint_error("fields_extendedfield_unique_name", ExtendedFieldExistsRace)
register_constraint_error("organizations_customfield_unique_name", CustomFieldDuplicateRace)


class InvalidCustomFieldsInput(DomainError):
    code, status, template = 400, 400, "Invalid input. customFields must be an object of name: value pairs"
