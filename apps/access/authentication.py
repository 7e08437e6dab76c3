"""API authentication exactly as the platform's clients do it.

HTTP Basic: base64(username:md5(password)) with a till's credentials (the plain password is accepted too).
OAuth: a token from POST /v3/oauth/token/generate in X-CAP-API-OAUTH-TOKEN (or CAP-API-ACCESS-TOKEN).
Either sets request.principal and request.org once; nothing downstream reads the org from the request data.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions

from . import selectors

BAD_CREDENTIALS = "Invalid authentication. Please check your username, password or authentication token"
AUTH_CACHE_SECONDS = 300


def _attach(request, principal) -> None:
    django_request = getattr(request, "_request", request)
    for target in (django_request,):
        target.principal = principal
        target.org = principal.org
        target.till = principal.till
        target.store = principal.store


_verified_here: dict[str, str] = {}  # HMAC of a verified header -> fingerprint of the hash it matched
VERIFIED_HERE_MAX = 10_000


def _verified_remember(digest: str, fingerprint: str) -> None:
    if len(_verified_here) >= VERIFIED_HERE_MAX:
        _verified_here.clear()
    _verified_here[digest] = fingerprint


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


class TillBasicAuthentication(authentication.BaseAuthentication):
    """HTTP Basic with a till's username and md5(password) (or the plain password)."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header[:6].lower() == b"basic ":
            return None
        try:
            username, _, sent = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise exceptions.AuthenticationFailed(BAD_CREDENTIALS) from None
        if not username or not sent:
            raise exceptions.AuthenticationFailed(BAD_CREDENTIALS)
        till = selectors.till_for_login(username=username)
        if till is None or not till.is_active or not till.org.is_active or not till.password:
            raise exceptions.AuthenticationFailed(BAD_CREDENTIALS)
        from apps.organizations.selectors import org_config_flag

        if not org_config_flag(org=till.org, key="BASIC_AUTH_ENABLED"):
            raise exceptions.AuthenticationFailed("Basic authentication is disabled for this organization; use OAuth")
        # Password hashing is deliberately slow; remember a verified header briefly so busy tills stay fast.
        # The cache key is an HMAC of the header (never the credential itself) and the value is tied to the
        # current password hash, so a password change invalidates it at once.
        # This process remembers the headers it verified too (by the same HMAC, with the hash they matched), so a busy
        # till costs no cache round trip; a password change moves the till's hash and so misses both.
        digest = hmac.new(settings.SECRET_KEY.encode(), header, hashlib.sha256).hexdigest()
        fingerprint = _fingerprint(till.password)
        if _verified_here.get(digest) != fingerprint:
            cache_key = "auth:basic:" + digest
            if cache.get(cache_key) != fingerprint:
                if not till.check_api_password(sent):
                    raise exceptions.AuthenticationFailed(BAD_CREDENTIALS)
                cache.set(cache_key, fingerprint, AUTH_CACHE_SECONDS)
            _verified_remember(digest, fingerprint)
        principal = selectors.principal_for_till(till)
        _attach(request, principal)
        return principal, None

    def authenticate_header(self, request):
        return f'Basic realm="{self.www_authenticate_realm}"'


class OAuthTokenAuthentication(authentication.BaseAuthentication):
    """A short-lived token issued by /v3/oauth/token/generate."""

    headers = ("X-CAP-API-OAUTH-TOKEN", "CAP-API-ACCESS-TOKEN")

    def authenticate(self, request):
        token = next((request.headers.get(h) for h in self.headers if request.headers.get(h)), None)
        if not token:
            return None
        from .tokens import token_decode

        claims = token_decode(token.strip())
        if claims is None:
            raise exceptions.AuthenticationFailed("Invalid or expired authentication token")
        try:
            client_id = int(claims["sub"])
        except (TypeError, ValueError):
            raise exceptions.AuthenticationFailed("Invalid or expired authentication token") from None
        client = selectors.client_for_token(client_id=client_id)
        if (client is None or not client.is_active or client.token_version != claims["ver"]
                or client.org_id != claims["org"] or not client.org.is_active or not client.till.is_active):
            raise exceptions.AuthenticationFailed("Invalid or expired authentication token")
        till = None
        entity_code = request.headers.get("X-CAP-API-ATTRIBUTION-ENTITY-CODE")
        if entity_code:
            till = selectors.attributed_till(org=client.org, entity_code=entity_code,
                                             entity_type=request.headers.get("X-CAP-API-ATTRIBUTION-ENTITY-TYPE", "TILL"))
        principal = selectors.principal_for_client(client, till=till)
        _attach(request, principal)
        return principal, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
