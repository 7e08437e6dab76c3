"""Per-credential rate limits, configurable per organisation."""
import pytest

from apps.core.errors import RateLimited
from apps.organizations.services import org_config_set
from tests.helpers.api import v2_error_codes, v11_status

pytestmark = pytest.mark.django_db


def test_requests_over_the_org_limit_get_429(api_client, org):
    org_config_set(org=org, key="API_RATE_LIMIT_PER_MINUTE", value=3)
    statuses = [api_client.get("/v2/locations").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/v2/locations")
    assert v2_error_codes(response) == [RateLimited.code]
    assert int(response["Retry-After"]) <= 60


def test_limit_applies_per_credential(api_client, other_api_client, org, other_org):
    org_config_set(org=org, key="API_RATE_LIMIT_PER_MINUTE", value=1)
    assert api_client.get("/v2/locations").status_code == 200
    assert api_client.get("/v2/locations").status_code == 429
    assert other_api_client.get("/v2/locations").status_code == 200


def test_v11_throttle_uses_v11_envelope(api_client, org):
    org_config_set(org=org, key="API_RATE_LIMIT_PER_MINUTE", value=1)
    api_client.get("/v1.1/organization/get?format=json")
    response = api_client.get("/v1.1/organization/get?format=json")
    assert response.status_code == 429
    assert v11_status(response)["code"] == 429


def test_window_count_counts_each_key_on_its_own():
    # one round trip per request with Redis (INCR + EXPIRE pipelined), add + incr elsewhere: the same counts
    import uuid

    from apps.core.throttling import window_count

    first, second = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    assert [window_count(first) for _ in range(3)] == [1, 2, 3]
    assert window_count(second) == 1
