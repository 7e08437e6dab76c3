"""bootstrap_org and load_demo are idempotent and leave a working API credential."""
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.access.models import ApiClient
from apps.organizations.models import Organization, Store, Till
from apps.points.models import LoyaltyProgram
from tests.helpers.api import basic_header

pytestmark = pytest.mark.django_db


def test_bootstrap_org_is_idempotent_and_usable(capsys):
    args = ["--name", "Shop Co", "--till-username", "shop.till", "--till-password", "pw-1",
            "--oauth-key", "shop-key", "--oauth-secret", "shop-secret"]
    call_command("bootstrap_org", *args)
    call_command("bootstrap_org", *args)
    assert Organization.objects.filter(code="shop-co").count() == 1
    org = Organization.objects.get(code="shop-co")
    assert Store.objects.filter(org=org).count() == 1
    assert Till.objects.filter(org=org).count() == 1
    assert ApiClient.objects.filter(org=org).count() == 1
    assert LoyaltyProgram.objects.filter(org=org, is_default=True).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header("shop.till", "pw-1"))
    assert client.get("/v1.1/organization/get?format=json").status_code == 200
    token = APIClient().post("/v3/oauth/token/generate", {"key": "shop-key", "secret": "shop-secret"}, format="json")
    assert token.status_code == 200


def test_bootstrap_org_generates_a_secret_when_not_given(capsys):
    call_command("bootstrap_org", "--name", "Gen Co", "--till-username", "gen.till", "--till-password", "pw")
    out = capsys.readouterr().out
    assert "OAuth key:" in out and "OAuth secret:" in out


def test_bootstrap_refuses_a_till_username_of_another_org():
    from django.core.management.base import CommandError

    call_command("bootstrap_org", "--name", "One", "--till-username", "dup.till", "--till-password", "pw")
    with pytest.raises(CommandError):
        call_command("bootstrap_org", "--name", "Two", "--till-username", "dup.till", "--till-password", "pw")


def test_load_demo_twice(capsys):
    call_command("load_demo")
    counts = (Store.objects.count(), Till.objects.count())
    call_command("load_demo")
    assert (Store.objects.count(), Till.objects.count()) == counts
    assert "demo.till" in capsys.readouterr().out
