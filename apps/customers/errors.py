"""Error and warning codes of the customer domain (the platform's `customers` status codes).

Each error carries the v2 code in `code` and, where v1.1 uses another number, that number in `v11_code`;
v1.1 views re-code with `as_v11(err)` so one service serves both versions.
"""
from __future__ import annotations

import copy

from apps.core.errors import DomainError, NotFound, register_constraint_error


class CustomerError(DomainError):
    v11_code: int | None = None


def as_v11(err: DomainError) -> DomainError:
    """The same error carrying its v1.1 code (unchanged when it has none)."""
    v11_code = getattr(err, "v11_code", None)
    if not v11_code or v11_code == err.code:
        return err
    recoded = copy.copy(err)
    recoded.code = v11_code
    return recoded


# -- not found -----------------------------------------------------------------------------------
class CustomerNotFound(NotFound):
    code, template = 8015, "Customer not found for the given identifiers"
    v11_code = 816


class CustomerNotFoundForSource(NotFound):
    code, template = 8065, "User not found for given source"
    v11_code = 816


# -- lookup / source / identifier input --------------------------------------------------------------
class SourceMissing(CustomerError):
    code, status, template = 8004, 400, "Add failed, No source passed"


class LookupSourceMissing(CustomerError):
    code, status, template = 8001, 400, "Lookup failed, No source passed"


class LookupIdentifierMissing(CustomerError):
    code, status, template = 8002, 400, "Lookup failed, No identifiers passed"
    v11_code = 1015


class SourceInvalid(CustomerError):
    code, status, template = 8003, 400, "Invalid source passed"


class RegistrationSourceInvalid(CustomerError):
    code, status, template = 3217, 400, "Source is invalid"


class AccountIdMissing(CustomerError):
    code, status, template = 8045, 400, "Account id is not passed"


class IdentifierNameInvalid(CustomerError):
    code, status, template = 8013, 400, "Lookup, Invalid identifier passed"
    v11_code = 1104


class NoValidIdentifiers(CustomerError):
    code, status, template = 8005, 400, "Add failed, No valid identifiers passed"
    v11_code = 1007


class InvalidMobile(CustomerError):
    code, status, template = 8014, 400, "Error in customer registration: Invalid Primary Id - {value}"
    v11_code = 1001


class InvalidEmail(CustomerError):
    code, status, template = 8014, 400, "Error in customer registration: Invalid Primary Id - {value}"
    v11_code = 1002


class InvalidExternalId(CustomerError):
    code, status, template = 8014, 400, "Error in customer registration: Invalid Primary Id - {value}"
    v11_code = 1003


class InvalidIdentifierValue(CustomerError):
    code, status, template = 8014, 400, "Error in customer registration: Invalid Primary Id - {value}"
    v11_code = 1042


class CommChannelInvalid(CustomerError):
    code, status, template = 8010, 400, "Invalid communication channel passed"


class RegistrationDateInvalid(CustomerError):
    code, status, template = 8017, 400, "Error in customer registration: Invalid registration date"
    v11_code = 1034


class MobileRequired(CustomerError):
    code, status, template = 1006, 400, "Unable to register. Mobile number is required."


class EmailRequired(CustomerError):
    code, status, template = 1039, 400, "Unable to register. Email ID is required."


class ExternalIdRequired(CustomerError):
    code, status, template = 1043, 400, "Unable to register. Customer's external id is required."


# -- conflicts ------------------------------------------------------------------------------------
class CustomerExistsSameSource(CustomerError):
    code, status, template = 8006, 400, "Add failed, Customer already exists with id {customer_id} for same source"
    v11_code = 1014


class ConflictingCustomers(CustomerError):
    code, status, template = 8052, 400, "Add customer, Conflicting Customers found"


class UpdateConflictingCustomers(CustomerError):
    code, status, template = 8053, 400, "Update customer, Conflicting Customers found"


class IdentifierExistsSameSource(CustomerError):
    code, status, template = 8007, 400, "Update failed, Customer already exists for same source"
    v11_code = 91007


class IdentifierOwnedByOther(CustomerError):
    code, status, template = 8008, 400, "Update failed, Same source different profile found for given identifiers"
    v11_code = 91007


class IdentifierUpdateNotAllowed(CustomerError):
    code, status, template = 91006, 400, "{name} update is not allowed."


class LastIdentifierRemoval(CustomerError):
    code, status, template = 8005, 400, "Update failed, a customer must keep at least one identifier"
    v11_code = 1007


class LoyaltyDowngradeRefused(CustomerError):
    code, status, template = 8018, 400, "Update customer, Conversion from loyalty to non-loyalty not allowed"
    v11_code = 1046


class ReferralCodeTaken(CustomerError):
    code, status, template = 409, 409, "Referral code is already used by another customer"


# -- status / fraud -----------------------------------------------------------------------------------
class StatusLabelInvalid(CustomerError):
    code, status, template = 8086, 400, "Status label passed is not valid"
    v11_code = 3017


class StatusReasonMissing(CustomerError):
    code, status, template = 400, 400, "Invalid input. reason: This field is required."


class FraudStatusInvalid(CustomerError):
    code, status, template = 400, 400, "Invalid input. fraud status must be one of {choices}"


# -- subscriptions ---------------------------------------------------------------------------------
class ChannelInvalid(CustomerError):
    code, status, template = 1101, 400, "Invalid channel type."


class PriorityInvalid(CustomerError):
    code, status, template = 1102, 400, "Invalid priority type."


class SubscriptionStatusInvalid(CustomerError):
    code, status, template = 1106, 400, "Invalid subscription status passed."


class SubscriptionsMissing(CustomerError):
    code, status, template = 1109, 400, "Unable to add, update or fetch subscription details."


# -- images ----------------------------------------------------------------------------------------
class ImageMissing(CustomerError):
    code, status, template = 8081, 400, "No Image Passed"


class ImageTooSmall(CustomerError):
    code, status, template = 8083, 400, "Image size is too small"


class ImageTooLarge(CustomerError):
    code, status, template = 8079, 400, "Error in uploading Image: the file is larger than {maximum} bytes"


class ImageTypeInvalid(CustomerError):
    code, status, template = 8079, 400, "Error in uploading Image: only PNG, JPEG, GIF and WebP images are accepted"


class ImageLimitReached(CustomerError):
    code, status, template = 8082, 400, "Max image per user is {maximum}"


class ImageToDeleteMissing(CustomerError):
    code, status, template = 8078, 400, "No Image passed to be deleted"


class ImageNotFound(NotFound):
    code, template = 8078, "No Image passed to be deleted"


# -- notes / preferences / tickets ---------------------------------------------------------------
class NoteNotFound(NotFound):
    code, template = 1028, "No customer notes are available."


class NoteDescriptionMissing(CustomerError):
    code, status, template = 1037, 400, "Unable to add/update customer notes."


class TicketSubjectMissing(CustomerError):
    code, status, template = 1303, 400, "Ticket subject should not be empty."


class TicketSubjectExists(CustomerError):
    code, status, template = 1301, 400, "A ticket already exists with the same subject."


# -- warnings (returned next to a success, never raised) ----------------------------------------------
class Warning_(DomainError):
    """Base of warnings: same shape as errors ({status:false, code, message}) but the call succeeded."""


class CombinedWithOtherSource(Warning_):
    code, template = 8050, "Same Customer found in other sources,Combining"


class MergedWithUser(Warning_):
    code, template = 8051, "Same Customer found in other sources, Merging with userId {customer_id}"


class DefaultStatusLabelNotSet(Warning_):
    code, template = 8107, "Default customer status label not set"


class NoValidChangeIdentifiers(Warning_):
    code, template = 8070, "No valid change identifiers detected"


class MobileAlreadyAttached(Warning_):
    code, template = 8071, "Mobile already attached with this user"


class EmailAlreadyAttached(Warning_):
    code, template = 8072, "Email already attached with this user"


class ExternalIdAlreadyAttached(Warning_):
    code, template = 8073, "External id already attached with this user"


class AssociatedWithInvalid(Warning_):
    code, template = 8077, "Invalid associatedWith passed, attribution not updated"


class IdentifierUpdateIgnored(Warning_):
    code, template = 91006, "{name} update is not allowed."


class AccountIdNotPassed(Warning_):
    code, template = 8054, "Account id not passed"


register_constraint_error("customers_customer_unique_referral_code", ReferralCodeTaken)
register_constraint_error("customers_customeridentifier_unique_value", IdentifierOwnedByOther)


class StartDateInvalid(CustomerError):
    code, status, template = 8112, 400, "Invalid startDate. Should be in 'yyyy-MM-dd' format"


class EndDateInvalid(CustomerError):
    code, status, template = 8113, 400, "Invalid endDate. Should be in 'yyyy-MM-dd' format"
