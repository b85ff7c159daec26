"""The tools beside the view and the presentation frame: copy the link, see the whole
territory, keep the view, the caption and footer of the presentation mode, and the step
of a tour.

The user (and so their convention) comes from the session on every request; a saved
view's query is the explorer state as its parser checked it, never the browser's text.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from auth.access import NoAccess, current_account, current_scope
from auth.saved_views import InvalidField, save_view, tour_of
from auth.scope import restricted_notice
from auth.state import auth_state
from callbacks.explorer_state import current_state, state_context, territory_bounds
from data.catalog import CATALOG, SCALE_NAMES
from data.store.store import Store
from layouts.ids import MapIds, PageIds, PresentationIds
from layouts.map_state import parse_query, to_query, with_viewport
from layouts.presentation import (
    STEP_PARAM,
    TOUR_PARAM,
    TourStepView,
    caption_text,
    footer_content,
    present_href,
    tour_bar,
)
from layouts.views import SAVED_VIEWS
from layouts.views_holder import VIEWS_ATTRIBUTE


def scale_words(scale: str) -> str:
    """'par commune', 'par IRIS'."""
    names = SCALE_NAMES.get(scale)
    if names is None:
        return ""
    return f"par {names.one if names.one.isupper() else names.one.lower()}"


def tour_position(data: object) -> tuple[int, int] | None:
    """The tour id and step (from 1) of the URL's `[parcours, etape]` (browser data, as the
    clientside callback read them), None when it names none."""
    if not isinstance(data, list) or len(data) != 2:
        return None
    tour, step = (part if isinstance(part, str) else "" for part in data)
    if not (tour.isascii() and tour.isdigit() and len(tour) <= 9):
        return None
    position = int(step) if step.isascii() and step.isdigit() and len(step) <= 3 else 1
    return int(tour), max(position, 1)


def register(app: Dash, store: Store) -> None:
    _register_clientside(app, store)
    prefix = app.config.requests_pathname_prefix
    territory = store.manifest.get("territory", {}).get("name") or (
        store.epci.name if store.epci else ""
    )

    @app.callback(
        Output(PresentationIds.CAPTION, "children"),
        Output(PresentationIds.SOURCE, "children"),
        Input(PresentationIds.CAPTION_VIEW, "data"),
        prevent_initial_call=True,
    )
    def caption(named: Any) -> tuple[str, list]:
        """The title of the mapped view, and its source with the restricted-use notice
        (asked for in presentation mode only: `captionView`, assets/atlas_views.js)."""
        try:
            scope = current_scope()
        except NoAccess:
            raise PreventUpdate from None
        view = named.get("view") if isinstance(named, dict) else None
        values = view if isinstance(view, dict) else {}
        indicator = CATALOG.get(values.get("indicator") or "")
        year = values.get("year")
        title = caption_text(
            indicator.label if indicator else "",
            year if isinstance(year, int) else None,
            scale_words(str(values.get("scale") or "")),
            territory,
        )
        notice = restricted_notice(scope, date.today())
        return title, footer_content(indicator.source if indicator else "", notice)

    @app.callback(
        Output(PresentationIds.TOUR, "children"),
        Input(PresentationIds.TOUR_POSITION, "data"),
        prevent_initial_call=True,
    )
    def tour_step(data: Any) -> Any:
        """The step of the tour the URL names, if the user may see that tour."""
        position = tour_position(data)
        if position is None:
            return None
        try:
            account = current_account()
        except NoAccess:
            raise PreventUpdate from None
        tour_id, step = position
        with auth_state().db.reading() as session:
            tour = tour_of(session, account.record.id, account.record.convention_id, tour_id)
            if tour is None or not tour.steps:
                return None
            steps = [(s.name, s.caption, s.query) for s in tour.steps]
            name = tour.name
        context = state_context(store, current_scope())
        step = min(step, len(steps))

        def href(index: int) -> str | None:
            if not 1 <= index <= len(steps):
                return None
            query = to_query(parse_query(steps[index - 1][2], context))
            return present_href(prefix, query, tour_id, index)

        step_name, caption, _ = steps[step - 1]
        return tour_bar(
            TourStepView(name, step_name, caption, step, len(steps), href(step - 1), href(step + 1))
        )

    @app.callback(
        Output(PresentationIds.SAVE_MESSAGE, "children"),
        Input(PresentationIds.SAVE, "n_clicks"),
        State(PresentationIds.SAVE_NAME, "value"),
        State(PresentationIds.SAVE_SHARED, "value"),
        State(PageIds.STATE, "data"),
        State(MapIds.MAP, "center"),
        State(MapIds.MAP, "zoom"),
        prevent_initial_call=True,
    )
    def save(clicks: int | None, name: Any, shared: Any, data: Any, centre: Any, zoom: Any) -> Any:
        """Keep the current view (the state as its parser checks it, with the viewport)."""
        if not clicks:
            raise PreventUpdate
        try:
            account = current_account()
            min_zoom = state_context(store, current_scope()).min_zoom
            query = to_query(with_viewport(current_state(store, data), centre, zoom, min_zoom))
        except NoAccess:
            raise PreventUpdate from None
        try:
            with auth_state().db.writing() as session:
                record = save_view(session, account.record.id, name, query, shared is True)
                saved = record.name
        except InvalidField as error:
            return html.Span(str(error), className="error")
        return [
            f"Vue « {saved} » enregistrée — ",
            html.A("Mes vues", href=app.get_relative_path(SAVED_VIEWS.path)),
        ]


def _register_clientside(app: Dash, store: Store) -> None:
    # the tour's step goes to the server only when the URL names another one (a new
    # permalink after each click must not cost a request)
    names = json.dumps([TOUR_PARAM, STEP_PARAM])
    app.clientside_callback(
        f"""(search, current) => {{
            const params = new URLSearchParams(search || "");
            const position = params.has({names}[0]) ? {names}.map(name => params.get(name)) : null;
            return JSON.stringify(position) === JSON.stringify(current ?? null)
                ? window.dash_clientside.no_update : position;
        }}""",
        Output(PresentationIds.TOUR_POSITION, "data"),
        Input(PageIds.URL, "search"),
        State(PresentationIds.TOUR_POSITION, "data"),
    )
    bounds = json.dumps(territory_bounds(store))
    app.clientside_callback(
        f"""(clicks) => clicks
            ? {{bounds: {bounds}, transition: "flyToBounds"}}
            : window.dash_clientside.no_update""",
        Output(MapIds.MAP, "viewport", allow_duplicate=True),
        Input(PresentationIds.TERRITORY, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlasPresentation", function_name="captionView"),
        Output(PresentationIds.CAPTION_VIEW, "data"),
        Input(PresentationIds.TOGGLE, "n_clicks"),
        State(PageIds.VIEWS, VIEWS_ATTRIBUTE),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlasPresentation", function_name="copyLink"),
        Output(PresentationIds.COPY_STATUS, "children"),
        Input(PresentationIds.COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlasPresentation", function_name="panelToTop"),
        Input(PageIds.SELECTED_VIEW, "data"),
        prevent_initial_call=True,
    )
