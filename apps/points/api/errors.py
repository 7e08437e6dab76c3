"""Request-level codes of the points APIs (query/body checks the services never see), as the platform documents them."""
from apps.core.errors import DomainError, NotFound


# -- v1.1 redemption -----------------------------------------------------------------------------------------------
class ValidationMandatory(DomainError):
    code, status, template = 824, 400, "Mobile number validation is mandatory for redeeming points"


class MissedCallDisabled(DomainError):
    code, status, template = 823, 400, "Missed call redemption is disabled for your organization"


class RedemptionTimeInvalid(DomainError):
    code, status, template = 859, 400, "The redemption time you have passed is invalid"


class CurrencyRatioMissing(DomainError):
    code, status, template = 888, 422, "Invalid configuration: the programme has no points-to-currency ratio"


OTP_NOT_ISSUED = (876, "Points Redeemable but OTP Generation failed")


# -- v2 transfers, reversal, unlock --------------------------------------------------------------------------------
class TransferIdentifierTypeInvalid(DomainError):
    code, status, template = 434, 400, "Invalid {side}.identifierType set in the request payload"


class EntityTypeInvalid(DomainError):
    code, status, template = 1212, 400, "Entity type passed is not valid"


class UnlockIdentifiersMissing(DomainError):
    code, status, template = 82323284, 400, "identifierName, identifierValue, or source cannot be empty"


class UnlockBillNumberMissing(DomainError):
    code, status, template = 82323271, 400, "Bill number missing"


class UnlockEventNameMissing(DomainError):
    code, status, template = 82323272, 400, "Event name not found"


class UnlockEntityTypeInvalid(DomainError):
    code, status, template = 82323276, 400, "Entity type invalid"


class UnlockBillNotFound(NotFound):
    code, template = 82323277, "No bill found for given bill number"


class UnlockNothingPromised(DomainError):
    code, status, template = 82323282, 422, "No promise points found to unlock"


# -- expiry schedule dates -----------------------------------------------------------------------------------------
class ScheduleStartAfterEnd(DomainError):
    code, status, template = 1214, 400, "startDate is after endDate"


class ScheduleStartInPast(DomainError):
    code, status, template = 1215, 400, "startDate cannot be in past"


class ScheduleDateFormat(DomainError):
    code, status = 1216, 400
    template = "The date format used for {field} is not supported. Enter the date in (yyyy-MM-dd) format"


class ScheduleEndTooFar(DomainError):
    code, status, template = 1217, 400, "endDate cannot be after 100 years from now"


# -- points ledger -------------------------------------------------------------------------------------------------
class LedgerNoEntries(DomainError):
    code, status = 11003, 400
    template = ("There are no ledger entries present for the given parameters. Try removing parameters to widen the "
                "search")


class LedgerTillInvalid(DomainError):
    code, status, template = 11004, 400, "Invalid tillId passed in request"


class LedgerProgramInvalid(NotFound):
    code, template = 11005, "Invalid programId passed in request"


class LedgerLimitAbove10(DomainError):
    code, status, template = 11006, 400, "Limit cannot be greater than 10"


class LedgerEntryTypeInvalid(DomainError):
    code, status, template = 11007, 400, "Invalid ledgerEntryType passed in request"


class LedgerCategoryInvalid(DomainError):
    code, status, template = 11008, 400, "Invalid pointCategoryType passed in request"


class LedgerStartAfterEnd(DomainError):
    code, status, template = 11009, 400, "Startdate is after endDate"


class LedgerIntervalTooLong(DomainError):
    code, status, template = 11010, 400, "Time interval between startDate and endDate is greater than {days} days"


class LedgerDateFormat(DomainError):
    code, status = 11011, 400
    template = "The date format used is not supported. Enter the date in (yyyy-MM-ddTHH:mm:ss) format"


class LedgerIdentifiersMissing(DomainError):
    code, status, template = 11013, 400, "identifierName, identifierValue, source can not be empty"


class LedgerEventNameInvalid(DomainError):
    code, status, template = 11014, 400, "Event name not found :{name}"


class LedgerTooManyEvents(DomainError):
    code, status, template = 11014, 400, "Requested cannot be processed. Max {maximum} events are allowed in params."


class LedgerEventIdFormat(DomainError):
    code, status, template = 11017, 400, "Event id format exception:{value}"


class LedgerTillIdFormat(DomainError):
    code, status, template = 11025, 400, "Till id format exception:For input string: \"{value}\""


class LedgerStoreWithoutTills(DomainError):
    code, status, template = 11026, 400, "No tills found for store with {name}: {value}"


class LedgerTillIdsInvalid(DomainError):
    code, status, template = 11027, 400, "Invalid tillIds: {value}"


class LedgerPlaceFiltersConflict(DomainError):
    code, status = 11028, 400
    template = ("Multiple input parameters set. Please provide only one of the following: tillId, tillIds, storeCode "
                "or storeId")


class LedgerLimitAbove100(DomainError):
    code, status, template = 11029, 400, "Limit cannot be greater than 100"
