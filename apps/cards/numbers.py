"""Card number arithmetic: check digits, the series format, and making numbers. Pure functions, no database."""
from __future__ import annotations

import random
import re

from . import errors
from .choices import LUHN_METHODS, MOD7_METHODS, RANDOM_METHODS

MIN_LENGTH = 5
MAX_LENGTH = 150
AFFIX_MAX_LENGTH = 50
STANDARD_TEXT = re.compile(r"^[A-Za-z0-9]*$")


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits + it` pass the Luhn (mod 10) check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # these get doubled once the check digit is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    return len(digits) >= 2 and digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


def mod7_check_digit(digits: str) -> str:
    return str(int(digits) % 7)


def has_check_digit(method: str) -> bool:
    return method in LUHN_METHODS or method in MOD7_METHODS


def check_digit(method: str, payload: str) -> str:
    return luhn_check_digit(payload) if method in LUHN_METHODS else mod7_check_digit(payload)


def body_length(*, prefix: str, suffix: str, length: int) -> int:
    return length - len(prefix) - len(suffix)


def payload_length(*, prefix: str, suffix: str, length: int, method: str) -> int:
    """Digits the generator chooses (the body less its check digit)."""
    return body_length(prefix=prefix, suffix=suffix, length=length) - (1 if has_check_digit(method) else 0)


def config_validate(*, prefix: str, suffix: str, length: int, method: str) -> None:
    """Refuse a generation config no number can satisfy (the platform's 3022/3023/3024/3028/704 codes)."""
    if len(prefix) > AFFIX_MAX_LENGTH or not STANDARD_TEXT.match(prefix):
        raise errors.PrefixInvalid(field="prefix")
    if len(suffix) > AFFIX_MAX_LENGTH or not STANDARD_TEXT.match(suffix):
        raise errors.SuffixInvalid(field="suffix")
    if length > MAX_LENGTH:
        raise errors.CardNumberTooLong(field="length")
    if length < MIN_LENGTH:
        raise errors.CardLengthTooShort(field="length")
    if payload_length(prefix=prefix, suffix=suffix, length=length, method=method) < 1:
        raise errors.GenerationLengthInvalid(field="length")


def capacity(*, prefix: str, suffix: str, length: int, method: str) -> int:
    """How many distinct numbers the config allows."""
    return 10 ** max(0, payload_length(prefix=prefix, suffix=suffix, length=length, method=method))


def compose(*, prefix: str, suffix: str, method: str, payload: str) -> str:
    """prefix + payload (+ check digit over prefix digits and payload) + suffix."""
    if has_check_digit(method):
        payload += check_digit(method, _digits(prefix) + payload)
    return f"{prefix}{payload}{suffix}"


def sequential(*, prefix: str, suffix: str, length: int, method: str, start: int, count: int) -> list[str]:
    width = payload_length(prefix=prefix, suffix=suffix, length=length, method=method)
    return [compose(prefix=prefix, suffix=suffix, method=method, payload=str(n).zfill(width))
            for n in range(start, start + count)]


def random_numbers(*, prefix: str, suffix: str, length: int, method: str, count: int,
                   rng: random.Random | None = None) -> list[str]:
    rng = rng or random.SystemRandom()
    width = payload_length(prefix=prefix, suffix=suffix, length=length, method=method)
    count = min(count, capacity(prefix=prefix, suffix=suffix, length=length, method=method))
    out: set[str] = set()
    attempts = 50 * count + 100  # a nearly full number space gives up here; the caller retries or reports
    while len(out) < count and attempts > 0:
        attempts -= 1
        out.add(compose(prefix=prefix, suffix=suffix, method=method,
                        payload="".join(rng.choice("0123456789") for _ in range(width))))
    return list(out)


def is_random(method: str) -> bool:
    return method in RANDOM_METHODS


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def number_problem(*, number: str, prefix: str, suffix: str, length: int, method: str) -> str | None:
    """Why a number does not fit a series' format (None when it fits, or the series has no format)."""
    if length <= 0:
        return None
    if len(number) != length:
        return f"expected {length} characters, got {len(number)}"
    if not number.startswith(prefix):
        return f"expected prefix {prefix!r}"
    if suffix and not number.endswith(suffix):
        return f"expected suffix {suffix!r}"
    body = number[len(prefix):len(number) - len(suffix)]
    if not body.isdigit():
        return "the part between prefix and suffix must be digits"
    if has_check_digit(method):
        payload, given = body[:-1], body[-1]
        if check_digit(method, _digits(prefix) + payload) != given:
            return "check digit is wrong"
    return None
