"""Short-lived OAuth access tokens: HS256 JWTs signed with a key derived from SECRET_KEY."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import jwt
from django.conf import settings

ISSUER = "loyalty"
ALGORITHM = "HS256"


def _signing_key() -> bytes:
    return hashlib.sha256(f"oauth-token:{settings.SECRET_KEY}".encode()).digest()


def token_encode(*, client_id: int, org_id: int, till_id: int, version: int, ttl_seconds: int,
                 now: datetime | None = None) -> str:
    issued = now or datetime.now(dt_timezone.utc)
    claims = {
        "iss": ISSUER, "sub": str(client_id), "org": org_id, "till": till_id, "ver": version,
        "iat": int(issued.timestamp()), "exp": int((issued + timedelta(seconds=ttl_seconds)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _signing_key(), algorithm=ALGORITHM)


def token_decode(token: str) -> dict | None:
    """The token's claims, or None when it is malformed, forged or expired."""
    try:
        return jwt.decode(token, _signing_key(), algorithms=[ALGORITHM], issuer=ISSUER,
                          options={"require": ["exp", "iat", "sub", "org", "till", "ver"]})
    except jwt.PyJWTError:
        return None
