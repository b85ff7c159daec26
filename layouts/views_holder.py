"""The views of the state that the browser follows without a Dash callback: the map's
view and the permalink, as one attribute of a hidden element.

The state callback (callbacks/explorer_state.py) writes the attribute; assets/atlas_views.js
watches it and, in the same frame, calls the gates: the permalink is pushed
(assets/atlas_map.js), and only the gates that have something to do wake their Dash
callback (the open table, the presentation caption, the residence layer). A Dash store
in its place would run each gate's clientside callback on every change, each costing the
browser several redux dispatches.
"""

from __future__ import annotations

import json
from typing import Any

from dash import html

from layouts.ids import PageIds

VIEWS_ATTRIBUTE = "data-views"
# the parts of the state the map follows: the map's view
MAP_PARTS = ("scale", "indicator", "year", "method")


def views_holder() -> html.Div:
    return html.Div(id=PageIds.VIEWS, hidden=True, **{VIEWS_ATTRIBUTE: "{}"})


def views_attribute(map_view: dict[str, Any], permalink: str | None) -> str:
    """What the attribute holds: the map's view and the query string to push (None: the
    state was read from the URL, and is not pushed back to it)."""
    return json.dumps({"map": map_view, "permalink": permalink}, ensure_ascii=False)


def map_view_in(attribute: object) -> Any:
    """The map's view in the attribute as the browser sends it (None when unreadable)."""
    try:
        views = json.loads(attribute) if isinstance(attribute, str) else None
    except ValueError:
        return None
    return views.get("map") if isinstance(views, dict) else None
