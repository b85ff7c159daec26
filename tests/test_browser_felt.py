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

from data.catalog import CATALOG
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


def pick_indicator(page: Page, label: str) -> None:
    """The picker set to `label` as a user's choice would (the pointer left where it is)."""
    indicator = next(item.id for item in CATALOG.values() if item.label == label)
    page.evaluate(
        "([id, value]) => window.dash_clientside.set_props(id, {value})",
        [ControlIds.INDICATOR, indicator],
    )
    expect(page.locator("#legend .legend-title")).to_contain_text(label, timeout=SLOW)


def asks_for(outputs: list[str], component_id: str) -> bool:
    return any(component_id in output for output in outputs)


# Marks every zone path drawn; then, how many marked paths are still in the page and the
# fills of the paths drawn.
MARK_ZONES = f"""() => document.querySelectorAll("{DRAWN_ZONES}")
    .forEach(path => {{ path.atlasKept = true; }})"""
# The centre of a zone drawn where the pointer hits that zone.
ZONE_CENTRE = """selector => [...document.querySelectorAll(selector)].flatMap(path => {
    const box = path.getBoundingClientRect();
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    return document.elementFromPoint(x, y) === path ? [[x, y]] : [];
})[0]"""
KEPT_ZONES = f"""() => {{
    const paths = [...document.querySelectorAll("{DRAWN_ZONES}")];
    return {{kept: paths.filter(path => path.atlasKept).length, total: paths.length,
             fills: paths.map(path => path.getAttribute("fill"))}};
}}"""


def test_an_indicator_change_asks_once_for_the_map(felt_page: Page) -> None:
    page = felt_page
    # the zones of the first view loaded (the map may settle its bounds once)
    page.wait_for_function(QUIET, arg=QUIET_MS, timeout=SLOW, polling=50)
    page.evaluate(MARK_ZONES)
    before = page.evaluate(KEPT_ZONES)
    # the pointer rests on a zone, its tooltip open, while the indicator changes
    page.mouse.move(*page.evaluate(ZONE_CENTRE, DRAWN_ZONES))
    tooltip = page.locator(".atlas-tooltip").last
    expect(tooltip).to_contain_text("Logements sociaux (")
    outputs = requests_of(page, lambda: pick_indicator(page, "Taux de vacance"))
    # one round trip: the state and the map it draws (nothing hidden is asked for)
    assert len(outputs) == 1 and asks_for(outputs, MapIds.ZONE_STYLE), outputs
    # the zones are restyled in place: the same paths, new fills, and the open tooltip
    # names the new indicator
    after = page.evaluate(KEPT_ZONES)
    assert after["kept"] == after["total"] == before["total"] > 0, after
    assert after["fills"] != before["fills"]
    expect(tooltip).to_contain_text("Taux de vacance (")
    page.mouse.move(1, 1)
    # the definition beside the picker comes in that same answer
    assert asks_for(outputs, AccessIds.PICKER_DEFINITION_TEXT), outputs
    definition = page.locator(f"#{AccessIds.PICKER_DEFINITION_TEXT}")
    expect(definition).to_contain_text("Taux de vacance :")
    shot(page, "1-indicator")


# Wraps every clientside callback function (looked up by name when a callback runs) and
# `set_props`, to record which run and what triggered them.
COUNT_CLIENTSIDE = """() => {
    const ran = window.__clientside = [];
    const spaces = window.dash_clientside;
    for (const space of Object.keys(spaces)) {
        const functions = spaces[space];
        if (!functions || typeof functions !== "object") continue;
        for (const name of Object.keys(functions)) {
            const run = functions[name];
            if (typeof run !== "function" || run.atlasCounted) continue;
            functions[name] = function (...args) {
                const context = spaces.callback_context || {};
                const triggers = (context.triggered || []).map(t => t.prop_id).join(",");
                ran.push(space + "." + name + " <- " + triggers);
                return run.apply(this, args);
            };
            functions[name].atlasCounted = true;
        }
    }
    if (!spaces.set_props.atlasCounted) {
        const setProps = spaces.set_props;
        spaces.set_props = (id, props) => {
            ran.push("set_props:" + id);
            return setProps(id, props);
        };
        spaces.set_props.atlasCounted = true;
    }
}"""


def test_an_indicator_change_runs_no_clientside_callback_after_the_answer(
    felt_page: Page,
) -> None:
    """The state's answer is the last thing an indicator change runs in Dash: the
    permalink is pushed, and the table (closed), the caption (not presenting) and the
    residence layer (another scale) have nothing to do and run nothing."""
    page = felt_page
    page.wait_for_function(QUIET, arg=QUIET_MS, timeout=SLOW, polling=50)
    page.evaluate(COUNT_CLIENTSIDE)
    mapped = page.locator("#legend .legend-title").inner_text()
    other = "Taux de vacance" if "Taux de vacance" not in mapped else "Logements sociaux"
    before = page.evaluate("window.location.search")
    outputs = requests_of(page, lambda: choose_indicator(page, other))
    assert len(outputs) == 1, outputs
    # only `url` runs its callbacks, once told of the new entry when the browser is idle
    # (assets/atlas_map.js tellLocationWhenIdle)
    ran = page.evaluate("window.__clientside")
    assert all(run.endswith(f"<- {PageIds.URL}.search") for run in ran), ran
    indicator = next(item.id for item in CATALOG.values() if item.label == other)
    after = page.evaluate("window.location.search")
    assert after != before and f"indicateur={indicator}" in after
    page.go_back()
    expect(page.locator("#legend .legend-title")).not_to_contain_text(other, timeout=SLOW)
    assert page.evaluate("window.location.search") == before


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
    title = page.locator(f"{PANEL} .panel-title")
    if title.count() == 0 or title.inner_text() != "Lille":
        search(page, "Lille", "Commune — Lille")
        expect(page.locator(f"{PANEL} .panel-title")).to_have_text("Lille", timeout=SLOW)
    expect(page.locator(".panel-residence-item").first).to_be_visible(timeout=SLOW)
    page.locator(f"{PANEL} .panel-section-charts").scroll_into_view_if_needed()  # drawn in view
    charts = page.locator(f"{PANEL} .panel-section-charts .js-plotly-plot")
    expect(charts.first).to_be_attached(timeout=SLOW)
    marked = charts.evaluate_all("nodes => nodes.map(node => { node.atlasKept = true; }).length")
    page.locator(f"{PANEL} .panel-section-figures").evaluate("node => { node.atlasKept = true; }")
    mapped = page.locator("#legend .legend-title").inner_text()
    other = "Taux de vacance" if "Taux de vacance" not in mapped else "Logements sociaux"
    outputs = requests_of(page, lambda: choose_indicator(page, other))
    assert len(outputs) == 1, outputs
    assert all(
        asks_for(outputs, part)
        for part in (MapIds.ZONE_STYLE, PanelIds.INDICATOR_PART_TYPE, PanelIds.RESIDENCE_LIST_TYPE)
    ), outputs
    # the key figures are drawn anew, the profile charts are the same nodes
    figures = page.locator(f"{PANEL} .panel-section-figures")
    page.wait_for_function(
        "() => !document.querySelector('#panel .panel-section-figures').atlasKept",
        timeout=SLOW,
    )
    assert figures.count() == 1
    # (a chart that the new figures bring into view is drawn then, once)
    assert charts.evaluate_all("nodes => nodes.filter(node => node.atlasKept).length") == marked
    shot(page, "5-sheet-indicator")


def open_sheet_on_the_map(page: Page) -> list[str]:
    """Click the centre of a zone drawn on the map outside the open one (its outline's
    box); the outputs of the requests the click caused."""
    title = page.locator(f"{PANEL} .panel-title")
    before = title.inner_text() if title.count() else ""
    centres = page.evaluate(
        """selector => {
            const outline = document.querySelector('path.atlas-selection');
            const open = outline ? outline.getBoundingClientRect() : null;
            const inside = (x, y) => open !== null
                && x >= open.left && x <= open.right && y >= open.top && y <= open.bottom;
            return [...document.querySelectorAll(selector)].flatMap(path => {
                const box = path.getBoundingClientRect();
                const x = box.x + box.width / 2, y = box.y + box.height / 2;
                return document.elementFromPoint(x, y) === path && !inside(x, y) ? [[x, y]] : [];
            });
        }""",
        DRAWN_ZONES,
    )
    assert centres, "no zone outside the open one to click on the map"
    x, y = centres[len(centres) // 2]
    outputs = requests_of(page, lambda: page.mouse.click(x, y))
    expect(title).not_to_have_text(before, timeout=SLOW)
    return outputs


def test_a_click_on_a_zone_opens_its_sheet_and_list_in_one_request(felt_page: Page) -> None:
    page = felt_page
    outputs = open_sheet_on_the_map(page)
    # the state, the sheet and its residence list: one round trip
    assert len(outputs) == 1 and asks_for(outputs, PageIds.PANEL), outputs
    listed = page.locator(f"{PANEL} .panel-section-residences :is(li, p)")
    expect(listed.first).to_be_attached()
    shot(page, "6-zone-click")


def test_a_new_year_redraws_the_year_parts_of_the_sheet_in_one_request(felt_page: Page) -> None:
    page = felt_page
    if page.locator(f"{PANEL} .panel-title").count() == 0:
        open_sheet_on_the_map(page)
    kept = f"{PANEL} .panel-header, {PANEL} .panel-section-residences"
    page.locator(kept).evaluate_all("nodes => nodes.forEach(node => { node.atlasKept = true; })")
    page.click(f"#{ControlIds.YEAR}")
    years = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    shown = page.locator(f"{PANEL} .panel-section-figures h3").inner_text()
    year = next(year for year in years if not shown.endswith(year))

    def choose_year() -> None:
        page.click(f"#{ControlIds.YEAR}")
        page.get_by_role("option", name=year, exact=True).click()

    outputs = requests_of(page, choose_year)
    assert len(outputs) == 1, outputs
    expect(page.locator(f"{PANEL} .panel-section-figures h3")).to_contain_text(year)
    # the header and the residence list are the same elements: the sheet is not redrawn
    assert page.locator(kept).evaluate_all("nodes => nodes.every(n => n.atlasKept === true)")
    shot(page, "7-year")


# The profile's chart placeholders of the open sheet, split by whether they show in the
# panel's scrolled box, and whether each holds its drawn chart.
PLACEHOLDERS = """() => [...document.querySelectorAll('#panel .panel-graph-lazy')].map(node => {
    let pane = node.parentElement;
    while (pane && !['auto', 'scroll'].includes(getComputedStyle(pane).overflowY)) {
        pane = pane.parentElement;
    }
    const view = pane ? pane.getBoundingClientRect() : {top: 0, bottom: innerHeight};
    const box = node.getBoundingClientRect();
    const shown = box.bottom > Math.max(view.top, 0) + 1
        && box.top < Math.min(view.bottom, innerHeight) - 1;
    return {shown, drawn: node.querySelector('.js-plotly-plot') !== null};
})"""
ALL_SHOWN_DRAWN = f"""() => {{
    const charts = ({PLACEHOLDERS})().filter(chart => chart.shown);
    return charts.length > 0 && charts.every(chart => chart.drawn);
}}"""


def test_the_profile_charts_are_drawn_when_scrolled_to_without_a_request(
    felt_page: Page,
) -> None:
    page = felt_page
    open_sheet_on_the_map(page)  # a new sheet: its charts below the fold are not drawn
    page.wait_for_function(QUIET, arg=QUIET_MS, timeout=SLOW, polling=50)
    # (one shown a moment, before the panel scrolled back to the top, is drawn)
    hidden = [chart for chart in page.evaluate(PLACEHOLDERS) if not chart["shown"]]
    assert any(not chart["drawn"] for chart in hidden), hidden
    section = page.locator(f"{PANEL} .panel-section-charts")
    assert requests_of(page, section.scroll_into_view_if_needed) == []
    page.wait_for_function(ALL_SHOWN_DRAWN, timeout=SLOW, polling=50)
    shot(page, "8-profile-charts")
