"""The fragility diagnosis as users meet it, in a real Chromium under gunicorn.

Roubaix's officer maps the classes at IRIS scale, opens the most fragile IRIS from the
commune's ranking and reads why; a landlord reads its residences' classes and not
another landlord's. Screenshots under test-results/fragility-*.png.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from data.diagnostic import CLASS_LABELS
from layouts.panel_diagnostic import DIAGNOSTIC_OUT_OF_PERIMETER_TEXT

pytestmark = pytest.mark.browser
SLOW = 30_000
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
PANEL = "#panel"
VILOGIA = "900000002"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"fragility-{name}.png", full_page=True)


def latest_survey(warehouse: Path) -> int:
    sql = "SELECT max(year) FROM read_parquet(?) WHERE indicator_id = 'diagnostic.class'"
    return duckdb.connect().execute(sql, [str(warehouse / "indicators.parquet")]).fetchone()[0]


def class_view(page: Page, live_server: str, login_as, email: str, scale: str, year: int) -> str:
    """Log in as `email`; the URL of the class map at `scale` and `year`, to which a
    selection (`scale:code`) is appended."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, email)
    return (
        f"{live_server}/?echelle={scale}&theme=diagnostic&indicateur=diagnostic.class"
        f"&annee={year}&classes=quantile&selection="
    )


def test_roubaix_maps_fragility_opens_its_most_fragile_iris_and_reads_why(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    year = latest_survey(demo_warehouse)
    view = class_view(page, live_server, login_as, "roubaix@atlas-demo.fr", "iris", year)
    page.goto(view + "commune:59512")
    legend = page.locator("#legend")
    for label in CLASS_LABELS:
        expect(legend).to_contain_text(label, timeout=SLOW)
    legend.locator("summary", has_text="Méthode").click()
    expect(legend).to_contain_text("1,2 fois celle de l'EPCI")
    ranking = page.locator(f"{PANEL} .diagnostic-ranking").first
    expect(ranking).to_contain_text(CLASS_LABELS[-1], timeout=SLOW)
    shot(page, "roubaix-map")
    first = ranking.locator("tbody tr").first
    name = first.locator(".panel-link").inner_text()
    first.locator(".panel-link").click()
    panel = page.locator(PANEL)
    expect(panel.locator(".panel-title")).to_have_text(name, timeout=SLOW)
    section = panel.locator(".panel-section-diagnostic")
    expect(section.locator(".diagnostic-summary")).to_contain_text(CLASS_LABELS[-1])
    flagged = section.locator("tr.table-warning")
    assert flagged.count() >= 4  # "Fragile": four criteria or more, each with its "Oui"
    expect(flagged.first).to_contain_text("Oui")
    expect(section).to_contain_text("Taux de pauvreté (Filosofi)")
    expect(section.locator(".diagnostic-history")).to_contain_text(str(year))
    section.scroll_into_view_if_needed()
    shot(page, "roubaix-iris")


def residence_of(warehouse: Path, own: bool, year: int) -> tuple[str, str]:
    """(id, name) of a published residence of Vilogia (or of another landlord) whose
    class is published."""
    sql = f"""
        SELECT r.residence_id, r.name FROM read_parquet(?) r JOIN read_parquet(?) i
          ON i.scale = 'residence' AND i.code = r.residence_id AND i.year = ?
         AND i.indicator_id = 'diagnostic.class' AND i.status = 'ok'
        WHERE NOT r.secret AND r.bailleur_code {"=" if own else "<>"} ?
        ORDER BY r.residence_id LIMIT 1
    """
    paths = [str(warehouse / "residences.parquet"), str(warehouse / "indicators.parquet")]
    return duckdb.connect().execute(sql, [*paths, year, VILOGIA]).fetchone()


def test_a_landlord_reads_its_residences_classes_and_not_another_s(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    year = latest_survey(demo_warehouse)
    view = class_view(page, live_server, login_as, "vilogia@atlas-demo.fr", "residence", year)
    own_id, own_name = residence_of(demo_warehouse, True, year)
    page.goto(f"{view}residence:{own_id}")
    panel = page.locator(PANEL)
    expect(panel.locator(".panel-title")).to_have_text(own_name, timeout=SLOW)
    section = panel.locator(".panel-section-diagnostic")
    badge = section.locator(".diagnostic-summary .diagnostic-class")
    expect(badge).to_be_visible(timeout=SLOW)
    summary = badge.inner_text()
    assert any(label in summary for label in CLASS_LABELS)
    shot(page, "vilogia-own")
    other_id, other_name = residence_of(demo_warehouse, False, year)
    page.goto(f"{view}residence:{other_id}")
    expect(panel.locator(".panel-title")).to_have_text(other_name, timeout=SLOW)
    refused = panel.locator(".panel-diagnostic-refused")
    expect(refused).to_have_text(DIAGNOSTIC_OUT_OF_PERIMETER_TEXT, timeout=SLOW)
    expect(panel.locator(".panel-section-diagnostic table")).to_have_count(0)
    for label in CLASS_LABELS:
        expect(panel.locator(".panel-section-diagnostic")).not_to_contain_text(label)
    shot(page, "vilogia-other")
