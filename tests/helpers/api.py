"""API clients that authenticate the way the platform's clients do."""
from __future__ import annotations

import base64
import hashlib

from rest_framework.test import APIClient


def basic_header(username: str, password: str, *, md5: bool = True) -> str:
    secret = hashlib.md5(password.encode()).hexdigest() if md5 else password
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()


def till_client(till, password: str, *, md5: bool = True) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header(till.username, password, md5=md5))
    return client


def token_client(token: str, header: str = "HTTP_X_CAP_API_OAUTH_TOKEN") -> APIClient:
    client = APIClient()
    client.credentials(**{header: token})
    return client


def v2_error_codes(response) -> list[int]:
    body = response.json()
    assert set(body) >= {"errors", "warnings"}, body
    assert all(item["status"] is False for item in body["errors"]), body
    return [item["code"] for item in body["errors"]]


def v11_status(response) -> dict:
    status = response.json()["response"]["status"]
    return status


def v3_error_codes(response) -> list[int]:
    body = response.json()
    assert body["data"] is None, body
    return [item["code"] for item in body["errors"]]
