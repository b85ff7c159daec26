"""The page frame: header, demo banner and the map of the communes."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import dash_leaflet as dl
from dash import html

MEL_CENTER = (50.63, 3.07)
DEMO_BANNER_TEXT = "Données de démonstration — fictives, générées pour essayer le portail"


def demo_banner() -> html.Div:
    return html.Div(DEMO_BANNER_TEXT, id="demo-banner", className="demo-banner", role="note")


def communes_map(communes: dict[str, Any], tile_url: str, attribution: str) -> dl.Map:
    layers: list[Any] = []
    if tile_url:
        layers.append(dl.TileLayer(url=tile_url, attribution=attribution))
    layers.append(
        dl.GeoJSON(
            id="map-communes",
            data=communes,
            style={"color": "#1f3b57", "weight": 1, "fillColor": "#9ecae1", "fillOpacity": 0.5},
        )
    )
    return dl.Map(
        layers,
        id="map",
        center=MEL_CENTER,
        zoom=10,
        className="atlas-map",
    )


def page(communes: dict[str, Any], *, demo: bool, tile_url: str = "", attribution: str = "") -> html.Div:
    header = dbc.Navbar(
        dbc.Container(html.Span("Atlas du logement social", className="navbar-brand"), fluid=True),
        color="dark",
        dark=True,
    )
    return html.Div(
        [header, demo_banner() if demo else None, communes_map(communes, tile_url, attribution)],
        className="atlas-page",
    )
