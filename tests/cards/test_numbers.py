"""Card number arithmetic: Luhn and mod-7 check digits, the series format, generation configs."""
import random

import pytest

from apps.cards import errors, numbers
from apps.cards.choices import GenerationMethod as M


@pytest.mark.parametrize("number", ["79927398713", "4539578763621486", "4111111111111111", "0000000000000000"])
def test_known_luhn_numbers_pass(number):
    assert numbers.luhn_valid(number)
    assert numbers.luhn_check_digit(number[:-1]) == number[-1]


@pytest.mark.parametrize("number", ["79927398710", "4539578763621487", "4111111111111112", "12", "abc1"])
def test_altered_luhn_numbers_fail(number):
    assert not numbers.luhn_valid(number)


def test_every_single_digit_change_breaks_luhn():
    number = "4539578763621486"
    for position in range(len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                altered = number[:position] + digit + number[position + 1:]
                assert not numbers.luhn_valid(altered), altered


def test_sequential_numbers_have_prefix_suffix_length_and_check_digit():
    made = numbers.sequential(prefix="GC", suffix="X", length=12, method=M.LUHN, start=7, count=3)
    assert made == [numbers.compose(prefix="GC", suffix="X", method=M.LUHN, payload=f"{n:08d}") for n in (7, 8, 9)]
    for number in made:
        assert len(number) == 12 and number.startswith("GC") and number.endswith("X")
        assert numbers.luhn_valid(number[2:-1])  # prefix has no digits: the check covers the body
        assert numbers.number_problem(number=number, prefix="GC", suffix="X", length=12, method=M.LUHN) is None


def test_luhn_check_digit_covers_numeric_prefix():
    number = numbers.compose(prefix="8901", suffix="", method=M.LUHN, payload="00000000123")
    assert len(number) == 16 and numbers.luhn_valid(number)


def test_mod7_check_digit():
    number = numbers.compose(prefix="", suffix="", method=M.MOD7, payload="000100")
    assert number == "000100" + str(100 % 7)
    assert numbers.number_problem(number=number, prefix="", suffix="", length=7, method=M.MOD7) is None
    wrong = number[:-1] + str((int(number[-1]) + 1) % 7)
    assert numbers.number_problem(number=wrong, prefix="", suffix="", length=7, method=M.MOD7) == "check digit is wrong"


def test_random_numbers_are_distinct_and_valid():
    made = numbers.random_numbers(prefix="R", suffix="", length=10, method=M.RANDOM_LUHN, count=50,
                                  rng=random.Random(1))
    assert len(set(made)) == 50
    assert all(numbers.number_problem(number=n, prefix="R", suffix="", length=10, method=M.RANDOM_LUHN) is None
               for n in made)


@pytest.mark.parametrize("number,problem", [
    ("GC00000001", "expected 12 characters, got 10"),
    ("XX0000000017", "expected prefix 'GC'"),
    ("GC00000A0017", "the part between prefix and suffix must be digits"),
    ("GC0000000017", "check digit is wrong"),
])
def test_number_problems_are_named(number, problem):
    assert numbers.number_problem(number=number, prefix="GC", suffix="", length=12, method=M.LUHN) == problem


def test_series_without_format_accepts_any_number():
    assert numbers.number_problem(number="anything", prefix="", suffix="", length=0, method=M.DEFAULT) is None


@pytest.mark.parametrize("kwargs,error", [
    ({"prefix": "G-1"}, errors.PrefixInvalid),
    ({"suffix": "é"}, errors.SuffixInvalid),
    ({"prefix": "P" * 51}, errors.PrefixInvalid),
    ({"length": 151}, errors.CardNumberTooLong),
    ({"length": 4}, errors.CardLengthTooShort),
    ({"prefix": "ABCDE", "length": 5}, errors.GenerationLengthInvalid),
    ({"prefix": "ABCD", "length": 5, "method": M.LUHN}, errors.GenerationLengthInvalid),
])
def test_impossible_configs_are_refused(kwargs, error):
    config = {"prefix": "", "suffix": "", "length": 10, "method": M.DEFAULT, **kwargs}
    with pytest.raises(error):
        numbers.config_validate(**config)


def test_capacity():
    assert numbers.capacity(prefix="AB", suffix="", length=5, method=M.DEFAULT) == 1000
    assert numbers.capacity(prefix="AB", suffix="", length=5, method=M.LUHN) == 100
