"""Which view the page shows: the explorer, or a view of its own drawn from the path.

On the explorer's path nothing goes to the server: a clientside callback keeps the explorer
shown. On another path it hides the explorer and hands the path to the server callback,
which checks the view's theme against the session's scope (never the request body) and
draws it with the renderer its module registered in `RENDERERS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from dash import Dash, Input, Output, State
from dash.development.base_component import Component

from auth.access import NoAccess, current_scope
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import PageIds
from layouts.views import EXPLORER, VIEWS, View, refused_view, unknown_view, view_at

# A view's content from the warehouse, the user's scope and the URL's query string.
Renderer = Callable[[Store, AccessScope, str], Component]
RENDERERS: dict[str, Renderer] = {}


def view_content(
    store: Store,
    scope: AccessScope,
    pathname: str | None,
    search: str,
    prefix: str,
    views: Iterable[View] = VIEWS,
) -> Component | None:
    """What the view container shows at `pathname`: nothing on the explorer's path."""
    view = view_at(pathname, prefix, views)
    if view is None:
        return unknown_view(prefix)
    if view is EXPLORER:
        return None
    if view.theme is not None and not scope.grants(view.theme):
        return refused_view(view)
    return RENDERERS[view.key](store, scope, search or "")


def register(app: Dash, store: Store) -> None:
    prefix = app.config.requests_pathname_prefix
    explorer_paths = json.dumps([prefix, prefix.rstrip("/") or "/"])
    app.clientside_callback(
        f"""(pathname) => {{
            const onExplorer = !pathname || {explorer_paths}.includes(pathname);
            return [!onExplorer, onExplorer ? window.dash_clientside.no_update : pathname];
        }}""",
        Output(PageIds.EXPLORER, "hidden"),
        Output(PageIds.VIEW_PATH, "data"),
        Input(PageIds.URL, "pathname"),
    )

    @app.callback(
        Output(PageIds.VIEW, "children"),
        Input(PageIds.VIEW_PATH, "data"),
        State(PageIds.URL, "search"),
        prevent_initial_call=True,
    )
    def show_view(pathname: str | None, search: str | None) -> Any:
        try:
            scope = current_scope()
        except NoAccess:
            return None
        return view_content(store, scope, pathname, search or "", prefix)
