"""The zone layer follows the view: the IRIS of the area in view, a new area after a
pan or a zoom to another level of detail, styled by position in the view shown (one
page, logged in once)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, Request, Response, expect

from data.catalog import CATALOG
from layouts.ids import ControlIds, MapIds, PageIds
from layouts.map import ZONE_STYLE_ATTRIBUTE
from tests.support.browser import (
    SLOW,
    answers,
    drag_map,
    logged_in_page,
    pan_crossing_a_new_indicator,
    toggle_layer,
)

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
# the zone layer's callback writes its zones, their hideout and the notice
LAYER_DATA = f'"..{MapIds.ZONES}.data...'
ZONES = f"#{MapIds.MAP} path.atlas-zone"
NO_DATA_FILL = "#ffffff"  # assets/atlas_map.js: a zone without a row this year
VACANCY = CATALOG["parc.vacancy_rate_offered"].label
ROUBAIX_IRIS = (
    "/?echelle=iris&theme=parc&indicateur=parc.dwellings&annee=2024&centre=50.69,3.17&zoom=14"
)
FILLS = f"() => [...document.querySelectorAll('{ZONES}')].map((p) => p.getAttribute('fill'))"


@pytest.fixture(scope="module")
def map_page(browser: Browser, live_server: str, login_as) -> Iterator[Page]:
    yield from logged_in_page(browser, live_server, login_as, ADMIN)


def is_layer_answer(response: Response) -> bool:
    return answers(response, LAYER_DATA)


def is_restyle(response: Response) -> bool:
    """The state's answer that styles the zone layer (not the layer's own)."""
    if "/_dash-update-component" not in response.url or not response.request.post_data:
        return False
    output = json.loads(response.request.post_data)["output"]
    return f"{PageIds.STATE}.data" in output and f"{MapIds.ZONE_STYLE}." in output


def layer_of(response: Response) -> tuple[dict, list[dict], dict]:
    """(area asked for, zones answered, their hideout) of a zone layer answer."""
    area = json.loads(response.request.post_data)["inputs"][0]["value"]
    answer = response.json()["response"]
    hideout = json.loads(answer[MapIds.ZONE_STYLE][ZONE_STYLE_ATTRIBUTE])
    return area, answer[MapIds.ZONES]["data"]["features"], hideout


def layer_after(
    page: Page, act: Callable[[], object], zoom: int = 18
) -> tuple[dict, list[dict], dict]:
    """The zone layer answer that `act` causes for an area of outline level `zoom` (a
    page opening on a permalink may first ask for its default extent's)."""

    def is_answer(response: Response) -> bool:
        if not is_layer_answer(response):
            return False
        area = json.loads(response.request.post_data)["inputs"][0]["value"]
        return isinstance(area, dict) and area.get("zoom") == zoom

    with page.expect_response(is_answer, timeout=SLOW) as answer:
        act()
    page.wait_for_load_state("networkidle")
    return layer_of(answer.value)


def iris_boxes(warehouse: Path) -> dict[str, tuple[float, float, float, float]]:
    sql = (
        "SELECT code, min_lon, min_lat, max_lon, max_lat FROM read_parquet(?) WHERE scale = 'iris'"
    )
    rows = duckdb.connect().execute(sql, [str(warehouse / "zones.parquet")]).fetchall()
    return {code: box for code, *box in rows}


def meets(area: dict, box: tuple[float, float, float, float]) -> bool:
    west, south, east, north = box
    return (
        east >= area["west"]
        and west <= area["east"]
        and north >= area["south"]
        and south <= area["north"]
    )


def assert_styled(page: Page, features: list[dict], hideout: dict) -> None:
    """Every zone loaded is drawn, with the class its position gives: white only where
    the hideout says it has no row this year."""
    indices = {f["properties"]["i"] for f in features}
    assert {int(i) for i in hideout["classes"]} == indices
    expect(page.locator(ZONES)).to_have_count(len(features), timeout=SLOW)
    no_row = sum(1 for mark in hideout["classes"].values() if mark == "-")
    fills = page.evaluate(FILLS)
    assert sum(fill == NO_DATA_FILL for fill in fills) == no_row < len(fills) / 2


def test_the_iris_layer_holds_what_is_in_view_and_follows_a_pan(
    map_page: Page, live_server: str, demo_warehouse: Path
) -> None:
    page = map_page
    boxes = iris_boxes(demo_warehouse)
    area, features, hideout = layer_after(page, lambda: page.goto(live_server + ROUBAIX_IRIS))
    codes = {f["properties"]["code"] for f in features}
    # the IRIS meeting the area (the view and its margin), and only those
    assert area["scale"] == "iris" and area["zoom"] == 18  # the finest outlines
    assert codes == {code for code, box in boxes.items() if meets(area, box)}
    assert 0 < len(codes) < len(boxes) / 2
    assert hideout["for"]["area"] == area and hideout["for"]["view"]["scale"] == "iris"
    assert_styled(page, features, hideout)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "zones-1-roubaix-iris.png")

    # a pan past the margin loads the next area in one go, styled by position
    page.wait_for_load_state("networkidle")
    panned, moved, moved_hideout = layer_after(page, lambda: drag_map(page, fling=False))
    assert panned["east"] > area["east"] and panned["zoom"] == 18
    moved_codes = {f["properties"]["code"] for f in moved}
    assert moved_codes - codes and moved_codes == {
        code for code, box in boxes.items() if meets(panned, box)
    }
    assert_styled(page, moved, moved_hideout)
    page.screenshot(path=SCREENSHOTS / "zones-2-panned.png")

    # a zoom within the level of detail asks for nothing; a zoom out to another level
    # loads the coarser outlines
    page.wait_for_load_state("networkidle")
    asked: list[str] = []

    def note_layer(request: Request) -> None:
        if LAYER_DATA in (request.post_data or ""):
            asked.append(request.url)

    page.on("request", note_layer)
    page.evaluate("() => document.querySelector('.leaflet-control-zoom-in').click()")
    expect(page).to_have_url(re.compile(r"zoom=15"), timeout=SLOW)
    page.wait_for_load_state("networkidle")
    page.remove_listener("request", note_layer)
    assert asked == []
    zoom_out = "() => document.querySelector('.leaflet-control-zoom-out').click()"

    def zoom_out_to_10() -> None:
        for zoom in range(14, 9, -1):
            page.evaluate(zoom_out)
            expect(page).to_have_url(re.compile(f"zoom={zoom}(&|$)"), timeout=SLOW)

    coarse, coarse_features, coarse_hideout = layer_after(page, zoom_out_to_10, zoom=10)
    assert coarse["zoom"] == 10 and len(coarse_features) > len(moved)
    assert_styled(page, coarse_features, coarse_hideout)


def test_a_new_indicator_restyles_the_zones_in_view_in_place(
    map_page: Page, live_server: str
) -> None:
    page = map_page
    _, features, _ = layer_after(page, lambda: page.goto(live_server + ROUBAIX_IRIS))
    expect(page.locator(ZONES)).to_have_count(len(features), timeout=SLOW)
    page.wait_for_load_state("networkidle")
    page.evaluate(f"() => document.querySelectorAll('{ZONES}').forEach(p => {{ p.kept = 1; }})")
    fills = page.evaluate(FILLS)
    reloads: list[str] = []

    def note_reload(request: Request) -> None:
        if LAYER_DATA in (request.post_data or ""):
            reloads.append(request.url)

    page.on("request", note_reload)
    with page.expect_response(is_restyle, timeout=SLOW) as restyle:
        page.click(f"#{ControlIds.INDICATOR}")
        page.get_by_role("option", name=VACANCY, exact=True).click()
    answer = restyle.value.json()["response"]
    restyled = json.loads(answer[MapIds.ZONE_STYLE][ZONE_STYLE_ATTRIBUTE])
    assert {int(i) for i in restyled["classes"]} == {f["properties"]["i"] for f in features}
    page.wait_for_function(
        f"(old) => JSON.stringify(({FILLS})()) !== old",
        arg=json.dumps(fills, separators=(",", ":")),
        timeout=SLOW,
    )
    page.wait_for_load_state("networkidle")
    page.remove_listener("request", note_reload)
    assert reloads == []
    # the same paths, restyled
    kept = page.evaluate(f"() => [...document.querySelectorAll('{ZONES}')].every(p => p.kept)")
    assert kept


def test_a_new_view_and_a_new_zone_area_crossing_end_in_the_view_shown(
    map_page: Page, live_server: str
) -> None:
    """The zone layer's answer for a pan, held until the indicator has changed, arrives
    with the old view's hideout, after the state's answer styled the old area: the
    browser asks for the area again, and the zones end in the new view."""
    page = map_page
    layer_after(page, lambda: page.goto(live_server + ROUBAIX_IRIS))
    page.wait_for_load_state("networkidle")
    again = pan_crossing_a_new_indicator(
        page, LAYER_DATA, is_restyle, (VACANCY, "parc.vacancy_rate_offered")
    )
    _, features, hideout = layer_of(again)
    assert hideout["for"]["view"]["indicator"] == "parc.vacancy_rate_offered"
    expect(page.locator(".legend-stack")).to_contain_text(VACANCY, timeout=SLOW)
    assert_styled(page, features, hideout)
    page.screenshot(path=SCREENSHOTS / "zones-3-crossed.png")


OUTLINE_DATA = f'"..{MapIds.OVERLAYS}.children...'
IRIS_OUTLINES = f"#{MapIds.MAP} path.atlas-overlay-iris"


def test_the_iris_outlines_hold_the_area_in_view_and_follow_a_pan(
    map_page: Page, live_server: str, demo_warehouse: Path
) -> None:
    page = map_page
    layer_after(page, lambda: page.goto(live_server + ROUBAIX_IRIS.replace("iris", "commune")))
    boxes = iris_boxes(demo_warehouse)

    def outlines_after(act: Callable[[], object]) -> tuple[dict, set[str]]:
        with page.expect_response(
            lambda r: answers(r, OUTLINE_DATA),
            timeout=SLOW,
        ) as answer:
            act()
        inputs = json.loads(answer.value.request.post_data)["inputs"]
        area = next(item["value"] for item in inputs if item["id"] == MapIds.OUTLINE_AREA)
        children = answer.value.json()["response"][MapIds.OVERLAYS]["children"]
        features = [f for child in children for f in child["props"]["data"]["features"]]
        return area, {f["properties"]["code"] for f in features}

    area, codes = outlines_after(lambda: toggle_layer(page, "Limites des IRIS"))
    assert codes == {code for code, box in boxes.items() if meets(area, box)}
    assert 0 < len(codes) < len(boxes) / 2
    expect(page.locator(IRIS_OUTLINES)).to_have_count(len(codes), timeout=SLOW)
    page.screenshot(path=SCREENSHOTS / "zones-4-iris-outlines.png")
    page.wait_for_load_state("networkidle")
    panned, moved = outlines_after(lambda: drag_map(page, fling=False))
    assert panned["east"] > area["east"] and moved - codes
    expect(page.locator(IRIS_OUTLINES)).to_have_count(len(moved), timeout=SLOW)
