"""Accessibility in a real Chromium against the app under gunicorn (RGAA 4.1 / WCAG 2.1
AA): axe-core on every page, panel and view (no serious or critical violation; the
counts by impact are printed), then the explorer used with the keyboard only and the
indicator picker as a user types in it.

One logged-in page per module serves every check; screenshots under test-results/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from layouts.ids import AccessIds, ControlIds
from tests.conftest import DEMO_PASSWORD
from tests.support.axe import BLOCKING, axe_violations, counts_by_impact, describe
from tests.support.browser import PANEL, SLOW

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
ZONES = "path.atlas-zone"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
ROUBAIX = "59512"


def check_page(page: Page, name: str) -> None:
    """axe on the page as it is now: the counts by impact printed, no blocking one."""
    violations = axe_violations(page)
    print(f"axe {name}: {counts_by_impact(violations)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name}:\n{describe(blocking)}"


def log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_load_state("domcontentloaded")
    if "/conditions" in page.url:
        page.check("input[name=accept]")
        page.click('button:has-text("J\'accepte les conditions")')
    page.wait_for_selector(ZONES, timeout=SLOW)


@pytest.fixture(scope="module")
def admin_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """The MEL's administrator, logged in once for the module, who asked the system for
    reduced motion."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    log_in(page, live_server, ADMIN)
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"a11y-{name}.png")


def first_row(parquet: Path, where: str, columns: str = "code, name") -> tuple[str, str]:
    sql = f"SELECT {columns} FROM read_parquet(?) WHERE {where} ORDER BY 1 LIMIT 1"
    return duckdb.connect().execute(sql, [str(parquet)]).fetchone()


def panels(warehouse: Path) -> dict[str, tuple[str, str]]:
    """A permalink's query for each kind of panel, in Roubaix where there is one, and
    the title of the panel it opens (the EPCI has no sheet of its own: it is the
    reference column of every panel)."""
    zones, residences = warehouse / "zones.parquet", warehouse / "residences.parquet"
    iris, iris_name = first_row(zones, f"scale = 'iris' AND commune_code = '{ROUBAIX}'")
    qpv, qpv_name = first_row(zones, "scale = 'qpv'")
    residence, residence_name = first_row(
        residences,
        f"NOT secret AND commune_code = '{ROUBAIX}' AND n_dwellings > 100",
        "residence_id, name",
    )
    return {
        "commune": (f"selection=commune:{ROUBAIX}", "Roubaix"),
        "iris": (f"echelle=iris&selection=iris:{iris}", iris_name),
        "qpv": (f"echelle=qpv&selection=qpv:{qpv}", qpv_name),
        "residence": (f"echelle=residence&selection=residence:{residence}", residence_name),
        "comparaison": (f"epingles=commune:{ROUBAIX};iris:{iris};qpv:{qpv}", ""),
    }


def open_view(page: Page, query: str) -> None:
    """Open a permalink's view in the page already loaded, as the back button would (no
    reload: the explorer reads the new address)."""
    page.evaluate(
        """query => {
            window.history.pushState({}, "", "/?" + query);
            window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        }""",
        query,
    )


def test_axe_finds_no_serious_violation_on_any_page(
    browser: Browser, admin_page: Page, live_server: str, demo_warehouse: Path
) -> None:
    anonymous = browser.new_page()
    anonymous.goto(f"{live_server}/login")
    check_page(anonymous, "login")
    anonymous.close()
    page = admin_page
    check_page(page, "explorer")
    for name, (query, title) in panels(demo_warehouse).items():
        open_view(page, query)
        if name == "comparaison":
            expect(page.locator(".compare-chart .main-svg").first).to_be_attached(timeout=SLOW)
        else:
            expect(page.locator(f"{PANEL} .panel-title").first).to_have_text(title, timeout=SLOW)
            # a chart, or the place of one drawn when scrolled to
            charts = page.locator(f"{PANEL} :is(.panel-graph, .panel-graph-lazy)")
            expect(charts.first).to_be_attached(timeout=SLOW)
        check_page(page, f"panel {name}")
    # the whole territory: a panel's sheet zoomed in, where residences are not clustered
    open_view(page, "echelle=residence&centre=50.63,3.06&zoom=11")
    page.wait_for_selector(".atlas-cluster", timeout=SLOW)
    clusters = page.locator(".leaflet-marker-icon")
    assert clusters.count() > 0
    assert clusters.evaluate_all("icons => icons.filter(i => i.tabIndex >= 0).length") == 0
    open_view(page, f"selection=commune:{ROUBAIX}")
    page.locator(f"#{AccessIds.TABLE_TOGGLE}").click()
    expect(page.locator(f"#{AccessIds.TABLE} tbody tr").first).to_be_visible(timeout=SLOW)
    check_page(page, "map table")
    for path, ready in (
        ("/attributions", ".board-table-threshold"),
        ("/residences", ".ag-row"),
        ("/dossiers", ".files-view"),
        ("/conditions", "main h1"),
        ("/admin", "form"),
    ):
        page.goto(f"{live_server}{path}")
        page.wait_for_selector(ready, timeout=SLOW)
        check_page(page, path)


def active(page: Page) -> dict[str, str]:
    """What has the keyboard focus: its id, classes and text."""
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {id: e.id, cls: String(e.className.baseVal ?? e.className),
                    text: e.innerText || ""}; }"""
    )


def test_keyboard_only_from_the_skip_link_to_a_pinned_sheet(
    admin_page: Page, live_server: str
) -> None:
    page = admin_page
    page.goto(live_server)
    page.wait_for_selector(ZONES, timeout=SLOW)
    focusable_shapes = page.locator(ZONES).evaluate_all(
        "paths => paths.filter(p => p.tabIndex >= 0).length"
    )
    assert focusable_shapes == 0, "a map shape must not be a tab stop"
    expect(page.locator("a.leaflet-control-zoom-in")).to_have_attribute("aria-label", "Zoom avant")
    page.wait_for_load_state("networkidle")  # a late answer re-renders the page's header
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link").first
    expect(skip).to_be_focused()
    # a focused skip link is on screen
    page.wait_for_function(
        "() => document.activeElement.classList.contains('skip-link')"
        " && document.activeElement.getBoundingClientRect().x >= 0"
    )
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    toggle = page.locator(f"#{AccessIds.TABLE_TOGGLE}")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true", timeout=SLOW)
    rows = page.locator(f"#{AccessIds.TABLE} tbody tr")
    expect(rows).to_have_count(95, timeout=SLOW)
    page.keyboard.press("Tab")  # the "Nom" header
    page.keyboard.press("Tab")  # the "Valeur" header: sort by it, twice for descending
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    value_header = page.locator(f"#{AccessIds.TABLE} thead th").nth(1)
    expect(value_header).to_have_attribute("aria-sort", "descending")
    keys = page.locator(f"#{AccessIds.TABLE} tbody td.text-end").evaluate_all(
        "cells => cells.map(c => c.dataset.key).filter(k => k !== '').map(Number)"
    )
    assert keys == sorted(keys, reverse=True) and len(keys) > 50
    page.keyboard.press("Tab")  # the "Classe" header
    page.keyboard.press("Tab")  # the first row's name: the most social dwellings
    first = active(page)
    assert "map-table-open" in first["cls"]
    page.keyboard.press("Enter")
    expect(page.locator(f"{PANEL} .panel-title")).to_have_text(first["text"], timeout=SLOW)
    expect(page.locator(f"#{AccessIds.LIVE}")).to_have_text(
        f"Fiche ouverte : {first['text']}", timeout=SLOW
    )
    shot(page, "1-table-sheet")
    for _ in range(rows.count() - 1):  # on through the table's other rows
        page.keyboard.press("Tab")
    for _ in range(10):  # then to the sheet's pin button
        page.keyboard.press("Tab")
        if "panel-pin" in active(page)["cls"]:
            break
    expect(page.locator(f"{PANEL} .panel-pin")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".compare-zone-name")).to_have_text([first["text"]], timeout=SLOW)
    shot(page, "2-pinned")


def test_indicator_picker_groups_filters_and_speaks_french(admin_page: Page) -> None:
    page = admin_page
    page.click("#indicator-select")
    options = page.locator(".dash-dropdown-option")
    expect(options.filter(has_text="Typologie")).to_be_visible()
    expect(options.filter(has_text="Performance énergétique (DPE)")).to_be_visible()
    search = page.locator(".dash-dropdown-search")
    expect(search).to_have_attribute("placeholder", "Rechercher")
    # a frame or two after opening, the picker moves the focus to the chosen indicator,
    # even from the search box if the user reached it sooner: what they type next still
    # goes to the box
    expect(page.locator(".dash-dropdown-option.selected input")).to_be_focused()
    page.keyboard.type("vacance")
    expect(search).to_have_value("vacance")
    expect(options).to_have_text(  # the sub-theme's heading, then what matches in it
        [
            "Loyers, vacance et mobilité",
            "Loyer moyen au m² de surface habitable",
            "Taux de vacance",
            "Taux de vacance de plus de trois mois",
            "Taux de mobilité",
        ],
        ignore_case=True,
    )
    search.fill("zzz")
    expect(page.get_by_text("Aucun résultat")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator(".indicator-definition summary").click()
    expect(page.locator(".definition-text")).to_contain_text("Source : RPLS")
    # the search box keeps the first letter typed on the closed dropdown
    page.locator(f"#{ControlIds.SEARCH}").focus()
    page.keyboard.type("Roub")
    expect(page.locator(".dash-dropdown-search")).to_have_value("Roub")
    roubaix = page.get_by_role("option", name="Commune — Roubaix", exact=True)
    expect(roubaix).to_be_visible(timeout=SLOW)
    shot(page, "3-search")
    # reduced motion asked for: the map jumps to Roubaix (one move), it does not fly there
    page.evaluate(
        """() => {
            let moves = 0;
            window.atlasTestMoves = null;
            const fire = window.L.Map.prototype.fire;
            window.L.Map.prototype.fire = function (type, ...rest) {
                moves += type === "move" ? 1 : 0;
                if (type === "moveend" && moves > 0 && window.atlasTestMoves === null) {
                    window.atlasTestMoves = moves;
                }
                return fire.call(this, type, ...rest);
            };
        }"""
    )
    roubaix.click()
    page.wait_for_function("() => window.atlasTestMoves !== null", timeout=SLOW)
    assert page.evaluate("window.atlasTestMoves") <= 2, "the map flew to the search result"
