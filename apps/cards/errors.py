"""The platform's card codes (7xx generation, 30xx cards). HTTP 400 bad input, 404 missing, 409/422 rules."""
from apps.core.errors import DomainError, register_constraint_error


class CardError(DomainError):
    code, status, template = 3000, 400, "Invalid card series"


class GenerationConfigInvalid(DomainError):
    code, status, template = 701, 422, "Invalid configurations set: {detail}"


class MaximumCardNumbersReached(DomainError):
    code, status, template = 702, 422, "Maximum card numbers reached for series {series}"


class GenerationDisabled(DomainError):
    code, status, template = 703, 422, "Card number generation disabled"


class GenerationLengthInvalid(DomainError):
    code, status, template = 704, 422, "Invalid card number length configured"


class GenerationFailed(DomainError):
    code, status, template = 705, 422, "Card number generation failed: {detail}"


class SeriesInvalid(DomainError):
    code, status, template = 3000, 404, "Invalid card series"


class SeriesCodeEmpty(DomainError):
    code, status, template = 3001, 400, "Series code empty"


class SeriesExists(DomainError):
    code, status, template = 3002, 409, "Series already exists"


class SeriesTypeEmpty(DomainError):
    code, status, template = 3003, 400, "Series type is empty"


class SeriesNotFound(DomainError):
    code, status, template = 3004, 404, "Series does not exist"


class CardLengthInvalid(DomainError):
    code, status, template = 3005, 400, "Card length invalid: {detail}"


class GenerationConfigExists(DomainError):
    code, status, template = 3006, 409, "Card configuration already exists with the same prefix, suffix and card length"


class GenerationConfigMissing(DomainError):
    code, status, template = 3007, 400, "Card generation config not passed"


class CardNumberExists(DomainError):
    code, status, template = 3009, 409, "Card number exists"


class CardNotFound(DomainError):
    code, status, template = 3010, 404, "Card number does not exists"


class CardStatusMissing(DomainError):
    code, status, template = 3011, 400, "Card status not passed"


class CardStatusLabelInvalid(DomainError):
    code, status, template = 3017, 400, "Status label invalid: {label}"


class StatusNotNotIssued(DomainError):
    code, status, template = 3018, 400, "Card status label is not mapped to NOT_ISSUED"


class ExpiryDaysNegative(DomainError):
    code, status, template = 3019, 400, "Card expiry days should not be negative"


class CardTypeInvalid(DomainError):
    code, status, template = 3020, 400, "DIGITAL & PHYSICAL are the only possible card types"


class PrefixInvalid(DomainError):
    code, status, template = 3022, 400, "Card prefix passed is not a standard string"


class SuffixInvalid(DomainError):
    code, status, template = 3023, 400, "Card suffix passed is not a standard string"


class CardNumberTooLong(DomainError):
    code, status, template = 3024, 400, "Card number total length should not be more than 150"


class CountInvalid(DomainError):
    code, status, template = 3025, 400, "Count field invalid"


class CountTooLarge(DomainError):
    code, status, template = 3026, 400, "Card count exceeds {maximum}"


class CardNotLinkable(DomainError):
    code, status, template = 3027, 422, "Card is not linkable: {detail}"


class CardLengthTooShort(DomainError):
    code, status, template = 3028, 400, "Card length should not be less than 5"


class MaxActiveNegative(DomainError):
    code, status, template = 3034, 400, "Max active card per customer passed is negative"


class SeriesActiveLimitReached(DomainError):
    code, status, template = 3036, 422, "Active cards of the customer exceeded the max configured value for this card series"


class StatusChangeRefused(DomainError):
    code, status, template = 3038, 422, "Card status can not be changed from {current} to {target}"


class StatusUnchanged(DomainError):
    """A warning, not an error: the update carried the card's current status."""

    code, status, template = 3039, 200, "No update in status label"


class OrgActiveLimitReached(DomainError):
    code, status, template = 3039, 422, "Active cards of the customer exceeded the max configured value for this org"


class CustomerDeleted(DomainError):
    code, status, template = 3042, 422, "customer status was marked to deleted. Any further changes on this customer are not allowed"


class ExternalIdExists(DomainError):
    code, status, template = 3045, 409, "Card external id exists"


class ExternalIdMismatch(DomainError):
    code, status, template = 3046, 400, "Card external id & card number mismatch"


class OffsetInvalid(DomainError):
    code, status, template = 3047, 400, "Card offset invalid"


class MappedEntityInvalid(DomainError):
    code, status, template = 3048, 400, "Mapped Entity type {type} and Entity value {value} passed is invalid"


class MappedEntityTypeInvalid(DomainError):
    code, status, template = 3049, 400, "Mapped Entity Type Passed is invalid"


class FieldsInvalid(DomainError):
    code, status, template = 3000, 400, "Invalid input. {name} must be an object of names to text values"


class GenerationJobMissing(DomainError):
    code, status, template = 404, 404, "Card generation log not found"


register_constraint_error("cards_card_unique_number", CardNumberExists)
register_constraint_error("cards_card_unique_external_id", ExternalIdExists)
register_constraint_error("cards_cardseries_unique_code", SeriesExists)
register_constraint_error("cards_cardseries_unique_format", GenerationConfigExists)
