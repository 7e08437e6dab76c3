"""Normalising identifiers: mobile numbers by the org's region, remembered per (number, region) in the process."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from apps.customers.identifiers import _mobile_e164, mobile_normalise


@pytest.mark.parametrize(("raw", "country", "expected"), [
    ("98450 12345", "IN", "919845012345"),
    ("+91 98450-12345", "US", "919845012345"),  # a leading + ignores the org's region
    ("919845012345", "IN", "919845012345"),  # already with the country code
    ("(201) 555-0123", "US", "12015550123"),
    ("12345", "IN", None),
    ("", "IN", None),
    ("9" * 40, "IN", None),  # longer than any number: refused before parsing (and never cached)
])
def test_mobile_numbers_normalise_by_the_org_region(raw, country, expected):
    assert mobile_normalise(raw, org=SimpleNamespace(country_code=country)) == expected


def test_the_same_digits_in_two_regions_are_two_cache_entries():
    _mobile_e164.cache_clear()
    india, us = SimpleNamespace(country_code="IN"), SimpleNamespace(country_code="US")
    assert mobile_normalise("2015550123", org=us) == "12015550123"
    assert mobile_normalise("2015550123", org=india) != "12015550123"
    assert mobile_normalise("2015550123", org=us) == "12015550123"
    info = _mobile_e164.cache_info()
    assert (info.hits, info.misses) == (1, 2)
