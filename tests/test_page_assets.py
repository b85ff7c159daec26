"""Each page loads the component bundles its view draws; versioned files are kept a year."""

from __future__ import annotations

import re
from pathlib import Path

import dash_ag_grid
import dash_leaflet
import pytest
from dash import Dash, html

from page_assets import YEAR_SECONDS, install_asset_caching, install_page_scripts

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@pytest.fixture(scope="module")
def client():
    app = Dash(__name__, assets_folder=str(ASSETS), serve_locally=True)
    app.layout = html.Div([dash_leaflet.Map(id="map"), dash_ag_grid.AgGrid(id="grid")])
    install_page_scripts(app)
    install_asset_caching(app.server, "/assets/", "/_dash-component-suites/")
    return app.server.test_client()


def scripts(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_explorer_page_loads_no_grid_and_no_table_bundle(client) -> None:
    page = scripts(client, "/")
    assert "_dash-component-suites/dash/dcc/" in page  # the other bundles stay
    assert "_dash-component-suites/dash_ag_grid/" not in page
    assert "_dash-component-suites/dash/dash_table/" not in page


@pytest.mark.parametrize("path", ["/residences", "/attributions", "/residences/"])
def test_the_views_with_a_grid_load_its_bundle(client, path: str) -> None:
    page = scripts(client, path)
    assert "_dash-component-suites/dash_ag_grid/dash_ag_grid" in page
    assert "_dash-component-suites/dash/dash_table/" not in page


def test_versioned_assets_are_kept_a_year_and_others_revalidated(client) -> None:
    versioned = client.get("/assets/atlas.css?m=1700000000.5")
    assert versioned.status_code == 200
    assert f"max-age={YEAR_SECONDS}" in versioned.headers["Cache-Control"]
    plain = client.get("/assets/atlas.css")
    assert f"max-age={YEAR_SECONDS}" not in plain.headers.get("Cache-Control", "")
    page = scripts(client, "/")
    chunk = client.get("/_dash-component-suites/dash/dcc/async-dropdown.js")
    assert chunk.status_code == 200
    assert chunk.headers["Cache-Control"] == "no-cache"
    assert "?m=" in page  # the page links the assets by their versioned URL


def test_the_chunks_every_page_draws_are_preloaded_and_exist(client) -> None:
    page = scripts(client, "/")
    preloaded = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', page)
    assert any("async-dropdown" in url for url in preloaded)
    assert any("dash_leaflet/async-GeoJSON" in url for url in preloaded)
    for url in preloaded:
        assert client.get(url).status_code == 200, url
