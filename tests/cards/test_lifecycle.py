"""The status lifecycle: every manual transition (allowed and refused), the status log, link/delink rules."""
import itertools

import pytest

from apps.cards import errors, services
from apps.cards.choices import MANUAL_TRANSITIONS, CardStatus
from apps.cards.models import Card, CardStatusLog
from tests.factories.cards import CardFactory
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db
STATUSES = list(CardStatus.values)
PAIRS = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if a != b]


def _card_in(series, status, customer):
    holder = customer if status not in (CardStatus.NOT_ISSUED,) else None
    return CardFactory(series=series, status=status, status_label=status, customer=holder)


@pytest.mark.parametrize("current,target", PAIRS, ids=lambda v: str(v))
def test_manual_transition(current, target, series, customer, set_config):
    # given: a card in `current` (held by the customer unless generated), no active-card limit in the way
    set_config("CONF_MAX_CARDS_PER_ORG", "0")
    card = _card_in(series, current, customer)
    allowed = target in MANUAL_TRANSITIONS[current]
    before = db_snapshot()
    # when / then
    if allowed:
        card, row, warnings = services.card_update(org=series.org, number=card.number, status_label=target,
                                                   reason="because")
        card.refresh_from_db()
        assert card.status == target and warnings == []
        assert (row.previous_status, row.status, row.reason, row.customer_id) == (current, target, "because",
                                                                                  customer.pk)
    else:
        with pytest.raises(errors.StatusChangeRefused) as caught:
            services.card_update(org=series.org, number=card.number, status_label=target)
        assert caught.value.code == 3038
        assert Card.objects.get(pk=card.pk).status == current
        assert_nothing_written(before)


def test_the_documented_refusals(series, customer):
    generated = CardFactory(series=series)
    for target in ("SUSPENDED", "EXPIRED", "DELETED"):  # "a generated card cannot be expired or deleted"
        with pytest.raises(errors.StatusChangeRefused):
            services.card_update(org=series.org, number=generated.number, status_label=target)
    expired = _card_in(series, CardStatus.EXPIRED, customer)
    with pytest.raises(errors.StatusChangeRefused):  # "an expired card cannot be deleted"
        services.card_update(org=series.org, number=expired.number, status_label="DELETED")


def test_active_needs_a_customer(series):
    card = CardFactory(series=series, status=CardStatus.SUSPENDED, status_label="SUSPENDED")
    with pytest.raises(errors.StatusChangeRefused) as caught:
        services.card_update(org=series.org, number=card.number, status_label="ACTIVE")
    assert "link the card to a customer first" in caught.value.message


def test_same_status_is_a_warning_and_writes_no_log(series, customer):
    card = _card_in(series, CardStatus.ACTIVE, customer)
    before = CardStatusLog.objects.filter(card=card).count()
    card, row, warnings = services.card_update(org=series.org, number=card.number, status_label="active")
    assert row is None and [w.code for w in warnings] == [3039]
    assert CardStatusLog.objects.filter(card=card).count() == before


def test_unknown_status_label_is_3017(series, customer):
    card = _card_in(series, CardStatus.ACTIVE, customer)
    with pytest.raises(errors.CardStatusLabelInvalid) as caught:
        services.card_update(org=series.org, number=card.number, status_label="BROKEN")
    assert caught.value.code == 3017


def test_documented_sample_sequence_reads_back_in_order(series, customer, set_config):
    # NOT_ISSUED (generated) -> ACTIVE (linked) -> SUSPENDED -> ACTIVE -> EXPIRED, as the platform's sample log
    set_config("CONF_MAX_CARDS_PER_ORG", "0")
    log = services.card_generation_start(org=series.org, series=series, count=1)
    number = Card.objects.get(generation=log).number
    services.card_link(org=series.org, customer=customer, number=number)
    for target in ("SUSPENDED", "ACTIVE", "EXPIRED"):
        services.card_update(org=series.org, number=number, status_label=target)
    rows = list(CardStatusLog.objects.filter(card__number=number).order_by("id"))
    assert [r.status for r in rows] == ["NOT_ISSUED", "ACTIVE", "SUSPENDED", "ACTIVE", "EXPIRED"]
    assert [r.previous_status for r in rows] == ["", "NOT_ISSUED", "ACTIVE", "SUSPENDED", "ACTIVE"]


@pytest.mark.parametrize("status", STATUSES)
def test_link_only_from_generated_or_issued(status, series, customer):
    card = CardFactory(series=series, status=status, status_label=status)
    if status in (CardStatus.NOT_ISSUED, CardStatus.ISSUED):
        services.card_link(org=series.org, customer=customer, number=card.number)
        card.refresh_from_db()
        assert (card.status, card.customer_id) == (CardStatus.ACTIVE, customer.pk)
        assert card.issued_at is not None
    else:
        with pytest.raises(errors.CardNotLinkable) as caught:
            services.card_link(org=series.org, customer=customer, number=card.number)
        assert caught.value.code == 3027


def test_link_sets_expiry_from_series(series, customer):
    series.expiry_days = 30
    series.save()
    card = CardFactory(series=series)
    services.card_link(org=series.org, customer=customer, number=card.number)
    card.refresh_from_db()
    assert (card.expires_at - card.issued_at).days == 30


def test_link_as_issued_then_activate(series, customer):
    card = CardFactory(series=series)
    services.card_link(org=series.org, customer=customer, number=card.number, attributes={"statusLabel": "ISSUED"})
    card.refresh_from_db()
    assert card.status == CardStatus.ISSUED
    services.card_update(org=series.org, number=card.number, status_label="ACTIVE")
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE


def test_link_refuses_a_card_held_by_someone_else(series, customer):
    card = CardFactory(series=series, status=CardStatus.ISSUED, customer=CustomerFactory(org=series.org))
    with pytest.raises(errors.CardNotLinkable):
        services.card_link(org=series.org, customer=customer, number=card.number)


@pytest.mark.parametrize("current,label,expected", [
    (CardStatus.ACTIVE, None, CardStatus.NOT_ISSUED),
    (CardStatus.ISSUED, None, CardStatus.NOT_ISSUED),
    (CardStatus.SUSPENDED, None, CardStatus.NOT_ISSUED),
    (CardStatus.ACTIVE, "LOST", CardStatus.LOST),
    (CardStatus.ACTIVE, "SUSPENDED", CardStatus.SUSPENDED),
    (CardStatus.LOST, None, CardStatus.LOST),
    (CardStatus.EXPIRED, None, CardStatus.EXPIRED),
    (CardStatus.REPLACED, None, CardStatus.REPLACED),
])
def test_delink_statuses(current, label, expected, series, customer):
    card = _card_in(series, current, customer)
    attributes = {"statusLabel": label} if label else {}
    services.card_delink(org=series.org, customer=customer, number=card.number, attributes=attributes)
    card.refresh_from_db()
    assert (card.status, card.customer_id) == (expected, None)
    row = CardStatusLog.objects.filter(card=card).latest("id")
    assert (row.status, row.customer_id, row.reason) == (expected, customer.pk, "Card delinked from customer")


@pytest.mark.parametrize("current,label", [(CardStatus.EXPIRED, "NOT_ISSUED"), (CardStatus.ACTIVE, "ACTIVE"),
                                           (CardStatus.DELETED, "LOST")])
def test_delink_refuses_impossible_statuses(current, label, series, customer):
    card = _card_in(series, current, customer)
    with pytest.raises(errors.StatusChangeRefused):
        services.card_delink(org=series.org, customer=customer, number=card.number,
                             attributes={"statusLabel": label})


def test_expiry_task_expires_held_cards_past_their_date(series, customer, other_org, other_series):
    from datetime import timedelta

    from django.utils import timezone

    from apps.cards.tasks import cards_expire_all_task

    now = timezone.now()
    due = [CardFactory(series=series, status=s, customer=customer, expires_at=now - timedelta(days=1))
           for s in (CardStatus.ACTIVE, CardStatus.SUSPENDED)]
    later = CardFactory(series=series, status=CardStatus.ACTIVE, customer=customer, expires_at=now + timedelta(days=1))
    lost = CardFactory(series=series, status=CardStatus.LOST, customer=customer, expires_at=now - timedelta(days=1))
    foreign = CardFactory(series=other_series, status=CardStatus.ACTIVE, expires_at=now - timedelta(days=1))
    assert cards_expire_all_task.apply(kwargs={"now": now.isoformat()}).get() == 2  # two orgs
    for card in due:
        card.refresh_from_db()
        assert card.status == CardStatus.EXPIRED
        row = card.status_logs.latest("id")
        assert (row.status, row.reason, row.customer_id) == ("EXPIRED", "Card expiry date passed", customer.pk)
    for card, status in ((later, "ACTIVE"), (lost, "LOST"), (foreign, "EXPIRED")):
        card.refresh_from_db()
        assert card.status == status
    assert services.cards_expire_due(org_id=series.org_id, now=now) == 0  # a second run finds nothing
