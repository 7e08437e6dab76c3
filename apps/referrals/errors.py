"""Error codes of referrals: the platform's documented 12xx / 1701 codes, and our own 17xx codes where it
documents none (duplicate invitee, self-referral, invitee already a customer, daily limit)."""
from apps.core.errors import DomainError, NotFound, register_constraint_error


class ReferrerNotFound(NotFound):
    """v1.1 refer: the referring customer is unknown."""

    code, template = 1012, "Cannot find a customer for provided identifier"


class ReferrerNotEligible(DomainError):
    code, status, template = 1204, 422, "The customer may not be eligible for the referral program"


class ReferralCodeInvalid(NotFound):
    code, template = 1205, "Unable to find the referrer for the referral code"


class ReferralTypeUnsupported(DomainError):
    code, status, template = 1206, 400, "Failed to add referral. Referral type is not supported"


class InviteeIdentifierInvalid(DomainError):
    code, status, template = 1701, 400, "Invalid Identifier for the type"


class InviteeAlreadyInvited(DomainError):
    code, status, template = 1702, 409, "Invitee {identifier} was already invited by this customer"


class SelfReferral(DomainError):
    code, status, template = 1703, 422, "A customer cannot refer themselves"


class InviteeAlreadyCustomer(DomainError):
    code, status, template = 1704, 422, "Invitee {identifier} is already a customer"


class InviteLimitReached(DomainError):
    code, status, template = 1705, 429, "Invitation limit of {limit} a day reached for this customer"


class InvitedOnInvalid(DomainError):
    code, status, template = 1706, 400, "Invalid input. invitedOn: not a date and time"


class ReferralsMissing(DomainError):
    code, status, template = 400, 400, "Invalid input. No referrals passed"


class ReferralCodeMissing(DomainError):
    code, status, template = 400, 400, "Invalid input. code: referral code is required"


class InviteeDuplicateRace(InviteeAlreadyInvited):
    template = "Invitee was already invited by this customer"


register_constraint_error("referrals_referral_unique_invitee", InviteeDuplicateRace)


class AlreadyReferred(DomainError):
    code, status, template = 1707, 409, "The customer was already referred"


register_constraint_error("referrals_referee_unique_referee", AlreadyReferred)
