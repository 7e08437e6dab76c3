"""customer_recommendations: bought-together first, top sellers after, bounded and deterministic."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.errors import LimitTooLarge, LimitTooSmall, OffsetNegative
from apps.organizations.services import org_config_set
from apps.recommendations.selectors import BOUGHT_TOGETHER, TOP_SELLER, customer_recommendations
from tests.factories.customers import CustomerFactory

from .conftest import buy

pytestmark = pytest.mark.django_db


def _codes(recs):
    return [(r.item_code, r.score, r.rank, r.basis) for r in recs]


def test_bought_together_then_top_sellers(org, history):
    # when
    recs = customer_recommendations(org=org, customer=history.customer, limit=10)

    # then: DAL (2 bills with RICE), GHEE and SALT (1 each, by code), then top sellers SOAP (3) and TEA (1)
    assert _codes(recs) == [("DAL", 2, 1, BOUGHT_TOGETHER), ("GHEE", 1, 2, BOUGHT_TOGETHER),
                            ("SALT", 1, 3, BOUGHT_TOGETHER), ("SOAP", 3, 4, TOP_SELLER), ("TEA", 1, 5, TOP_SELLER)]
    assert recs[0].product.description == "Toor dal 1 kg"
    assert recs[2].product is None


def test_limit_and_offset_page_the_same_ranking(org, history):
    # when
    page = customer_recommendations(org=org, customer=history.customer, limit=2, offset=2)

    # then
    assert _codes(page) == [("SALT", 1, 3, BOUGHT_TOGETHER), ("SOAP", 3, 4, TOP_SELLER)]


def test_customer_without_history_gets_top_sellers(org, history):
    # given
    newcomer = CustomerFactory(org=org)

    # when
    recs = customer_recommendations(org=org, customer=newcomer, limit=3)

    # then: RICE 4 bills, SOAP 3, DAL 2 — all top sellers
    assert _codes(recs) == [("RICE", 4, 1, TOP_SELLER), ("SOAP", 3, 2, TOP_SELLER), ("DAL", 2, 3, TOP_SELLER)]


def test_window_follows_the_org_config(org, history, django_capture_on_commit_callbacks):
    # given: a 365-day window brings the 200-day-old bill (RICE + ANCIENT) in
    with django_capture_on_commit_callbacks(execute=True):
        org_config_set(org=org, key="CONF_RECOMMENDATION_WINDOW_DAYS", value="365")

    # when
    recs = customer_recommendations(org=org, customer=history.customer, limit=10)

    # then
    assert [r.item_code for r in recs][:4] == ["DAL", "ANCIENT", "GHEE", "SALT"]


def test_no_sales_at_all_gives_nothing(org):
    assert customer_recommendations(org=org, customer=CustomerFactory(org=org), limit=5) == []


@pytest.mark.parametrize(("limit", "offset", "error"), [(0, 0, LimitTooSmall), (51, 0, LimitTooLarge),
                                                         (5, -1, OffsetNegative), (5, 201, LimitTooLarge)])
def test_bad_page_refused(org, limit, offset, error):
    with pytest.raises(error):
        customer_recommendations(org=org, customer=CustomerFactory(org=org), limit=limit, offset=offset)


def _query_count(org, customer) -> int:
    with CaptureQueriesContext(connection) as ctx:
        customer_recommendations(org=org, customer=customer, limit=10)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_history(org, history):
    # given: warm config cache, then 3 vs 30 more bills bought with RICE
    customer = history.customer
    customer_recommendations(org=org, customer=customer, limit=10)
    for n in range(3):
        buy(CustomerFactory(org=org), ["RICE", f"A{n}"])
    small = _query_count(org, customer)
    for n in range(30):
        buy(CustomerFactory(org=org), ["RICE", f"B{n}", f"C{n}"])

    # when
    large = _query_count(org, customer)

    # then
    assert small == large == 3
