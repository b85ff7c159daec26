"""What one click costs in requests, in a real Chromium against the app under gunicorn:
an interaction asks the server once where the state allows, and what is hidden (the
map's table closed, the caption out of presentation mode, an empty comparison) asks for
nothing. One page, logged in once, walks through the interactions.

A screenshot of each step is kept under test-results/felt-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from layouts.ids import AccessIds, ControlIds, MapIds, PageIds, PanelIds, PresentationIds
from tests.support.browser import PANEL, SLOW, search

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
USER = "roubaix@atlas-demo.fr"
DRAWN_ZONES = "path.atlas-zone:not([d='M0 0'])"
QUIET_MS = 500

# Before the page's scripts: the outputs of each callback request, and those in flight.
RECORDER = """
(() => {
  const felt = window.__felt = {outputs: [], pending: 0, answered: 0};
  const fetch = window.fetch;
  window.fetch = function (...args) {
    const url = String(args[0] && args[0].url || args[0]);
    if (!url.includes('_dash-update-component')) return fetch.apply(this, args);
    felt.pending += 1;
    let output = '?';
    try { output = JSON.parse(args[1].body).output; } catch (e) { /* not a callback */ }
    felt.outputs.push(output);
    return fetch.apply(this, args).finally(() => {
      felt.pending -= 1;
      felt.answered = performance.now();
    });
  };
})();
"""
QUIET = """quiet => window.__felt.pending === 0
    && performance.now() - window.__felt.answered > quiet"""


@pytest.fixture(scope="module")
def felt_page(browser: Browser, live_server: str, login_as) -> Iterator[Page]:
    """The Roubaix user, logged in once for the module, their requests recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(RECORDER)
    page = context.new_page()
    login_as(page, live_server, USER)
    page.wait_for_selector(DRAWN_ZONES, timeout=SLOW)
    expect(page.locator("#legend .legend-title")).not_to_be_empty(timeout=SLOW)
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"felt-{name}.png")


def requests_of(page: Page, act) -> list[str]:
    """The outputs of the callback requests that `act` caused, once the page is quiet."""
    page.wait_for_function(QUIET, arg=QUIET_MS, timeout=SLOW, polling=50)
    page.evaluate("window.__felt.outputs = []")
    act()
    # the quiet time counts from the act too: a request the act causes may start a moment
    # after it returns
    page.evaluate("window.__felt.answered = Math.max(window.__felt.answered, performance.now())")
    page.wait_for_function(QUIET, arg=QUIET_MS, timeout=SLOW, polling=50)
    return page.evaluate("window.__felt.outputs")


def choose_indicator(page: Page, label: str) -> None:
    page.click(f"#{ControlIds.INDICATOR}")
    page.get_by_role("option", name=label, exact=True).click()
    expect(page.locator("#legend .legend-title")).to_contain_text(label, timeout=SLOW)


def asks_for(outputs: list[str], component_id: str) -> bool:
    return any(component_id in output for output in outputs)


def test_an_indicator_change_asks_once_for_the_map(felt_page: Page) -> None:
    page = felt_page
    outputs = requests_of(page, lambda: choose_indicator(page, "Taux de vacance"))
    # one round trip: the state and the map it draws (nothing hidden is asked for)
    assert len(outputs) == 1 and asks_for(outputs, MapIds.ZONES), outputs
    for hidden in (AccessIds.TABLE_DATA, PresentationIds.CAPTION, PageIds.COMPARE):
        assert not asks_for(outputs, hidden), outputs
    # the definition beside the picker is picked in the browser, with no request
    assert not asks_for(outputs, AccessIds.PICKER_DEFINITION_TEXT), outputs
    definition = page.locator(f"#{AccessIds.PICKER_DEFINITION_TEXT}")
    expect(definition).to_contain_text("Taux de vacance :")
    shot(page, "1-indicator")


def test_the_open_table_follows_the_view_and_the_closed_one_does_not(felt_page: Page) -> None:
    page = felt_page
    toggle = page.locator(f"#{AccessIds.TABLE_TOGGLE}")
    opened = requests_of(page, toggle.click)
    assert [asks_for([output], AccessIds.TABLE_DATA) for output in opened] == [True]
    caption = page.locator(f"#{AccessIds.TABLE} caption")
    expect(caption).to_contain_text("Taux de vacance")
    outputs = requests_of(page, lambda: choose_indicator(page, "Logements sociaux"))
    assert asks_for(outputs, AccessIds.TABLE_DATA), outputs
    expect(caption).to_contain_text("Logements sociaux")
    shot(page, "2-table")
    closed = requests_of(page, lambda: toggle.dispatch_event("click"))  # the table covers it
    assert len(closed) == 1 and asks_for(closed, AccessIds.TABLE_DATA), closed
    outputs = requests_of(page, lambda: choose_indicator(page, "Taux de vacance"))
    assert not asks_for(outputs, AccessIds.TABLE_DATA), outputs


def test_the_caption_is_asked_for_in_presentation_mode_only(felt_page: Page) -> None:
    page = felt_page
    caption = page.locator(f"#{PresentationIds.CAPTION}")
    toggle = page.locator(f"#{PresentationIds.TOGGLE}")
    mapped = page.locator("#legend .legend-title").inner_text()
    entered = requests_of(page, toggle.click)
    assert asks_for(entered, PresentationIds.CAPTION), entered
    expect(caption).to_contain_text(mapped.split(" (")[0])
    shot(page, "3-presentation")
    page.keyboard.press("Escape")
    expect(page.locator("html.atlas-presenting")).to_have_count(0)
    other = "Taux de vacance" if "Taux de vacance" not in mapped else "Logements sociaux"
    outputs = requests_of(page, lambda: choose_indicator(page, other))
    assert not asks_for(outputs, PresentationIds.CAPTION), outputs
    # entering again names the view changed meanwhile
    entered = requests_of(page, toggle.click)
    assert asks_for(entered, PresentationIds.CAPTION), entered
    expect(caption).to_contain_text(other)
    page.keyboard.press("Escape")
    expect(page.locator("html.atlas-presenting")).to_have_count(0)


def test_a_sheet_opens_without_a_flight(felt_page: Page) -> None:
    page = felt_page
    page.evaluate(
        """() => {
            window.atlasTestFlights = 0;
            for (const name of ["flyTo", "flyToBounds"]) {
                const fly = window.L.Map.prototype[name];
                window.L.Map.prototype[name] = function (...args) {
                    window.atlasTestFlights += 1;
                    return fly.apply(this, args);
                };
            }
        }"""
    )
    outputs = requests_of(page, lambda: search(page, "Lille", "Commune — Lille"))
    expect(page.locator(f"{PANEL} .panel-title")).to_have_text("Lille", timeout=SLOW)
    assert page.evaluate("window.atlasTestFlights") == 0
    assert not asks_for(outputs, PageIds.COMPARE), outputs  # nothing pinned
    shot(page, "4-sheet")


def test_an_indicator_change_with_a_sheet_open_is_one_request(felt_page: Page) -> None:
    """The open zone's key figures and residence list follow the indicator in the
    state's round trip; its profile charts are left as they are."""
    page = felt_page
    if page.locator(f"{PANEL} .panel-title").inner_text() != "Lille":
        search(page, "Lille", "Commune — Lille")
        expect(page.locator(f"{PANEL} .panel-title")).to_have_text("Lille", timeout=SLOW)
    expect(page.locator(".panel-residence-item").first).to_be_visible(timeout=SLOW)
    charts = page.locator(f"{PANEL} .panel-section-charts .js-plotly-plot")
    expect(charts.first).to_be_attached(timeout=SLOW)
    charts.evaluate_all("nodes => nodes.forEach(node => { node.atlasKept = true; })")
    page.locator(f"{PANEL} .panel-section-figures").evaluate("node => { node.atlasKept = true; }")
    mapped = page.locator("#legend .legend-title").inner_text()
    other = "Taux de vacance" if "Taux de vacance" not in mapped else "Logements sociaux"
    outputs = requests_of(page, lambda: choose_indicator(page, other))
    assert len(outputs) == 1, outputs
    assert all(
        asks_for(outputs, part)
        for part in (MapIds.ZONES, PanelIds.INDICATOR_PART_TYPE, PanelIds.RESIDENCE_LIST_TYPE)
    ), outputs
    # the key figures are drawn anew, the profile charts are the same nodes
    figures = page.locator(f"{PANEL} .panel-section-figures")
    page.wait_for_function(
        "() => !document.querySelector('#panel .panel-section-figures').atlasKept",
        timeout=SLOW,
    )
    assert figures.count() == 1
    assert charts.evaluate_all("nodes => nodes.every(node => node.atlasKept === true)")
    shot(page, "5-sheet-indicator")
