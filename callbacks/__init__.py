"""Thin callbacks, one module per concern; `register_all` wires them into the app."""

from __future__ import annotations

from dash import Dash

from callbacks import (
    attributions_board,
    compare,
    explorer_state,
    map_selection,
    map_style,
    panel,
    views,
)
from data.store.store import Store
from routes.geodata import GeodataUrls


def register_all(app: Dash, store: Store, urls: GeodataUrls) -> None:
    explorer_state.register(app, store)
    map_style.register(app, store, urls)
    map_selection.register(app, store, urls)
    panel.register(app, store)
    compare.register(app, store)
    views.register(app, store)
    attributions_board.register(app, store)
