"""The residence layer follows the view: clusters at low zoom, the area's points when
zoomed in, a new area after a pan (one page, logged in once)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from layouts.ids import MapIds
from tests.support.browser import SLOW

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
LAYER_DATA = f'"{MapIds.RESIDENCES}.data"'
POINTS = f"#{MapIds.MAP} path.atlas-residence"
CLUSTERS = f"#{MapIds.MAP} .atlas-grid-cluster"


@pytest.fixture(scope="module")
def map_page(browser: Browser, live_server: str, login_as) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login_as(page, live_server, ADMIN)
    yield page
    context.close()


def is_layer_answer(response: Response) -> bool:
    return "/_dash-update-component" in response.url and LAYER_DATA in (
        response.request.post_data or ""
    )


def layer_after(page: Page, act: Callable[[], object]) -> tuple[dict, dict]:
    """(area asked for, features answered) of the layer request that `act` causes."""
    with page.expect_response(is_layer_answer, timeout=SLOW) as answer:
        act()
    response = answer.value
    area = json.loads(response.request.post_data)["inputs"][0]["value"]
    return area, response.json()["response"][MapIds.RESIDENCES]["data"]


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
    zoomed, _ = layer_after(page, lambda: page.locator(CLUSTERS).first.click())
    assert zoomed["zoom"] > 10
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
    box = page.locator(f"#{MapIds.MAP}").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    def drag_west() -> None:
        page.mouse.move(*middle)
        page.mouse.down()
        page.mouse.move(middle[0] - 700, middle[1], steps=8)
        page.mouse.up()

    panned, moved = layer_after(page, drag_west)
    assert panned["west"] > area["west"] and panned["zoom"] == 15
    codes = {f["properties"]["code"] for f in moved["features"]}
    assert codes and codes != {f["properties"]["code"] for f in features}
    assert all(inside(panned, f) for f in moved["features"])
    expect(page.locator(POINTS)).to_have_count(len(moved["features"]), timeout=SLOW)
