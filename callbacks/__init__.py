"""Thin callbacks, one module per concern; `register_all` wires them into the app."""

from __future__ import annotations

from dash import Dash

from callbacks import (
    accessibility,
    attributions_board,
    commission_files,
    compare,
    explorer_state,
    exports,
    finder,
    map_selection,
    map_viewport,
    panel,
    presentation,
    print_routes,
    saved_views,
    views,
)
from callbacks.state_drawings import StateDrawings
from data.store.store import Store
from layouts.views import FINDER_VIEW
from routes.geodata import GeodataUrls


def register_all(app: Dash, store: Store, urls: GeodataUrls) -> None:
    finder_path = app.get_relative_path(FINDER_VIEW.path)
    explorer_state.register(app, store, StateDrawings(store, finder_path))
    map_selection.register(app, store, urls)
    panel.register(app, store)
    compare.register(app, store)
    views.register(app, store)
    finder.register(app, store)
    commission_files.register(app, store)
    exports.register(app, store)
    print_routes.register(app, store)
    attributions_board.register(app, store)
    accessibility.register(app, store)
    presentation.register(app, store)
    saved_views.register(app, store)
    map_viewport.register(app, store)
