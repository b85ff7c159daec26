"""The finder's questions and answers as plain values: layouts import them without DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from data.catalog import CATALOG, SIZE_CLASSES

IDENTITY = "identite"  # the group of the columns every signatory sees
NUMBER, TEXT = "number", "text"
NUMBER_OPERATORS = {
    "equals": "=",
    "notEqual": "<>",
    "greaterThan": ">",
    "greaterThanOrEqual": ">=",
    "lessThan": "<",
    "lessThanOrEqual": "<=",
}
TEXT_OPERATORS = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith")
BLANK_OPERATORS = ("blank", "notBlank")
MAX_PAGE = 1000
MAX_QUICK_LENGTH = 100
SIZE_CLASS_LABELS = {size.code: size.label for size in SIZE_CLASSES}
CATALOG_ID = {indicator.column: indicator.id for indicator in CATALOG.values()}


@dataclass(frozen=True)
class FinderColumn:
    """A column of the finder: a field of its rows, shown with a French label."""

    field: str  # the row key, the SQL alias and the permalink's name of the column
    label: str
    kind: str  # NUMBER or TEXT
    theme: str  # IDENTITY, or the catalogue's theme whose dataset shows it
    unit: str = ""
    decimals: int = 0
    sql: str = ""  # the expression over the `finder` table (NUMBER: the value)
    status_sql: str = ""  # NUMBER of an indicator: its status in the warehouse
    sort_sql: str = ""  # an expression in the same order as `sql`, cheaper to sort by


@dataclass(frozen=True)
class NumberCondition:
    operator: str  # a key of NUMBER_OPERATORS, "inRange", or one of BLANK_OPERATORS
    value: float | None = None
    value_to: float | None = None


@dataclass(frozen=True)
class TextCondition:
    operator: str  # one of TEXT_OPERATORS or BLANK_OPERATORS
    text: str = ""


@dataclass(frozen=True)
class ColumnFilter:
    field: str
    conditions: tuple[NumberCondition | TextCondition, ...]
    join: str = "AND"  # or "OR"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class FinderQuery:
    """What the user asked the finder for (checked again here against the scope's columns:
    a filter or sort on a column the scope does not see is dropped)."""

    filters: tuple[ColumnFilter, ...] = ()
    sort: tuple[SortKey, ...] = ()
    quick: str = ""
    zone: tuple[str, str] | None = None  # (scale, code): commune, iris or qpv
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    residence_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FinderPage:
    rows: list[dict[str, Any]]
    total: int
    columns: tuple[FinderColumn, ...] = field(default=())


ZONE_COLUMNS = {"commune": "commune_code", "iris": "iris_code", "qpv": "qpv_code"}
