from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auth.dates import format_datetime, french_date
from layouts.formatting import (
    EXACT,
    NBSP,
    format_number,
    format_range,
    format_value,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (1234.5, 1, f"1{NBSP}234,5"),
        (1234567, 0, f"1{NBSP}234{NBSP}567"),
        (12.345, 2, "12,35"),
        (-0.04, 1, "0,0"),
        (999.96, 1, f"1{NBSP}000,0"),
        (1e30, 2, "1" + f"{NBSP}000" * 10 + ",00"),
    ],
)
def test_format_number_is_french(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (6.25, 1, "6,3"),
        (0.125, 2, "0,13"),
        (2.5, 0, "3"),
        (1.005, 2, "1,01"),  # the float lies just below 1.005: rounded as written
        (2.675, 2, "2,68"),
        (-1234.25, 1, f"-1{NBSP}234,3"),
        (-0.05, 1, "-0,1"),
    ],
)
def test_format_number_rounds_halves_up(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_format_number_refuses_non_finite_numbers(value: float) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        format_number(value, 1)


def test_format_number_refuses_negative_decimals() -> None:
    with pytest.raises(ValueError, match="decimals"):
        format_number(1.0, -1)


def test_format_value_with_unit_status_and_missing() -> None:
    assert format_value(12.34, "%", 1) == f"12,3{NBSP}%"
    assert format_value(1234, "logements") == f"1{NBSP}234{NBSP}logements"
    assert format_value(None, "%", 1) == "n.d."
    assert format_value(float("nan"), "%", 1) == "n.d."
    assert format_value(12.0, "%", 1, status="nd") == "n.d."
    assert format_value(12.0, "%", 1, status="secret") == "secret"
    assert format_value(None, "%", 1, status="secret") == "secret"


def test_stored_utc_moments_are_shown_in_french_time() -> None:
    assert format_datetime(datetime(2026, 1, 15, 22, 30)) == "15/01/2026 23:30"  # UTC+1
    assert format_datetime(datetime(2026, 7, 14, 22, 30, 5), seconds=True) == "15/07/2026 00:30:05"


def test_format_range_and_date() -> None:
    assert format_range(1.25, 3.5, "%", 1) == f"1,3 – 3,5{NBSP}%"
    assert format_range(1000, 2000) == f"1{NBSP}000 – 2{NBSP}000"
    assert french_date(date(2021, 3, 4)) == "04/03/2021"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_format_number_round_trips(value: float, decimals: int) -> None:
    text = format_number(value, decimals)
    assert "." not in text
    parsed = float(text.replace(NBSP, "").replace(",", "."))
    assert parsed == pytest.approx(value, abs=10**-decimals)  # rounding moves it by half of that


def exact_half_up(value: float, decimals: int) -> str:
    """The reference: the repr rounded half up with decimal arithmetic."""
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP, context=EXACT)
    text = f"{rounded.copy_abs() if rounded == 0 else rounded:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


@given(
    st.one_of(
        st.floats(min_value=-1e13, max_value=1e13, allow_nan=False),
        st.integers(-(10**6), 10**6).map(lambda n: n / 1000),  # ties: x.xx5 written
        st.integers(-(10**5), 10**5).map(lambda n: n / 200),
    ),
    st.integers(0, 4),
)
def test_format_number_fast_path_rounds_as_the_decimal_reference(
    value: float, decimals: int
) -> None:
    assert format_number(value, decimals) == exact_half_up(value, decimals)
