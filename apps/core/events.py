"""Side effects that must only run once the data they need is committed."""
from django.db import transaction


def after_commit(fn, *args, **kwargs) -> None:
    """Run fn after the current transaction commits, or at once when none is open."""
    transaction.on_commit(lambda: fn(*args, **kwargs))
