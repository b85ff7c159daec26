"""The page: header (partner and convention of the logged-in user), demo banner,
controls, map with its legend, and the `panel` and `compare` containers.

`page()` is pure; `layout_function()` returns what `app.layout` is set to, evaluated on
each request so that the header shows the convention of whoever is logged in.
"""

from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.controls import ControlsInit, controls_bar
from layouts.map import atlas_map

DEMO_BANNER_TEXT = "Données de démonstration — fictives, générées pour essayer le portail"
TITLE = "Atlas du logement social"
PANEL_PLACEHOLDER = "Cliquez sur une zone ou une résidence de la carte pour afficher sa fiche."


def demo_banner() -> html.Div:
    return html.Div(DEMO_BANNER_TEXT, id="demo-banner", className="demo-banner", role="note")


def header(partner: str | None, convention: str | None, logout_href: str) -> dbc.Navbar:
    account = []
    if partner:
        account.append(
            html.Span(
                [partner, html.Span(f" · convention n° {convention}", className="convention")],
                id="header-partner",
                className="header-partner",
            )
        )
    account.append(
        html.A("Se déconnecter", href=logout_href, id="logout-link", className="logout-link")
    )
    return dbc.Navbar(
        dbc.Container(
            [
                html.Span(TITLE, className="navbar-brand"),
                html.Div(account, className="header-account"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="atlas-header",
    )


def bench_noop() -> html.Div:
    """A hidden button whose callback does nothing: the baseline of `bench/interactions.py`
    (the cost of a Dash round trip through the auth gate, to compare real callbacks with)."""
    return html.Div(
        [html.Button(id="bench-noop", n_clicks=0), dcc.Store(id="bench-noop-sink")],
        hidden=True,
    )


def page(
    *,
    controls: ControlsInit | None,
    partner: str | None,
    convention: str | None,
    demo: bool,
    tile_url: str,
    attribution: str,
    bounds: list[list[float]],
    logout_href: str,
) -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="permalink"),
            dcc.Store(id="map-view"),
            dcc.Store(id="selection", data=None),
            dcc.Store(id="pinned", data=[]),
            header(partner, convention, logout_href),
            demo_banner() if demo else None,
            controls_bar(controls),
            html.Main(
                [
                    html.Section(
                        atlas_map(
                            bounds=bounds,
                            tile_url=tile_url,
                            attribution=attribution,
                        ),
                        className="map-column",
                        **{"aria-label": "Carte"},
                    ),
                    html.Aside(
                        html.P(PANEL_PLACEHOLDER, className="panel-placeholder"),
                        id="panel",
                        className="panel-column",
                    ),
                ],
                className="atlas-main",
            ),
            html.Section(id="compare", className="compare-section"),
            bench_noop(),
        ],
        className="atlas-page",
    )


def layout_function(
    *,
    account: Callable[[], tuple[str, str] | None],
    controls: Callable[[], ControlsInit | None],
    demo: bool,
    tile_url: str,
    attribution: str,
    bounds: list[list[float]],
    logout_href: str,
) -> Callable[[], html.Div]:
    """`app.layout`: `account()` gives (partner, convention number) of the logged-in
    user and `controls()` the default view they may see, both None outside a logged-in
    request (Dash validates the layout at start)."""

    def serve_layout() -> html.Div:
        partner, convention = account() or (None, None)
        return page(
            controls=controls(),
            partner=partner,
            convention=convention,
            demo=demo,
            tile_url=tile_url,
            attribution=attribution,
            bounds=bounds,
            logout_href=logout_href,
        )

    return serve_layout
