from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from .orgcache import request_tokens_end, request_tokens_start

        request_started.connect(request_tokens_start, dispatch_uid="orgcache-request-start")
        request_finished.connect(request_tokens_end, dispatch_uid="orgcache-request-end")
        psycopg_query_cache_widen()


# psycopg parses a statement's text for its placeholders on every execute, and remembers the parse only for
# statements of at most 50 parameters and 4 KB. The bill path's two multi-row statements (the bill with its lines and
# tenders; the ledger entry, lot, account and award rows) carry 60-90 parameters each, so they were parsed anew for
# every bill. Their text is fixed (built once per model shape), so remembering them is safe; the cache stays an LRU
# of 128 entries either way.
PSYCOPG_CACHED_PARAMS = 400
PSYCOPG_CACHED_LENGTH = 32768


def psycopg_query_cache_widen() -> bool:
    """Raise psycopg's limits for remembering a statement's parse (see above); False when this psycopg has no such
    limits (then nothing changes)."""
    try:
        from psycopg import _queries
    except ImportError:
        return False
    if not hasattr(_queries, "MAX_CACHED_STATEMENT_PARAMS") or not hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH"):
        return False
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, PSYCOPG_CACHED_PARAMS)
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, PSYCOPG_CACHED_LENGTH)
    return True
