"""Rules for the columns of delimited files, each written once as SQL and once in words.

A rule's `sql_valid(column)` is a DuckDB boolean expression, true when a non-empty value
follows the rule: flat (no CASE), it never raises and runs over millions of rows, one AND
per file. Only a row it does not prove valid is checked again by `sql_invalid(column)`,
true when the value breaks the rule, which tells which field is wrong. `problem(value)`
phrases the same rule for the one value reported to the data officer.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

INTEGER = r"-?[0-9]+"
INTEGER_LIMITS = (-(2**31), 2**31 - 1)  # DuckDB's INTEGER, as integers are read
DECIMAL_POINT = r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
DECIMAL_ANY = r"-?([0-9]+([.,][0-9]*)?|[.,][0-9]+)"
DEPCOM = r"[0-9]{5}|2[AB][0-9]{3}"
IRIS_CODE = r"([0-9]{5}|2[AB][0-9]{3})[0-9]{4}"
QPV_CODE = r"Q[A-Z0-9]{4,12}"
SIREN = r"[0-9]{9}"
# Lambert-93 covers mainland France within these bounds (metres).
LAMBERT93_X = (50_000, 1_300_000)
LAMBERT93_Y = (6_000_000, 7_200_000)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def as_number(column: str) -> str:
    """SQL turning a decimal (point or comma) into a DOUBLE (NULL if not one: the row is
    refused by its rule anyway)."""
    return f"TRY_CAST(replace({column}, ',', '.') AS DOUBLE)"


def as_integer(column: str) -> str:
    return f"TRY_CAST({column} AS INTEGER)"


# The `sql_valid` of a rule that accepts any value.
ACCEPTS_ALL = "true"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _quoted(value: str) -> str:
    return f"« {value} »"


class Rule:
    def sql_valid(self, column: str) -> str:
        """True when the non-empty value follows the rule, never for one that breaks it;
        false or NULL for a value beyond what it proves (the row is then checked by
        `sql_invalid`). NULL for NULL, unless it is `ACCEPTS_ALL`. It never raises."""
        raise NotImplementedError

    def sql_invalid(self, column: str) -> str:
        raise NotImplementedError

    def problem(self, value: str) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Rule):
    """Any text."""

    def sql_valid(self, column: str) -> str:
        return ACCEPTS_ALL

    def sql_invalid(self, column: str) -> str:
        return "false"

    def problem(self, value: str) -> str:
        return "valeur refusée"


@dataclass(frozen=True)
class Codes(Rule):
    """One value of a code list."""

    codes: Collection[str]

    def sql_valid(self, column: str) -> str:
        listed = ", ".join(sql_string(code) for code in self.codes)
        return f"{column} IN ({listed})"

    def sql_invalid(self, column: str) -> str:
        listed = ", ".join(sql_string(code) for code in self.codes)
        return f"{column} NOT IN ({listed})"

    def problem(self, value: str) -> str:
        return f"code inconnu {_quoted(value)} (codes admis : {', '.join(self.codes)})"


@dataclass(frozen=True)
class Pattern(Rule):
    """A value of a fixed shape, e.g. a commune code."""

    regex: str
    expected: str

    def sql_valid(self, column: str) -> str:
        return f"regexp_full_match({column}, {sql_string(self.regex)})"

    def sql_invalid(self, column: str) -> str:
        return f"NOT regexp_full_match({column}, {sql_string(self.regex)})"

    def problem(self, value: str) -> str:
        return f"valeur {_quoted(value)} invalide (attendu : {self.expected})"


@dataclass(frozen=True)
class Number(Rule):
    """A number within bounds; `integer` forbids decimals, `comma` accepts a decimal comma."""

    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    comma: bool = False
    what: str = ""

    @property
    def limits(self) -> tuple[float | None, float | None]:
        """The bounds checked: an integer is read as an INTEGER, so it never lies beyond
        that type's range (a bigger value would be read as NULL)."""
        if not self.integer:
            return self.minimum, self.maximum
        low, high = INTEGER_LIMITS
        return (
            low if self.minimum is None else max(self.minimum, low),
            high if self.maximum is None else min(self.maximum, high),
        )

    @property
    def regex(self) -> str:
        if self.integer:
            return INTEGER
        return DECIMAL_ANY if self.comma else DECIMAL_POINT

    def _bounds_sql(self, column: str) -> list[str]:
        value = f"CAST({column} AS HUGEINT)" if self.integer else as_number(column)
        minimum, maximum = self.limits
        tests = []
        if minimum is not None:
            tests.append(f"{value} < {minimum}")
        if maximum is not None:
            tests.append(f"{value} > {maximum}")
        return tests

    def sql_valid(self, column: str) -> str:
        shape = f"regexp_full_match({column}, {sql_string(self.regex)})"
        # The reader's own cast (shared with its SELECT list): a value of the right shape
        # beyond INTEGER is NULL here, hence not proven valid, and left to `sql_invalid`.
        value = as_integer(column) if self.integer else as_number(column)
        minimum, maximum = self.limits
        tests = [shape]
        if minimum is not None:
            tests.append(f"{value} >= {minimum}")
        if maximum is not None:
            tests.append(f"{value} <= {maximum}")
        return "(" + " AND ".join(tests) + ")"

    def sql_invalid(self, column: str) -> str:
        shape = f"NOT regexp_full_match({column}, {sql_string(self.regex)})"
        bounds = self._bounds_sql(column)
        if not bounds:
            return shape
        # CASE keeps the cast away from values of the wrong shape.
        return f"(CASE WHEN {shape} THEN true ELSE {' OR '.join(bounds)} END)"

    def _kind(self) -> str:
        if self.integer:
            return self.what or "nombre entier"
        separator = "virgule ou point décimal" if self.comma else "point décimal"
        return f"{self.what or 'nombre'} ({separator})"

    def _range(self) -> str:
        minimum, maximum = self.limits
        low = "" if minimum is None else _plain(minimum)
        high = "" if maximum is None else _plain(maximum)
        if low and high:
            return f"entre {low} et {high}"
        return f"au moins {low}" if low else f"au plus {high}"

    def problem(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            return f"valeur {_quoted(value)} invalide (attendu : {self._kind()})"
        return f"valeur {_quoted(value)} hors limites (attendu : {self._kind()} {self._range()})"


def year(minimum: int, maximum: int) -> Number:
    """A year between two bounds (a vintage year as upper bound refuses future dates)."""
    return Number(minimum, maximum, integer=True, what="année")


@dataclass(frozen=True)
class MonthYear(Rule):
    """A month `MM/AAAA` (RPLS dates: `BAIL`, `REMLOCDATE`), its year within bounds;
    `year_alone` also accepts a bare year `AAAA` (older feeds give only the year)."""

    minimum: int
    maximum: int
    year_alone: bool = False

    @property
    def regex(self) -> str:
        month = r"(0[1-9]|1[0-2])/[0-9]{4}"
        return f"({month}|[0-9]{{4}})" if self.year_alone else month

    def sql_valid(self, column: str) -> str:
        shape = f"regexp_full_match({column}, {sql_string(self.regex)})"
        value = year_of_month(column)
        return f"({shape} AND {value} BETWEEN {self.minimum} AND {self.maximum})"

    def sql_invalid(self, column: str) -> str:
        shape = f"NOT regexp_full_match({column}, {sql_string(self.regex)})"
        value = f"CAST(right({column}, 4) AS INTEGER)"
        bounds = f"{value} < {self.minimum} OR {value} > {self.maximum}"
        return f"(CASE WHEN {shape} THEN true ELSE {bounds} END)"

    def problem(self, value: str) -> str:
        expected = "mois MM/AAAA" + (" ou année AAAA" if self.year_alone else "")
        if not re.fullmatch(self.regex, value):
            return f"valeur {_quoted(value)} invalide (attendu : {expected})"
        return (
            f"valeur {_quoted(value)} hors limites (attendu : année entre {self.minimum} "
            f"et {self.maximum})"
        )


def year_of_month(column: str) -> str:
    """SQL: the year of a `MonthYear` value."""
    return f"TRY_CAST(right({column}, 4) AS INTEGER)"


def first_day_of_month(column: str) -> str:
    """SQL: the first day of the month of a `MM/AAAA` value, as a DATE (NULL if not one:
    the row is refused by its rule anyway)."""
    return f"TRY_CAST(right({column}, 4) || '-' || left({column}, 2) || '-01' AS DATE)"


def flag() -> Codes:
    return Codes(("0", "1"))


@dataclass(frozen=True)
class Equals(Rule):
    """The value the file name already announces (the vintage year of a stacked file)."""

    expected: str
    origin: str

    def sql_valid(self, column: str) -> str:
        return f"{column} = {sql_string(self.expected)}"

    def sql_invalid(self, column: str) -> str:
        return f"{column} <> {sql_string(self.expected)}"

    def problem(self, value: str) -> str:
        return f"valeur {_quoted(value)} différente de {self.expected} ({self.origin})"


def vintage_column(file_year: int | None) -> Rule:
    """The year column of a file (SNE `ANNEE`, BPE `AN`): the year of its file name."""
    if file_year is None:
        return year(1900, 2100)
    return Equals(str(file_year), "année du nom de fichier")


@dataclass(frozen=True)
class Field:
    """One raw column: its name in the file, its rule, whether a value is required.

    `alias` is its name in SQL once read (lower case by default); `optional` columns may be
    absent from the file (read as empty); `missing_markers` are read as empty values
    (Filosofi's `ns`/`nd`).
    """

    name: str
    rule: Rule = Text()
    required: bool = False
    optional: bool = False
    alias: str = ""
    missing_markers: tuple[str, ...] = ()

    @property
    def sql_name(self) -> str:
        return self.alias or self.name.lower()
