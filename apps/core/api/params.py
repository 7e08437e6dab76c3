"""Reading the platform's loosely typed query and body values, the same way in every API version."""
from __future__ import annotations


def flag(value, default: bool = False) -> bool:
    """The platform's boolean query/body values: true/false in any case, 1/0, yes/no; anything else is the default."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return default
