"""Running service calls side by side in threads, each on its own database connection (real row locks)."""
from __future__ import annotations

import threading

from django.db import connections


def run_concurrently(workers):
    """Start every callable at once (a barrier), return each one's result or the exception it raised."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def wrap(index, fn):
        try:
            barrier.wait(timeout=10)
            results[index] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
