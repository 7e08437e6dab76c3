"""Shared set-up for benchmarks: Django with a throwaway test database on whatever DATABASE_URL points at."""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.test")


def django_with_test_db():
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, name


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50": round(pick(0.50), 3), "p99": round(pick(0.99), 3),
            "mean": round(statistics.fmean(ordered), 3)}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def write_section(title: str, body: str) -> None:
    """Replace (or append) a '## title' section of docs/performance.md."""
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text() if doc.exists() else "# Performance\n"
    header = f"## {title}"
    if header in text:
        before, _, rest = text.partition(header)
        after = rest.split("\n## ", 1)
        text = before + header + "\n\n" + body.strip() + "\n" + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip() + "\n\n" + header + "\n\n" + body.strip() + "\n"
    doc.write_text(text)


class _Tee:
    def __init__(self, stream, buffer):
        self.stream, self.buffer = stream, buffer

    def write(self, text):
        self.stream.write(text)
        self.buffer.write(text)
        return len(text)

    def flush(self):
        self.stream.flush()


def run_into_section(title: str, reproduce: str, fn, *args) -> None:
    """Run a bench that prints its figures and, when it finishes, file what it printed as a section of
    docs/performance.md (with how to reproduce it and the machine's load around the run)."""
    import io
    import platform

    buffer, before = io.StringIO(), os.getloadavg()[0]
    stdout, sys.stdout = sys.stdout, _Tee(sys.stdout, buffer)
    try:
        fn(*args)
    finally:
        sys.stdout = stdout
    after = os.getloadavg()[0]
    write_section(title, f"Reproduce: `{reproduce}`.\n\nPython {platform.python_version()}, {os.cpu_count()} cores; "
                         f"load average {before:.1f} before and {after:.1f} after the run.\n\n```\n"
                         f"{buffer.getvalue().strip()}\n```")
