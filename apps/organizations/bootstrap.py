"""Create (or bring up to date) an organisation ready for API calls: store, till, OAuth client, access, programme."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from apps.access.models import ApiClient
from apps.access.services import access_group_full, api_client_create
from apps.points.services import program_ensure_default
from apps.rules.services import default_earn_rule_ensure

from . import errors
from .models import Organization, Store, Till
from .services import organization_create, store_create, till_create, till_set_password


@dataclass
class BootstrapResult:
    org: Organization
    store: Store
    till: Till
    oauth_key: str
    oauth_secret: str | None  # None when an existing client kept its secret
    created: bool


@transaction.atomic
def org_bootstrap(*, name: str, till_username: str, till_password: str, oauth_key: str | None = None,
                  oauth_secret: str | None = None, code: str | None = None, base_currency: str = "INR",
                  timezone: str = "UTC", earn_percent: Decimal = Decimal("1")) -> BootstrapResult:
    """Idempotent: running it again with the same arguments changes nothing but the given secrets.

    The default programme gets a RUNNING rule awarding earn_percent % of each bill (0: no such rule is made).
    """
    code = code or slugify(name)[:64]
    org = Organization.objects.filter(code=code).first()
    created = org is None
    if created:
        org = organization_create(name=name, code=code, base_currency=base_currency, timezone=timezone)
    store = Store.objects.for_org(org).filter(code="default").first() or store_create(
        org=org, code="default", name="Default Store")
    full = access_group_full(org=org)
    till = Till.objects.filter(username=till_username).first()
    if till is not None and till.org_id != org.pk:
        raise errors.TillUsernameTaken()
    if till is None:
        till = till_create(org=org, store=store, code=till_username, name=till_username, password=till_password,
                           is_default=True)
    else:
        till_set_password(org=org, till=till, password=till_password)
    till.access_groups.add(full)
    client = ApiClient.objects.filter(org=org, key=oauth_key).first() if oauth_key else \
        ApiClient.objects.filter(org=org, till=till).order_by("id").first()
    secret = None
    if client is None:
        client, secret = api_client_create(org=org, name=f"{till_username} client", till=till, key=oauth_key,
                                           secret=oauth_secret)
    elif oauth_secret:
        from django.contrib.auth.hashers import make_password

        client.secret_hash = make_password(oauth_secret)
        client.save(update_fields=["secret_hash"])
        secret = oauth_secret
    client.access_groups.add(full)
    program = program_ensure_default(org=org)
    if earn_percent:
        default_earn_rule_ensure(org=org, program=program, percent=earn_percent)
    return BootstrapResult(org=org, store=store, till=till, oauth_key=client.key, oauth_secret=secret, created=created)
