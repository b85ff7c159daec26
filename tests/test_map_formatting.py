from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layouts.formatting import (
    NBSP,
    format_date,
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
        (-1234.25, 1, f"-1{NBSP}234,2"),
        (-0.04, 1, "0,0"),
        (999.96, 1, f"1{NBSP}000,0"),
    ],
)
def test_format_number_is_french(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


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


def test_format_range_and_date() -> None:
    assert format_range(1.25, 3.5, "%", 1) == f"1,2 – 3,5{NBSP}%"
    assert format_range(1000, 2000) == f"1{NBSP}000 – 2{NBSP}000"
    assert format_date(date(2021, 3, 4)) == "04/03/2021"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_format_number_round_trips(value: float, decimals: int) -> None:
    text = format_number(value, decimals)
    assert "." not in text
    parsed = float(text.replace(NBSP, "").replace(",", "."))
    assert parsed == pytest.approx(round(value, decimals), abs=10**-decimals)
