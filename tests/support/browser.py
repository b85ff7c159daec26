"""What a user does in the browser, as steps shared by several browser tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
from playwright.sync_api import Browser, Page, Response, Route, expect

# The machine is shared: give the server and the first plotly.js load room.
SLOW = 30_000
# Dash's callback requests (the page's routes are matched against it)
UPDATES = re.compile(r"/_dash-update-component(\?|$)")


PANEL = "#panel"


def residence(warehouse: Path, where: str) -> tuple[str, str, str]:
    """(name, address, commune name) of the largest residence matching `where`."""
    sql = f"""
        SELECT r.name, r.address, z.name FROM read_parquet(?) r
        JOIN read_parquet(?) z ON z.scale = 'commune' AND z.code = r.commune_code
        WHERE {where} ORDER BY r.n_dwellings DESC NULLS LAST, r.residence_id LIMIT 1
    """
    paths = [str(warehouse / "residences.parquet"), str(warehouse / "zones.parquet")]
    return duckdb.connect().execute(sql, paths).fetchone()


def open_commune(page: Page, name: str) -> None:
    search(page, name, f"Commune — {name}")
    expect(page.locator(f"{PANEL} .panel-title")).to_have_text(name, timeout=SLOW)


def open_residence_from_list(page: Page, name: str, address: str) -> None:
    """Filter the open zone's residence list by address and follow the residence's link."""
    page.locator(".panel-residence-filter").fill(address)
    page.wait_for_function(  # the filtered list has replaced the full one: click no sooner
        """text => {
            const items = [...document.querySelectorAll('.panel-residence-item')];
            return items.length > 0 && items.every(item => item.innerText.includes(text));
        }""",
        arg=address,
        timeout=SLOW,
    )
    item = page.locator(".panel-residence-item", has_text=address)
    item.locator(".panel-link", has_text=name).click(timeout=SLOW)
    expect(page.locator(f"{PANEL} .panel-residence .panel-title")).to_have_text(name, timeout=SLOW)
    page.locator(PANEL).evaluate("panel => panel.scrollTo(0, 0)")


def search(page: Page, text: str, option: str) -> None:
    """Type in the search box and pick a result."""
    page.click("#search-input")
    box = page.locator(".dash-dropdown-search-container input")
    box.wait_for()
    box.fill(text)
    page.get_by_role("option", name=option, exact=True).click()


def toggle_layer(page: Page, label: str) -> None:
    """Tick or untick a layer in the layers menu (layouts/compact.py), then close it."""
    button = page.locator("#layers-menu-button")
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    page.get_by_text(label, exact=True).click()
    button.click()


def logged_in_page(browser: Browser, base: str, login_as, email: str) -> Iterator[Page]:
    """A page of its own context, `email` logged in, for a module's tests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login_as(page, base, email)
    yield page
    context.close()


def answers(response: Response, output: str) -> bool:
    """Whether `response` answers a Dash callback request whose output key holds `output`."""
    return "/_dash-update-component" in response.url and output in (
        response.request.post_data or ""
    )


def drag_map(page: Page, pixels: int = 700, fling: bool = True) -> None:
    """Drag the map `pixels` to the left, from its middle (the view moves east). A
    `fling` lets go while moving, and Leaflet carries the map on by inertia, further on
    a loaded machine; without, the pointer rests first and the view moves by `pixels`."""
    box = page.locator("#map").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*middle)
    page.mouse.down()
    page.mouse.move(middle[0] - pixels, middle[1], steps=8)
    if not fling:
        page.wait_for_timeout(120)
    page.mouse.up()


def pan_crossing_a_new_indicator(
    page: Page,
    layer_data: str,
    is_restyle: Callable[[Response], bool],
    indicator: tuple[str, str],
) -> Response:
    """A pan whose layer answers (requests holding `layer_data`) are held until the
    indicator (label, id) has changed and the state's answer (`is_restyle`) has styled
    the old area, then released: they come in the old view, and the browser must ask
    for the area again in the new one. That last answer."""
    label, indicator_id = indicator
    held: list[Route] | None = []

    def hold_layer(route: Route) -> None:
        if held is not None and layer_data in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route(UPDATES, hold_layer)
    try:
        # past the loaded area's margin, whatever its snapping; at rest, so that no
        # inertia sends a request once the indicator has changed (it would carry the new
        # view, and prove nothing)
        for _ in range(2):
            drag_map(page, fling=False)
        for _ in range(50):
            if held:
                break
            page.wait_for_timeout(100)
        assert held
        with page.expect_response(is_restyle, timeout=SLOW):
            page.click("#indicator-select")
            page.get_by_role("option", name=label, exact=True).click()
        page.wait_for_timeout(500)  # the state's answer styled the area it was sent
        released, held = held, None
        with page.expect_response(
            # the view travels as the JSON of an attribute (layouts/views_holder.py)
            lambda r: (
                layer_data in (r.request.post_data or "") and indicator_id in r.request.post_data
            ),
            timeout=SLOW,
        ) as again:
            for route in released:
                route.continue_()
        page.wait_for_load_state("networkidle")
    finally:
        page.unroute(UPDATES)
    return again.value
