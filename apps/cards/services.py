"""Writes of the card domain: series, generation (a chunked job), adding and updating cards, the status lifecycle,
and linking / delinking cards to customers (called by the customer identifier hook)."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.core.events import after_commit
from apps.core.models import JobRun
from apps.core.services import job_run_finish, job_run_progress, job_run_start
from apps.customers.choices import CustomerStatus
from apps.customers.models import Customer
from apps.fields.choices import ExtendedFieldEntity
from apps.fields.services import extended_fields_validate
from apps.organizations.models import Till

from . import errors, numbers, selectors
from .choices import (
    DELINK_TARGETS, HELD_STATUSES, LINK_TARGETS, LINKABLE_STATUSES, MANUAL_TRANSITIONS, NEEDS_CUSTOMER, CardStatus,
    CardType, GenerationMethod, SeriesTrigger,
)
from .models import NUMBER_MAX_LENGTH, Card, CardGenerationLog, CardSeries, CardStatusLog

GENERATION_JOB_KIND = "cards.generate"
GENERATION_MAX_COUNT = 100_000
GENERATION_CHUNK = 1_000
# Up to this many numbers are generated inside the API request and returned; more run as a background job.
GENERATION_INLINE_MAX = 5_000
RANDOM_ATTEMPTS = 20
REASON_MAX = CardStatusLog._meta.get_field("reason").max_length


# -- series ---------------------------------------------------------------------------------------------------
def _int_or_error(value, error, *, minimum: int | None = 0, field: str):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise error(field=field) from None
    if isinstance(value, bool) or (minimum is not None and number < minimum):
        raise error(field=field)
    return number


def _choice(value, choices, error, *, field: str, default=None) -> str:
    if value in (None, ""):
        if default is None:
            raise error(field=field)
        return default
    text = str(value).strip().upper()
    if text not in choices:
        raise error(field=field)
    return text


@transaction.atomic
def series_create(*, org, code: str, type, name: str = "", expiry_days=None, max_active_cards_per_customer=None,
                  prefix: str = "", suffix: str = "", length=None, offset=None, method=None,
                  generation_enabled: bool = True, is_active: bool = True, is_default: bool = False,
                  trigger=None) -> CardSeries:
    """Create a card series; with a length, numbers are generated in that format (validated up front)."""
    code = str(code or "").strip()
    if not code:
        raise errors.SeriesCodeEmpty(field="code")
    if len(code) > 50 or not numbers.STANDARD_TEXT.match(code):
        raise errors.SeriesCodeEmpty("Series code must be at most 50 letters and digits", field="code")
    if CardSeries.objects.for_org(org).filter(code=code).exists():
        raise errors.SeriesExists(field="code")
    if type in (None, ""):
        raise errors.SeriesTypeEmpty(field="type")
    kind = _choice(type, CardType.values, errors.CardTypeInvalid, field="type")
    expiry = _int_or_error(expiry_days, errors.ExpiryDaysNegative, field="expiryDays")
    limit = _int_or_error(max_active_cards_per_customer, errors.MaxActiveNegative, field="maxActiveCardsPerCustomer")
    method = _choice(method, GenerationMethod.values, errors.GenerationConfigInvalid, field="method",
                     default=GenerationMethod.DEFAULT)
    prefix, suffix = str(prefix or "").strip(), str(suffix or "").strip()
    total = _int_or_error(length, errors.CardLengthInvalid, minimum=None, field="length") or 0
    if total or prefix or suffix:
        if not total:
            raise errors.GenerationConfigMissing(field="cardGenerationConfiguration")
        numbers.config_validate(prefix=prefix, suffix=suffix, length=total, method=method)
        if CardSeries.objects.for_org(org).filter(prefix=prefix, suffix=suffix, length=total).exists():
            raise errors.GenerationConfigExists(field="cardGenerationConfiguration")
    elif generation_enabled:
        generation_enabled = False  # nothing to generate with: external or manually numbered cards only
    start = _int_or_error(offset, errors.OffsetInvalid, field="offset")
    series = CardSeries(org=org, code=code, name=str(name or code)[:100], type=kind, prefix=prefix, suffix=suffix,
                        length=total, offset=start if start is not None else 1, method=method,
                        generation_enabled=bool(generation_enabled), is_active=bool(is_active),
                        is_default=bool(is_default),
                        trigger=_choice(trigger, SeriesTrigger.values, errors.GenerationConfigInvalid,
                                        field="trigger", default=SeriesTrigger.SERIES_ID),
                        expiry_days=expiry, max_active_cards_per_customer=limit or 0)
    series.next_sequence = series.offset
    series.full_clean()
    series.save()
    if series.is_default:
        CardSeries.objects.for_org(org).exclude(pk=series.pk).update(is_default=False)
    return series


@transaction.atomic
def series_update(*, org, series: CardSeries, name=None, expiry_days=None, max_active_cards_per_customer=None,
                  generation_enabled=None, is_active=None, is_default=None) -> CardSeries:
    """Change what may change once cards exist (not the number format)."""
    series = CardSeries.objects.select_for_update().get(pk=series.pk, org=org)
    if name is not None:
        series.name = str(name)[:100]
    if expiry_days is not None:
        series.expiry_days = _int_or_error(expiry_days, errors.ExpiryDaysNegative, field="expiryDays")
    if max_active_cards_per_customer is not None:
        series.max_active_cards_per_customer = _int_or_error(
            max_active_cards_per_customer, errors.MaxActiveNegative, field="maxActiveCardsPerCustomer") or 0
    if generation_enabled is not None:
        if generation_enabled and not series.has_generation_config:
            raise errors.GenerationConfigMissing(field="cardGenerationEnabled")
        series.generation_enabled = bool(generation_enabled)
    if is_active is not None:
        series.is_active = bool(is_active)
    if is_default is not None:
        series.is_default = bool(is_default)
    series.full_clean()
    series.save()
    if series.is_default:
        CardSeries.objects.for_org(org).exclude(pk=series.pk).update(is_default=False)
    return series


# -- status log -------------------------------------------------------------------------------------------------
def _log(*, card: Card, status: str, label: str, previous_status: str = "", previous_label: str = "",
         reason: str = "", till=None, user=None) -> CardStatusLog:
    row = CardStatusLog(org_id=card.org_id, card=card, status=status, label=label or status,
                        previous_status=previous_status, previous_label=previous_label,
                        reason=(reason or "")[:REASON_MAX], customer_id=card.customer_id, till=till, user=user)
    row.save()
    return row


# -- generation ---------------------------------------------------------------------------------------------------
def _generation_label(status_label) -> str:
    if status_label in (None, ""):
        return CardStatus.NOT_ISSUED
    status, label = selectors.status_resolve(status_label)
    if status != CardStatus.NOT_ISSUED:
        raise errors.StatusNotNotIssued(field="statusLabel")
    return label


def _generation_count(count) -> int:
    if count in (None, "") or isinstance(count, bool):
        raise errors.CountInvalid(field="count")
    try:
        number = int(count)
    except (TypeError, ValueError):
        raise errors.CountInvalid(field="count") from None
    if number <= 0 or str(number) != str(count).strip():
        raise errors.CountInvalid(field="count")
    if number > GENERATION_MAX_COUNT:
        raise errors.CountTooLarge(maximum=GENERATION_MAX_COUNT, field="count")
    return number


@transaction.atomic
def card_generation_start(*, org, series: CardSeries, count, status_label=None, description: str = "", till=None,
                          user=None, inline: bool | None = None) -> CardGenerationLog:
    """Record a generation request (log + JobRun) and generate its numbers in chunks of GENERATION_CHUNK.

    inline=None: small requests (up to GENERATION_INLINE_MAX) are generated before returning, larger ones by a
    Celery task once this transaction commits. Either way the same chunk function does the work.
    """
    if series.org_id != org.pk:
        raise errors.SeriesInvalid(field="seriesId")
    number = _generation_count(count)
    label = _generation_label(status_label)
    series = CardSeries.objects.select_for_update().get(pk=series.pk)
    if not series.has_generation_config:
        raise errors.GenerationConfigInvalid(detail="the series has no number format", field="seriesId")
    if not series.generation_enabled or not series.is_active:
        raise errors.GenerationDisabled(field="seriesId")
    room = numbers.capacity(prefix=series.prefix, suffix=series.suffix, length=series.length, method=series.method)
    if numbers.is_random(series.method):
        room -= Card.objects.filter(series=series).count()
    else:
        room -= series.next_sequence
    if room < number:
        raise errors.MaximumCardNumbersReached(series=series.code, field="count")
    run = job_run_start(org=org, kind=GENERATION_JOB_KIND, total=number, created_by=user,
                        parameters={"series_id": series.pk, "series": series.code, "count": number})
    log = CardGenerationLog(org=org, series=series, count=number, status_label=label,
                            description=str(description or "")[:255], job_run=run, created_by_till=till,
                            created_by_user=user)
    log.save()
    run.parameters["generation_log_id"] = log.pk
    run.save(update_fields=["parameters"])
    if inline if inline is not None else number <= GENERATION_INLINE_MAX:
        cursor = 0
        while cursor is not None:
            cursor = card_generation_batch(org_id=org.pk, log_id=log.pk, cursor=cursor)
        log.refresh_from_db()
        return log

    def enqueue():
        from .tasks import card_generation_batch_task

        card_generation_batch_task.delay(org_id=org.pk, log_id=log.pk, cursor=0)

    after_commit(enqueue)
    return log


def _candidates(series: CardSeries, want: int) -> tuple[list[str], int]:
    """Numbers to try and, for sequential methods, the sequence number after them."""
    if numbers.is_random(series.method):
        return numbers.random_numbers(prefix=series.prefix, suffix=series.suffix, length=series.length,
                                      method=series.method, count=want), series.next_sequence
    room = numbers.capacity(prefix=series.prefix, suffix=series.suffix, length=series.length,
                            method=series.method) - series.next_sequence
    want = min(want, max(0, room))
    return (numbers.sequential(prefix=series.prefix, suffix=series.suffix, length=series.length,
                               method=series.method, start=series.next_sequence, count=want),
            series.next_sequence + want)


@transaction.atomic
def card_generation_batch(*, org_id: int, log_id: int, cursor: int, limit: int | None = None) -> int | None:
    """Generate one chunk of a generation request; returns the next cursor, or None when finished.

    Safe to run twice: the log row is locked and its `generated` counter is the cursor, so a duplicate delivery
    of the same chunk (cursor behind the counter) stops without writing, and a request never yields more than its
    count. Numbers already taken in the org (manual cards, random collisions) are skipped and replaced.
    """
    log = CardGenerationLog.objects.select_for_update().filter(pk=log_id, org_id=org_id).first()
    if log is None or log.finished_at is not None or log.generated != cursor:
        return None
    series = CardSeries.objects.select_for_update().get(pk=log.series_id)
    want = min(limit or GENERATION_CHUNK, log.count - log.generated)
    created: list[str] = []
    ids: list = []
    for _ in range(RANDOM_ATTEMPTS):
        if len(created) >= want:
            break
        candidates, next_sequence = _candidates(series, want - len(created))
        if not candidates:
            break
        taken = set(Card.objects.filter(org_id=org_id, number__in=candidates).values_list("number", flat=True))
        fresh = [n for n in candidates if n not in taken]
        rows = Card.objects.bulk_create([
            Card(org_id=org_id, series=series, number=n, status=CardStatus.NOT_ISSUED, status_label=log.status_label,
                 generation=log) for n in fresh])
        created += fresh
        ids += [row.pk for row in rows]
        series.next_sequence = next_sequence
    series.save(update_fields=["next_sequence", "updated_at"])
    if None in ids:  # a backend that does not return ids from bulk inserts
        ids = list(Card.objects.filter(org_id=org_id, generation=log, number__in=created).values_list("pk", flat=True))
    now = timezone.now()
    CardStatusLog.objects.bulk_create([
        CardStatusLog(org_id=org_id, card_id=pk, status=CardStatus.NOT_ISSUED, label=log.status_label,
                      reason="Card generated", till_id=log.created_by_till_id, user_id=log.created_by_user_id,
                      created_at=now) for pk in ids])
    log.generated += len(created)
    short = len(created) < want
    if log.job_run_id:
        job_run_progress(run_id=log.job_run_id, done=len(created),
                         message=f"{log.generated} of {log.count} numbers generated")
    if log.generated >= log.count or short:
        log.finished_at = now
        log.save(update_fields=["generated", "finished_at"])
        if log.job_run_id:
            if short:
                JobRun.objects.filter(pk=log.job_run_id).update(failed=log.count - log.generated)
            job_run_finish(run_id=log.job_run_id, failed=short,
                           message="Series has no free numbers left" if short else "Generation finished")
        return None
    log.save(update_fields=["generated"])
    return log.generated


# -- cards ----------------------------------------------------------------------------------------------------------
def _text_map(value, *, name: str) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or any(not isinstance(v, (str, int, float, bool)) and v is not None
                                          for v in value.values()):
        raise errors.FieldsInvalid(name=name, field=name)
    return {str(k): ("" if v is None else str(v)) for k, v in value.items()}


def _extended(*, org, value, partial: bool) -> dict:
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise errors.FieldsInvalid(name="extendedFields", field="extendedFields")
    return extended_fields_validate(org=org, entity=ExtendedFieldEntity.CARD, values=value, partial=partial)


def mapped_till_resolve(*, org, mapped_entity) -> Till | None:
    """The till a card is mapped to ({"type": "TILL", "value": code, "id": id}); None when not sent."""
    if mapped_entity in (None, "", {}):
        return None
    if not isinstance(mapped_entity, dict):
        raise errors.MappedEntityTypeInvalid(field="mappedEntity")
    kind = str(mapped_entity.get("type") or "").strip().upper()
    if kind != "TILL":
        raise errors.MappedEntityTypeInvalid(field="mappedEntity.type")
    value, pk = mapped_entity.get("value"), mapped_entity.get("id")
    qs = Till.objects.for_org(org).select_related("store")
    till = None
    if value not in (None, ""):
        till = qs.filter(code=str(value).strip()).first()
    elif pk not in (None, ""):
        try:
            till = qs.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            till = None
    if till is None:
        raise errors.MappedEntityInvalid(type=kind, value=value if value not in (None, "") else pk,
                                         field="mappedEntity")
    return till


def _number_clean(number) -> str:
    text = str(number if number is not None else "").strip()
    if not text:
        raise errors.CardNotFound(field="cardNumber")
    if len(text) > NUMBER_MAX_LENGTH:
        raise errors.CardNumberTooLong(field="cardNumber")
    if not numbers.STANDARD_TEXT.match(text):
        raise errors.CardLengthInvalid(detail="a card number is letters and digits only", field="cardNumber")
    return text


def number_check(*, series: CardSeries, number: str) -> None:
    """Refuse a number that does not fit its series' format (length, prefix, suffix, digits, check digit)."""
    problem = numbers.number_problem(number=number, prefix=series.prefix, suffix=series.suffix,
                                     length=series.length, method=series.method)
    if problem:
        raise errors.CardLengthInvalid(detail=problem, field="cardNumber")


def _create_card(*, org, series: CardSeries, number: str, external_id: str = "", label: str = CardStatus.NOT_ISSUED,
                 reason: str = "", custom_fields=None, extended_fields=None, mapped_till=None, till=None,
                 user=None) -> Card:
    if not series.is_active:
        raise errors.SeriesInvalid("Card series is not active", field="seriesId")
    number_check(series=series, number=number)
    if Card.objects.filter(org=org, number=number).exists():
        raise errors.CardNumberExists(field="cardNumber")
    if external_id and Card.objects.filter(org=org, external_id=external_id).exists():
        raise errors.ExternalIdExists(field="cardExternalId")
    card = Card(org=org, series=series, number=number, external_id=external_id, status=CardStatus.NOT_ISSUED,
                status_label=label, custom_fields=custom_fields or {}, extended_fields=extended_fields or {},
                mapped_till=mapped_till)
    card.full_clean(validate_unique=False, validate_constraints=False)
    card.save()
    _log(card=card, status=CardStatus.NOT_ISSUED, label=label, reason=reason or "Card added", till=till, user=user)
    return card


@transaction.atomic
def card_add(*, org, series: CardSeries, number, status_label, external_id: str = "", reason: str = "",
             custom_fields=None, extended_fields=None, mapped_entity=None, till=None, user=None) -> Card:
    """Add one (manually numbered or external) card to a series; it starts NOT_ISSUED, to be linked later."""
    if series.org_id != org.pk:
        raise errors.SeriesNotFound(field="seriesId")
    if status_label in (None, ""):
        raise errors.CardStatusMissing(field="statusLabel")
    status, label = selectors.status_resolve(status_label)
    if status != CardStatus.NOT_ISSUED:
        raise errors.StatusChangeRefused(
            f"Card status can not be changed from NOT_ISSUED to {status}: a new card is NOT_ISSUED until it is "
            f"linked to a customer", current=CardStatus.NOT_ISSUED, target=status, field="statusLabel")
    return _create_card(org=org, series=series, number=_number_clean(number),
                        external_id=str(external_id or "").strip()[:150], label=label, reason=reason,
                        custom_fields=_text_map(custom_fields, name="customFields"),
                        extended_fields=_extended(org=org, value=extended_fields, partial=False),
                        mapped_till=mapped_till_resolve(org=org, mapped_entity=mapped_entity), till=till, user=user)


def _locked_card(card: Card) -> Card:
    return (Card.objects.select_for_update(of=("self",)).select_related("series", "customer", "mapped_till")
            .get(pk=card.pk))


def _limits_check(*, card: Card, customer: Customer) -> None:
    """The org's and the series' limits of active cards per customer, counting this card as one more."""
    org_limit = selectors.org_active_limit(org=customer.org)
    if org_limit > 0 and selectors.customer_active_count(customer=customer, exclude_card_id=card.pk) >= org_limit:
        raise errors.OrgActiveLimitReached(field="statusLabel")
    series_limit = card.series.max_active_cards_per_customer
    if series_limit > 0 and selectors.customer_active_count(customer=customer, series=card.series,
                                                            exclude_card_id=card.pk) >= series_limit:
        raise errors.SeriesActiveLimitReached(field="statusLabel")


def _move(*, card: Card, status: str, label: str, reason: str, till, user) -> CardStatusLog:
    previous_status, previous_label = card.status, card.status_label
    card.status, card.status_label = status, label
    if status in (CardStatus.ISSUED, CardStatus.ACTIVE) and card.issued_at is None:
        card.issued_at = timezone.now()
        if card.series.expiry_days:
            card.expires_at = card.issued_at + timedelta(days=card.series.expiry_days)
    card.save()
    return _log(card=card, status=status, label=label, previous_status=previous_status,
                previous_label=previous_label, reason=reason, till=till, user=user)


def _lock_customer(customer_id) -> Customer | None:
    if customer_id is None:
        return None
    return Customer.objects.select_for_update().select_related("org").filter(pk=customer_id).first()


def card_status_change(*, org, card: Card, status_label, reason: str = "", till=None, user=None
                       ) -> tuple[Card, CardStatusLog | None, list]:
    """Move a card to the status a label stands for, following MANUAL_TRANSITIONS; the caller holds a transaction.

    Returns (card, status-log row or None, warnings): the card's current status is warning 3039, not an error.
    """
    status, label = selectors.status_resolve(status_label)
    if status == card.status:
        if label != card.status_label:
            card.status_label = label
            card.save(update_fields=["status_label", "updated_at"])
        return card, None, [errors.StatusUnchanged()]
    if status not in MANUAL_TRANSITIONS.get(card.status, ()):
        raise errors.StatusChangeRefused(current=card.status, target=status, field="statusLabel")
    if status in NEEDS_CUSTOMER and card.customer_id is None:
        raise errors.StatusChangeRefused(
            f"Card status can not be changed from {card.status} to {status}: link the card to a customer first",
            current=card.status, target=status, field="statusLabel")
    if status == CardStatus.ACTIVE:
        customer = _lock_customer(card.customer_id)
        _limits_check(card=card, customer=customer)
    row = _move(card=card, status=status, label=label, reason=reason, till=till, user=user)
    return card, row, []


@transaction.atomic
def card_update(*, org, number=None, external_id=None, series_id=None, status_label=None, reason: str = "",
                custom_fields=None, extended_fields=None, mapped_entity=None, till=None, user=None
                ) -> tuple[Card, CardStatusLog | None, list]:
    """Update one card (found by number, else external id): status, fields, mapped till. All or nothing."""
    if number in (None, "") and external_id in (None, ""):
        raise errors.CardNotFound(field="cardNumber")
    card = selectors.card_get(org=org, number=number, external_id=None if number not in (None, "") else external_id)
    card = _locked_card(card)
    if series_id not in (None, "") and str(card.series_id) != str(series_id).strip():
        raise errors.SeriesInvalid("Invalid card series: the card belongs to another series", field="seriesId")
    if number not in (None, "") and external_id not in (None, ""):
        external_id = str(external_id).strip()[:150]
        if external_id != card.external_id:
            if card.external_id:
                raise errors.ExternalIdMismatch(field="cardExternalId")
            if Card.objects.filter(org=org, external_id=external_id).exclude(pk=card.pk).exists():
                raise errors.ExternalIdExists(field="cardExternalId")
            card.external_id = external_id
    customs = _text_map(custom_fields, name="customFields")
    extended = _extended(org=org, value=extended_fields, partial=True)
    mapped = mapped_till_resolve(org=org, mapped_entity=mapped_entity)
    if customs:
        card.custom_fields = {**card.custom_fields, **customs}
    if extended:
        merged = {**card.extended_fields, **extended}
        card.extended_fields = {k: v for k, v in merged.items() if v is not None}
    if mapped is not None:
        card.mapped_till = mapped
    card.save()
    warnings: list = []
    row = None
    if status_label not in (None, ""):
        card, row, warnings = card_status_change(org=org, card=card, status_label=status_label, reason=reason,
                                                 till=till, user=user)
    return card, row, warnings


# -- link / delink (customer identifiers) ----------------------------------------------------------------------------
def _series_from(*, org, attributes: dict) -> CardSeries | None:
    if attributes.get("seriesId") not in (None, ""):
        return selectors.series_get(org=org, series_id=attributes["seriesId"], error=errors.SeriesNotFound)
    if attributes.get("seriesCode") not in (None, ""):
        return selectors.series_get(org=org, code=attributes["seriesCode"], error=errors.SeriesNotFound)
    return None


def _link_target(attributes: dict) -> tuple[str, str]:
    if attributes.get("statusLabel") in (None, ""):
        return CardStatus.ACTIVE, CardStatus.ACTIVE
    status, label = selectors.status_resolve(attributes["statusLabel"])
    if status not in LINK_TARGETS:
        raise errors.CardNotLinkable(detail=f"a card is linked as ACTIVE or ISSUED, not {status}",
                                     field="statusLabel")
    return status, label


def card_link(*, org, customer: Customer, number: str, attributes: dict | None = None, till=None, user=None
              ) -> Card | None:
    """Issue a card number to a customer (called inside the customer service's transaction).

    The card must be one of the org's, NOT_ISSUED or ISSUED and held by nobody. An unknown number is created when
    a series is named (an external card) or the org allows unknown cards (CONF_CARDS_ISSUE_UNKNOWN, default
    series); an org without any card series keeps card numbers as plain identifiers (returns None).
    The card becomes ACTIVE (or ISSUED when asked) within the org's and the series' active-card limits.
    """
    attributes = attributes or {}
    if customer.status == CustomerStatus.DELETED:
        raise errors.CustomerDeleted(field="cardnumber")
    status, label = _link_target(attributes)
    series = _series_from(org=org, attributes=attributes)
    card = selectors.card_find(org=org, number=number)
    if card is None:
        if series is None:
            if not selectors.org_has_series(org=org):
                return None
            if not selectors.issue_unknown_allowed(org=org) or (series := selectors.default_series(org=org)) is None:
                raise errors.CardNotFound(field="cardnumber")
        card = _create_card(org=org, series=series, number=_number_clean(number),
                            reason="Card issued to a customer", till=till, user=user)
    elif series is not None and card.series_id != series.pk:
        raise errors.SeriesInvalid("Invalid card series: the card belongs to another series", field="seriesId")
    card = _locked_card(card)
    if card.customer_id is not None and card.customer_id != customer.pk:
        raise errors.CardNotLinkable(detail="the card is held by another customer", field="cardnumber")
    if card.status not in LINKABLE_STATUSES:
        raise errors.CardNotLinkable(detail=f"the card is {card.status}", field="cardnumber")
    card.customer = customer
    if status == CardStatus.ACTIVE:
        _limits_check(card=card, customer=customer)
    _move(card=card, status=status, label=label, reason="Card linked to customer", till=till, user=user)
    return card


def card_delink(*, org, customer: Customer, number: str, attributes: dict | None = None, till=None, user=None
                ) -> Card | None:
    """Take a card from a customer (called inside the customer service's transaction).

    A held card (ISSUED, ACTIVE, SUSPENDED) goes to the status asked for (statusLabel, default NOT_ISSUED: back in
    the pool); a card already LOST, REPLACED, EXPIRED or DELETED keeps its status. Unknown numbers: nothing to do.
    """
    attributes = attributes or {}
    card = selectors.card_find(org=org, number=number)
    if card is None:
        return None
    card = _locked_card(card)
    if card.customer_id not in (None, customer.pk):
        raise errors.CardNotLinkable(detail="the card is held by another customer", field="cardnumber")
    if attributes.get("statusLabel") not in (None, ""):
        status, label = selectors.status_resolve(attributes["statusLabel"])
    elif card.status in HELD_STATUSES:
        status, label = CardStatus.NOT_ISSUED, CardStatus.NOT_ISSUED
    else:
        status, label = card.status, card.status_label
    # A delinked card is never left ACTIVE or ISSUED; an expired or deleted card keeps its status.
    refused = status not in DELINK_TARGETS or (status != card.status and card.status in (CardStatus.EXPIRED,
                                                                                        CardStatus.DELETED))
    if refused:
        raise errors.StatusChangeRefused(current=card.status, target=status, field="statusLabel")
    if status != card.status:
        _move(card=card, status=status, label=label, reason="Card delinked from customer", till=till, user=user)
    else:  # the log row still names the customer the card was taken from
        _log(card=card, status=status, label=label, previous_status=card.status, previous_label=card.status_label,
             reason="Card delinked from customer", till=till, user=user)
    card.customer = None
    if status == CardStatus.NOT_ISSUED:
        card.issued_at = card.expires_at = None
    card.save()
    return card


# -- org configuration ---------------------------------------------------------------------------------------------
def active_limit_validate(value: str) -> None:
    """The organisation registry's check on CONF_MAX_CARDS_PER_ORG (registered in CardsConfig.ready)."""
    if int(value) < 0:
        raise errors.MaxActiveNegative(field="value")


# -- expiry -------------------------------------------------------------------------------------------------------
EXPIRY_CHUNK = 1_000
EXPIRABLE = (CardStatus.ISSUED, CardStatus.ACTIVE, CardStatus.SUSPENDED)


def org_ids_with_expiring_cards(*, now) -> list[int]:
    return sorted(set(Card.objects.filter(status__in=EXPIRABLE, expires_at__lte=now)
                      .values_list("org_id", flat=True).distinct()))


@transaction.atomic
def cards_expire_due(*, org_id: int, now, limit: int = EXPIRY_CHUNK) -> int:
    """Expire one chunk of the org's held cards whose expiry date has passed; returns how many (0: none left).

    Safe to run twice or concurrently: the chunk is locked (skip_locked) and only cards still in a held status
    move, each with its status-log row.
    """
    cards = list(Card.objects.select_for_update(skip_locked=True)
                 .filter(org_id=org_id, status__in=EXPIRABLE, expires_at__lte=now).order_by("id")[:limit])
    if not cards:
        return 0
    CardStatusLog.objects.bulk_create([
        CardStatusLog(org_id=org_id, card_id=c.pk, status=CardStatus.EXPIRED, label=CardStatus.EXPIRED,
                      previous_status=c.status, previous_label=c.status_label, reason="Card expiry date passed",
                      customer_id=c.customer_id, created_at=now) for c in cards])
    Card.objects.filter(pk__in=[c.pk for c in cards]).update(status=CardStatus.EXPIRED,
                                                             status_label=CardStatus.EXPIRED, updated_at=now)
    return len(cards)
