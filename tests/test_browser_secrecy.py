"""Secrecy as a signatory's browser receives it, in a real Chromium under gunicorn.

A screenshot of each step is kept under test-results/secrecy-*.png (look at them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from layouts.formatting import SECRET_TITLE
from layouts.panel_labels import ZONE_TELLING_RESIDENCES_TEXT, secret_residence_text

pytestmark = pytest.mark.browser
SLOW = 30_000
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
PANEL = "#panel"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"secrecy-{name}.png", full_page=True)


def query(warehouse: Path, sql: str, *tables: str) -> tuple:
    paths = [str(warehouse / f"{table}.parquet") for table in tables]
    return duckdb.connect().execute(sql, paths).fetchone()


def check_apl_share_as(
    page: Page,
    live_server: str,
    login_as,
    zone: tuple[str, str, int],
    value: float,
    readers: dict[str, bool],
) -> Iterator[str]:
    """Open a zone's APL share of a year (`zone`: scale, code, year) as each reader: those
    marked True read `value`, the others 'hors périmètre' and the sentence that says why,
    never the value. The zone's stock of dwellings is shown to all of them. Yields each
    reader, the panel open."""
    scale, code, year = zone
    view = (
        f"/?echelle={scale}&theme=occupation&indicateur=occupation.apl_share&annee={year}"
        f"&classes=quantile&selection={scale}:{code}"
    )
    shown = f"{value:.1f}".replace(".", ",")
    for email, sees in readers.items():
        page.set_viewport_size({"width": 1400, "height": 1000})
        login_as(page, live_server, email)
        page.goto(live_server + view)
        panel = page.locator(PANEL)
        expect(panel.locator(".panel-title")).to_be_visible(timeout=SLOW)
        row = panel.locator("tr", has_text="aide au logement").first
        if sees:
            expect(row).to_contain_text(shown, timeout=SLOW)
            expect(panel).not_to_contain_text(ZONE_TELLING_RESIDENCES_TEXT)
        else:
            expect(row).to_contain_text("hors périmètre", timeout=SLOW)
            expect(row).not_to_contain_text(shown)
            expect(panel).to_contain_text(ZONE_TELLING_RESIDENCES_TEXT)
        # only occupation follows the perimeter: the stock stays shown to everyone
        stock = panel.locator("tr", has_text="Logements sociaux").first
        expect(stock).not_to_contain_text("hors périmètre")
        yield email
        page.context.clear_cookies()


def test_a_commune_user_reads_no_occupation_of_a_zone_that_is_another_s_residence(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    """An IRIS of another commune whose occupation is one residence's: Roubaix's user
    reads 'hors périmètre' and the sentence, never the value; the MEL reads it."""
    code, year, value = query(
        demo_warehouse,
        """
        SELECT i.code, i.year, i.value FROM read_parquet(?) i JOIN read_parquet(?) r
          USING (residence_id)
        WHERE i.status = 'perimeter' AND i.scale = 'iris' AND r.commune_code <> '59512'
          AND i.indicator_id = 'occupation.apl_share'
        ORDER BY i.year DESC, i.code LIMIT 1
        """,
        "indicators",
        "residences",
    )
    readers = {"roubaix@atlas-demo.fr": False, "mel-admin@atlas-demo.fr": True}
    zone = ("iris", code, year)
    for email in check_apl_share_as(page, live_server, login_as, zone, value, readers):
        shot(page, f"one-residence-zone-{email.split('@')[0]}")


def test_a_secret_residence_tells_nothing_of_its_size(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    (residence_id,) = query(
        demo_warehouse,
        "SELECT residence_id FROM read_parquet(?) WHERE secret AND commune_code = '59512' "
        "ORDER BY residence_id LIMIT 1",
        "residences",
    )
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, "roubaix@atlas-demo.fr")
    page.goto(
        live_server + "/?echelle=residence&theme=parc&indicateur=parc.dwellings&annee=2024"
        f"&classes=quantile&selection=residence:{residence_id}"
    )
    panel = page.locator(PANEL)
    expect(panel).to_contain_text(secret_residence_text(11), timeout=SLOW)
    expect(panel.locator("dd").nth(2)).to_have_text("secret")  # Taille
    for clue in ("Moins de 11", "secret secondaire", "De 11 à 49"):
        expect(panel).not_to_contain_text(clue)
    shot(page, "secret-residence")


def test_a_share_of_too_few_households_reads_secret_and_says_why(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    """A published Roubaix residence whose share of large families counts fewer than T
    households: its sheet reads "secret" for that share (the reason on hover) beside its
    published household count; the browser receives no value for it."""
    residence_id, year, households = query(
        demo_warehouse,
        """
        SELECT s.code, s.year, h.value FROM read_parquet(?) s
        JOIN read_parquet(?) r ON r.residence_id = s.code
        JOIN read_parquet(?) h ON h.code = s.code AND h.year = s.year
          AND h.indicator_id = 'occupation.households'
        WHERE s.scale = 'residence' AND s.indicator_id = 'occupation.large_family'
          AND s.status = 'secret' AND NOT r.secret AND r.commune_code = '59512'
          AND h.status = 'ok' AND s.year = (SELECT max(year) FROM read_parquet(?)
                                            WHERE theme = 'occupation')
        ORDER BY s.code LIMIT 1
        """,
        "indicators",
        "residences",
        "indicators",
        "indicators",
    )
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, "roubaix@atlas-demo.fr")
    page.goto(
        live_server + f"/?echelle=residence&theme=occupation&indicateur=occupation.large_family"
        f"&annee={year}&classes=quantile&selection=residence:{residence_id}"
    )
    panel = page.locator(PANEL)
    row = panel.locator("tr", has_text="familles nombreuses").first
    expect(row.locator(".value-secret").first).to_have_text("secret", timeout=SLOW)
    expect(row.locator(".value-secret").first).to_have_attribute("title", SECRET_TITLE)
    expect(panel.locator("tr", has_text="Ménages enquêtés").first).to_contain_text(
        f"{households:.0f}"
    )
    shot(page, "share-of-too-few-households")


def test_a_landlord_reads_no_zone_value_it_could_take_its_own_residences_out_of(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    """A commune whose occupation, minus Vilogia's residences, would be one other
    residence's: Vilogia reads 'hors périmètre' and the sentence, Roubaix the value."""
    scale, code, year, value = query(
        demo_warehouse,
        """
        SELECT scale, code, year, value FROM read_parquet(?)
        WHERE indicator_id = 'occupation.apl_share' AND status = 'ok' AND scale = 'commune'
          AND list_contains(hidden_from, 'bailleur:900000002')
          AND NOT list_contains(hidden_from, 'commune:59512')
        ORDER BY year DESC, code LIMIT 1
        """,
        "indicators",
    )
    readers = {"vilogia@atlas-demo.fr": False, "roubaix@atlas-demo.fr": True}
    zone = (scale, code, year)
    for email in check_apl_share_as(page, live_server, login_as, zone, value, readers):
        shot(page, f"hidden-from-a-landlord-{email.split('@')[0]}")
