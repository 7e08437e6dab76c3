"""Latency of an authenticated API call per authentication method (in-process client, no network).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench .venv/bin/python bench/auth_overhead.py
Writes the figures into docs/performance.md.
"""
from __future__ import annotations

import platform

from _setup import django_with_test_db, percentiles, timed, write_section


def main(repeat: int = 500) -> None:
    connection, _ = django_with_test_db()
    from django.conf import settings
    from django.core.cache import cache
    from rest_framework.test import APIClient

    # Measure with the production password hasher, not the fast test one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    from apps.organizations.bootstrap import org_bootstrap
    from tests.helpers.api import basic_header

    org_bootstrap(name="Bench", till_username="bench.till", till_password="pw", oauth_key="bk", oauth_secret="bs")
    url = "/v1.1/organization/get?format=json"
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION=basic_header("bench.till", "pw"))
    assert basic.get(url).status_code == 200
    token = APIClient().post("/v3/oauth/token/generate", {"key": "bk", "secret": "bs"}, format="json").json()
    oauth = APIClient()
    oauth.credentials(HTTP_X_CAP_API_OAUTH_TOKEN=token["data"]["accessToken"])

    def cold_basic():
        cache.clear()
        assert basic.get(url).status_code == 200

    rows = {
        "Basic, verified header cached": percentiles(timed(lambda: basic.get(url), repeat)),
        "OAuth token": percentiles(timed(lambda: oauth.get(url), repeat)),
        "Basic, cold (PBKDF2 verify)": percentiles(timed(cold_basic, 20)),
        "Token generate": percentiles(timed(lambda: APIClient().post(
            "/v3/oauth/token/generate", {"key": "bk", "secret": "bs"}, format="json"), 20)),
    }
    engine = connection.vendor
    lines = ["Reproduce: `cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench "
             "../.venv/bin/python auth_overhead.py`.", "",
             f"Measured on {engine}, Python {platform.python_version()}, `GET {url}` through Django's test client.",
             "", "| Case | n | p50 ms | p99 ms | mean ms |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {r['n']} | {r['p50']} | {r['p99']} | {r['mean']} |" for name, r in rows.items()]
    lines += ["", "A cold Basic check runs the PBKDF2 hasher once; the verified header is then cached for 5 minutes "
                  "(keyed by an HMAC of the header and tied to the password hash), so busy tills pay it rarely."]
    write_section("API authentication overhead (`bench/auth_overhead.py`)", "\n".join(lines))
    print("\n".join(lines))
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
