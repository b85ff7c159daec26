"""The map in a real Chromium against the app under gunicorn, as a user would use it.

A screenshot of each step is kept under test-results/ (look at them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from playwright.sync_api import Page, expect

from data.pipeline.residences import RESIDENCE_ID_SQL
from layouts.ids import ControlIds, MapIds, PageIds
from layouts.panel_labels import secret_residence_text
from tests.support.browser import search, toggle_layer

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
ZONES = "path.atlas-zone"


@pytest.fixture
def shot(pytestconfig: pytest.Config) -> Callable[[Page, str], None]:
    """Screenshot a step into pytest-playwright's --output folder (test-results/)."""
    folder = Path(pytestconfig.getoption("--output")).absolute()

    def take(page: Page, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"map-{name}.png")

    return take


def zone_count(warehouse: Path, scale: str) -> int:
    sql = "SELECT count(*) FROM read_parquet(?) WHERE scale = ?"
    return duckdb.connect().execute(sql, [str(warehouse / "zones.parquet"), scale]).fetchone()[0]


def query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def wait_for_zones(page: Page, count: int) -> None:
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[ZONES, count],
        timeout=30_000,
    )


def wait_for_zones_in_view(page: Page, scale_count: int) -> int:
    """Waits for the zones of the area in view, fewer than the `scale_count` of the
    whole territory (the layer holds the view's zones only); their count."""
    page.wait_for_function(
        "([selector, n]) => [...document.querySelectorAll(selector)].length > 0"
        " && document.querySelectorAll(selector).length < n",
        arg=[ZONES, scale_count],
        timeout=30_000,
    )
    return page.locator(ZONES).count()


def choose(page: Page, dropdown_id: str, option: str) -> None:
    page.click(f"#{dropdown_id}")
    page.get_by_role("option", name=option, exact=True).click()


def watch_next_move(page: Page) -> None:
    """Note where the map's next move (a fit to a selection, at once) ends, as the URL
    writes a view (layouts/map_state.format_centre): a fixed wait is too short on a
    loaded machine, and a link read before the move ends holds a view the map left."""
    page.evaluate(
        """() => {
            const fire = window.L.Map.prototype.fire;
            window.atlasTestLanding = null;
            window.L.Map.prototype.fire = function (type, ...rest) {
                if (type === "moveend" && window.atlasTestLanding === null) {
                    const centre = this.getCenter();
                    window.atlasTestLanding = {
                        centre: `${centre.lat.toFixed(5)},${centre.lng.toFixed(5)}`,
                        zoom: String(Math.round(this.getZoom())),
                    };
                }
                return fire.call(this, type, ...rest);
            };
        }"""
    )


def landed_view(page: Page) -> dict[str, str]:
    """Wait for the watched move to end and the URL to hold where it landed."""
    page.wait_for_function("() => window.atlasTestLanding !== null", timeout=30_000)
    view = page.evaluate("window.atlasTestLanding")
    expect(page).to_have_url(re.compile(f"[?&]centre={re.escape(view['centre'])}(&|$)"))
    expect(page).to_have_url(re.compile(f"[?&]zoom={view['zoom']}(&|$)"))
    return view


def legend_title(page: Page) -> str:
    return page.locator("#legend .legend-title").inner_text()


def fills(page: Page) -> list[str]:
    return page.locator(ZONES).evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")


@pytest.fixture
def explorer(page: Page, live_server: str, login_as) -> Page:
    page.set_viewport_size({"width": 1400, "height": 900})
    login_as(page, live_server, ADMIN)
    page.wait_for_selector(ZONES, timeout=15_000)
    return page


def test_each_scale_draws_every_zone(explorer: Page, shot, demo_warehouse: Path) -> None:
    page = explorer
    wait_for_zones(page, 95)
    expect(page.locator("#header-partner")).to_contain_text("convention n°")
    expect(page.locator("#demo-banner")).to_be_visible()
    shot(page, "1-communes")
    for label, scale in (("IRIS", "iris"), ("QPV", "qpv")):
        page.click(f"label:has-text('{label}')")
        wait_for_zones(page, zone_count(demo_warehouse, scale))
        expect(page).to_have_url(re.compile(f"echelle={scale}"))
        shot(page, f"2-{scale}")
    page.click("label:has-text('Résidences')")
    page.wait_for_selector(".atlas-cluster", timeout=15_000)
    assert page.locator(ZONES).count() == 0
    expect(page.locator("#legend .legend-summary")).to_contain_text("résidence")
    shot(page, "3-residences")


def test_changing_indicator_restyles_without_reloading_geometries(explorer: Page, shot) -> None:
    page = explorer
    wait_for_zones(page, 95)
    before_title, before_fills = legend_title(page), fills(page)
    assert before_title.startswith("Logements sociaux")
    geometry_requests: list[str] = []
    page.on("request", lambda r: geometry_requests.append(r.url) if "/carte/" in r.url else None)
    choose(page, "indicator-select", "Taux de vacance")
    expect(page.locator("#legend .legend-title")).to_contain_text("Taux de vacance")
    expect(page.locator("#legend .legend-meta")).to_contain_text("Unité : %")
    page.wait_for_function(
        "([selector, old]) => { const now = [...document.querySelectorAll(selector)]"
        ".map(p => p.getAttribute('fill')); return now.some((f, i) => f !== old[i]); }",
        arg=[ZONES, before_fills],
    )
    assert page.locator(ZONES).count() == 95
    assert geometry_requests == [], "switching indicator must not refetch geometries"
    swatches = page.locator("#legend .legend-class").count()
    assert 2 <= swatches <= 7
    shot(page, "4-vacancy")
    choose(page, "year-select", "2019")
    expect(page.locator("#legend .legend-title")).to_have_text("Taux de vacance — 2019")
    assert geometry_requests == []
    shot(page, "5-vacancy-2019")


def test_hover_click_and_search(explorer: Page, shot) -> None:
    page = explorer
    wait_for_zones(page, 95)
    page.locator(ZONES).nth(0).hover()
    tooltip = page.locator(".atlas-tooltip").last
    expect(tooltip).to_contain_text(re.compile(r"Logements sociaux \(2024\) : \d[\d\s]*logements"))
    search(page, "Roubaix", "Commune — Roubaix")
    expect(page).to_have_url(re.compile(r"selection=commune:59512"))
    page.wait_for_selector("path.atlas-selection", state="attached")
    shot(page, "6-search-roubaix")
    box = page.locator("#map").bounding_box()  # now framed on Roubaix: click a neighbour
    page.mouse.click(box["x"] + 150, box["y"] + box["height"] - 80)
    page.wait_for_function("() => !location.search.includes('selection=commune:59512')")
    shot(page, "6b-click-neighbour")
    assert query(page)["selection"].startswith("commune:")


def test_permalink_reopens_the_same_view(explorer: Page, shot, demo_warehouse: Path) -> None:
    page = explorer
    page.click("label:has-text('IRIS')")
    wait_for_zones(page, zone_count(demo_warehouse, "iris"))
    choose(page, "indicator-select", "Taux de vacance")
    choose(page, "year-select", "2022")
    choose(page, "classing-select", "Seuils naturels (Jenks)")
    toggle_layer(page, "Contours des QPV")
    page.wait_for_selector("path.atlas-overlay-qpv", state="attached")
    watch_next_move(page)
    search(page, "Roubaix", "Commune — Roubaix")
    expect(page).to_have_url(re.compile(r"selection=commune:59512"))
    landed_view(page)  # the map has moved to Roubaix and the URL holds its view
    expect(page.locator("#legend .legend-meta")).to_contain_text("Seuils naturels")
    link, legend = page.url, page.locator("#legend").inner_text()
    state = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert state["echelle"] == "iris" and state["indicateur"] == "parc.vacancy_rate_offered"
    assert state["annee"] == "2022" and state["classes"] == "jenks"
    assert state["couches"] == "qpv" and "centre" in state and "zoom" in state
    shot(page, "7-permalink-before")

    other = page.context.new_page()
    other.set_viewport_size({"width": 1400, "height": 900})
    other.goto(link)
    in_view = wait_for_zones_in_view(other, zone_count(demo_warehouse, "iris"))
    expect(other.locator("#legend .legend-title")).to_have_text("Taux de vacance — 2022")
    assert other.locator("#legend").inner_text() == legend
    expect(other.locator("#scale-select input[value=iris]")).to_be_checked()
    other.wait_for_selector("path.atlas-overlay-qpv", state="attached")
    other.wait_for_selector("path.atlas-selection", state="attached")
    assert query(other) == state
    shot(other, "8-permalink-reopened")

    other.click("label:has-text('Communes')")
    wait_for_zones_in_view(other, 95)
    other.go_back()
    expect(other.locator("#scale-select input[value=iris]")).to_be_checked()
    wait_for_zones(other, in_view)
    assert query(other)["echelle"] == "iris"


def test_back_before_the_browser_is_idle_still_goes_back(
    explorer: Page, demo_warehouse: Path
) -> None:
    """The address bar's dcc.Location is told of a new history entry only once the
    browser is idle (assets/atlas_map.js); a back before that restores the view all the
    same. Here the browser is never idle."""
    page = explorer
    wait_for_zones(page, 95)
    page.evaluate("window.requestIdleCallback = () => 0")
    page.click("label:has-text('IRIS')")
    wait_for_zones(page, zone_count(demo_warehouse, "iris"))
    expect(page).to_have_url(re.compile(r"echelle=iris"))
    page.go_back()
    expect(page.locator("#scale-select input[value=commune]")).to_be_checked()
    wait_for_zones(page, 95)
    page.go_forward()
    expect(page.locator("#scale-select input[value=iris]")).to_be_checked()
    wait_for_zones(page, zone_count(demo_warehouse, "iris"))


def test_tampered_permalink_falls_back_to_defaults(explorer: Page, shot, live_server: str) -> None:
    page = explorer
    page.goto(
        f"{live_server}/?echelle=canton&indicateur=%3Cscript%3E&annee=20x4&classes=x"
        "&selection=commune:00000&epingles=;;;&centre=999,abc&zoom=99"
    )
    wait_for_zones(page, 95)
    expect(page.locator("#legend .legend-title")).to_have_text(
        re.compile(r"^Logements sociaux — \d{4}$")
    )
    expect(page.locator("#scale-select input[value=commune]")).to_be_checked()
    shot(page, "9-tampered")


def secret_residence(warehouse: Path, small: bool) -> tuple[str, float, float]:
    """(id, lat, lon) of a residence secret in the last vintage, with fewer dwellings than
    the threshold or not: counted in the raw RPLS file, since the warehouse keeps no size
    (nor size class) of a secret residence."""
    manifest = json.loads((warehouse / "manifest.json").read_text())
    raw_dir = Path(manifest["sources"].get("raw_dir", warehouse.parent / "raw"))
    year = max(manifest["vintages"]["rpls"])
    rpls = (
        f"read_csv('{raw_dir / 'rpls' / f'RPLS_{year}.csv'}', delim=';', header=true, "
        "all_varchar=true)"
    )
    size = "<" if small else ">="
    return (
        duckdb.connect()
        .execute(
            f"""
            SELECT r.residence_id, r.lat, r.lon FROM read_parquet(?) r
            JOIN (SELECT {RESIDENCE_ID_SQL} AS residence_id, count(*) AS n FROM {rpls} GROUP BY 1)
              AS raw USING (residence_id)
            WHERE r.secret AND r.last_year = ? AND raw.n {size} ?
            ORDER BY r.residence_id LIMIT 1
            """,
            [str(warehouse / "residences.parquet"), year, manifest["secrecy_threshold"]],
        )
        .fetchone()
    )


@pytest.mark.parametrize("small", [True, False], ids=["below-threshold", "secondary"])
def test_secret_residence_is_drawn_grey_with_its_notice(
    explorer: Page, shot, live_server: str, demo_warehouse: Path, small: bool
) -> None:
    """A small residence and one hidden to protect another say the same words: telling
    them apart would bound their dwellings."""
    page = explorer
    residence_id, lat, lon = secret_residence(demo_warehouse, small)
    page.goto(
        f"{live_server}/?echelle=residence&selection=residence:{residence_id}"
        f"&centre={lat:.5f},{lon:.5f}&zoom=18"
    )
    selection = page.locator("path.atlas-selection")
    selection.wait_for(state="attached", timeout=15_000)
    page.locator("path.atlas-residence-secret").first.wait_for(timeout=15_000)
    # the selection ring lets the pointer through to the residence it circles
    box = selection.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    notice = secret_residence_text(11)
    expect(page.locator(".atlas-tooltip", has_text=notice).first).to_be_visible()
    assert page.locator("path.atlas-residence-secret").first.get_attribute("fill") == "#8c8c8c"
    shot(page, f"10-secret-residence-{'small' if small else 'secondary'}")


def test_a_permalink_to_a_renamed_indicator_opens_its_successor_and_says_so(
    explorer: Page, live_server: str, shot
) -> None:
    page = explorer
    page.goto(f"{live_server}/?echelle=commune&theme=parc&indicateur=parc.mobility_rate&annee=2024")
    notice = page.locator(f"#{ControlIds.NOTICE}")
    expect(notice).to_contain_text("« Taux de mobilité » est affiché à sa place")
    expect(notice).to_be_visible()
    expect(page.locator(f"#{ControlIds.INDICATOR}")).to_contain_text("Taux de mobilité")
    expect(page.locator("#legend .legend-title")).to_have_text("Taux de mobilité — 2024")
    shot(page, "renamed-indicator")
    choose(page, ControlIds.YEAR, "2023")
    expect(page).to_have_url(re.compile(r"indicateur=parc\.move_in_rate&annee=2023"))
    expect(notice).to_be_empty()
    expect(notice).to_be_hidden()


def test_a_click_on_a_zone_costs_one_request(explorer: Page) -> None:
    """The state, with the panel (the zone's residences in it) and the outline of the
    selection: the map is not redrawn (the state's answer, which may draw it, leaves it
    as it is), the URL is pushed client side and not read back."""
    page = explorer
    wait_for_zones(page, 95)
    expect(page.locator(f"#{PageIds.PANEL} .panel-empty")).to_be_visible()
    page.wait_for_timeout(1_500)  # the load's requests are over
    posts: list[str] = []
    answered: list[str] = []

    def count(request) -> None:
        if urlsplit(request.url).path.endswith("/_dash-update-component"):
            posts.append(json.loads(request.post_data or "{}").get("output", ""))

    def read(response) -> None:
        if urlsplit(response.url).path.endswith("/_dash-update-component"):
            answered.extend(response.json().get("response", {}))

    page.on("request", count)
    page.on("response", read)
    box = page.locator(f"#{MapIds.MAP}").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"selection=commune:\d+"))
    expect(page.locator(f"#{PageIds.PANEL} .panel-title")).to_be_visible()
    page.wait_for_selector("path.atlas-selection", state="attached")
    page.wait_for_timeout(2_000)  # anything the click still sets off
    assert len(posts) == 1, posts
    assert posts[0].startswith(f"..{PageIds.STATE}.data")
    assert MapIds.ZONES not in answered, "the map must not be redrawn"
    assert PageIds.PANEL in answered
