"""The finder's permalink: parsed from anything the browser sends, written back the same."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from data.store.finder_types import ColumnFilter, NumberCondition, SortKey, TextCondition
from layouts.finder_state import finder_query_string, parse_finder_query, with_grid_request

FILTERS = {
    "parc__dwellings": {"filterType": "number", "type": "greaterThan", "filter": 50},
    "commune": {
        "filterType": "text",
        "operator": "OR",
        "conditions": [
            {"filterType": "text", "type": "contains", "filter": "roubaix"},
            {"filterType": "text", "type": "equals", "filter": "Lille"},
        ],
    },
}


def test_a_permalink_reads_back_as_it_was_written() -> None:
    search = (
        "?colonnes=name,commune,parc__dwellings&tri=parc__vacancy_rate_offered:desc,name:asc"
        f"&filtres={quote(json.dumps(FILTERS))}&q=lilas&zone=commune:59512"
        "&zone_visible=3.1,50.6,3.2,50.7"
    )
    state = parse_finder_query(search)
    assert state.columns == ("name", "commune", "parc__dwellings")
    assert state.query.sort == (SortKey("parc__vacancy_rate_offered", True), SortKey("name"))
    assert state.query.filters == (
        ColumnFilter("parc__dwellings", (NumberCondition("greaterThan", 50.0),)),
        ColumnFilter(
            "commune",
            (TextCondition("contains", "roubaix"), TextCondition("equals", "Lille")),
            "OR",
        ),
    )
    assert state.query.quick == "lilas" and state.query.zone == ("commune", "59512")
    assert state.query.bbox == (3.1, 50.6, 3.2, 50.7)
    assert parse_finder_query(finder_query_string(state)) == state


@pytest.mark.parametrize(
    "search",
    [
        "?filtres=not-json",
        "?filtres="
        + quote(json.dumps({"x": {"filterType": "number", "type": "drop", "filter": 1}})),
        "?filtres="
        + quote(json.dumps({"x": {"filterType": "number", "type": "equals", "filter": "nan"}})),
        "?zone=departement:59",
        "?zone=commune:59512;DROP",
        "?zone_visible=3.2,50.6,3.1,50.7",
        "?zone_visible=1,2,3",
    ],
)
def test_a_malformed_part_is_dropped_not_an_error(search: str) -> None:
    state = parse_finder_query(search)
    assert state.query.zone is None and state.query.bbox is None
    assert all(
        condition.value is not None
        for column_filter in state.query.filters
        for condition in column_filter.conditions
    )


def test_the_grid_request_replaces_filters_and_sort_but_keeps_the_zone() -> None:
    state = parse_finder_query("?zone=iris:595120101&q=old")
    request = {"filterModel": FILTERS, "sortModel": [{"colId": "parc__dwellings", "sort": "desc"}]}
    updated = with_grid_request(state, request, "nouveau")
    assert updated.query.zone == ("iris", "595120101")
    assert updated.query.quick == "nouveau"
    assert updated.query.sort == (SortKey("parc__dwellings", True),)
    assert len(updated.query.filters) == 2
