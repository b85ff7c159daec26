"""The explorer on a phone (390x844), a tablet (768x1024) and a desktop (1400x900), in a
real Chromium: map first, controls in a menu, no horizontal scrolling, touch targets of
44 px, the layers and the legend folding, commune names that do not collide, the
header on one line. One login, one page resized between the checks; a screenshot of
each size is kept under test-results/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from layouts.ids import CompactIds, ControlIds, MapIds
from tests.support.browser import SLOW

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1400, "height": 900}
TOUCH = 43.5  # px: 44 at the browser's sub-pixel rounding
# What a finger presses: links, buttons, the scale's labels, dropdowns, the layers' rows
# and the map's zoom buttons (a hidden radio or switch is pressed through its label).
TARGETS = (
    "a, button, label.btn, .dash-dropdown, .layers-popover .form-check-label, "
    ".leaflet-control-zoom a"
)
SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)]
  .filter(e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
      && r.bottom > 0 && r.top < innerHeight && !e.closest('.leaflet-tooltip');
  })
  .filter(e => { const r = e.getBoundingClientRect(); return r.width < 43.5 || r.height < 43.5; })
  .map(e => { const r = e.getBoundingClientRect();
              return `${e.tagName}.${e.className} "${e.innerText.slice(0, 24)}" `
                + `${Math.round(r.width)}x${Math.round(r.height)}`; })
"""


@pytest.fixture(scope="module")
def explorer(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", "atlas-demo-2021")
    page.click("button:has-text('Se connecter')")
    page.wait_for_load_state("domcontentloaded")
    if urlsplit(page.url).path == "/conditions":
        page.check("input[name=accept]")
        page.click('button:has-text("J\'accepte les conditions")')
    page.wait_for_selector("path.atlas-zone", state="attached", timeout=SLOW)
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(pytestconfig: pytest.Config) -> Path:
    folder = Path(pytestconfig.getoption("--output")).absolute()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def at_size(page: Page, live_server: str, viewport: dict[str, int], query: str = "") -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/{query}")
    page.wait_for_selector("#legend .legend-title", state="attached", timeout=SLOW)


def box(page: Page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width} px"


def small_targets(page: Page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, TARGETS)


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_small_screens_show_the_map_first_and_the_controls_in_a_menu(
    explorer: Page, live_server: str, shots: Path, viewport: dict[str, int]
) -> None:
    page = explorer
    at_size(page, live_server, viewport)
    size = f"{viewport['width']}x{viewport['height']}"
    expect(page.locator(f"#{ControlIds.BAR}")).to_be_hidden()
    map_box = box(page, f"#{MapIds.MAP}")
    assert map_box["y"] < 130, f"the map starts {map_box['y']:.0f} px down"
    assert map_box["height"] >= 0.55 * viewport["height"]
    panel = box(page, "#panel")
    assert panel["y"] >= map_box["y"] + map_box["height"] - 1, "the panel comes below the map"
    no_horizontal_scroll(page)
    assert small_targets(page) == []
    page.screenshot(path=shots / f"compact-{size}-map.png")

    menu = page.locator(f"#{CompactIds.MENU_BUTTON}")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#{ControlIds.BAR}")).to_be_visible()
    expect(page.locator("#view-nav")).to_be_visible()
    page.locator(f"#{CompactIds.LAYERS_BUTTON}").click()
    expect(page.locator(f"#{CompactIds.LAYERS_MENU}")).to_be_visible()
    no_horizontal_scroll(page)
    assert small_targets(page) == []
    page.screenshot(path=shots / f"compact-{size}-menu.png", full_page=True)
    page.keyboard.press("Escape")
    expect(page.locator(f"#{CompactIds.LAYERS_MENU}")).to_be_hidden()
    menu.click()
    expect(page.locator(f"#{ControlIds.BAR}")).to_be_hidden()


def test_the_phone_legend_starts_folded_and_unfolds(explorer: Page, live_server: str) -> None:
    page = explorer
    at_size(page, live_server, PHONE)
    legend, button = page.locator(f"#{MapIds.LEGEND}"), page.locator(f"#{CompactIds.LEGEND_BUTTON}")
    expect(legend).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(legend).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")


def test_the_legend_folds_away_from_the_markers(explorer: Page, live_server: str) -> None:
    page = explorer
    at_size(page, live_server, DESKTOP)
    legend, button = page.locator(f"#{MapIds.LEGEND}"), page.locator(f"#{CompactIds.LEGEND_BUTTON}")
    expect(legend).to_be_visible()
    legend_box = legend.bounding_box()
    button.click()
    expect(legend).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    # what the legend covered is the map's again
    x, y = legend_box["x"] + legend_box["width"] / 2, legend_box["y"] + legend_box["height"] / 2
    assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('#map')", [x, y])
    button.click()
    expect(legend).to_be_visible()


def test_search_results_cover_the_zoom_buttons(explorer: Page, live_server: str) -> None:
    page = explorer
    at_size(page, live_server, TABLET)
    page.locator(f"#{CompactIds.MENU_BUTTON}").click()
    page.click(f"#{ControlIds.SEARCH}")
    page.locator(".dash-dropdown-search-container input").fill("Li")
    page.get_by_role("option").first.wait_for()
    # wherever the layout puts them: the "+" and "-" moved under the list of results
    centre = page.evaluate(
        """() => {
            const list = document.querySelector('[role=listbox]').getBoundingClientRect();
            const map = document.querySelector('#map').getBoundingClientRect();
            const corner = document.querySelector('#map .leaflet-top.leaflet-left');
            corner.style.left = `${list.left + 20 - map.left}px`;
            corner.style.top = `${Math.max(list.top, map.top) + 20 - map.top}px`;
            const zoom = document.querySelector('.leaflet-control-zoom-in').getBoundingClientRect();
            return [zoom.left + zoom.width / 2, zoom.top + zoom.height / 2];
        }"""
    )
    assert page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.dash-dropdown-content')", centre
    ), "the '+' button covers the search results"
    page.keyboard.press("Escape")


def test_the_header_holds_on_one_line_at_1400_px_and_folds_below(
    explorer: Page, live_server: str
) -> None:
    page = explorer
    at_size(page, live_server, DESKTOP)
    expect(page.locator(f"#{CompactIds.MENU_BUTTON}")).to_be_hidden()
    links = page.locator("#view-nav a, .header-account a, .header-account button")
    heights = {
        round(b["height"]) for b in (links.nth(i).bounding_box() for i in range(links.count()))
    }
    assert max(heights) < 30, f"a header link wraps: heights {heights}"
    assert box(page, ".atlas-header")["height"] < 64
    no_horizontal_scroll(page)
    # narrower, the header's links go into the menu rather than off the screen
    page.set_viewport_size({"width": 1200, "height": 800})
    expect(page.locator(f"#{ControlIds.BAR}")).to_be_visible()
    page.locator(f"#{CompactIds.MENU_BUTTON}").click()
    logout = box(page, "#logout-link")
    assert logout["x"] + logout["width"] <= 1200
    page.locator(f"#{CompactIds.MENU_BUTTON}").click()


def test_classes_are_offered_only_for_measured_indicators(explorer: Page, live_server: str) -> None:
    page = explorer
    at_size(page, live_server, DESKTOP)
    control = page.locator(f"#{CompactIds.CLASSES_CONTROL}")
    expect(control).to_be_visible()
    at_size(
        page, live_server, DESKTOP, "?echelle=iris&theme=diagnostic&indicateur=diagnostic.class"
    )
    expect(page.locator(f"#{ControlIds.INDICATOR}")).to_contain_text("Classe")
    expect(control).to_be_hidden()


LABEL_BOXES = """() => [...document.querySelectorAll('.commune-label')]
  .filter(label => !label.classList.contains('commune-label-hidden'))
  .map(label => { const r = label.getBoundingClientRect();
                  return [r.left, r.top, r.right, r.bottom]; })"""


def shown_labels(page: Page) -> list[list[float]]:
    page.wait_for_function(  # the names are sorted out on the frame after the zoom
        "() => document.querySelectorAll('.commune-label-hidden').length > 0", timeout=SLOW
    )
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")
    return page.evaluate(LABEL_BOXES)


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[i + 1 :], i + 1)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def test_commune_names_never_collide_and_more_show_closer(
    explorer: Page, live_server: str, shots: Path
) -> None:
    page = explorer
    at_size(page, live_server, DESKTOP, "?couches=noms")
    page.wait_for_selector(".commune-label", state="attached", timeout=SLOW)
    assert page.locator(".commune-label").count() == 95
    home = shown_labels(page)
    assert 0 < len(home) < 95 and overlapping(home) == []
    page.screenshot(path=shots / "compact-labels-home.png")
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.commune-label:not(.commune-label-hidden)').length > n",
        arg=len(home),
        timeout=SLOW,
    )
    closer = shown_labels(page)
    assert overlapping(closer) == []
    page.screenshot(path=shots / "compact-labels-closer.png")
