"""Idempotency-Key with Stripe semantics: replay, 422 on a different body, 409 while the first still runs."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.choices import IdempotencyState
from apps.core.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from apps.core.models import IdempotencyRecord
from apps.core.services import idempotency_purge
from apps.organizations.models import Location
from tests.helpers.api import v2_error_codes

pytestmark = pytest.mark.django_db
BODY = {"locationCode": "mall-1", "locationLabel": "Mall One"}


def _post(client, body=BODY, key="key-1"):
    return client.post("/v2/locations", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_and_body_replays_the_stored_response(api_client, org):
    first = _post(api_client)
    second = _post(api_client)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Location.objects.filter(org=org, code="mall-1").count() == 1


def test_replayed_error_is_the_same_error(api_client):
    bad = {"locationCode": "bad code", "locationLabel": "x"}
    first = _post(api_client, bad, key="k-err")
    second = _post(api_client, bad, key="k-err")
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()


def test_same_key_different_body_is_422(api_client, org):
    _post(api_client)
    response = _post(api_client, {**BODY, "locationLabel": "Other"})
    assert response.status_code == 422
    assert v2_error_codes(response) == [IdempotencyKeyReused.code]
    assert Location.objects.filter(org=org).count() == 1


def test_first_request_still_running_is_409(api_client, org, till):
    from apps.core.services import request_fingerprint
    import json

    body = json.dumps(BODY).encode()
    IdempotencyRecord.objects.create(
        org=org, credential=f"till:{till.pk}", key="busy", method="POST", path="/v2/locations",
        request_hash=request_fingerprint(method="POST", path="/v2/locations", body=body))
    response = api_client.generic("POST", "/v2/locations", body, content_type="application/json",
                                  HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert v2_error_codes(response) == [IdempotencyKeyInProgress.code]
    assert not Location.objects.filter(org=org).exists()


def test_stale_in_progress_key_can_be_retried(api_client, org, till):
    from apps.core.services import request_fingerprint
    import json

    body = json.dumps(BODY).encode()
    record = IdempotencyRecord.objects.create(
        org=org, credential=f"till:{till.pk}", key="crashed", method="POST", path="/v2/locations",
        request_hash=request_fingerprint(method="POST", path="/v2/locations", body=body),
        created_at=timezone.now() - timedelta(minutes=10))
    response = api_client.generic("POST", "/v2/locations", body, content_type="application/json",
                                  HTTP_IDEMPOTENCY_KEY="crashed")
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.state == IdempotencyState.DONE


def test_keys_are_scoped_per_credential(api_client, other_api_client, org, other_org):
    _post(api_client, key="shared")
    response = _post(other_api_client, key="shared")
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert Location.objects.filter(org=other_org).count() == 1


def test_purge_keeps_records_for_at_least_24_hours(api_client):
    _post(api_client)
    assert idempotency_purge() == 0
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge() == 1


def test_get_requests_ignore_the_key(api_client):
    response = api_client.get("/v2/locations", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()
