"""Route order: Django tries the routes in order (the busiest first, loyalty/api/v2.py), so no route may hide another."""
import re

import pytest
from django.urls import URLResolver, get_resolver, resolve

SAMPLES = {"int": "7", "str": "x7", "slug": "x-7", "path": "x/7", "uuid": "12345678-1234-5678-1234-567812345678"}
REGEX_CHARS = re.compile(r"[\^$()\[\]?*+\\|{}]")


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _sample(route: str) -> str | None:
    """A URL the route matches (converters filled in), or None for a regular expression."""
    filled = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x7"), route)
    return None if REGEX_CHARS.search(filled) else "/" + filled


def test_every_route_reaches_its_own_view():
    checked = 0
    for route, pattern in _routes(get_resolver()):
        url = _sample(route)
        if url is None:
            continue
        assert resolve(url).func is pattern.callback, f"{url} ({route}) is answered by an earlier route"
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("url,view", [
    ("/v2/transactions", "TransactionsV2"), ("/v2/customers/7/transactions", "CustomerTransactionsV2"),
    ("/v2/customers/7", "CustomerV2"), ("/v1.1/transaction/add", "TransactionAddV11"),
    ("/v1.1/transaction/add.json", "TransactionAddV11"), ("/v1.1/customer/transactions", "CustomerTransactionsV11"),
    ("/v1.1/customer/get", "CustomerGetV11"), ("/v1/customer/transactions", "CustomerTransactionsV11"),
])
def test_the_busiest_routes_and_their_neighbours_reach_their_views(url, view):
    assert resolve(url).func.view_class.__name__ == view
