"""Reads of the card domain; every query is scoped to one org."""
from __future__ import annotations

from django.db.models import QuerySet

from apps.organizations.selectors import org_config_flag, org_config_value

from . import errors
from .choices import STATUS_LABEL_ALIASES, CardStatus
from .models import Card, CardGenerationLog, CardSeries, CardStatusLog

ORG_LIMIT_KEY = "CONF_MAX_CARDS_PER_ORG"
ISSUE_UNKNOWN_KEY = "CONF_CARDS_ISSUE_UNKNOWN"


def status_resolve(label) -> tuple[str, str]:
    """(status, label) for a status label a client sent; raises CardStatusLabelInvalid (3017)."""
    text = str(label if label is not None else "").strip()
    upper = text.upper()
    if upper in CardStatus.values:
        return upper, upper
    if upper in STATUS_LABEL_ALIASES:
        return STATUS_LABEL_ALIASES[upper], upper
    raise errors.CardStatusLabelInvalid(label=text, field="statusLabel")


def series_list(*, org) -> QuerySet[CardSeries]:
    return CardSeries.objects.for_org(org).order_by("code", "id")


def series_get(*, org, series_id=None, code: str | None = None, error=errors.SeriesInvalid) -> CardSeries:
    """One series of the org by id or code; another org's series answers like a missing one."""
    qs = CardSeries.objects.for_org(org)
    row = None
    if series_id not in (None, ""):
        try:
            row = qs.filter(pk=int(series_id)).first()
        except (TypeError, ValueError):
            row = None
    elif code not in (None, ""):
        row = qs.filter(code=str(code).strip()).first()
    if row is None:
        raise error(field="seriesId" if series_id not in (None, "") else "seriesCode")
    return row


def org_has_series(*, org) -> bool:
    return CardSeries.objects.for_org(org).exists()


def default_series(*, org) -> CardSeries | None:
    """Where unknown card numbers go when the org allows issuing them: the default series, else the oldest active."""
    qs = CardSeries.objects.for_org(org).filter(is_active=True)
    return qs.filter(is_default=True).order_by("id").first() or qs.order_by("id").first()


def issue_unknown_allowed(*, org) -> bool:
    return org_config_flag(org=org, key=ISSUE_UNKNOWN_KEY)


def org_active_limit(*, org) -> int:
    """Active cards one customer may hold across the org (0 or less: no org limit)."""
    try:
        return int(org_config_value(org=org, key=ORG_LIMIT_KEY) or 0)
    except (TypeError, ValueError):
        return 0


def _card_qs(org):
    return Card.objects.for_org(org).select_related("series", "customer", "mapped_till", "mapped_till__store")


def card_find(*, org, number: str | None = None, external_id: str | None = None) -> Card | None:
    qs = _card_qs(org)
    if number not in (None, ""):
        return qs.filter(number=str(number).strip()).first()
    if external_id not in (None, ""):
        return qs.filter(external_id=str(external_id).strip()).first()
    return None


def card_get(*, org, number: str | None = None, external_id: str | None = None, card_id=None) -> Card:
    """One card of the org; raises CardNotFound (3010) for a missing number or another org's card."""
    card = None
    if card_id not in (None, ""):
        try:
            card = _card_qs(org).filter(pk=int(card_id)).first()
        except (TypeError, ValueError):
            card = None
    else:
        card = card_find(org=org, number=number, external_id=external_id)
    if card is None:
        raise errors.CardNotFound(field="number" if number else "cardExternalId")
    return card


def card_current_log(*, card: Card) -> CardStatusLog | None:
    return CardStatusLog.objects.filter(card=card).order_by("-id").first()


def card_status_log_list(*, org, card: Card) -> QuerySet[CardStatusLog]:
    return CardStatusLog.objects.for_org(org).filter(card=card).order_by("id")


def customer_active_count(*, customer, series: CardSeries | None = None, exclude_card_id=None) -> int:
    qs = Card.objects.filter(org_id=customer.org_id, customer=customer, status=CardStatus.ACTIVE)
    if series is not None:
        qs = qs.filter(series=series)
    if exclude_card_id is not None:
        qs = qs.exclude(pk=exclude_card_id)
    return qs.count()


def customer_card_list(*, org, customer) -> QuerySet[Card]:
    return _card_qs(org).filter(customer=customer).order_by("id")


def generation_log_list(*, org, series: CardSeries | None = None) -> QuerySet[CardGenerationLog]:
    qs = CardGenerationLog.objects.for_org(org).select_related("series", "created_by_till", "created_by_user")
    if series is not None:
        qs = qs.filter(series=series)
    return qs.order_by("-created_at", "-id")


def generation_numbers(*, log: CardGenerationLog, limit: int | None = None) -> list[str]:
    qs = Card.objects.filter(org_id=log.org_id, generation=log).order_by("id").values_list("number", flat=True)
    return list(qs[:limit] if limit else qs)
