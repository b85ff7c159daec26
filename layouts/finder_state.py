"""The finder's state and its permalink: pure parse and serialize functions.

The query string carries the chosen columns, the sort, the column filters (AG Grid's
filter model, as JSON), the quick search, a zone and a map area, e.g.

    /residences?colonnes=name,commune,parc__dwellings&tri=parc__vacancy_rate_offered:desc
     &filtres={"parc__dwellings":{"filterType":"number","type":"greaterThan","filter":50}}
     &q=lilas&zone=commune:59512&zone_visible=3.10,50.66,3.20,50.72

Everything comes from the browser: malformed parts are dropped, never an error; the store
checks the columns again against the user's scope.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from data.store.finder_types import (
    BLANK_OPERATORS,
    MAX_QUICK_LENGTH,
    NUMBER_OPERATORS,
    TEXT_OPERATORS,
    ZONE_COLUMNS,
    ColumnFilter,
    FinderQuery,
    NumberCondition,
    SortKey,
    TextCondition,
)

MAX_FILTER_JSON = 4000
MAX_FIELDS = 100
MAX_CODE_LENGTH = 40


@dataclass(frozen=True)
class FinderState:
    query: FinderQuery = field(default_factory=FinderQuery)
    columns: tuple[str, ...] = ()  # chosen columns; empty: the default preset
    filter_model: dict[str, Any] | None = None  # as AG Grid sends it, after checking


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _condition(model: object) -> NumberCondition | TextCondition | None:
    if not isinstance(model, dict):
        return None
    operator = model.get("type")
    kind = model.get("filterType")
    if operator in BLANK_OPERATORS:
        return NumberCondition(operator) if kind == "number" else TextCondition(operator)
    if kind == "number" and (operator in NUMBER_OPERATORS or operator == "inRange"):
        value, value_to = _number(model.get("filter")), _number(model.get("filterTo"))
        if value is None or (operator == "inRange" and value_to is None):
            return None
        return NumberCondition(operator, value, value_to)
    if kind == "text" and operator in TEXT_OPERATORS and isinstance(model.get("filter"), str):
        return TextCondition(operator, model["filter"][:MAX_QUICK_LENGTH])
    return None


def filters_from_model(filter_model: object) -> tuple[ColumnFilter, ...]:
    """AG Grid's filter model ({field: {filterType, type, filter[, filterTo]}}, or with
    `operator` and `conditions`) as the store's filters; anything malformed is dropped."""
    if not isinstance(filter_model, dict):
        return ()
    filters: list[ColumnFilter] = []
    for name, model in list(filter_model.items())[:MAX_FIELDS]:
        if not isinstance(name, str) or not isinstance(model, dict):
            continue
        raw = model.get("conditions") if "conditions" in model else [model]
        if not isinstance(raw, list):
            continue
        conditions = tuple(c for c in (_condition(item) for item in raw[:2]) if c is not None)
        if conditions:
            join = "OR" if model.get("operator") == "OR" else "AND"
            filters.append(ColumnFilter(name, conditions, join))
    return tuple(filters)


def sort_from_model(sort_model: object) -> tuple[SortKey, ...]:
    """AG Grid's sort model ([{colId, sort}]) as the store's sort keys."""
    if not isinstance(sort_model, list):
        return ()
    return tuple(
        SortKey(item["colId"], item.get("sort") == "desc")
        for item in sort_model[:MAX_FIELDS]
        if isinstance(item, dict) and isinstance(item.get("colId"), str)
    )


def _parse_sort(text: str) -> tuple[SortKey, ...]:
    keys = []
    for part in text.split(",")[:MAX_FIELDS]:
        name, _, direction = part.partition(":")
        if name:
            keys.append(SortKey(name, direction == "desc"))
    return tuple(keys)


def _parse_zone(text: str | None) -> tuple[str, str] | None:
    scale, _, code = (text or "").partition(":")
    if scale in ZONE_COLUMNS and 0 < len(code) <= MAX_CODE_LENGTH and code.isalnum():
        return (scale, code)
    return None


def _parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    parts = [_number(part) for part in (text or "").split(",")]
    if len(parts) != 4 or any(part is None for part in parts):
        return None
    west, south, east, north = (float(part) for part in parts)  # type: ignore[arg-type]
    return (west, south, east, north) if west < east and south < north else None


def _parse_filter_json(text: str | None) -> dict[str, Any] | None:
    if not text or len(text) > MAX_FILTER_JSON:
        return None
    try:
        model = json.loads(text)
    except ValueError:
        return None
    return model if isinstance(model, dict) and filters_from_model(model) else None


def parse_finder_query(search: str | None) -> FinderState:
    """The finder state a permalink's query string describes."""
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

    def one(name: str) -> str:
        values = query.get(name)
        return values[0] if values else ""

    filter_model = _parse_filter_json(one("filtres"))
    columns = tuple(name for name in one("colonnes").split(",") if name)[:MAX_FIELDS]
    return FinderState(
        query=FinderQuery(
            filters=filters_from_model(filter_model),
            sort=_parse_sort(one("tri")),
            quick=one("q")[:MAX_QUICK_LENGTH],
            zone=_parse_zone(one("zone")),
            bbox=_parse_bbox(one("zone_visible")),
        ),
        columns=columns,
        filter_model=filter_model,
    )


def with_grid_request(state: FinderState, request: object, quick: str | None) -> FinderState:
    """The state after the grid asked for rows (its filter and sort models) with the
    quick search typed."""
    request = request if isinstance(request, dict) else {}
    filter_model = (
        request.get("filterModel") if isinstance(request.get("filterModel"), dict) else None
    )
    query = replace(
        state.query,
        filters=filters_from_model(filter_model),
        sort=sort_from_model(request.get("sortModel")),
        quick=(quick or "")[:MAX_QUICK_LENGTH],
    )
    return replace(state, query=query, filter_model=filter_model or None)


def finder_query_string(state: FinderState) -> str:
    """The query string of a finder state ("?colonnes=..."), parameters in a fixed order."""
    params: list[tuple[str, str]] = []
    if state.columns:
        params.append(("colonnes", ",".join(state.columns)))
    if state.query.sort:
        params.append(
            (
                "tri",
                ",".join(
                    f"{k.field}:{'desc' if k.descending else 'asc'}" for k in state.query.sort
                ),
            )
        )
    if state.filter_model:
        params.append(("filtres", json.dumps(state.filter_model, separators=(",", ":"))))
    if state.query.quick:
        params.append(("q", state.query.quick))
    if state.query.zone:
        params.append(("zone", ":".join(state.query.zone)))
    if state.query.bbox:
        params.append(("zone_visible", ",".join(f"{v:.5f}" for v in state.query.bbox)))
    return "?" + urlencode(params, safe=",:") if params else ""
