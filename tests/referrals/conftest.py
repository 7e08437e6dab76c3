import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def queries_for():
    """Queries one call makes once caches (auth, org config) are warm: run(call) -> count."""
    def run(call) -> int:
        call()
        with CaptureQueriesContext(connection) as ctx:
            call()
        return len(ctx)
    return run
