"""Card factories: a series with a number format, and cards of it (inside the series' org)."""
from __future__ import annotations

import factory

from apps.cards.choices import CardStatus, CardType, GenerationMethod
from apps.cards.models import Card, CardSeries, CardStatusLog
from apps.cards.numbers import compose
from tests.factories.organizations import OrganizationFactory


class CardSeriesFactory(factory.django.DjangoModelFactory):
    """A digital series of 12-character numbers "GC" + 9 digits + Luhn digit."""

    class Meta:
        model = CardSeries

    org = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"SERIES{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} cards")
    type = CardType.DIGITAL
    prefix = factory.Sequence(lambda n: f"G{chr(65 + n % 26)}")
    suffix = ""
    length = 12
    method = GenerationMethod.LUHN


def card_number(series: CardSeries, n: int) -> str:
    """The n-th valid number of a series' format."""
    width = series.length - len(series.prefix) - len(series.suffix) - (
        1 if series.method in (GenerationMethod.LUHN, GenerationMethod.RANDOM_LUHN, GenerationMethod.MOD7,
                               GenerationMethod.RANDOM_MOD7) else 0)
    return compose(prefix=series.prefix, suffix=series.suffix, method=series.method, payload=str(n).zfill(width))


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card
        skip_postgeneration_save = True

    series = factory.SubFactory(CardSeriesFactory)
    org = factory.SelfAttribute("series.org")
    number = factory.LazyAttributeSequence(lambda o, n: card_number(o.series, 500_000 + n))
    status = CardStatus.NOT_ISSUED
    status_label = CardStatus.NOT_ISSUED

    @factory.post_generation
    def status_log(obj, create, extracted, **kwargs):
        """The first status-log row, as the services write it (status_log=False: none)."""
        if create and extracted is not False:
            CardStatusLog.objects.create(org=obj.org, card=obj, status=obj.status, label=obj.status_label,
                                         reason="Card added", customer=obj.customer)
