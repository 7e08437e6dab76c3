"""Reusable assertions that an endpoint keeps organisations apart.

Use from any app's tests:

    from tests.helpers.tenancy import Endpoint, assert_refuses_foreign_org

    ENDPOINTS = [Endpoint("GET", "/v2/things/{thing}"), Endpoint("POST", "/v2/things/{thing}/close", body={})]

    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
    def test_foreign_org_refused(endpoint, api_client, foreign_ids):
        assert_refuses_foreign_org(api_client, endpoint, foreign_ids)

`foreign_ids` maps placeholders to ids (or codes) of the other org's objects; the call must answer 404 in
its version's envelope and leave every table of the project exactly as it was.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.apps import apps

PROJECT_APP_PREFIX = "apps."
IGNORED_TABLES = {"core.idempotencyrecord"}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict | list | None = None
    expect_status: int = 404
    # For lists: the foreign object must be absent from the answer rather than a 404.
    absent_key: str | None = None
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def db_snapshot() -> dict[str, int]:
    """Row counts of every table of the project's apps (cheap enough for test databases)."""
    counts = {}
    for model in apps.get_models():
        if not model.__module__.startswith(PROJECT_APP_PREFIX) and model._meta.app_label != "staff":
            continue
        label = model._meta.label_lower
        if label in IGNORED_TABLES:
            continue
        counts[label] = model._default_manager.count()
    return counts


def assert_nothing_written(before: dict[str, int]) -> None:
    after = db_snapshot()
    changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    assert not changed, f"rows were written: {changed}"


def envelope_of(path: str) -> str:
    if path.startswith(("/v1.1/", "/v1/")):
        return "v1.1"
    if path.startswith(("/v3/", "/api_gateway/")):
        return "v3"
    return "v2"


def assert_not_found_envelope(response, path: str) -> None:
    body = response.json()
    version = envelope_of(path)
    if version == "v1.1":
        assert body["response"]["status"]["success"] == "false", body
    elif version == "v3":
        assert body["data"] is None and body["errors"], body
    else:
        assert body["errors"] and body["errors"][0]["status"] is False, body


def assert_refuses_foreign_org(client, endpoint: Endpoint, foreign_ids: dict) -> None:
    """The endpoint, called with another org's ids, answers like a missing object and writes nothing."""
    path = endpoint.path.format(**foreign_ids)
    body = endpoint.body
    if body is not None:
        body = json.loads(_fill(json.dumps(body), foreign_ids))
    before = db_snapshot()
    response = client.generic(endpoint.method, path, data=json.dumps(body) if body is not None else "",
                              content_type="application/json")
    if endpoint.absent_key:
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        assert str(foreign_ids[endpoint.absent_key]) not in response.content.decode(), path
    else:
        assert response.status_code == endpoint.expect_status, (path, response.status_code, response.content[:300])
        assert_not_found_envelope(response, path)
    assert_nothing_written(before)


def _fill(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text
