"""The finder's callbacks: its view renderer, the grid's rows, its permalink and exports'
addresses, the column chooser and the commission file form.

Thin wiring: the scope comes from the session, the store filters, sorts and pages in
SQL (`data/store/finder.py`), `layouts/finder*.py` parse the browser's state and build
what is shown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from auth.access import NoAccess, current_account, current_scope
from auth.commission_files import EmptyFile, create_file
from auth.state import auth_state
from callbacks.views import RENDERERS
from data.scope import AccessScope
from data.store.finder_types import FinderQuery
from data.store.store import Store
from layouts.finder import chosen_fields, count_text, finder_view, grid_rows, preset_fields
from layouts.finder_state import (
    FinderState,
    finder_query_string,
    parse_finder_query,
    with_grid_request,
)
from layouts.ids import FinderIds, MapIds
from layouts.views import FILES_VIEW, FINDER_VIEW


def finder_content(store: Store, scope: AccessScope, search: str, prefix: str) -> Component:
    """The finder as the permalink describes it, with the columns `scope` may see."""
    state = parse_finder_query(search)
    zone = state.query.zone
    zone_ref = store.zone_ref(*zone) if zone else None
    without_zone = finder_query_string(
        FinderState(
            query=FinderQuery(
                filters=state.query.filters, sort=state.query.sort, quick=state.query.quick
            ),
            columns=state.columns,
            filter_model=state.filter_model,
        )
    )
    return finder_view(
        store.finder_columns(scope),
        state,
        zone_label=zone_ref.name
        if zone_ref
        else ("zone visible de la carte" if state.query.bbox else None),
        clear_zone_href=prefix.rstrip("/") + FINDER_VIEW.path + without_zone,
    )


def grid_state(request: Any, quick: str | None, stored: Any, columns: Any) -> FinderState:
    """The finder state from the grid's last request, the quick search, the permalink's
    zone and area (the view's store) and the chosen columns."""
    base = parse_finder_query(stored if isinstance(stored, str) else "")
    chosen = tuple(c for c in (columns or []) if isinstance(c, str))
    return with_grid_request(
        FinderState(query=base.query, columns=("name", *chosen) if chosen else ()),
        request,
        quick,
    )


def register(app: Dash, store: Store) -> None:
    prefix = app.config.requests_pathname_prefix
    explorer_href = prefix
    RENDERERS[FINDER_VIEW.key] = lambda s, scope, search: finder_content(s, scope, search, prefix)
    export_base = app.get_relative_path("/export/residences")

    @app.callback(
        Output(FinderIds.GRID, "getRowsResponse"),
        Output(FinderIds.COUNT, "children"),
        Input(FinderIds.GRID, "getRowsRequest"),
        State(FinderIds.QUICK, "value"),
        State(FinderIds.STATE, "data"),
        State(FinderIds.COLUMNS, "value"),
        prevent_initial_call=True,
    )
    def rows(request: Any, quick: str | None, stored: Any, chosen: Any) -> tuple[Any, Any]:
        if not isinstance(request, dict):
            raise PreventUpdate
        try:
            scope = current_scope()
        except NoAccess:
            raise PreventUpdate from None
        state = grid_state(request, quick, stored, chosen)
        start = int(request.get("startRow") or 0)
        end = int(request.get("endRow") or start + 100)
        fields = chosen_fields(state, store.finder_columns(scope))
        page = store.finder_page(scope, state.query, start, end, fields=fields)
        return {"rowData": grid_rows(page, explorer_href), "rowCount": page.total}, count_text(
            page.total
        )

    @app.callback(
        Output(FinderIds.PERMALINK, "data"),
        Output(FinderIds.EXPORT_CSV, "href"),
        Output(FinderIds.EXPORT_XLSX, "href"),
        Input(FinderIds.GRID, "getRowsRequest"),
        Input(FinderIds.COLUMNS, "value"),
        State(FinderIds.QUICK, "value"),
        State(FinderIds.STATE, "data"),
    )
    def permalink(
        request: Any, columns: Any, quick: str | None, stored: Any
    ) -> tuple[str, str, str]:
        query = finder_query_string(grid_state(request, quick, stored, columns))
        return query or "?", f"{export_base}.csv{query}", f"{export_base}.xlsx{query}"

    app.clientside_callback(
        """(query) => {
            if (!query) { return window.dash_clientside.no_update; }
            const search = query === "?" ? "" : query;
            if (search !== window.location.search) {
                const path = window.location.pathname + search;
                window.history.replaceState(window.history.state, "", path);
            }
            return window.dash_clientside.no_update;
        }""",
        Output(FinderIds.PERMALINK_SINK, "data"),
        Input(FinderIds.PERMALINK, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        f"""(quick) => {{
            const api = window.dash_ag_grid && window.dash_ag_grid.getApi("{FinderIds.GRID}");
            if (api) {{ api.purgeInfiniteCache(); }}
            return window.dash_clientside.no_update;
        }}""",
        Output(FinderIds.QUICK_SINK, "data"),
        Input(FinderIds.QUICK, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        f"""(chosen, options) => {{
            const api = window.dash_ag_grid && window.dash_ag_grid.getApi("{FinderIds.GRID}");
            if (!api || !options) {{ return window.dash_clientside.no_update; }}
            const shown = new Set(chosen || []);
            const all = options.map((o) => o.value);
            api.setColumnsVisible(all.filter((f) => shown.has(f)), true);
            api.setColumnsVisible(all.filter((f) => !shown.has(f)), false);
            api.purgeInfiniteCache();  // the rows hold the shown columns only
            return window.dash_clientside.no_update;
        }}""",
        Output(FinderIds.COLUMNS_SINK, "data"),
        Input(FinderIds.COLUMNS, "value"),
        State(FinderIds.COLUMNS, "options"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        f"""(bounds) => {{
            if (!bounds || bounds.length !== 2) {{ return window.dash_clientside.no_update; }}
            const [[south, west], [north, east]] = bounds;
            const area = [west, south, east, north].map((v) => v.toFixed(5)).join(",");
            return "{FINDER_VIEW.path.lstrip("/")}?zone_visible=" + area;
        }}""",
        Output(MapIds.AREA_FINDER_LINK, "href"),
        Input(MapIds.MAP, "bounds"),
    )

    @app.callback(
        Output(FinderIds.COLUMNS, "value"),
        Input({"type": FinderIds.PRESET_TYPE, "preset": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def apply_preset(_clicks: Any) -> list[str]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(_clicks or []):
            raise PreventUpdate
        try:
            scope = current_scope()
        except NoAccess:
            raise PreventUpdate from None
        fields = preset_fields(str(trigger.get("preset")), store.finder_columns(scope))
        return [field for field in fields if field != "name"]

    @app.callback(
        Output(FinderIds.FILE_MESSAGE, "children"),
        Input(FinderIds.FILE_CREATE, "n_clicks"),
        State(FinderIds.FILE_TITLE, "value"),
        State(FinderIds.FILE_DATE, "value"),
        State(FinderIds.GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def create(_clicks: Any, title: str | None, day: str | None, selected: Any) -> Any:
        try:
            account = current_account()
        except NoAccess:
            raise PreventUpdate from None
        chosen = [str(row.get("residence_id")) for row in selected or [] if isinstance(row, dict)]
        known = store.residence_labels(chosen)
        ids = [code for code in chosen if code in known]
        try:
            with auth_state().db.writing() as session:
                record = create_file(session, account.record.id, title or "", _date(day), ids)
                file_id = record.id
        except EmptyFile:
            return html.Div(
                "Donnez un titre et cochez au moins une résidence.",
                className="alert alert-warning",
            )
        files_href = app.get_relative_path(FILES_VIEW.path)
        return html.Div(
            [
                f"Dossier enregistré ({len(ids)} résidences). ",
                html.A("Voir « Mes dossiers »", href=files_href),
                " · ",
                html.A("Imprimer", href=app.get_relative_path(f"/dossiers/{file_id}/impression")),
            ],
            className="alert alert-success finder-file-saved",
        )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
