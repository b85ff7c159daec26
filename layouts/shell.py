"""The page: header (partner and convention of the logged-in user), demo banner,
controls, map with its legend, and the `panel` and `compare` containers; the
restricted-use notice, shown only on printouts (assets/print.css).

`page()` is pure; `layout_function()` returns what `app.layout` is set to, evaluated on
each request so that the header shows the convention of whoever is logged in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.accessibility import live_region, skip_links
from layouts.compact import menu_button
from layouts.controls import ControlsInit, controls_bar
from layouts.ids import PageIds
from layouts.map import atlas_map
from layouts.presentation import presentation_caption, presentation_footer, view_tools
from layouts.views import View, view_nav
from layouts.views_holder import views_holder

DEMO_BANNER_TEXT = "Données de démonstration — fictives, générées pour essayer le portail"
TITLE = "Atlas du logement social"
PANEL_PLACEHOLDER = "Cliquez sur une zone ou une résidence de la carte pour afficher sa fiche."


@dataclass(frozen=True)
class Account:
    """What the page shows of the logged-in user and their convention."""

    partner: str
    convention: str
    notice: str  # "Diffusion restreinte — convention … — … — dd/mm/yyyy", on printouts
    is_admin: bool = False  # may open the administration page
    csrf_token: str = ""  # the session's token, posted by the logout button
    views: tuple[View, ...] = ()  # the views the convention may open (layouts/views.py)


def print_notice(notice: str) -> html.Div:
    """Hidden on screen; at the top of every printed page (assets/print.css)."""
    return html.Div(notice, id=PageIds.PRINT_NOTICE, className="print-notice", role="note")


def demo_banner() -> html.Div:
    return html.Div(DEMO_BANNER_TEXT, id=PageIds.DEMO_BANNER, className="demo-banner", role="note")


def logout_button(account: Account | None, logout_href: str) -> html.Form | html.A:
    """A POST with the CSRF token: another site cannot log the user out by a link (a GET
    of /logout only asks for confirmation, which is what the link outside a session is)."""
    if account is None or not account.csrf_token:
        return html.A(
            "Se déconnecter", href=logout_href, id=PageIds.LOGOUT, className="logout-link"
        )
    # The token rides on the submit button itself (its name and value are posted with the
    # form), which spares a hidden input component.
    return html.Form(
        html.Button(
            "Se déconnecter",
            type="submit",
            name="csrf_token",
            value=account.csrf_token,
            id=PageIds.LOGOUT,
            className="logout-link",
        ),
        method="post",
        action=logout_href,
        id=PageIds.LOGOUT_FORM,
        className="logout-form",
    )


def header(
    account: Account | None,
    logout_href: str,
    admin_href: str,
    password_href: str = "/password",
    prefix: str = "/",
) -> dbc.Navbar:
    items = []
    if account:
        items.append(
            html.Span(
                [
                    account.partner,
                    html.Span(f" · convention n° {account.convention}", className="convention"),
                ],
                id=PageIds.HEADER_PARTNER,
                className="header-partner",
                title=f"{account.partner} · convention n° {account.convention}",
            )
        )
    if account and account.is_admin:
        items.append(
            html.A("Administration", href=admin_href, id=PageIds.ADMIN_LINK, className="admin-link")
        )
    if account:
        items.append(
            html.A(
                "Changer mon mot de passe",
                href=password_href,
                id=PageIds.PASSWORD_LINK,
                className="password-link",
            )
        )
    items.append(logout_button(account, logout_href))
    return dbc.Navbar(
        dbc.Container(
            [
                html.H1(TITLE, className="navbar-brand"),
                menu_button(),
                view_nav(list(account.views), prefix) if account else None,
                html.Div(items, className="header-account"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="atlas-header",
    )


def bench_noop() -> html.Div:
    """A hidden button whose callback does nothing: the baseline of `bench/interactions.py`
    (the cost of a Dash round trip through the auth gate, to compare real callbacks with),
    on the page of the benchmark's server only (`Settings.bench_hooks`)."""
    return html.Div(
        [html.Button(id=PageIds.BENCH_NOOP, n_clicks=0), dcc.Store(id=PageIds.BENCH_NOOP_SINK)],
        hidden=True,
    )


def state_stores() -> list[dcc.Store | html.Div]:
    """The explorer state, set once the URL is read, and the stores derived from it."""
    derived = (
        PageIds.NAVIGATION,
        PageIds.SELECTED_VIEW,
        PageIds.FIGURES_VIEW,
        PageIds.PINNED_VIEW,
        PageIds.OVERLAYS_VIEW,
    )
    return [
        dcc.Store(id=PageIds.STATE),
        *(dcc.Store(id=store_id) for store_id in derived),
        dcc.Store(id=PageIds.VIEW_PATH),
        views_holder(),
    ]


def page(
    *,
    controls: ControlsInit | None,
    account: Account | None,
    demo: bool,
    tile_url: str,
    attribution: str,
    bounds: list[list[float]],
    logout_href: str,
    admin_href: str,
    password_href: str = "/password",
    bench_hooks: bool = False,
    prefix: str = "/",
) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=PageIds.URL, refresh=False),
            skip_links(),
            *state_stores(),
            print_notice(account.notice) if account else None,
            header(account, logout_href, admin_href, password_href, prefix),
            demo_banner() if demo else None,
            html.Div(
                explorer(controls, tile_url=tile_url, attribution=attribution, bounds=bounds),
                id=PageIds.EXPLORER,
            ),
            html.Div(id=PageIds.VIEW, className="view-content"),
            bench_noop() if bench_hooks else None,
            live_region(),
        ],
        className="atlas-page",
    )


def explorer(
    controls: ControlsInit | None, *, tile_url: str, attribution: str, bounds: list[list[float]]
) -> list:
    """The explorer view: controls, map, the selected zone's panel and the comparison."""
    return [
        controls_bar(controls),
        presentation_caption(),
        html.Main(
            [
                html.Section(
                    [
                        atlas_map(
                            bounds=bounds,
                            tile_url=tile_url,
                            attribution=attribution,
                        ),
                        view_tools(),
                    ],
                    className="map-column",
                    **{"aria-label": "Carte"},
                ),
                html.Aside(
                    html.P(PANEL_PLACEHOLDER, className="panel-placeholder"),
                    id=PageIds.PANEL,
                    className="panel-column",
                    tabIndex=-1,  # the skip link's target
                    **{"aria-label": "Fiche"},
                ),
            ],
            className="atlas-main",
        ),
        presentation_footer(),
        html.Section(id=PageIds.COMPARE, className="compare-section"),
    ]


def layout_function(
    *,
    account: Callable[[], Account | None],
    controls: Callable[[], ControlsInit | None],
    demo: bool,
    tile_url: str,
    attribution: str,
    bounds: list[list[float]],
    logout_href: str,
    admin_href: str,
    password_href: str = "/password",
    bench_hooks: bool = False,
    prefix: str = "/",
) -> Callable[[], html.Div]:
    """`app.layout`: `account()` gives the logged-in user's `Account` and `controls()` the
    default view they may see, both None outside a logged-in request (Dash validates the
    layout at start)."""

    def serve_layout() -> html.Div:
        return page(
            controls=controls(),
            account=account(),
            demo=demo,
            tile_url=tile_url,
            attribution=attribution,
            bounds=bounds,
            logout_href=logout_href,
            admin_href=admin_href,
            password_href=password_href,
            bench_hooks=bench_hooks,
            prefix=prefix,
        )

    return serve_layout
