"""v2 points shapes: input serializers (shape only: points figures are checked by the services for 801/878) and
builders of the documented response bodies (field names as in the platform's samples)."""
from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from apps.points.choices import EntryKind, SourceType
from apps.points.selectors import event_name, expiry_type

from ..common import iso, points_text, stamp

FLEX = serializers.JSONField  # the platform sends numbers and booleans as either JSON values or strings


# -- input ---------------------------------------------------------------------------------------------------------
class TransferInputV2(serializers.Serializer):
    pointsTobeTransferred = FLEX()
    programId = FLEX(required=False, allow_null=True)
    fromCustomerIdentifier = serializers.DictField()
    toCustomerIdentifier = serializers.DictField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=250)
    issueOtp = FLEX(required=False)
    groupProgramTransfer = FLEX(required=False)
    code = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                 help_text="The validation code sent by isTransferrable with issueOtp=true")


class ReverseInputV2(serializers.Serializer):
    redemptionId = serializers.CharField(required=False, allow_blank=True, max_length=16)
    externalReferenceNumber = serializers.CharField(required=False, allow_blank=True, max_length=128)
    pointsToBeReversed = FLEX(required=False, allow_null=True)
    identifier = serializers.DictField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=250)


class UnlockInputV2(serializers.Serializer):
    eventName = serializers.CharField(required=False, allow_blank=True)
    billNumber = FLEX(required=False, allow_null=True)
    eventLogId = FLEX(required=False, allow_null=True)
    lineItemIds = serializers.ListField(required=False)
    itemCodes = serializers.ListField(required=False)
    billDate = serializers.CharField(required=False, allow_blank=True)
    sourceStoreId = FLEX(required=False, allow_null=True)
    sourceTillId = FLEX(required=False, allow_null=True)
    sourceProgramId = FLEX(required=False, allow_null=True)


class LookupQueryV2(serializers.Serializer):
    source = serializers.CharField(required=False, allow_blank=True)
    accountId = serializers.CharField(required=False, allow_blank=True)
    identifierName = serializers.CharField(required=False, allow_blank=True)
    identifierValue = serializers.CharField(required=False, allow_blank=True)


class ProgramsQueryV2(serializers.Serializer):
    programId = serializers.CharField(required=False, allow_blank=True)
    fetchDataForAllPrograms = serializers.CharField(required=False, allow_blank=True)
    entityType = serializers.CharField(required=False, allow_blank=True, help_text="CUSTOMER (default)")


class ScheduleQueryV2(ProgramsQueryV2):
    fetchEarliestExpiryOnly = serializers.CharField(required=False, allow_blank=True)
    startDate = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD")
    endDate = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD")


class LookupScheduleQueryV2(LookupQueryV2, ScheduleQueryV2):
    pass


class LookupProgramsQueryV2(LookupQueryV2, ProgramsQueryV2):
    pass


class TransferListQueryV2(serializers.Serializer):
    programId = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.CharField(required=False, allow_blank=True)
    offset = serializers.CharField(required=False, allow_blank=True)
    page = serializers.CharField(required=False, allow_blank=True, help_text="1-based; overrides offset")
    sortBy = serializers.CharField(required=False, allow_blank=True, help_text="pointsTransferDate | pointsTransferred")
    sortOrder = serializers.CharField(required=False, allow_blank=True, help_text="asc | desc (default)")


class LookupTransferListQueryV2(LookupQueryV2, TransferListQueryV2):
    pass


class StatementQueryV2(serializers.Serializer):
    programId = serializers.CharField(required=False, allow_blank=True)
    startDate = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD[THH:MM:SS]")
    endDate = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD[THH:MM:SS]")
    limit = serializers.IntegerField(required=False)
    offset = serializers.IntegerField(required=False)


class LedgerQueryV2(LookupQueryV2):
    tillId = serializers.CharField(required=False, allow_blank=True)
    tillIds = serializers.CharField(required=False, allow_blank=True)
    storeId = serializers.CharField(required=False, allow_blank=True)
    storeCode = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.CharField(required=False, allow_blank=True)
    offset = serializers.CharField(required=False, allow_blank=True, help_text="Page number (0 = first page)")
    programId = serializers.CharField(required=False, allow_blank=True)
    startDate = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DDThh:mm:ss")
    endDate = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DDThh:mm:ss")
    isFilterBasedOnDate = serializers.CharField(required=False, allow_blank=True)
    includeLastOneYearData = serializers.CharField(required=False, allow_blank=True)
    ledgerEntryType = serializers.CharField(required=False, allow_blank=True)
    pointCategoryType = serializers.CharField(required=False, allow_blank=True)
    sortOrder = serializers.CharField(required=False, allow_blank=True, help_text="ASC | DESC (default)")
    includeAlternateCurrencies = serializers.CharField(required=False, allow_blank=True)
    alternateCurrencyNames = serializers.CharField(required=False, allow_blank=True)
    type = serializers.CharField(required=False, allow_blank=True, help_text="CUSTOMER (default)")


class ExplodeQueryV2(LedgerQueryV2):
    eventIds = serializers.CharField(required=False, allow_blank=True)
    eventName = serializers.CharField(required=False, allow_blank=True)
    eventReferenceIds = serializers.CharField(required=False, allow_blank=True)


# -- output: transfers ---------------------------------------------------------------------------------------------
def _person(customer) -> dict:
    return {"userId": customer.pk, "firstName": customer.first_name, "lastName": customer.last_name}


def transfer_v2(transfer, *, viewer_id: int, org) -> dict:
    """A transfer seen from one of its customers: DEDUCTION for the sender, ADDITION for the receiver."""
    sender, receiver = transfer.from_account.customer, transfer.to_account.customer
    return {
        "toEntityId": receiver.pk, "toEntityType": "CUSTOMER", "fromEntityId": sender.pk, "fromEntityType": "CUSTOMER",
        "pointsTransferDate": stamp(transfer.created_at, org), "pointsTransferred": transfer.points,
        "transferId": transfer.pk, "transferType": "DEDUCTION" if sender.pk == viewer_id else "ADDITION",
        "transferredFrom": _person(sender), "transferredTo": _person(receiver), "notes": transfer.notes,
        "programName": transfer.from_account.program.name,
    }


# -- output: ledger ------------------------------------------------------------------------------------------------
MAIN, PROMISED = "Main", "DelayedAccrualPointCategory"


def _program_block(account) -> dict:
    block = {"programName": account.program.name, "programId": account.program_id}
    if not account.currency.is_default:
        block["alternateCurrencyName"] = account.currency.name
    return block


def _detail(delta: Decimal, category: str, account) -> dict:
    return {"ledgerEntryType": "CREDIT" if delta > 0 else "DEBIT", "points": points_text(abs(delta)),
            "pointsCategory": category, **_program_block(account)}


def customer_details_v2(customer, *, external_id: str) -> dict:
    details = {"firstName": customer.first_name, "lastName": customer.last_name, "userId": customer.pk}
    if external_id:
        details["externalId"] = external_id
    details["entityType"] = "CUSTOMER"
    return details


def ledger_entry_v2(entry, *, customer_id: int, org) -> dict:
    """One entry as a `ledgerEntries[]` event of getCustomerLedgerInfo."""
    account = entry.account
    details = []
    if entry.available_delta:
        details.append(_detail(entry.available_delta, MAIN, account))
    if entry.promised_delta:
        details.append(_detail(entry.promised_delta, PROMISED, account))
    net = entry.available_delta + entry.promised_delta
    program = account.program
    body = {
        "eventLogId": entry.pk, "eventName": event_name(entry.kind, entry.source_type), "customerId": customer_id,
        "ledgerCreatedDate": stamp(entry.created_at, org, tenths=True), "customerDetails": None,
        "entryDetails": details, "netPointsOnEvent": points_text(net if account.currency.is_default else 0),
    }
    if not account.currency.is_default:
        body["netAlternateCurrenciesOnEvent"] = {account.currency.name: points_text(net)}
    body.update({
        "transactionDetails": ({"transactionNumber": entry.source_ref}
                               if entry.source_type in (SourceType.BILL, SourceType.LINE) and entry.source_ref else {}),
        "store": entry.store.name if entry.store else "", "storeCode": entry.store.code if entry.store else "",
        "tillCode": entry.till.code if entry.till else "",
        "eventDetails": {"reason": entry.reason, "eventDate": stamp(entry.created_at, org, tenths=True)},
        "sourceProgramId": program.pk, "sourceProgramName": program.name, "orgId": entry.org_id,
    })
    return body


def opening_balance_v2(account, *, customer_id: int, at, org) -> dict:
    """An account's balance when the asked period starts, as an OPENING_BALANCE event."""
    details = [{"ledgerEntryType": "OPENING_BALANCE", "points": points_text(account.balance_main),
                "pointsCategory": MAIN, **_program_block(account)},
               {"ledgerEntryType": "OPENING_BALANCE", "points": points_text(account.balance_promised),
                "pointsCategory": PROMISED, **_program_block(account)}]
    return {"eventLogId": None, "eventName": "OpeningBalance", "customerId": customer_id,
            "ledgerCreatedDate": stamp(at, org, tenths=True), "customerDetails": None, "entryDetails": details,
            "netPointsOnEvent": points_text(account.balance_main + account.balance_promised),
            "transactionDetails": {}, "store": "", "storeCode": "", "tillCode": "",
            "sourceProgramId": account.program_id, "sourceProgramName": account.program.name, "orgId": account.org_id}


def closing_balance_rows(accounts, *, category: str | None) -> list[dict]:
    rows = []
    for account in accounts:
        if category in (None, "REGULAR"):
            rows.append({"pointsCategory": MAIN, **_program_block(account),
                         "closingBalance": points_text(account.balance_main)})
        if category in (None, "PROMISED"):
            rows.append({"pointsCategory": PROMISED, **_program_block(account),
                         "closingBalance": points_text(account.balance_promised)})
    return rows


# -- output: lots an entry touched (explode info and our statement) ------------------------------------------------
def _lot_source(lot) -> dict:
    return {"type": lot.source_type, "reference": lot.source_ref}


def lot_created_v2(lot, *, program, org, promised: bool = False) -> dict:
    item = {"lotId": lot.pk, "programId": program.pk, "programName": program.name, "value": lot.amount,
            "expiresOn": stamp(lot.expires_at, org, tenths=True), "expiryType": expiry_type(program.expiry_policy)}
    if promised:
        item["redeemableFrom"] = stamp(lot.available_from, org, tenths=True)
    return item


def lot_movement_v2(movement, *, entry_kind: str, org) -> dict:
    lot = movement.lot
    if entry_kind == EntryKind.EXPIRE:
        action = "EXPIRED"
    else:
        action = "RESTORED" if movement.amount > 0 else "CONSUMED"
    return {"lotId": lot.pk, "action": action, "points": points_text(movement.amount),
            "lotEarnedOn": stamp(lot.earned_at, org, tenths=True),
            "lotExpiresOn": stamp(lot.expires_at, org, tenths=True),
            "lotSource": _lot_source(lot)}


def explode_event_v2(entry, *, org) -> dict:
    """One entry for getLedgerExplodeInfo: the points it earned (lots it created) and the lots it drew on."""
    program = entry.account.program
    details = {"eventTime": stamp(entry.created_at, org, tenths=True), "tillId": entry.till_id or -1,
               "reason": entry.reason}
    redemption = getattr(entry, "redemption", None) if entry.kind == EntryKind.REDEEM else None
    if redemption is not None:
        details["redemptionDetails"] = {"pointsRedeemed": points_text(redemption.points),
                                        "redemptionPurpose": redemption.purpose,
                                        "transactionNumber": redemption.bill_number, "redemptionId": redemption.code,
                                        "notes": redemption.notes, "groupRedemption": False}
    created = list(entry.lots.all())
    promised_kind = entry.kind == EntryKind.PROMISE
    return {
        "eventLogId": entry.pk, "eventName": event_name(entry.kind, entry.source_type), "eventDetails": details,
        "pointsEarned": {
            "regular": [] if promised_kind else [lot_created_v2(lot, program=program, org=org) for lot in created],
            "promo": [],
            "promised": ([lot_created_v2(lot, program=program, org=org, promised=True) for lot in created]
                         if promised_kind else []),
        },
        "pointsBreakup": [lot_movement_v2(m, entry_kind=entry.kind, org=org) for m in entry.movements.all()],
        "eventReferenceId": entry.source_ref or str(entry.pk),
        "uniqueId": entry.idempotency_key or str(entry.pk),
    }


def statement_entry_v2(entry, *, org) -> dict:
    """Our statement line: the entry, where it came from, balances after it, and every lot it created or touched."""
    lots = [{"lotId": lot.pk, "action": "CREATED", "points": points_text(lot.amount),
             "state": lot.state, "lotEarnedOn": iso(lot.earned_at, org), "lotExpiresOn": iso(lot.expires_at, org),
             "lotSource": _lot_source(lot)} for lot in entry.lots.all()]
    for movement in entry.movements.all():
        item = lot_movement_v2(movement, entry_kind=entry.kind, org=org)
        item.update(lotEarnedOn=iso(movement.lot.earned_at, org), lotExpiresOn=iso(movement.lot.expires_at, org),
                    state=movement.lot.state)
        lots.append(item)
    return {
        "entryId": entry.pk, "createdAt": iso(entry.created_at, org), "programId": entry.account.program_id,
        "currency": entry.account.currency.code, "kind": entry.kind,
        "eventName": event_name(entry.kind, entry.source_type),
        "source": {"type": entry.source_type, "reference": entry.source_ref}, "reason": entry.reason,
        "availableDelta": points_text(entry.available_delta), "promisedDelta": points_text(entry.promised_delta),
        "availableAfter": points_text(entry.available_after), "promisedAfter": points_text(entry.promised_after),
        "reverses": entry.reverses_id, "actor": {"type": entry.actor_type, "id": entry.actor_id},
        "storeCode": entry.store.code if entry.store else None, "tillCode": entry.till.code if entry.till else None,
        "lots": lots,
    }
