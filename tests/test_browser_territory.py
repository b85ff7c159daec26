"""A territory of several EPCIs in a real Chromium: the Territoire de Belfort (dep:90,
three EPCIs, 101 communes), generated and built under tmp from its committed commune
extract, served under gunicorn; one State officer's page for every check."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from data.demo.generator import generate
from data.pipeline.build import build
from data.territory import parse_territory
from layouts.ids import ControlIds
from tests.conftest import PROJECT_ROOT, demo_server
from tests.support.browser import SLOW, search

pytestmark = pytest.mark.browser

STATE = "etat@atlas-demo.fr"
BELFORT = "Communauté d'agglomération Grand Belfort"
DRAWN_ZONES = "path.atlas-zone"
SCREENSHOTS = PROJECT_ROOT / "test-results"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"territory-{name}.png")


@pytest.fixture(scope="module")
def belfort_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal over a demo Territoire de Belfort (about 9 s of CPU to generate and build)."""
    root = tmp_path_factory.mktemp("dep90")
    quiet = lambda _message: None  # noqa: E731
    generate(root / "raw", parse_territory("dep:90"), seed=2021, log=quiet)
    build(root / "raw", root / "warehouse", threshold=11, echo=quiet)
    (root / "var").mkdir()
    with demo_server(root / "var", root / "warehouse") as url:
        yield url


@pytest.fixture(scope="module")
def belfort_page(browser: Browser, belfort_server: str, login_as) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login_as(page, belfort_server, STATE)
    page.wait_for_selector(DRAWN_ZONES, timeout=SLOW)
    yield page
    context.close()


def test_the_scales_begin_with_the_epcis(belfort_page: Page) -> None:
    scales = belfort_page.locator(f"#{ControlIds.SCALE} label")
    expect(scales).to_have_text(["EPCI", "Communes", "IRIS", "QPV", "Résidences"])
    search_box = belfort_page.locator(f"#{ControlIds.SEARCH}")
    expect(search_box).to_contain_text("Rechercher un EPCI, une commune")
    shot(belfort_page, "1-dep90")


def test_an_epci_panel_opens_from_search(belfort_page: Page) -> None:
    search(belfort_page, "Grand Belfort", f"EPCI — {BELFORT}")
    expect(belfort_page.locator("#panel .panel-title").first).to_have_text(BELFORT, timeout=SLOW)
    expect(belfort_page).to_have_url(re.compile(r"selection=epci:200069052"))
    shot(belfort_page, "2-epci-panel")
