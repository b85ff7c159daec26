"""The residence layer's hideout holds the points loaded, not the whole territory: cut
from the whole one (`layouts.choropleth.area_hideout`), sent with a new view for the area
loaded (the state's round trip) and with a new area for its points (the layer's)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dash import Dash
from hypothesis import given
from hypothesis import strategies as st

from callbacks.explorer_state import CONTROLS
from callbacks.map_style import loaded_hideout, map_style, map_view
from callbacks.map_viewport import area_points
from data.scope import AccessScope
from data.store.store import Store
from layouts.choropleth import area_hideout
from layouts.ids import MapIds, PageIds
from layouts.views_holder import VIEWS_ATTRIBUTE, views_attribute
from tests.support.panel_requests import MEL as MEL_ADMIN
from tests.support.panel_requests import post_dependency

MEL = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "occupation"}))
ROUBAIX = AccessScope(
    "COM-1", "Roubaix", "commune", frozenset({"parc", "occupation"}), communes=frozenset({"59512"})
)
# central Lille at zoom 15, and Roubaix with its neighbours at zoom 14 (as the browser asks)
LILLE = {"west": 3.04, "south": 50.625, "east": 3.08, "north": 50.642, "zoom": 15}
ROUBAIX_AREA = {"west": 3.13, "south": 50.67, "east": 3.22, "north": 50.71, "zoom": 14}
PARC = {"scale": "residence", "indicator": "parc.dwellings", "year": 2024, "method": "quantile"}
WHOLE = {"classes": "03s-1rn2", "labels": ["1", "2", "", "", "4", "", "", "9"], "title": "T"}


@given(st.lists(st.integers(min_value=-3, max_value=12)))
def test_a_cut_hideout_holds_the_given_points_as_in_the_whole(indices: list[int]) -> None:
    cut = area_hideout(WHOLE, indices)
    inside = {i for i in indices if 0 <= i < len(WHOLE["classes"])}
    assert set(cut["classes"]) == {str(i) for i in inside}
    assert all(cut["classes"][str(i)] == WHOLE["classes"][i] for i in inside)
    # a label where one is shown, the same
    assert cut["labels"] == {str(i): WHOLE["labels"][i] for i in inside if WHOLE["labels"][i]}
    assert cut["title"] == "T"


def test_the_state_styles_the_points_of_the_area_only(store: Store) -> None:
    points = area_points(store, LILLE)
    order = store.map_order("residence")
    assert 0 < len(points) < len(order) / 5
    style = map_style(store, MEL, "residence", "parc.dwellings", 2024, "quantile", points)
    view = map_view(store, MEL, "residence", "parc.dwellings", 2024, "quantile")
    whole = view.drawing.hideout
    assert set(style.residence_hideout["classes"]) == {str(i) for i in points}
    assert all(
        mark == whole["classes"][int(i)] for i, mark in style.residence_hideout["classes"].items()
    )
    assert all(
        whole["labels"][int(i)] == text for i, text in style.residence_hideout["labels"].items()
    )
    # the legend still counts the whole territory
    legend = view.choropleth.legend
    assert sum(c.count for c in legend.classes) + legend.no_value_count == len(order)


def test_a_view_the_browser_cannot_have_gets_no_hideout(store: Store) -> None:
    points = area_points(store, LILLE)
    assert loaded_hideout(store, MEL, PARC, "residence", points)["classes"]
    for view in (None, [], {**PARC, "scale": "commune"}, {**PARC, "year": "2024"},
                 {**PARC, "indicator": ["x"]}, {**PARC, "indicator": "parc.nope"}):  # fmt: skip
        assert loaded_hideout(store, MEL, view, "residence", points) == {}, view


def commune_of(warehouse: Path) -> dict[str, str]:
    rows = duckdb.execute(
        "SELECT residence_id, commune_code FROM read_parquet(?)",
        [str(warehouse / "residences.parquet")],
    ).fetchall()
    return dict(rows)


def test_a_new_area_brings_the_hideout_of_its_points_in_the_users_scope(
    logged_in_client, auth_app: Dash, store: Store, demo_warehouse: Path
) -> None:
    year = store.indicator_years["occupation.single_person"][-1]
    view = {**PARC, "indicator": "occupation.single_person", "year": year}
    area = f"{MapIds.RESIDENCE_AREA}.data"
    values = {area: ROUBAIX_AREA, f"{PageIds.VIEWS}.{VIEWS_ATTRIBUTE}": views_attribute(view, None)}
    answer = post_dependency(
        logged_in_client(auth_app, "roubaix@atlas-demo.fr"),
        f"{MapIds.RESIDENCES}.data",
        values,
        [area],
    )["response"][MapIds.RESIDENCES]
    points = {f["properties"]["i"]: f["properties"]["code"] for f in answer["data"]["features"]}
    hideout = answer["hideout"]
    assert {int(i) for i in hideout["classes"]} == set(points)
    # it says what it was cut for: the browser asks again if that is no longer shown
    assert hideout["for"] == {"view": view, "area": ROUBAIX_AREA}
    communes = commune_of(demo_warehouse)
    outside = {i for i, code in points.items() if communes[code] != "59512"}
    inside = set(points) - outside
    assert outside and inside
    # outside the perimeter: restricted (or secret, or no row), never a value
    marks = [hideout["classes"][str(i)] for i in outside]
    assert "r" in marks and not any(mark.isdigit() for mark in marks)
    assert not outside & {int(i) for i in hideout["labels"]}
    assert any(hideout["classes"][str(i)].isdigit() for i in inside)


def test_the_state_answer_at_the_residence_scale_holds_the_area_only(
    logged_in_client, auth_app: Dash, store: Store
) -> None:
    state = {**PARC, "theme": "parc", "overlays": [], "selection": None, "pinned": []}
    controls = {part: state.get(part) for part in CONTROLS}
    controls["theme"], controls["overlays"] = "parc", []
    previous = {**state, "indicator": "parc.t1_share"}
    changed = f"{CONTROLS['indicator']}.value"
    values = {
        **{f"{cid}.value": controls[part] for part, cid in CONTROLS.items()},
        f"{PageIds.STATE}.data": previous,
        f"{MapIds.RESIDENCE_AREA}.data": LILLE,
    }
    answer = post_dependency(
        logged_in_client(auth_app, MEL_ADMIN), f"{PageIds.PANEL}.children", values, [changed]
    )["response"]
    hideout = answer[MapIds.RESIDENCES]["hideout"]
    assert {int(i) for i in hideout["classes"]} == set(area_points(store, LILLE))
    assert set(hideout["labels"]) <= set(hideout["classes"])
    assert hideout["for"] == {"view": PARC, "area": LILLE}
