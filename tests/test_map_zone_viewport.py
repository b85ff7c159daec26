"""The zone layer of the area in view: the zones meeting the area, their outline at the
detail of the zoom, none above the budget; its hideout for those zones only, in the
user's scope."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pandas as pd
from dash import Dash

from callbacks.map_viewport import ZONE_BUDGET, zone_area_indices
from data.outlines import FINEST_COLUMN, OUTLINE_LEVELS, outline_column
from data.store.store import Store
from data.store.viewport_types import Area
from layouts.ids import MapIds, PageIds
from layouts.map import ZONE_STYLE_ATTRIBUTE, zone_notice
from layouts.views_holder import VIEWS_ATTRIBUTE, views_attribute
from tests.support.panel_requests import post_dependency

ROOT = Path(__file__).resolve().parents[1]
MEL_AREA = Area(2.7, 50.4, 3.4, 50.9)
ROUBAIX_AREA = {"west": 3.13, "south": 50.67, "east": 3.22, "north": 50.71, "zoom": 18}
OCCUPATION = {
    "scale": "iris",
    "indicator": "occupation.households",
    "year": 2024,
    "method": "quantile",
}


def zones_frame(demo_warehouse: Path, scale: str) -> pd.DataFrame:
    return (
        duckdb.connect()
        .execute(
            "SELECT * EXCLUDE (geometry) FROM read_parquet(?) WHERE scale = ?",
            [str(demo_warehouse / "zones.parquet"), scale],
        )
        .df()
    )


def meeting(frame: pd.DataFrame, area: Area) -> set[str]:
    """The codes of the zones whose box meets `area`, worked out in pandas."""
    meets = (
        (frame["max_lon"] >= area.west)
        & (frame["min_lon"] <= area.east)
        & (frame["max_lat"] >= area.south)
        & (frame["min_lat"] <= area.north)
    )
    return set(frame.loc[meets, "code"])


def test_an_area_sends_the_zones_meeting_it_each_at_its_place(
    store: Store, demo_warehouse: Path
) -> None:
    frame = zones_frame(demo_warehouse, "iris")
    roubaix = Area(3.13, 50.67, 3.22, 50.71)
    content = store.zones_in_area("iris", roubaix, 18, ZONE_BUDGET)
    features = content.collection["features"]
    codes = {f["properties"]["code"] for f in features}
    assert codes == meeting(frame, roubaix)
    assert 0 < len(codes) < len(frame) / 3
    order = store.map_order("iris")
    # each zone keeps its place in the map order: the hideout colours it by position
    assert all(order[f["properties"]["i"]] == f["properties"]["code"] for f in features)
    assert sorted(content.indices) == sorted(f["properties"]["i"] for f in features)
    assert content.count == len(features)
    # the whole territory in view: every zone
    whole = store.zones_in_area("iris", MEL_AREA, 18, ZONE_BUDGET)
    assert whole.count == len(whole.indices) == len(frame)


def test_above_the_budget_no_zone_is_sent_and_the_map_says_why(store: Store) -> None:
    content = store.zones_in_area("iris", MEL_AREA, 8, budget=100)
    assert content.count == len(store.map_order("iris")) > 100
    assert content.indices == () and content.collection["features"] == []
    assert zone_notice("iris", content.count) == (
        f"{content.count} IRIS dans cette vue : zoomez pour les afficher."
    )
    assert zone_notice("commune", 34_849) == (
        "34\xa0849 communes dans cette vue : zoomez pour les afficher."
    )


def test_the_outline_follows_the_zoom(store: Store, demo_warehouse: Path) -> None:
    assert outline_column(6) == outline_column(8) == OUTLINE_LEVELS[0].column
    assert outline_column(9) == outline_column(10) == OUTLINE_LEVELS[1].column
    assert outline_column(11) == outline_column(18) == FINEST_COLUMN
    frame = zones_frame(demo_warehouse, "commune")
    sizes = [frame[column].str.len().sum() for column in (FINEST_COLUMN, *reversed(
        [level.column for level in OUTLINE_LEVELS]))]  # fmt: skip
    # coarser at each level down, and every outline still a polygon
    assert sizes[0] > sizes[1] > sizes[2]
    for level in OUTLINE_LEVELS:
        shapes = frame[level.column].map(json.loads)
        assert shapes.map(lambda g: g["type"] in ("Polygon", "MultiPolygon")).all()
    coarse = store.zones_in_area("commune", MEL_AREA, 8, ZONE_BUDGET).collection
    fine = store.zones_in_area("commune", MEL_AREA, 14, ZONE_BUDGET).collection
    assert len(json.dumps(coarse)) < len(json.dumps(fine))


def test_the_browser_knows_the_same_outline_levels() -> None:
    script = (ROOT / "assets" / "atlas_map_viewport.js").read_text()
    zooms = re.search(r"var OUTLINE_ZOOMS = \[([0-9, ]+)\];", script)
    assert zooms and [int(z) for z in zooms.group(1).split(",")] == [
        level.up_to_zoom for level in OUTLINE_LEVELS
    ]


def test_a_zone_area_of_another_scale_styles_nothing_yet(store: Store) -> None:
    area = {**ROUBAIX_AREA, "scale": "iris"}
    assert zone_area_indices(store, area, "iris")
    assert zone_area_indices(store, area, "commune") is None
    assert zone_area_indices(store, {**area, "scale": "canton"}, "canton") is None
    assert zone_area_indices(store, {**area, "west": "x"}, "iris") is None


def test_a_new_zone_area_brings_its_zones_and_their_hideout_in_the_users_scope(
    logged_in_client, auth_app: Dash, store: Store
) -> None:
    area_id = f"{MapIds.ZONE_AREA}.data"
    area = {**ROUBAIX_AREA, "scale": "iris"}
    values = {
        area_id: area,
        f"{PageIds.VIEWS}.{VIEWS_ATTRIBUTE}": views_attribute(OCCUPATION, None),
    }

    def answer(email: str) -> tuple[dict[int, str], dict]:
        response = post_dependency(
            logged_in_client(auth_app, email), f"{MapIds.ZONES}.data", values, [area_id]
        )["response"]
        features = response[MapIds.ZONES]["data"]["features"]
        hideout = json.loads(response[MapIds.ZONE_STYLE][ZONE_STYLE_ATTRIBUTE])
        return {f["properties"]["i"]: f["properties"]["code"] for f in features}, hideout

    zones, hideout = answer("roubaix@atlas-demo.fr")
    assert {int(i) for i in hideout["classes"]} == set(zones)
    assert set(hideout["labels"]) <= set(hideout["classes"])
    # it says what it was cut for: the browser asks again if that is no longer shown
    assert hideout["for"] == {"view": OCCUPATION, "area": area}
    commune_of = dict(
        store._cursor()
        .execute("SELECT code, commune_code FROM zones WHERE scale = 'iris'")
        .fetchall()
    )
    outside = {i for i, code in zones.items() if commune_of[code] != "59512"}
    assert outside and set(zones) - outside
    # outside Roubaix's perimeter, some IRIS read "hors périmètre"; the MEL reads them
    restricted = {i for i in outside if hideout["classes"][str(i)] == "r"}
    assert restricted and not restricted & {int(i) for i in hideout["labels"]}
    _, everything = answer("mel-admin@atlas-demo.fr")
    assert not any(everything["classes"][str(i)] == "r" for i in restricted)
    assert any(str(i) in everything["labels"] for i in restricted)


def test_no_zone_area_empties_the_layer(logged_in_client, auth_app: Dash) -> None:
    area_id = f"{MapIds.ZONE_AREA}.data"
    response = post_dependency(
        logged_in_client(auth_app, "mel-admin@atlas-demo.fr"),
        f"{MapIds.ZONES}.data",
        {area_id: None, f"{PageIds.VIEWS}.{VIEWS_ATTRIBUTE}": views_attribute(OCCUPATION, None)},
        [area_id],
    )["response"]
    assert response[MapIds.ZONES]["data"]["features"] == []


def draw_overlays(client, overlays: list[str], area: dict | None) -> dict:
    """The overlays' answer for the ticked `overlays` in `area`, as the browser asks."""
    area_id, view_id = f"{MapIds.OUTLINE_AREA}.data", f"{PageIds.OVERLAYS_VIEW}.data"
    state = {"scale": "commune", "theme": "parc", "indicator": "parc.dwellings",
             "year": 2024, "method": "quantile", "overlays": overlays, "selection": None,
             "pinned": []}  # fmt: skip
    values = {area_id: area, view_id: {"overlays": overlays}, f"{PageIds.STATE}.data": state}
    return post_dependency(client, f"{MapIds.OVERLAYS}.children", values, [area_id])["response"]


def test_the_outline_overlays_hold_the_zones_of_the_area_in_view(
    logged_in_client, auth_app: Dash, store: Store, demo_warehouse: Path, monkeypatch
) -> None:
    client = logged_in_client(auth_app, "mel-admin@atlas-demo.fr")
    area = {"west": 3.13, "south": 50.67, "east": 3.22, "north": 50.71, "zoom": 18}
    answer = draw_overlays(client, ["iris", "qpv"], area)
    layers = {
        layer["props"]["id"]: layer["props"]["data"]["features"]
        for layer in answer[MapIds.OVERLAYS]["children"]
    }
    iris = {f["properties"]["code"] for f in layers[f"{MapIds.OVERLAY_PREFIX}iris"]}
    frame = zones_frame(demo_warehouse, "iris")
    assert iris == meeting(frame, Area(3.13, 50.67, 3.22, 50.71)) and len(iris) < len(frame)
    assert layers[f"{MapIds.OVERLAY_PREFIX}qpv"]
    assert answer[MapIds.OUTLINE_NOTICE]["children"] is None
    # no area (no outline ticked yet): nothing drawn
    assert draw_overlays(client, ["iris"], None)[MapIds.OVERLAYS]["children"] == []
    # above the budget: not drawn, and the map says why
    monkeypatch.setattr("callbacks.map_viewport.ZONE_BUDGET", 10)
    crowded = draw_overlays(client, ["communes"], {**area, "west": 3.12})
    assert crowded[MapIds.OVERLAYS]["children"] == []
    assert crowded[MapIds.OUTLINE_NOTICE]["children"].startswith(
        "Contours non dessinés, trop de zones dans cette vue ("
    )
