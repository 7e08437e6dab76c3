"""Never a 500 for a client mistake: every API route answers junk bodies and junk query strings with a 4xx (or a
2xx where the junk is ignorable), in its version's envelope, never with a server error."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.factories.organizations import TILL_PASSWORD
from tests.helpers.api import basic_header

pytestmark = pytest.mark.django_db

API_PREFIXES = ("v1.1/", "v1/", "v2/", "v3/", "coupon/api/")
JUNK_BODIES = ([None, 1, "x", {"a": [None]}], {"id": "not-a-number", "limit": -5, "points": "lots", "x": {"y": []}})
JUNK_QUERY = "?id=abc&limit=-1&offset=zz&programId=x&format=json&mobile=%00&identifierName=nope&identifierValue="


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


def _concrete(pattern: str) -> str | None:
    """A request path for a route: converters filled with a plausible id, regex routes reduced to their stem."""
    path = re.sub(r"<(?:int|str|slug|path):[^>]+>", "999999", pattern).replace("^", "")
    path = path.replace(r"(?:\.json)?$", "").replace("$", "").replace("\\.", ".")
    if any(ch in path for ch in "()[]?*+\\<>"):
        return None
    return "/" + path


API_PATHS = sorted({p for p in (_concrete(r) for r in _routes()) if p and p.lstrip("/").startswith(API_PREFIXES)})


def test_the_probe_covers_the_api():
    assert len(API_PATHS) > 150


@pytest.mark.parametrize("path", API_PATHS)
def test_junk_never_causes_a_server_error(path, till):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=basic_header(till.username, TILL_PASSWORD))
    answers = [client.get(path + JUNK_QUERY)]
    for body in JUNK_BODIES:
        answers.append(client.post(path + JUNK_QUERY, body, format="json"))
        answers.append(client.put(path, body, format="json"))
    answers.append(client.post(path, "{not json", content_type="application/json"))
    failures = [(a.request["REQUEST_METHOD"], a.status_code, a.content[:200]) for a in answers
                if a.status_code >= 500]
    assert not failures, failures


MOBILE = "919845000111"


@pytest.fixture
def world(org, till):
    """A member with points, a coupon and a bill, so that junk reaches the code behind the lookups."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from apps.coupons.services import coupon_issue, series_create
    from apps.points.services import points_credit, program_ensure_default
    from tests.factories.customers import CustomerFactory

    customer = CustomerFactory(org=org, mobile=MOBILE, first_name="Asha")
    program = program_ensure_default(org=org)
    points_credit(org=org, customer=customer, points=Decimal(500), program=program, source_type="BILL",
                  source_ref="B1")
    series = series_create(org=org, data={"description": "Probe", "discount_code": "PROBE", "discount_type": "ABS",
                                          "discount_value": Decimal("100"),
                                          "valid_till": timezone.now() + timedelta(days=30)})
    coupon = coupon_issue(org=org, series_id=series.pk, customer=customer, till=till).coupon
    return {"customer": customer, "series": series, "coupon": coupon, "program": program}


def _real_path(pattern: str, world) -> str | None:
    def fill(match):
        name = match.group(1).lower()
        if "customer" in name or "user" in name:
            return str(world["customer"].pk)
        if "series" in name:
            return str(world["series"].pk)
        return "1"
    path = re.sub(r"<(?:int|str|slug|path):([^>]+)>", fill, pattern)
    return _concrete(path)


API_PATTERNS = sorted({r for r in _routes() if (_concrete(r) or "").lstrip("/").startswith(API_PREFIXES)})


@pytest.mark.parametrize("pattern", API_PATTERNS)
def test_junk_beside_real_records_never_causes_a_server_error(pattern, till, world):
    path = _real_path(pattern, world)
    customer, coupon = world["customer"], world["coupon"]
    query = (f"?mobile={MOBILE}&identifierName=mobile&identifierValue={MOBILE}&id={customer.pk}"
             f"&code={coupon.code}&programId={world['program'].pk}&limit=abc&offset=-3&points=x&startDate=yesterday")
    bodies = [
        {"customer": {"mobile": MOBILE}, "mobile": MOBILE, "customerId": customer.pk, "code": coupon.code,
         "seriesId": "x", "points": "lots", "billNumber": {"a": 1}, "lineItemsV2": "none", "amount": "NaN",
         "programId": world["program"].pk, "identifierName": "mobile", "identifierValue": MOBILE},
        {"root": {"customer": [{"mobile": MOBILE, "points": -1, "coupon_code": coupon.code, "id": "x"}]}},
    ]
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=basic_header(till.username, TILL_PASSWORD))
    answers = [client.get(path + query)]
    for body in bodies:
        answers.append(client.post(path + query, body, format="json"))
        answers.append(client.put(path + query, body, format="json"))
    failures = [(a.request["REQUEST_METHOD"], a.status_code, a.content[:300]) for a in answers
                if a.status_code >= 500]
    assert not failures, failures


FOREIGN_MOBILE = "919845999777"
FOREIGN_MARKERS = ("Zebulonforeign", FOREIGN_MOBILE, "FOREIGNCODE", "zeb@foreign.example")


@pytest.fixture
def foreign_world(other_org, other_till):
    """Another org's member, coupon and points, each carrying a marker that must never reach org A's answers."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from apps.coupons.services import coupon_issue, series_create
    from apps.points.services import points_credit, program_ensure_default
    from tests.factories.customers import CustomerFactory

    customer = CustomerFactory(org=other_org, mobile=FOREIGN_MOBILE, email="zeb@foreign.example",
                               first_name="Zebulonforeign")
    program = program_ensure_default(org=other_org)
    points_credit(org=other_org, customer=customer, points=Decimal(777), program=program, source_type="BILL",
                  source_ref="F1")
    series = series_create(org=other_org, data={
        "description": "Foreign", "discount_code": "FOREIGNCODE", "discount_type": "ABS",
        "discount_value": Decimal("100"), "valid_till": timezone.now() + timedelta(days=30)})
    coupon = coupon_issue(org=other_org, series_id=series.pk, customer=customer, till=other_till).coupon
    return {"customer": customer, "series": series, "coupon": coupon, "program": program}


@pytest.mark.parametrize("pattern", API_PATTERNS)
def test_another_orgs_records_never_leak(pattern, till, foreign_world):
    """Org A's till names org B's ids, mobile, email and coupon code everywhere it can: no answer carries them."""
    path = _real_path(pattern, foreign_world)
    customer, coupon = foreign_world["customer"], foreign_world["coupon"]
    query = (f"?mobile={FOREIGN_MOBILE}&email=zeb@foreign.example&identifierName=mobile"
             f"&identifierValue={FOREIGN_MOBILE}&id={customer.pk}&code={coupon.code}&q=Zebulonforeign"
             f"&seriesId={foreign_world['series'].pk}&id={customer.pk}&format=json")
    bodies = [{"customer": {"mobile": FOREIGN_MOBILE}, "mobile": FOREIGN_MOBILE, "customerId": customer.pk,
               "code": coupon.code, "seriesId": foreign_world["series"].pk,
               "identifierName": "mobile", "identifierValue": FOREIGN_MOBILE},
              {"root": {"customer": [{"mobile": FOREIGN_MOBILE, "id": customer.pk, "coupon_code": coupon.code}]}}]
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=basic_header(till.username, TILL_PASSWORD))
    answers = [client.get(path + query)]
    for body in bodies:
        answers.append(client.post(path + query, body, format="json"))
    leaks = []
    for answer in answers:
        text = answer.content.decode("utf-8", "replace")
        echoed = {marker for marker in FOREIGN_MARKERS if marker in text}
        # Echoing the caller's own input back in an error message is no leak; data read from org B would be.
        echoed -= {m for m in echoed if _only_echo(text, m)}
        if echoed:
            leaks.append((answer.request["REQUEST_METHOD"], answer.status_code, sorted(echoed), text[:300]))
    assert not leaks, leaks


def _only_echo(text: str, marker: str) -> bool:
    """True when every occurrence of the marker sits in an error/warning message or an input echo, not in data."""
    import json

    try:
        body = json.loads(text)
    except ValueError:
        return False
    found = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, (str, int)) and marker in str(node):
            found.append(key)

    walk(body)
    return all(key in ECHO_KEYS[marker] for key in found)


# Where each marker may appear as the caller's own input echoed back (v1.1 echoes the identifiers of a failed item,
# errors quote what they could not find, a v1.1 add creates the caller's own customer with that mobile).
ECHO_KEYS = {
    "Zebulonforeign": {"message", "q"},
    FOREIGN_MOBILE: {"message", "mobile", "identifierValue", "value"},
    "zeb@foreign.example": {"message", "email", "identifierValue", "value"},
    "FOREIGNCODE": {"message", "code", "coupon_code", "couponCode", "value"},
}


def test_the_leak_probe_tells_data_from_echoes():
    assert _only_echo('{"errors": [{"message": "No customer 919845999777"}]}', FOREIGN_MOBILE)
    assert not _only_echo('{"data": [{"firstName": "Zebulonforeign"}]}', "Zebulonforeign")
    assert not _only_echo('{"customer": {"mobile": "919845999777", "loyaltyPoints": 777}, "x": "919845999777"}',
                          FOREIGN_MOBILE)
