"""Writes of the access domain: access groups, API clients and OAuth token issue."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from .choices import AccessLevel, AccessResource
from .errors import OAuthTokenFailed
from .models import AccessGroup, ApiClient
from .tokens import token_encode

FULL_ACCESS = {resource: AccessLevel.MODIFY.value for resource in AccessResource.values}


@transaction.atomic
def access_group_create(*, org, name: str, permissions: dict[str, str], description: str = "") -> AccessGroup:
    """Create an access group; permissions map resource names to NONE/VIEW/MODIFY."""
    group = AccessGroup(org=org, name=name, permissions=dict(permissions), description=description)
    group.full_clean()
    group.save()
    return group


def access_group_full(*, org) -> AccessGroup:
    """The org's "Full access" group, created (or widened to every resource) on demand."""
    group, created = AccessGroup.objects.get_or_create(
        org=org, name="Full access", defaults={"permissions": FULL_ACCESS, "description": "Modify on every resource"})
    if not created and group.permissions != FULL_ACCESS:
        group.permissions = FULL_ACCESS
        group.save(update_fields=["permissions"])
    return group


@transaction.atomic
def api_client_create(*, org, name: str, till, key: str | None = None, secret: str | None = None,
                      token_ttl_seconds: int | None = None, access_groups=()) -> tuple[ApiClient, str]:
    """Create an OAuth client for one of the org's tills; returns it with the clear secret (shown once)."""
    if till.org_id != org.pk:
        from apps.organizations.errors import TillNotFound

        raise TillNotFound()
    key = key or secrets.token_urlsafe(18)
    secret = secret or secrets.token_urlsafe(30)
    ttl = token_ttl_seconds or settings.OAUTH_TOKEN_DEFAULT_TTL_SECONDS
    client = ApiClient(org=org, name=name, till=till, key=key, secret_hash=make_password(secret),
                       token_ttl_seconds=min(ttl, settings.OAUTH_TOKEN_MAX_TTL_SECONDS))
    client.full_clean()
    client.save()
    if access_groups:
        client.access_groups.set(access_groups)
    return client, secret


def api_client_revoke_tokens(*, client: ApiClient) -> None:
    """Invalidate every token the client holds (they carry the old version)."""
    from django.db.models import F

    ApiClient.objects.filter(pk=client.pk).update(token_version=F("token_version") + 1)


def oauth_token_issue(*, key: str, secret: str) -> tuple[str, int]:
    """Exchange a client key and secret for an access token; returns (token, ttl seconds)."""
    if not isinstance(key, str) or not isinstance(secret, str) or not key or not secret:
        raise OAuthTokenFailed()
    client = (ApiClient.objects.select_related("org", "till").filter(key=key, is_active=True).first())
    # Hash even when the key is unknown, so timing does not reveal which keys exist.
    valid = check_password(secret, client.secret_hash) if client else bool(make_password(secret)) and False
    if client is None or not valid or not client.org.is_active or not client.till.is_active:
        raise OAuthTokenFailed()
    ttl = min(client.token_ttl_seconds, settings.OAUTH_TOKEN_MAX_TTL_SECONDS)
    token = token_encode(client_id=client.pk, org_id=client.org_id, till_id=client.till_id,
                         version=client.token_version, ttl_seconds=ttl)
    ApiClient.objects.filter(pk=client.pk).update(last_token_at=timezone.now())
    return token, ttl
