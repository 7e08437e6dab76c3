"""v2 user_auth: register, authorize_user (with throttling and lockout) and update."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.organizations.services import org_config_set
from apps.user_auth import errors
from apps.user_auth.choices import CredentialEventType
from apps.user_auth.models import CredentialEvent, CustomerCredential
from tests.factories.customers import CustomerFactory
from tests.factories.user_auth import CUSTOMER_PASSWORD, CustomerCredentialFactory, md5
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

MOBILE, EMAIL = "917100000000", "tom.sawyer@example.com"


@pytest.fixture
def customer(org):
    return CustomerFactory(org=org, mobile=MOBILE, email=EMAIL, first_name="Tom", last_name="Sawyer")


@pytest.fixture
def registered(org, customer):
    return CustomerCredentialFactory(org=org, customer=customer)


def _authorize(client, password=CUSTOMER_PASSWORD, **names):
    names = names or {"mobile": MOBILE}
    return client.post("/v2/user_auth/authorize_user", {**names, "password": md5(password)}, format="json")


# -- register ------------------------------------------------------------------------------------------------------
def test_register(api_client, org, till, customer):
    # when
    response = api_client.post("/v2/user_auth/register", {"mobile": "+91 71000 00000", "email": EMAIL,
                                                           "password": md5("tom123")}, format="json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == customer.pk and body["profiles"][0]["firstName"] == "Tom" and body["warnings"] == []
    credential = CustomerCredential.objects.get(customer=customer)
    assert (credential.org, credential.registered_with, credential.username) == (org, "mobile", "+91 71000 00000")
    assert md5("tom123") not in credential.password and "tom123" not in response.content.decode()
    assert list(CredentialEvent.objects.values_list("type", "till")) == [(CredentialEventType.REGISTERED, till.pk)]


def test_register_with_email_only(api_client, customer):
    response = api_client.post("/v2/user_auth/register", {"email": "TOM.SAWYER@example.com",
                                                          "password": md5("tom123")}, format="json")
    assert response.status_code == 200
    assert CustomerCredential.objects.get(customer=customer).registered_with == "email"


@pytest.mark.parametrize("body, status, code", [
    ({"mobile": MOBILE, "password": "tom123"}, 400, errors.PasswordFormatInvalid.code),
    ({"mobile": MOBILE}, 400, errors.PasswordFormatInvalid.code),
    ({"password": md5("x")}, 400, errors.UsernameMissing.code),
    ({"mobile": "919000000009", "password": md5("x")}, 404, errors.UsernameInvalid.code),
    ({"mobile": "not a phone", "password": md5("x")}, 404, errors.UsernameInvalid.code),
    ({"mobile": MOBILE, "email": "nobody@example.com", "password": md5("x")}, 404, errors.UsernameInvalid.code),
])
def test_register_bad_input(api_client, customer, body, status, code):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/user_auth/register", body, format="json")
    # then
    assert response.status_code == status and v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_register_names_that_disagree(api_client, org, customer):
    # given
    CustomerFactory(org=org, email="other@example.com")
    before = db_snapshot()
    # when
    response = api_client.post("/v2/user_auth/register", {"mobile": MOBILE, "email": "other@example.com",
                                                          "password": md5("x")}, format="json")
    # then
    assert response.status_code == 400 and v2_error_codes(response) == [errors.UsernamesDisagree.code]
    assert_nothing_written(before)


def test_register_twice_is_91029(api_client, registered):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/user_auth/register", {"email": EMAIL, "password": md5("other")}, format="json")
    # then
    assert response.status_code == 409 and v2_error_codes(response) == [errors.AlreadyRegistered.code]
    assert_nothing_written(before)


# -- authorize -----------------------------------------------------------------------------------------------------
def test_authorize_by_mobile_or_email(api_client, till, registered):
    # when
    by_mobile = _authorize(api_client)
    by_email = _authorize(api_client, email=EMAIL.upper())
    # then
    assert by_mobile.status_code == by_email.status_code == 200
    assert by_mobile.json() == {"entity": True, "warnings": []}
    registered.refresh_from_db()
    assert registered.last_login_at is not None and registered.failed_attempts == 0
    assert CredentialEvent.objects.filter(type=CredentialEventType.AUTHORIZED, till=till).count() == 2


@pytest.mark.parametrize("names", [{"mobile": MOBILE}, {"mobile": "919000000009"}, {"email": "nobody@example.com"}])
def test_wrong_password_unknown_user_and_no_password_answer_alike(api_client, org, registered, names):
    # given
    CustomerFactory(org=org, email="nobody@example.com")  # a customer without a password
    # when
    response = _authorize(api_client, password="wrong", **names)
    # then
    assert response.status_code == 401 and v2_error_codes(response) == [errors.AuthorizationFailed.code]
    assert "wrong" not in response.content.decode()


def test_wrong_passwords_lock_the_login(api_client, org, registered):
    # given
    org_config_set(org=org, key="CONF_MAX_PASSWORD_RETRY_COUNT", value="3")
    org_config_set(org=org, key="CONF_LOCK_PERIOD_IN_MINUTES", value="15")
    # when
    failures = [_authorize(api_client, password="wrong").status_code for _ in range(3)]
    locked = _authorize(api_client)  # even the right password is refused while locked
    # then
    assert failures == [401, 401, 401]
    assert locked.status_code == 429 and v2_error_codes(locked) == [errors.AccountLocked.code]
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    registered.refresh_from_db()
    assert registered.is_locked() and registered.failed_attempts == 0
    assert list(CredentialEvent.objects.order_by("id").values_list("type", flat=True)) == [
        CredentialEventType.FAILED] * 3 + [CredentialEventType.LOCKED]


def test_lock_ends_after_the_period(api_client, registered):
    # given
    registered.locked_until = timezone.now() - timedelta(seconds=1)
    registered.save()
    # when
    response = _authorize(api_client)
    # then
    assert response.status_code == 200
    registered.refresh_from_db()
    assert registered.locked_until is None


def test_without_locking_failures_are_throttled_for_the_attempt_interval(api_client, org, registered):
    # given
    org_config_set(org=org, key="CONF_ENABLE_ACCOUNT_LOCKING", value="0")
    org_config_set(org=org, key="CONF_MAX_PASSWORD_RETRY_COUNT", value="2")
    org_config_set(org=org, key="CONF_INCORRECT_ATTEMPT_INTERVAL", value="10")
    # when
    _authorize(api_client, password="wrong")
    _authorize(api_client, password="wrong")
    refused = _authorize(api_client)
    # then
    assert refused.status_code == 429
    registered.refresh_from_db()
    assert registered.locked_until <= timezone.now() + timedelta(minutes=10)


def test_failures_outside_the_interval_start_a_new_count(api_client, org, registered):
    # given
    org_config_set(org=org, key="CONF_MAX_PASSWORD_RETRY_COUNT", value="2")
    _authorize(api_client, password="wrong")
    CustomerCredential.objects.filter(pk=registered.pk).update(
        first_failed_at=timezone.now() - timedelta(minutes=31))
    # when
    again = _authorize(api_client, password="wrong")
    # then
    assert again.status_code == 401
    registered.refresh_from_db()
    assert registered.failed_attempts == 1 and registered.locked_until is None


@pytest.mark.parametrize("body", [{"mobile": MOBILE, "password": "plain-text"}, {"mobile": MOBILE}])
def test_authorize_needs_an_md5_password(api_client, registered, body):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/user_auth/authorize_user", body, format="json")
    # then
    assert response.status_code == 400 and v2_error_codes(response) == [errors.PasswordFormatInvalid.code]
    assert_nothing_written(before)


def test_password_never_reaches_the_logs(api_client, registered, caplog):
    # given
    caplog.set_level(logging.DEBUG)
    # when
    _authorize(api_client, password="wrong-secret")
    api_client.post("/v2/user_auth/update", {"mobile": MOBILE, "password": md5("n3w-secret")}, format="json")
    # then
    text = caplog.text
    for secret in ("wrong-secret", md5("wrong-secret"), "n3w-secret", md5("n3w-secret")):
        assert secret not in text


# -- update --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["post", "put"])
def test_update_password_also_lifts_a_lock(api_client, registered, method):
    # given
    registered.locked_until = timezone.now() + timedelta(minutes=20)
    registered.save()
    # when
    response = getattr(api_client, method)("/v2/user_auth/update", {"email": EMAIL, "password": md5("tom12345")},
                                           format="json")
    # then
    assert response.status_code == 200 and response.json() == {"entity": True, "warnings": []}
    assert _authorize(api_client, password="tom12345").status_code == 200
    assert _authorize(api_client).status_code == 401
    assert CredentialEvent.objects.filter(type=CredentialEventType.PASSWORD_UPDATED).count() == 1


@pytest.mark.parametrize("body, status, code", [
    ({"mobile": MOBILE, "password": md5(CUSTOMER_PASSWORD)}, 400, errors.PasswordUnchanged.code),
    ({"mobile": MOBILE, "password": "short"}, 400, errors.PasswordFormatInvalid.code),
    ({"mobile": "919000000009", "password": md5("x")}, 404, errors.UsernameInvalid.code),
    ({"password": md5("x")}, 400, errors.UsernameMissing.code),
])
def test_update_bad_input(api_client, registered, body, status, code):
    # given
    before = db_snapshot()
    password = registered.password
    # when
    response = api_client.post("/v2/user_auth/update", body, format="json")
    # then
    assert response.status_code == status and v2_error_codes(response) == [code]
    assert_nothing_written(before)
    registered.refresh_from_db()
    assert registered.password == password


def test_update_of_a_customer_without_password_is_91026(api_client, customer):
    # given
    before = db_snapshot()
    # when
    response = api_client.post("/v2/user_auth/update", {"mobile": MOBILE, "password": md5("x")}, format="json")
    # then
    assert response.status_code == 404 and v2_error_codes(response) == [errors.UserNotRegistered.code]
    assert_nothing_written(before)
