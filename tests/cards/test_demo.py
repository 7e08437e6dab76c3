"""The demo loader: a Luhn digital series, generated cards, some linked to customers; idempotent."""
import pytest

from apps.cards.choices import CardStatus, GenerationMethod
from apps.cards.demo import DEMO_SERIES_CODE, demo_cards_load
from apps.cards.models import Card, CardSeries
from apps.cards.numbers import luhn_valid
from apps.customers.models import CustomerIdentifier
from tests.factories.customers import CustomerFactory
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def test_demo_cards_load_is_idempotent(org):
    CustomerFactory.create_batch(12, org=org)
    linked = demo_cards_load(org=org, count=30, linked=10)
    series = CardSeries.objects.get(org=org, code=DEMO_SERIES_CODE)
    assert (series.type, series.method) == ("DIGITAL", GenerationMethod.LUHN)
    cards = Card.objects.filter(series=series)
    assert linked == 10 and cards.count() == 30
    assert all(luhn_valid(c.number) and len(c.number) == 16 for c in cards)
    held = cards.filter(customer__isnull=False)
    assert held.count() == 10 and set(held.values_list("status", flat=True)) == {CardStatus.ACTIVE}
    assert CustomerIdentifier.objects.filter(org=org, type="cardnumber").count() == 10
    before = db_snapshot()
    assert demo_cards_load(org=org, count=30, linked=10) == 0
    assert_nothing_written(before)
