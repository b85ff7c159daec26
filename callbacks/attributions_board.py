"""The allocation-policy board: its renderer for the view mechanism (drawn from the URL's
query string) and the callback that redraws it when the zone or year changes (and lists
the communes of the EPCI shown: legal targets are set per EPCI). Both read
the scope of the session, never the request body: a convention without the theme gets
nothing."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from auth.access import NoAccess, current_scope
from callbacks.views import RENDERERS
from data.scope import AccessScope
from data.store.store import Store
from layouts.attributions_board import (
    BoardIds,
    BoardState,
    board_body,
    board_page,
    board_query,
    no_data,
    parse_board_query,
    zone_options,
)
from layouts.views import ATTRIBUTIONS_BOARD


def default_state(store: Store, scope: AccessScope) -> BoardState:
    """The EPCI (a landlord's: the one holding most of its dwellings), or the first commune
    of a commune convention's perimeter; the last year."""
    epci = store.landlords_epci(scope.bailleurs) if scope.partner_type == "bailleur" else store.epci
    if scope.partner_type == "commune" and scope.communes:
        return BoardState("commune", sorted(scope.communes)[0], None)
    return BoardState("epci", epci.code if epci else "", None)


def render(store: Store, scope: AccessScope, search: str, prefix: str = "/") -> Component:
    state = parse_board_query(search, default_state(store, scope))
    board = store.attribution_board(state.scale, state.code, scope)
    if board is None or not board.years:
        return no_data(state.zone)
    return board_page(board, state, zone_options(board, store.board_epcis), prefix)


def register(app: Dash, store: Store) -> None:
    prefix = app.config.requests_pathname_prefix
    store.preload_board()
    RENDERERS[ATTRIBUTIONS_BOARD.key] = lambda s, scope, search: render(s, scope, search, prefix)

    @app.callback(
        Output(BoardIds.BODY, "children"),
        Output(BoardIds.PERMALINK, "href"),
        Output(BoardIds.ZONE, "options"),
        Input(BoardIds.ZONE, "value"),
        Input(BoardIds.YEAR, "value"),
        prevent_initial_call=True,
    )
    def redraw(zone: str | None, year: Any) -> tuple[Any, str, list[dict]]:
        try:
            scope = current_scope()
        except NoAccess:
            raise PreventUpdate from None
        default = default_state(store, scope)
        query = f"?zone={zone or ''}&annee={year if isinstance(year, int) else ''}"
        state = parse_board_query(query, default)
        board = store.attribution_board(state.scale, state.code, scope)
        if board is None or not board.years:
            raise PreventUpdate
        year = state.year if state.year in board.years else board.years[-1]
        return (
            board_body(board, year, prefix),
            board_query(BoardState(state.scale, state.code, year)),
            zone_options(board, store.board_epcis),  # the communes of the EPCI shown
        )
