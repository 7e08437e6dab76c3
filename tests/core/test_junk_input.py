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
