"""Error and warning codes of customer labels (the platform's 330xx codes)."""
from apps.core.errors import DomainError, NotFound, register_constraint_error


class LabelNotFound(NotFound):
    """Also sent as a changeLabels warning for a name the org does not have."""

    code, template = 33000, "{name} label not found"


class CustomerLabelsNotFound(NotFound):
    """Warning: the customer carries no (such) label."""

    code, template = 33001, "User labels not found"


class LabelExists(DomainError):
    code, status, template = 33003, 409, "Label {name} already exists in org"


class LabelLimitNotSet(DomainError):
    code, status, template = 33004, 422, "Org max Label config not set"


class LabelLimitExceeded(DomainError):
    code, status, template = 33005, 422, "Org max Label count exceed"


class LabelsPayloadEmpty(DomainError):
    code, status, template = 33006, 400, "Org labels empty post payload"


class LabelChangesEmpty(DomainError):
    code, status, template = 400, 400, "Invalid input. Pass at least one label in add or remove"


class TagJobTooLarge(DomainError):
    code, status, template = 1060, 400, "At most {maximum} customers can be tagged in one job"


class LabelNameTaken(LabelExists):
    """A concurrent insert won the unique name (the database constraint fired)."""

    template = "Label already exists in org"


register_constraint_error("labels_label_unique_name", LabelNameTaken)


class OrgLabelsNotFound(NotFound):
    """Warning: the org has no labels yet."""

    code, template = 33002, "Org labels not found"
