"""The panel and the comparison in a real Chromium against the app under gunicorn.

A screenshot of each step is kept under test-results/panel-*.png (look at them).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from playwright.sync_api import Page, expect

from layouts.ids import PageIds
from layouts.panel_labels import (
    OCCUPATION_OUT_OF_PERIMETER_TEXT,
    PIN_LIMIT_TEXT,
    secret_residence_text,
)
from tests.support.browser import (
    PANEL,
    SLOW,
    open_commune,
    open_residence_from_list,
    residence,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
ZONES = "path.atlas-zone"
ADMIN = "mel-admin@atlas-demo.fr"
CAPINGHEM = "capinghem@atlas-demo.fr"
ROUBAIX = "r.commune_code = '59512'"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"panel-{name}.png")


def logged_in(page: Page, live_server: str, login_as, email: str) -> Page:
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, email)
    # drawn zones (a user opens on their own area: the first zones may lie outside it)
    page.wait_for_selector(f"{ZONES}:not([d='M0 0'])", timeout=SLOW)
    return page


def test_clicking_a_commune_opens_its_panel(page: Page, live_server: str, login_as) -> None:
    logged_in(page, live_server, login_as, ADMIN)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    name = page.locator(".atlas-tooltip strong").first.inner_text()  # the zone under the mouse
    panel = page.locator(PANEL)
    expect(panel.locator(".panel-title")).to_have_text(name, timeout=SLOW)
    expect(panel.locator(".badge").first).to_have_text("Commune")
    expect(panel.locator(".panel-figures th", has_text="MEL")).to_be_visible()
    expect(panel.locator(".panel-figures")).to_contain_text("Logements sociaux")
    # drawn when in view: the first chart (the section is taller than the panel, so
    # scrolling the section into view may centre it with its first chart above)
    panel.locator(".panel-section-charts .panel-graph-lazy").first.scroll_into_view_if_needed()
    expect(panel.locator(".panel-graph-typologie .main-svg").first).to_be_attached(timeout=SLOW)
    shot(page, "1-commune")
    residences = panel.locator(".panel-section-residences")
    residences.scroll_into_view_if_needed()
    # the list comes by its own request once the panel is there
    expect(residences.locator(".panel-residence-item").first).to_be_visible(timeout=SLOW)
    expect(residences).not_to_contain_text("Chargement")
    assert 0 < residences.locator(".panel-residence-item").count() <= 20
    shot(page, "1b-commune-residences")


def test_opening_a_residence_and_a_secret_one(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    logged_in(page, live_server, login_as, ADMIN)
    published, address, commune = residence(demo_warehouse, f"NOT r.secret AND {ROUBAIX}")
    secret, secret_address, _ = residence(demo_warehouse, f"r.secret AND {ROUBAIX}")
    open_commune(page, commune)
    open_residence_from_list(page, published, address)
    panel = page.locator(PANEL)
    expect(panel).to_contain_text("Bailleur")
    expect(panel.locator(".panel-section-parc .panel-figures")).to_contain_text("Taux de vacance")
    expect(panel.locator(".panel-section-occupation")).to_contain_text("Part de personnes seules")
    shot(page, "2-residence")
    panel.locator(".panel-section-occupation").scroll_into_view_if_needed()
    shot(page, "2b-residence-occupation")
    panel.locator(".panel-description .panel-link").last.click()  # back to its commune
    expect(panel.locator(".panel-title")).to_have_text(commune, timeout=SLOW)
    open_residence_from_list(page, secret, secret_address)
    expect(panel.locator(".panel-secret")).to_have_text(secret_residence_text(11))
    # no size class: it would bound the residence's dwellings
    expect(panel.locator(".panel-description dt:text-is('Taille') + dd")).to_have_text("secret")
    expect(panel.locator(".panel-figures")).to_have_count(0)
    shot(page, "3-secret-residence")


def test_commune_user_sees_the_refusal_outside_its_perimeter(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    logged_in(page, live_server, login_as, CAPINGHEM)
    outside, address, commune = residence(demo_warehouse, f"NOT r.secret AND {ROUBAIX}")
    open_commune(page, commune)
    open_residence_from_list(page, outside, address)
    occupation = page.locator(f"{PANEL} .panel-section-occupation")
    expect(occupation).to_contain_text(OCCUPATION_OUT_OF_PERIMETER_TEXT)
    expect(occupation.locator(".panel-figures")).to_have_count(0)
    occupation.scroll_into_view_if_needed()
    shot(page, "4-refused-outside-perimeter")
    inside, address, home = residence(demo_warehouse, "NOT r.secret AND r.commune_code = '59128'")
    open_commune(page, home)
    open_residence_from_list(page, inside, address)
    expect(occupation).not_to_contain_text(OCCUPATION_OUT_OF_PERIMETER_TEXT)
    expect(occupation.locator(".panel-figures")).to_contain_text("Ménages enquêtés")
    occupation.scroll_into_view_if_needed()
    shot(page, "5-granted-inside-perimeter")


def test_pinning_zones_fills_the_comparison(page: Page, live_server: str, login_as) -> None:
    logged_in(page, live_server, login_as, ADMIN)
    compare = page.locator("#compare")
    communes = ["Lille", "Roubaix", "Tourcoing", "Wattrelos"]
    for count, name in enumerate(communes, start=1):
        open_commune(page, name)
        page.locator(f"{PANEL} .panel-pin").click()
        expect(page.locator(f"{PANEL} .panel-pin")).to_have_text(
            "Retirer de la comparaison", timeout=SLOW
        )
        expect(compare.locator(".compare-zone-name")).to_have_count(count, timeout=SLOW)
    expect(compare.locator(".compare-zone-name")).to_have_text(communes)
    expect(compare.locator("thead th").last).to_have_text("MEL")
    expect(compare.locator(".panel-graph-compare .main-svg").first).to_be_attached(timeout=SLOW)
    compare.scroll_into_view_if_needed()
    shot(page, "6-compare-four")
    open_commune(page, "Capinghem")
    page.locator(f"{PANEL} .panel-pin").click()
    expect(page.locator(f"{PANEL} .panel-pin-message")).to_have_text(PIN_LIMIT_TEXT, timeout=SLOW)
    expect(compare.locator(".compare-zone-name")).to_have_count(4)
    shot(page, "7-fifth-pin-refused")
    compare.locator(".compare-unpin").first.click()
    expect(compare.locator(".compare-zone-name")).to_have_text(communes[1:], timeout=SLOW)
    expect(page.locator(f"{PANEL} .panel-pin-message")).to_be_empty(timeout=SLOW)
    shot(page, "8-unpinned")


def published_iris_dwellings(warehouse: Path, commune_code: str) -> tuple[int, int]:
    """(IRIS of the commune, IRIS with a published count of social dwellings) in the last
    vintage: the complementary suppression of the pipeline decides the second."""
    sql = """
        SELECT count(*), count(i.value) FROM read_parquet(?) z
        LEFT JOIN read_parquet(?) i ON i.scale = 'iris' AND i.code = z.code
          AND i.indicator_id = 'parc.dwellings' AND i.status = 'ok'
          AND i.year = (SELECT max(year) FROM read_parquet(?) WHERE indicator_id = 'parc.dwellings')
        WHERE z.scale = 'iris' AND z.commune_code = ?
    """
    indicators = str(warehouse / "indicators.parquet")
    params = [str(warehouse / "zones.parquet"), indicators, indicators, commune_code]
    return duckdb.connect().execute(sql, params).fetchone()


def test_the_whole_iris_ranking_comes_on_demand(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    iris, published = published_iris_dwellings(demo_warehouse, "59599")
    assert 15 < published < iris  # Tourcoing: a cut, and IRIS counts hidden by secrecy
    logged_in(page, live_server, login_as, ADMIN)
    open_commune(page, "Tourcoing")
    ranking = page.locator(f"{PANEL} .panel-section-ranking")
    ranking.scroll_into_view_if_needed()
    rows = ranking.locator("tbody tr:has(.panel-link)")
    expect(rows).to_have_count(15, timeout=SLOW)
    expect(ranking.locator(".panel-rank-skipped")).to_have_text(
        [
            f"… {published - 15} autres IRIS",
            f"… {iris - published} IRIS sans valeur publiée (secret ou n.d.)",
        ]
    )
    shot(page, "9-ranking-cut")
    ranking.get_by_role("button", name=f"Voir les {iris} IRIS").click()
    expect(rows).to_have_count(iris, timeout=SLOW)
    expect(rows.last.locator(".panel-rank")).to_have_text(f"{iris}.")
    expect(ranking.locator(".panel-rank-skipped")).to_have_count(0)
    shot(page, "10-ranking-full")
    rows.nth(20).locator(".panel-link").click()
    expect(page.locator(f"{PANEL} .badge").first).to_have_text("IRIS", timeout=SLOW)


def test_a_new_indicator_redraws_only_its_figures_in_the_open_panel(
    page: Page, live_server: str, login_as
) -> None:
    """With Roubaix's panel open, picking another indicator redraws the key figures, the
    evolution and the IRIS ranking (and orders the residence list by it); the profile's
    charts stay the same elements (not drawn again), and the panel is not drawn whole."""
    logged_in(page, live_server, login_as, ADMIN)
    open_commune(page, "Roubaix")
    panel = page.locator(PANEL)
    expect(panel.locator(".panel-residence-item").first).to_be_attached(timeout=SLOW)
    panel.locator(".panel-section-charts").scroll_into_view_if_needed()  # drawn when in view
    expect(panel.locator(".panel-section-charts .main-svg").first).to_be_attached(timeout=SLOW)
    page.evaluate(
        "() => { document.querySelector('#panel .panel-section-charts').dataset.kept = 'yes'; }"
    )
    answered: list[str] = []

    def read(response) -> None:
        if urlsplit(response.url).path.endswith("/_dash-update-component"):
            answered.extend(response.json().get("response", {}))

    page.on("response", read)
    page.click("#indicator-select")
    page.get_by_role("option", name="Taux de vacance", exact=True).click()
    expect(panel.locator(".panel-ranking")).to_contain_text("Taux de vacance", timeout=SLOW)
    expect(panel.locator(".panel-section-charts[data-kept=yes]")).to_be_attached()
    page.wait_for_timeout(500)
    assert answered and PageIds.PANEL not in answered, answered
    shot(page, "9-indicator-changed")


def test_printing_draws_the_charts_not_yet_scrolled_into_view(
    page: Page, live_server: str, login_as
) -> None:
    logged_in(page, live_server, login_as, ADMIN)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    charts = page.locator(f"{PANEL} .panel-graph-lazy")
    expect(charts.first).to_be_attached(timeout=SLOW)
    page.wait_for_function("() => window.Plotly !== undefined", timeout=SLOW)
    blank = (
        "n => [...document.querySelectorAll('.panel-graph-lazy')]"
        ".filter(c => !c.querySelector('.main-svg')).length"
    )
    assert page.evaluate(blank.replace("n => ", "() => ")) > 0, "every chart already in view"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function(blank + " === 0", arg=0, timeout=SLOW)
