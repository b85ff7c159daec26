"""The residence layer follows the view: clusters at low zoom, the area's points when
zoomed in, a new area after a pan (one page, logged in once)."""

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
from tests.support.browser import (
    SLOW,
    answers,
    drag_map,
    logged_in_page,
    pan_crossing_a_new_indicator,
)

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
# the layer's callback writes its points and their hideout
LAYER_DATA = f'"..{MapIds.RESIDENCES}.data...'
POINTS = f"#{MapIds.MAP} path.atlas-residence"
CLUSTERS = f"#{MapIds.MAP} .atlas-grid-cluster"


@pytest.fixture(scope="module")
def map_page(browser: Browser, live_server: str, login_as) -> Iterator[Page]:
    yield from logged_in_page(browser, live_server, login_as, ADMIN)


def is_layer_answer(response: Response) -> bool:
    return answers(response, LAYER_DATA)


def layer_after(page: Page, act: Callable[[], object], zoom_above: int = -1) -> tuple[dict, dict]:
    """(area asked for, features answered) of the layer request that `act` causes, for
    an area above `zoom_above` (a loaded browser may still send the previous view's)."""

    def is_answer(response: Response) -> bool:
        return is_layer_answer(response) and asked_area(response)["zoom"] > zoom_above

    with page.expect_response(is_answer, timeout=SLOW) as answer:
        act()
    response = answer.value
    return asked_area(response), response.json()["response"][MapIds.RESIDENCES]["data"]


def asked_area(response: Response) -> dict:
    return json.loads(response.request.post_data)["inputs"][0]["value"]


def located_residences(warehouse: Path) -> int:
    sql = "SELECT count(*) FROM read_parquet(?) WHERE lon IS NOT NULL"
    return duckdb.connect().execute(sql, [str(warehouse / "residences.parquet")]).fetchone()[0]


def inside(area: dict, feature: dict) -> bool:
    lon, lat = feature["geometry"]["coordinates"]
    return area["west"] <= lon <= area["east"] and area["south"] <= lat <= area["north"]


def test_the_residence_layer_holds_what_is_in_view(
    map_page: Page, live_server: str, demo_warehouse: Path
) -> None:
    page = map_page
    total = located_residences(demo_warehouse)
    # the whole territory: clusters that count every residence, drawn as counts
    area, data = layer_after(
        page, lambda: page.goto(f"{live_server}/?echelle=residence&centre=50.63,3.06&zoom=10")
    )
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    assert area["zoom"] == 10 and 0 < len(clusters) < 100
    points = len(data["features"]) - len(clusters)
    assert sum(f["properties"]["residences"] for f in clusters) + points == total
    expect(page.locator(CLUSTERS)).to_have_count(len(clusters), timeout=SLOW)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "viewport-1-clusters.png")

    # a click on a cluster zooms in on it, and the layer follows
    layer_after(page, lambda: page.locator(CLUSTERS).first.click(), zoom_above=10)
    expect(page).to_have_url(re.compile(r"zoom=(1[1-8])"))

    # street level in Lille: each residence of the area, and only those
    area, data = layer_after(
        page, lambda: page.goto(f"{live_server}/?echelle=residence&centre=50.633,3.06&zoom=15")
    )
    features = data["features"]
    assert not any(f["properties"].get("cluster") for f in features)
    assert 0 < len(features) < total / 5
    assert all(inside(area, f) for f in features)
    expect(page.locator(POINTS)).to_have_count(len(features), timeout=SLOW)
    page.screenshot(path=SCREENSHOTS / "viewport-2-lille.png")

    # a pan to the east past the margin loads the next area in one go
    panned, moved = layer_after(page, lambda: drag_map(page))
    assert panned["west"] > area["west"] and panned["zoom"] == 15
    codes = {f["properties"]["code"] for f in moved["features"]}
    assert codes and codes != {f["properties"]["code"] for f in features}
    assert all(inside(panned, f) for f in moved["features"])
    expect(page.locator(POINTS)).to_have_count(len(moved["features"]), timeout=SLOW)


NO_DATA_FILL = "#ffffff"  # assets/atlas_map.js: a residence without a row this year
T1_LABEL = CATALOG["parc.t1_share"].label
FILLS = f"() => [...document.querySelectorAll('{POINTS}')].map((p) => p.getAttribute('fill'))"


def is_restyle(response: Response) -> bool:
    """The state's answer that styles the residence layer (not the layer's own)."""
    if "/_dash-update-component" not in response.url or not response.request.post_data:
        return False
    output = json.loads(response.request.post_data)["output"]
    return f"{PageIds.STATE}.data" in output and f"{MapIds.RESIDENCES}.hideout" in output


# the centres of the points drawn in the map's box with a colour (not secret, not white)
COLOURED_CENTRES = f"""() => {{
    const box = document.querySelector('#{MapIds.MAP}').getBoundingClientRect();
    return [...document.querySelectorAll('{POINTS}:not(.atlas-residence-secret)')]
        .filter((p) => p.getAttribute('fill') !== '{NO_DATA_FILL}')
        .map((p) => p.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.left > box.left + 20 && r.right < box.right - 20
            && r.top > box.top + 80 && r.bottom < box.bottom - 20)
        .map((r) => [r.left + r.width / 2, r.top + r.height / 2]);
}}"""


def hover_a_value(page: Page, title: str) -> str:
    """The tooltip of the first coloured point in view that shows a value of `title`."""
    tooltip = page.locator(".atlas-tooltip").last
    for x, y in page.evaluate(COLOURED_CENTRES)[:30]:
        page.mouse.move(x, y)
        if tooltip.is_visible():
            text = tooltip.text_content() or ""
            if re.search(re.escape(title) + r" \(\d{4}\) : \d", text):
                return text
    raise AssertionError(f"no point shows a value of {title}")


def test_a_new_area_and_a_new_indicator_colour_the_points(map_page: Page, live_server: str) -> None:
    """The hideout holds the loaded points only: a pan brings the new points' classes and
    labels with them, and a new indicator restyles the points in view."""
    page = map_page
    with page.expect_response(is_layer_answer, timeout=SLOW) as first:
        page.goto(
            f"{live_server}/?echelle=residence&theme=parc&indicateur=parc.dwellings"
            "&annee=2024&centre=50.633,3.06&zoom=15"
        )
    loaded = first.value.json()["response"][MapIds.RESIDENCES]["data"]["features"]
    before = {f["properties"]["i"] for f in loaded}
    page.wait_for_timeout(500)
    with page.expect_response(is_layer_answer, timeout=SLOW) as answer:
        drag_map(page)
    layer = answer.value.json()["response"][MapIds.RESIDENCES]
    points = {f["properties"]["i"] for f in layer["data"]["features"]}
    hideout = layer["hideout"]
    # the answer styles its own points, and only them
    assert points - before and {int(i) for i in hideout["classes"]} == points
    no_row = sum(1 for mark in hideout["classes"].values() if mark == "-")
    expect(page.locator(POINTS)).to_have_count(len(points), timeout=SLOW)
    fills = page.evaluate(FILLS)
    assert sum(fill == NO_DATA_FILL for fill in fills) == no_row < len(fills) / 2
    assert "logements" in hover_a_value(page, "Logements sociaux")

    # a new indicator: the state's answer restyles the points in view, and only it
    reloads: list[str] = []

    def note_reload(request: Request) -> None:
        if LAYER_DATA in (request.post_data or ""):
            reloads.append(request.url)

    page.on("request", note_reload)
    with page.expect_response(is_restyle, timeout=SLOW) as restyle:
        page.click(f"#{ControlIds.INDICATOR}")
        page.get_by_role("option", name=T1_LABEL, exact=True).click()
    restyled = restyle.value.json()["response"][MapIds.RESIDENCES]["hideout"]
    assert {int(i) for i in restyled["classes"]} == points
    page.wait_for_function(
        f"(old) => JSON.stringify(({FILLS})()) !== old",
        arg=json.dumps(fills, separators=(",", ":")),
        timeout=SLOW,
    )
    hover_a_value(page, T1_LABEL)
    page.wait_for_load_state("networkidle")
    page.remove_listener("request", note_reload)
    assert reloads == []


def test_a_new_view_and_a_new_area_crossing_end_in_the_view_shown(
    map_page: Page, live_server: str
) -> None:
    """The layer's answer for a pan, held until the indicator has changed, arrives with
    the old view's hideout, after the state's answer styled the old area: the browser
    asks for the area again, and the points end in the new view."""
    page = map_page
    with page.expect_response(is_layer_answer, timeout=SLOW):
        page.goto(
            f"{live_server}/?echelle=residence&theme=parc&indicateur=parc.dwellings"
            "&annee=2024&centre=50.633,3.06&zoom=15"
        )
    page.wait_for_load_state("networkidle")
    expect(page.locator(POINTS).first).to_be_attached(timeout=SLOW)
    pan_crossing_a_new_indicator(page, LAYER_DATA, is_restyle, (T1_LABEL, "parc.t1_share"))
    page.wait_for_load_state("networkidle")
    expect(page.locator(".legend-stack")).to_contain_text(T1_LABEL, timeout=SLOW)
    page.wait_for_function(
        f"() => ({FILLS})().some((fill) => fill !== '{NO_DATA_FILL}')", timeout=SLOW
    )
    hover_a_value(page, T1_LABEL)
