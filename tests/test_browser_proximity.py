"""Proximity in a real Chromium: a preparer of Roubaix opens a residence, reads what is
nearby, and shows the schools on the map. Screenshots under test-results/proximity-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    PANEL,
    SLOW,
    open_commune,
    open_residence_from_list,
    residence,
    toggle_layer,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
ROUBAIX_PREPARER = "roubaix@atlas-demo.fr"
DISTANCE = re.compile(r"\d[\d\u00a0 ]* m|\d+,\d km")


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"proximity-{name}.png")


def test_a_preparer_sees_what_a_roubaix_residence_has_nearby(
    page: Page, live_server: str, login_as, demo_warehouse: Path
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, live_server, ROUBAIX_PREPARER)
    page.wait_for_selector("path.atlas-zone:not([d='M0 0'])", timeout=SLOW)
    name, address, commune = residence(demo_warehouse, "NOT r.secret AND r.commune_code = '59512'")
    open_commune(page, commune)
    open_residence_from_list(page, name, address)

    nearby = page.locator(f"{PANEL} .panel-section-proximity")
    nearby.scroll_into_view_if_needed()
    expect(nearby).to_contain_text("À proximité", timeout=SLOW)
    expect(nearby).to_contain_text("vol d'oiseau")
    for family in ("elementaire", "arret", "medecin"):
        row = nearby.locator(f".proximity-{family}")
        expect(row).to_be_visible()
        assert DISTANCE.search(row.inner_text()), row.inner_text()
    expect(nearby.locator(".proximity-arret")).to_contain_text("min")
    # the 500 m around the selected residence
    expect(page.locator("path.atlas-selection-500m")).to_have_count(1, timeout=SLOW)
    shot(page, "1-residence")

    toggle_layer(page, "Équipements : École élémentaire")
    equipment = page.locator(".atlas-equipment-elementaire, .atlas-equipment-cluster")
    expect(equipment.first).to_be_attached(timeout=SLOW)
    assert "elementaire" in page.url
    shot(page, "2-schools-layer")
    toggle_layer(page, "Équipements : École élémentaire")
    expect(equipment).to_have_count(0, timeout=SLOW)
