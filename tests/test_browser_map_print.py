"""Printing the explorer: the restricted-use notice of the convention, only on paper.

The PDF and a print-media screenshot are kept under test-results/ (look at them).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROUBAIX = "roubaix@atlas-demo.fr"


def test_the_notice_is_printed_not_shown(
    page: Page, live_server: str, login_as, pytestconfig: pytest.Config
) -> None:
    folder = Path(pytestconfig.getoption("--output")).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    login_as(page, live_server, ROUBAIX)
    page.goto(f"{live_server}/?selection=commune:59512")
    page.wait_for_selector("path.atlas-zone:not([d='M0 0'])", timeout=15_000)
    expect(page.locator("#panel .panel-title")).to_have_text("Roubaix", timeout=30_000)
    residences = page.locator("#panel .panel-residences")
    expect(residences.locator(".panel-residence-item")).to_have_count(20, timeout=30_000)
    notice = page.locator("#print-notice")
    expected = re.compile(
        rf"^Diffusion restreinte — convention [\w-]+ — .*Roubaix.* — "
        rf"{re.escape(date.today().strftime('%d/%m/%Y'))}$"
    )
    expect(notice).to_have_text(expected)
    expect(notice).to_be_hidden()

    page.emulate_media(media="print")
    expect(notice).to_be_visible()
    expect(page.locator(".controls-bar")).to_be_hidden()
    expect(page.locator("#logout-link")).to_be_hidden()
    for kept in ("#map", "#legend", "#panel", "#compare"):
        expect(page.locator(kept)).to_be_attached()
    expect(page.locator("#map")).to_be_visible()
    expect(page.locator("#legend")).to_be_visible()
    expect(page.locator("#panel")).to_be_visible()
    # the residence list scrolls on screen but is printed whole, without its filter
    assert residences.evaluate("list => list.scrollHeight <= list.clientHeight + 1")
    expect(page.locator("#panel .panel-residence-filter")).to_be_hidden()
    page.screenshot(path=folder / "print-media.png", full_page=True)
    page.pdf(path=folder / "print.pdf", format="A4", landscape=True, print_background=True)

    page.emulate_media(media="screen")
    expect(notice).to_be_hidden()
