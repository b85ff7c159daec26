"""The explorer's accessibility aids: the map's table ("Tableau") and the live region
that announces the opened sheet (in the browser: no request of its own). The definition
beside the indicator picker comes with the state (callbacks/explorer_state.py)."""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State

from auth.access import current_scope
from callbacks.explorer_state import current_state
from callbacks.map_style import map_view, view_rows
from data.store.store import Store
from layouts.ids import AccessIds, PageIds
from layouts.map_table import table_data, table_rows
from layouts.views_holder import VIEWS_ATTRIBUTE

UNAVAILABLE_TABLE = "Cet indicateur n'est pas disponible à cette échelle pour ce millésime."


def table_of_view(store: Store, data: object) -> dict[str, Any]:
    """The table of what the map shows for the state `data`, as the logged-in user's
    convention may see it (the map's own classification and rows)."""
    state = current_state(store, data)
    scope = current_scope()
    view = map_view(store, scope, state.scale, state.indicator, state.year, state.method)
    if view is None or state.year is None:
        return table_data(UNAVAILABLE_TABLE, [])
    values = {
        code: value
        for code, value, _ in view_rows(store, scope, state.scale, state.indicator, state.year)
    }
    rows = table_rows(
        state.scale,
        store.map_order(state.scale),
        store.map_names(state.scale),
        view.choropleth,
        values,
    )
    legend = view.choropleth.legend
    return table_data(f"{legend.title} — {legend.year}", rows)


def register(app: Dash, store: Store) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="atlasAccess", function_name="tableView"),
        Output(AccessIds.TABLE_VIEW, "data"),
        Input(AccessIds.TABLE_TOGGLE, "n_clicks"),
        State(PageIds.VIEWS, VIEWS_ATTRIBUTE),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(AccessIds.TABLE_DATA, "data"),
        Output(AccessIds.TABLE, "hidden"),
        Output(AccessIds.TABLE_TOGGLE, "aria-expanded"),
        Input(AccessIds.TABLE_VIEW, "data"),
        State(AccessIds.TABLE_TOGGLE, "n_clicks"),
        State(PageIds.STATE, "data"),
        prevent_initial_call=True,
    )
    def show_table(_shown, clicks, data) -> tuple:
        """Drawn only while open (an odd number of clicks), again for each new view (the
        browser asks only then: `tableView`, and assets/atlas_views.js while open)."""
        if not clicks or clicks % 2 == 0:
            return None, True, "false"
        return table_of_view(store, data), False, "true"

    app.clientside_callback(
        ClientsideFunction(namespace="atlasAccess", function_name="drawTable"),
        Input(AccessIds.TABLE_DATA, "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(namespace="atlasAccess", function_name="announceSheet"),
        Output(AccessIds.LIVE, "children"),
        Input(PageIds.PANEL, "children"),
        prevent_initial_call=True,
    )
