"""The view "Mes vues": the views and tours the logged-in user may see, read from the auth
database for the session's user and convention on every request; a tour is made, and a
view or tour deleted (its author only), by the same rules.

Links are built from each view's query parsed again for the user who opens them: a view
shared by a colleague opens only what the viewer's own convention shows.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from auth.access import LoggedInUser, NoAccess, current_account, current_scope
from auth.models import SavedView, Tour
from auth.saved_views import (
    InvalidField,
    create_tour,
    delete_tour,
    delete_view,
    tours_of,
    views_of,
)
from auth.state import auth_state
from callbacks.explorer_state import state_context
from callbacks.views import RENDERERS
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import SavedViewIds
from layouts.map_state import StateContext, parse_query, to_query
from layouts.presentation import present_href
from layouts.saved_views import (
    TourItem,
    ViewItem,
    saved_lists,
    saved_views_view,
    view_options,
)
from layouts.views import SAVED_VIEWS

OWN_AUTHOR = "vous"


def _listing(record: SavedView | Tour, user_id: int) -> dict[str, Any]:
    """What a view's and a tour's lines share: id, name, author, sharing, ownership."""
    own = record.user_id == user_id
    return {
        "id": record.id,
        "name": record.name,
        "author": OWN_AUTHOR if own else record.user.display_name,
        "shared": record.shared,
        "own": own,
    }


def listed(
    account: LoggedInUser, context: StateContext, prefix: str
) -> tuple[list[ViewItem], list[TourItem]]:
    """What the user may see, with links checked for them."""
    user_id, convention_id = account.record.id, account.record.convention_id
    with auth_state().db.reading() as session:
        views = [
            ViewItem(
                **_listing(record, user_id),
                open_href=prefix + to_query(parse_query(record.query, context)),
                present_href=present_href(prefix, to_query(parse_query(record.query, context))),
            )
            for record in views_of(session, user_id, convention_id)
        ]
        tours = [
            TourItem(
                **_listing(record, user_id),
                steps=len(record.steps),
                present_href=present_href(
                    prefix, to_query(parse_query(record.steps[0].query, context)), record.id
                ),
            )
            for record in tours_of(session, user_id, convention_id)
            if record.steps
        ]
    return views, tours


def captions_of(text: Any) -> list[str]:
    """One caption per line of the textarea."""
    return text.splitlines() if isinstance(text, str) else []


def register(app: Dash, store: Store) -> None:
    prefix = app.config.requests_pathname_prefix

    def render(_s: Store, scope: AccessScope, _search: str) -> Component:
        views, tours = listed(current_account(), state_context(store, scope), prefix)
        return saved_views_view(views, tours)

    RENDERERS[SAVED_VIEWS.key] = render

    @app.callback(
        Output(SavedViewIds.LIST, "children"),
        Output(SavedViewIds.MESSAGE, "children"),
        Output(SavedViewIds.TOUR_VIEWS, "options"),
        Input(SavedViewIds.TOUR_CREATE, "n_clicks"),
        Input({"type": SavedViewIds.DELETE_VIEW_TYPE, "id": ALL}, "n_clicks"),
        Input({"type": SavedViewIds.DELETE_TOUR_TYPE, "id": ALL}, "n_clicks"),
        State(SavedViewIds.TOUR_NAME, "value"),
        State(SavedViewIds.TOUR_VIEWS, "value"),
        State(SavedViewIds.TOUR_CAPTIONS, "value"),
        State(SavedViewIds.TOUR_SHARED, "value"),
        prevent_initial_call=True,
    )
    def change(
        _create: Any, _views: Any, _tours: Any, name: Any, chosen: Any, captions: Any, shared: Any
    ) -> tuple[Any, Any, Any]:
        """Make a tour, or delete a view or a tour of the session's user."""
        trigger = ctx.triggered_id
        if trigger is None or not ctx.triggered[0].get("value"):
            raise PreventUpdate  # a delete button drawn with its list, not clicked
        try:
            account = current_account()
            scope = current_scope()
        except NoAccess:
            raise PreventUpdate from None
        user_id, convention_id = account.record.id, account.record.convention_id
        message: Any
        try:
            with auth_state().db.writing() as session:
                if trigger == SavedViewIds.TOUR_CREATE:
                    view_ids = chosen if isinstance(chosen, list) else []
                    tour = create_tour(
                        session,
                        user_id,
                        convention_id,
                        name,
                        view_ids,
                        captions_of(captions),
                        shared is True,
                    )
                    count = len(tour.steps)
                    message = f"Parcours « {tour.name} » créé ({count} vue{'s' * (count > 1)})."
                elif trigger.get("type") == SavedViewIds.DELETE_VIEW_TYPE:
                    if not delete_view(session, user_id, trigger.get("id")):
                        raise PreventUpdate
                    message = "Vue supprimée."
                elif trigger.get("type") == SavedViewIds.DELETE_TOUR_TYPE:
                    if not delete_tour(session, user_id, trigger.get("id")):
                        raise PreventUpdate
                    message = "Parcours supprimé."
                else:
                    raise PreventUpdate
        except InvalidField as error:
            return no_update, html.Span(str(error), className="error"), no_update
        views, tours = listed(account, state_context(store, scope), prefix)
        return saved_lists(views, tours), message, view_options(views)
