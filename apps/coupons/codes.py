"""Coupon code generation: random codes from an alphabet without look-alike characters, with prefix and suffix."""
from __future__ import annotations

import secrets

# No 0/O, 1/I/L: codes are read aloud at tills and typed from SMS.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MIN_LENGTH, MAX_LENGTH = 4, 32


def code_generate(*, length: int, prefix: str = "", suffix: str = "") -> str:
    """One random code of `length` random characters between the prefix and the suffix."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"{prefix}{body}{suffix}"


def codes_generate(*, count: int, length: int, prefix: str = "", suffix: str = "") -> list[str]:
    """`count` distinct random codes (distinct among themselves; the database decides against existing ones)."""
    out: set[str] = set()
    alphabet_size = len(ALPHABET)
    while len(out) < count:
        need = count - len(out)
        raw = secrets.token_bytes(need * length)
        for i in range(need):
            chunk = raw[i * length:(i + 1) * length]
            # Bytes map onto the alphabet with a negligible modulo bias (256 % 31 = 8 of 256).
            out.add(prefix + "".join(ALPHABET[b % alphabet_size] for b in chunk) + suffix)
    return list(out)


def code_normalise(code) -> str:
    """Codes are matched case-insensitively: stored and looked up in upper case, spaces trimmed."""
    return str(code or "").strip().upper()
