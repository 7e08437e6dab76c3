"""HTTP Basic (md5 and plain) and OAuth tokens, as the platform documents them."""
import base64
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from rest_framework.test import APIClient

from apps.access.services import api_client_revoke_tokens
from apps.access.tokens import token_encode
from apps.core.errors import NotAuthenticated
from apps.organizations.services import org_config_set
from tests.factories.organizations import TILL_PASSWORD, StoreFactory, TillFactory
from tests.helpers.api import basic_header, till_client, token_client, v2_error_codes, v3_error_codes, v11_status

pytestmark = pytest.mark.django_db

V2_PATH = "/v2/organization/till?code={code}"
V11_PATH = "/v1.1/store/login?format=json"


def test_basic_with_md5_password_authenticates(till):
    # given
    client = till_client(till, TILL_PASSWORD, md5=True)
    # when
    response = client.get(V2_PATH.format(code=till.code))
    # then
    assert response.status_code == 200
    assert response.json()["id"] == till.pk


def test_basic_with_plain_password_authenticates(till):
    response = till_client(till, TILL_PASSWORD, md5=False).get(V2_PATH.format(code=till.code))
    assert response.status_code == 200


def test_documented_md5_vector_is_accepted(org):
    # the platform's own example: store.server / server123 -> 8a16a6b70505eb1f1ff7cdc0cd5559a7
    till = TillFactory(org=org, code="store.server", username="store.server", password="server123")
    from apps.access.services import access_group_full

    till.access_groups.add(access_group_full(org=org))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3")
    assert client.get(V11_PATH).status_code == 200


def test_password_is_never_stored_in_clear(till):
    import hashlib

    assert TILL_PASSWORD not in till.password
    assert hashlib.md5(TILL_PASSWORD.encode()).hexdigest() not in till.password


@pytest.mark.parametrize("header", [
    "Basic " + base64.b64encode(b"nobody:5f4dcc3b5aa765d61d8327deb882cf99").decode(),
    "Basic !!!not-base64!!!",
    "Basic " + base64.b64encode(b"no-colon").decode(),
])
def test_bad_basic_credentials_answer_401_in_v2_envelope(till, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(V2_PATH.format(code=till.code))
    assert response.status_code == 401
    assert v2_error_codes(response) == [NotAuthenticated.code]
    assert response["WWW-Authenticate"].startswith("Basic")


def test_wrong_password_answers_401_in_v11_envelope(till):
    response = till_client(till, "wrong-password").get(V11_PATH)
    assert response.status_code == 401
    status = v11_status(response)
    assert status["success"] == "false" and status["code"] == 401


def test_no_credentials_answer_401(till):
    response = APIClient().get(V2_PATH.format(code=till.code))
    assert response.status_code == 401
    assert v2_error_codes(response) == [401]


def test_inactive_till_cannot_authenticate(till):
    till.is_active = False
    till.save()
    assert till_client(till, TILL_PASSWORD).get(V11_PATH).status_code == 401


def test_inactive_org_cannot_authenticate(till, org):
    org.is_active = False
    org.save()
    assert till_client(till, TILL_PASSWORD).get(V11_PATH).status_code == 401


def test_basic_auth_can_be_disabled_per_org(till, org):
    org_config_set(org=org, key="BASIC_AUTH_ENABLED", value="0")
    response = till_client(till, TILL_PASSWORD).get(V11_PATH)
    assert response.status_code == 401
    assert "disabled" in v11_status(response)["message"]


def test_password_change_invalidates_cached_authentication(till, org):
    from apps.organizations.services import till_set_password

    client = till_client(till, TILL_PASSWORD)
    assert client.get(V11_PATH).status_code == 200
    till_set_password(org=org, till=till, password="a-new-password")
    assert client.get(V11_PATH).status_code == 401
    assert till_client(till, "a-new-password").get(V11_PATH).status_code == 200


def _token(client_credentials):
    client, secret = client_credentials
    response = APIClient().post("/v3/oauth/token/generate", {"key": client.key, "secret": secret}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_oauth_token_generate_shape(oauth_client_credentials):
    body = _token(oauth_client_credentials)
    assert set(body) >= {"data", "errors"}
    assert body["errors"] is None
    assert body["data"]["ttlSeconds"] == 300
    assert body["data"]["accessToken"].count(".") == 2


@pytest.mark.parametrize("header", ["HTTP_X_CAP_API_OAUTH_TOKEN", "HTTP_CAP_API_ACCESS_TOKEN"])
def test_oauth_token_authenticates_in_either_header(oauth_client_credentials, till, header):
    token = _token(oauth_client_credentials)["data"]["accessToken"]
    response = token_client(token, header).get(V2_PATH.format(code=till.code))
    assert response.status_code == 200


@pytest.mark.parametrize("body", [
    {"key": "acme-key", "secret": "wrong"},
    {"key": "unknown", "secret": "acme-secret"},
])
def test_oauth_wrong_key_or_secret_answers_401_v3_envelope(oauth_client_credentials, body):
    response = APIClient().post("/v3/oauth/token/generate", body, format="json")
    assert response.status_code == 401
    assert v3_error_codes(response) == [401]
    assert response.json()["errors"][0]["message"] == "Failed to generate OAuth token"


def test_oauth_missing_fields_answer_400(db):
    response = APIClient().post("/v3/oauth/token/generate", {"key": "x"}, format="json")
    assert response.status_code == 400
    assert v3_error_codes(response) == [400]


def test_expired_token_answers_401(oauth_client_credentials, org, till):
    client, _ = oauth_client_credentials
    issued = datetime.now(dt_timezone.utc) - timedelta(seconds=301)
    token = token_encode(client_id=client.pk, org_id=org.pk, till_id=till.pk, version=client.token_version,
                         ttl_seconds=300, now=issued)
    response = token_client(token).get(V2_PATH.format(code=till.code))
    assert response.status_code == 401
    assert v2_error_codes(response) == [401]


def test_forged_token_answers_401(till):
    response = token_client("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.forged").get(V2_PATH.format(code=till.code))
    assert response.status_code == 401


def test_revoked_tokens_stop_working(oauth_client_credentials, till):
    token = _token(oauth_client_credentials)["data"]["accessToken"]
    api_client_revoke_tokens(client=oauth_client_credentials[0])
    assert token_client(token).get(V2_PATH.format(code=till.code)).status_code == 401


def test_token_ttl_is_capped_at_one_hour(org, till):
    from apps.access.services import api_client_create

    client, secret = api_client_create(org=org, name="long", till=till, token_ttl_seconds=86400)
    assert client.token_ttl_seconds == 3600


def test_attribution_header_acts_as_another_till_of_the_org(oauth_client_credentials, org):
    token = _token(oauth_client_credentials)["data"]["accessToken"]
    store = StoreFactory(org=org, code="mall")
    other = TillFactory(org=org, store=store, code="mall.till")
    client = token_client(token)
    client.credentials(HTTP_X_CAP_API_OAUTH_TOKEN=token, HTTP_X_CAP_API_ATTRIBUTION_ENTITY_TYPE="STORE_CODE",
                       HTTP_X_CAP_API_ATTRIBUTION_ENTITY_CODE="mall")
    response = client.get(V11_PATH)
    assert response.status_code == 200
    assert response.json()["response"]["store"]["user"]["username"] == other.username


def test_attribution_to_another_orgs_till_is_refused(oauth_client_credentials, other_till):
    token = _token(oauth_client_credentials)["data"]["accessToken"]
    client = APIClient()
    client.credentials(HTTP_X_CAP_API_OAUTH_TOKEN=token, HTTP_X_CAP_API_ATTRIBUTION_ENTITY_TYPE="TILL",
                       HTTP_X_CAP_API_ATTRIBUTION_ENTITY_CODE=other_till.code)
    response = client.get("/v2/organization/till?code=x")
    assert response.status_code == 400


def test_basic_header_helper_matches_documented_vector():
    assert basic_header("store.server", "server123") == \
        "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
