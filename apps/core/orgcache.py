"""Per-process copies of an org's slow-changing master data (rules, programmes, tenders, field definitions),
kept honest by a version token in the shared cache.

Each read asks the shared cache (Redis in production) for the org's token of that kind of data, one round trip,
and serves the process-local copy loaded under the same token; any write to that data replaces the token
(`org_data_changed`, called from the owning app's signal handlers, at once and again on commit), so every process
reloads on its next read. A cleared or restarted cache yields a fresh random token, so a copy can never outlive
the data it came from. Keys always carry the org id: one org's copies are never served to another.

Within one HTTP request the tokens are read once: the first read of an org's token fetches the tokens of every kind
this process has used for that org in one round trip (`get_many`), and the request keeps them until it ends (a
request sees the master data as it was when it first looked, the way a transaction sees a snapshot; its own changes
move its tokens at once). Outside requests (Celery tasks, commands) every read asks the shared cache.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SHARED_TOKEN_SECONDS = 24 * 3600
# A process-local cache backend (no Redis configured) cannot carry a token from one process to another: there the
# token lives a few seconds, so a change made through another process is seen within that time.
LOCAL_TOKEN_SECONDS = 5
MAX_ENTRIES = 2048

_local: OrderedDict[tuple, tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()
_kinds: dict[int, set[str]] = {}  # kinds of data this process has read, per org id (what a request prefetches)
_request = threading.local()  # .tokens: {(org id, kind): token} while a request runs, else None


def request_tokens_start(**kwargs) -> None:
    """request_started: this thread's request reads each token once (see the module docstring)."""
    _request.tokens = {}


def request_tokens_end(**kwargs) -> None:
    """request_finished: back to reading the shared cache every time."""
    _request.tokens = None


def _token_seconds() -> int:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return LOCAL_TOKEN_SECONDS if backend.endswith(("LocMemCache", "DummyCache")) else SHARED_TOKEN_SECONDS


def _token_key(org_id: int, kind: str) -> str:
    return f"org:{org_id}:data:{kind}:token"


def _token_read(org_id: int, kind: str) -> str:
    key = _token_key(org_id, kind)
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, _token_seconds()):
            token = cache.get(key) or token
    return token


def org_data_token(org_id: int, kind: str) -> str:
    """The current token of an org's kind of data (created on first use); read once per request."""
    memo = getattr(_request, "tokens", None)
    if memo is None:
        return _token_read(org_id, kind)
    token = memo.get((org_id, kind))
    if token is None:
        kinds = sorted(_kinds.get(org_id, set()) | {kind})
        if len(kinds) > 1:
            found = cache.get_many([_token_key(org_id, other) for other in kinds])
            for other in kinds:
                if (value := found.get(_token_key(org_id, other))) is not None:
                    memo.setdefault((org_id, other), value)
        token = memo.get((org_id, kind)) or _token_read(org_id, kind)
        memo[(org_id, kind)] = token
    return token


def _changed(org_id: int, kind: str) -> None:
    def bump():
        token = uuid.uuid4().hex
        cache.set(_token_key(org_id, kind), token, _token_seconds())
        memo = getattr(_request, "tokens", None)
        if memo is not None:  # this request reads its own change
            memo[(org_id, kind)] = token

    bump()
    transaction.on_commit(bump)


def org_data_changed(org_id: int | None, kind: str) -> None:
    """Invalidate every process's copies of an org's kind of data: now (for this transaction's own reads) and
    once more when the transaction commits (for readers that loaded the old rows in between)."""
    if org_id:
        _changed(org_id, kind)


def org_data(org_id: int, kind: str, key: tuple, loader: Callable[[], Any]) -> Any:
    """The process-local copy of loader()'s result for (org, kind, key), reloaded when the token moved.

    The value is shared between requests and threads: callers must treat it as read-only.
    """
    token = org_data_token(org_id, kind)
    if kind not in _kinds.get(org_id, ()):
        with _lock:
            _kinds.setdefault(org_id, set()).add(kind)
    slot = (org_id, kind, *key)
    with _lock:
        hit = _local.get(slot)
        if hit is not None and hit[0] == token:
            _local.move_to_end(slot)
            return hit[1]
    value = loader()
    with _lock:
        _local[slot] = (token, value)
        _local.move_to_end(slot)
        while len(_local) > MAX_ENTRIES:
            _local.popitem(last=False)
    return value


GLOBAL = 0  # the "org" of data that is looked up before any org is known (credentials)


def global_data(kind: str, key: tuple, loader: Callable[[], Any]) -> Any:
    """org_data for data found before the org is known (a till by its username); one token for the whole kind."""
    return org_data(GLOBAL, kind, key, loader)


def global_data_changed(kind: str) -> None:
    """Invalidate every process's copies of a global kind (any change anywhere reloads them all: keep it rare)."""
    _changed(GLOBAL, kind)


def org_data_local_clear() -> None:
    """Drop this process's copies (tests)."""
    with _lock:
        _local.clear()
    if getattr(_request, "tokens", None) is not None:
        _request.tokens = {}
