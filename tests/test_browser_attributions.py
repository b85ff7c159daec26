"""The allocation-policy board in a real Chromium under gunicorn: the State reads the
MEL's first-quartile share outside QPV and its target, then one commune; a convention
without the theme sees no trace of it.

Screenshots of each step are kept under test-results/attributions-*.png (look at them).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from layouts.attributions_board import BoardIds
from layouts.formatting import format_value
from layouts.ids import ControlIds

pytestmark = pytest.mark.browser
SLOW = 30_000
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
SHARE = "attributions.q1_outside_qpv_share"
LILLE = "59350"
EXPLORER_LINK = re.compile(
    r"^/\?echelle=commune&theme=attributions&indicateur=attributions\.q1_outside_qpv_share"
    r"&annee=2024&.*selection=commune:\d{5}"
)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"attributions-{name}.png", full_page=True)


def share_of(warehouse: Path, scale: str, code: str, year: int = 2024) -> str:
    (value,) = (
        duckdb.connect()
        .execute(
            "SELECT value FROM read_parquet(?) WHERE indicator_id = ? AND scale = ? "
            "AND code = ? AND year = ?",
            [str(warehouse / "indicators.parquet"), SHARE, scale, code, year],
        )
        .fetchone()
    )
    return format_value(value, "%", 1)


def targets_row(page: Page):
    return page.locator(".board-table-targets tr", has_text="hors QPV au 1er quartile")


def test_the_state_reads_the_mels_first_quartile_share_then_one_commune(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, "etat@atlas-demo.fr")
    page.goto(live_server + "/")
    page.get_by_role("link", name="Pilotage des attributions").click()
    expect(page.locator(".attributions-board h1")).to_have_text(
        "Pilotage des attributions", timeout=SLOW
    )
    mel = share_of(demo_warehouse, "epci", "200093201")
    row = targets_row(page)
    expect(row).to_contain_text(mel, timeout=SLOW)
    expect(row).to_contain_text("25 %")
    expect(row).to_contain_text("non")  # 16 % in the demo: below the target
    block = page.locator(f".board-target[data-indicator='{SHARE}']")
    expect(block).to_contain_text("objectif ≥")
    expect(block).to_contain_text("non atteint")
    expect(block.locator(".main-svg").first).to_be_visible(timeout=SLOW)
    expect(page.locator(".board-table-holders")).to_contain_text("Action Logement")
    expect(page.locator(".board-threshold")).to_contain_text("9\u00a0324\u00a0€")
    shot(page, "state-mel")

    page.locator(f"#{BoardIds.ZONE}").click()
    page.keyboard.type("Lille")
    page.get_by_role("option", name="Lille", exact=True).click()
    lille = share_of(demo_warehouse, "commune", LILLE)
    expect(targets_row(page)).to_contain_text(lille, timeout=SLOW)
    expect(page.locator(f"#{BoardIds.PERMALINK}")).to_have_attribute(
        "href", f"?zone=commune:{LILLE}&annee=2024"
    )
    expect(page.locator(".board-section-holders")).to_contain_text("EPCI seulement")
    shot(page, "state-lille")

    # the permalink reopens the commune; the table of communes links to the map
    page.goto(live_server + f"/attributions?zone=commune:{LILLE}&annee=2024")
    expect(targets_row(page)).to_contain_text(lille, timeout=SLOW)
    link = page.locator(".board-communes a", has_text="Voir sur la carte").first
    expect(link).to_have_attribute("href", EXPLORER_LINK, timeout=SLOW)


def test_a_convention_without_the_theme_sees_no_trace_of_it(
    page: Page, live_server: str, login_as
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, "vilogia@atlas-demo.fr")
    page.goto(live_server + "/")
    expect(page.locator(f"#{ControlIds.THEME}")).to_be_visible(timeout=SLOW)
    expect(page.locator(f"#{ControlIds.THEME}")).not_to_contain_text("Attributions")
    expect(page.get_by_role("link", name="Pilotage des attributions")).to_have_count(0)
    page.goto(live_server + "/attributions")
    expect(page.locator(".view-refused")).to_contain_text("ne donne pas accès", timeout=SLOW)
    expect(page.locator(".attributions-board")).to_have_count(0)
    shot(page, "landlord-refused")
