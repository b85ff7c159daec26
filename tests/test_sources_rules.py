"""The two SQL forms of each column rule agree: the flat proof a reader runs on every row
(`sql_valid`) never passes a value the exact check (`sql_invalid`) refuses, and passes
every value it accepts (but an integer beyond 32 bits, left to the exact check)."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.sources import bpe, census, filosofi, gtfs, ops, rpls, sne
from data.sources.fields import ACCEPTS_ALL, Rule

READER_FIELDS = [
    *rpls.fields(2024),
    *ops.fields(2024),
    *sne.fields(2024),
    *sne.fields(None),
    *filosofi.fields(2021),
    *bpe.fields(2024),
    *census.fields(2021),
    *gtfs.FIELDS,
]
RULES: dict[str, Rule] = {repr(field.rule): field.rule for field in READER_FIELDS}
BEYOND_INTEGER = re.compile(r"-?[0-9]+")
TRICKY = [
    "3", "-3", "+3", "3.0", "3,5", ".5", "5.", "-.5", "3e0", "0x3", "1_000", "inf", "nan",
    "-", ".", ",", "007", "99999999999", "-2147483649", "2147483647", "01/2019", "13/2019",
    "1/2019", "2019", "59512", "2A004", "2C004", "5951", "0103", "QN05912M", "Q1", "900000001",
    "C", "c", "1", "0", "A", "H", "D131", "Z131", "2024", "1899", "90.0", "-180", "180.5",
]  # fmt: skip
VALUE = st.text(alphabet="0123456789-+.,/eExAQN_C", min_size=1, max_size=14)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def assert_agree(con, values: list[str]) -> None:
    """Every rule over every value, in one query."""
    rules = list(RULES.values())
    judged = ", ".join(f"{rule.sql_valid('value')}, {rule.sql_invalid('value')}" for rule in rules)
    rows = con.execute(
        f"SELECT value, {judged} FROM (SELECT unnest(?::VARCHAR[]) AS value)", [values]
    ).fetchall()
    for value, *verdicts in rows:
        beyond = BEYOND_INTEGER.fullmatch(value) and abs(int(value)) > 2**31 - 1
        for rule, proven, refused in zip(rules, verdicts[::2], verdicts[1::2], strict=True):
            assert not (proven and refused), f"{rule}: {value!r} passed by sql_valid"
            if not refused:
                assert proven or (proven is None and beyond), f"{rule}: {value!r} not proven"


def test_every_reader_rule_has_both_forms(con) -> None:
    assert len(RULES) > 10
    assert all(rule.sql_valid("value") for rule in RULES.values())
    text = [rule for rule in RULES.values() if rule.sql_valid("value") == ACCEPTS_ALL]
    assert text and all(rule.sql_invalid("value") == "false" for rule in text)


def test_tricky_values_are_judged_alike(con) -> None:
    assert_agree(con, TRICKY)


@settings(max_examples=40, deadline=None)
@given(st.lists(VALUE, min_size=1, max_size=40))
def test_any_value_is_judged_alike(con, values: list[str]) -> None:
    assert_agree(con, values)


def test_a_null_value_is_left_to_the_field(con) -> None:
    """NULL (an empty cell) gives NULL, so that the reader applies `required` itself."""
    for rule in RULES.values():
        valid = rule.sql_valid("CAST(NULL AS VARCHAR)")
        (result,) = con.execute(f"SELECT {valid}").fetchone()
        assert result is (True if valid == ACCEPTS_ALL else None), rule
