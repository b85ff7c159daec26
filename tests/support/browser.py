"""What a user does in the browser, as steps shared by several browser tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
from playwright.sync_api import Page, expect

# The machine is shared: give the server and the first plotly.js load room.
SLOW = 30_000


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
