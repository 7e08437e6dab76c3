"""Error codes of the organisation and store domain (the platform's 3xxx, 9xx and 12xx codes)."""
from apps.core.errors import DomainError, NotFound, register_constraint_error


class StoreCodeExists(DomainError):
    code, status, template = 1220, 400, "Store code exists"


class StoreNameExists(DomainError):
    code, status, template = 1206, 400, "Store name exists"


class StoreExternalIdExists(DomainError):
    code, status, template = 1222, 400, "Store external ID exists"


class StoreNotFound(NotFound):
    code, template = 902, "Store identifier is invalid"


class StoreIdentifierMissing(DomainError):
    code, status, template = 913, 400, "Unable to fetch store details. No identifier is passed"


class TillNotFound(NotFound):
    code, template = 3227, "Till does not exist"


class TillIdentifierMissing(DomainError):
    code, status, template = 400, 400, "Either code, name or tillId is mandatory"


class EntityTypeMissing(DomainError):
    code, status, template = 500, 400, "Type is not passed, please send type"


class EntityTypeInvalid(DomainError):
    code, status, template = 500, 400, "Type is invalid. Please pass type STORE/STR_SERVER/TILL/ZONE/CONCEPT"


class EntityNotFound(NotFound):
    code, template = 3202, "Entity with {name} {value} not found"


class ConfigKeyNotFound(NotFound):
    code, template = 3209, "Organization config '{key}' not set"


class ConfigValueInvalid(DomainError):
    code, status, template = 3212, 400, "Configuration value is invalid"


class CustomFieldsNotFoundForScope(NotFound):
    code, template = 3204, "Custom field(s) not found for this scope"


class ParentZoneNotFound(NotFound):
    code, template = 3202, "Entity with parentZoneId {value} not found"


class ParentConceptNotFound(NotFound):
    code, template = 3202, "Entity with parentConceptId {value} not found"


class LocationCodeExists(DomainError):
    code, status, template = 409, 409, "Location code already exists"


class TillUsernameTaken(DomainError):
    code, status, template = 1223, 400, "Till username is taken"


register_constraint_error("organizations_store_unique_code", StoreCodeExists)
register_constraint_error("organizations_store_unique_name", StoreNameExists)
register_constraint_error("organizations_store_unique_external_id", StoreExternalIdExists)
register_constraint_error("organizations_location_unique_code", LocationCodeExists)
