"""What a change of the explorer state redraws, answered in the state's own round trip.

The state callback (`callbacks/explorer_state.py`) asks these drawings for:
- the map's layers and legend, when the scale, indicator, year or classes changed (or
  the state was read from the URL);
- when only the indicator changed, the part of the open zone's panel it changes (key
  figures, evolution, IRIS ranking) and the order of the zone's residence list.
So an indicator change is one request, not one for the state and then one per drawing;
the rest of the panel, its profile charts, stays as it is. A new selection or year
redraws the panel whole (`callbacks/panel.py`).

The scope is the session's, as in every callback: the same store functions, the same
rules as when each drawing had its own request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import ALL, Output, State, ctx, no_update

from callbacks.map_style import map_style
from callbacks.panel import indicator_part, zone_residences
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import MapIds, PanelIds
from layouts.map_state import ViewState, feature_from_data
from routes.geodata import GeodataUrls

MAP_PARTS = ("scale", "indicator", "year", "method")
MAP_OUTPUTS = {
    "zone_url": (MapIds.ZONES, "url"),
    "zone_hideout": (MapIds.ZONES, "hideout"),
    "residence_hideout": (MapIds.RESIDENCES, "hideout"),
    "legend": (MapIds.LEGEND, "children"),
}


def _every(type_: str) -> dict[str, Any]:
    return {"type": type_, "scale": ALL, "code": ALL}


def map_changed(previous: ViewState | None, state: ViewState) -> bool:
    return previous is None or any(
        getattr(state, part) != getattr(previous, part) for part in MAP_PARTS
    )


def only_indicator_changed(previous: ViewState | None, state: ViewState) -> bool:
    """The panel keeps its zone and year: only what the indicator changes is redrawn."""
    return (
        previous is not None
        and state.indicator != previous.indicator
        and state.selection == previous.selection
        and state.year == previous.year
    )


@dataclass(frozen=True)
class StateDrawings:
    store: Store
    urls: GeodataUrls
    finder_path: str  # the residence list's link to the finder

    @property
    def outputs(self) -> dict[str, Any]:
        return {
            "map": {name: Output(*target) for name, target in MAP_OUTPUTS.items()},
            "indicator_parts": Output(_every(PanelIds.INDICATOR_PART_TYPE), "children"),
            # the list's own callback fills and filters it (`callbacks/panel.py`)
            "residence_lists": Output(
                _every(PanelIds.RESIDENCE_LIST_TYPE), "children", allow_duplicate=True
            ),
        }

    @property
    def states(self) -> dict[str, Any]:
        return {"filters": State(_every(PanelIds.RESIDENCE_FILTER_TYPE), "value")}

    def unchanged(self) -> dict[str, Any]:
        grouping = ctx.outputs_grouping["drawings"]
        return {
            "map": dict.fromkeys(MAP_OUTPUTS, no_update),
            "indicator_parts": [no_update for _ in grouping["indicator_parts"]],
            "residence_lists": [no_update for _ in grouping["residence_lists"]],
        }

    def follow(
        self, scope: AccessScope, previous: ViewState | None, state: ViewState
    ) -> dict[str, Any]:
        """The drawings that `state` changes from `previous` (None: read from the URL)."""
        drawn = self.unchanged()
        if map_changed(previous, state):
            style = map_style(
                self.store, self.urls, scope, state.scale, state.indicator, state.year, state.method
            )
            drawn["map"] = {name: getattr(style, name) for name in MAP_OUTPUTS}
        if only_indicator_changed(previous, state):
            grouping = ctx.outputs_grouping["drawings"]
            drawn["indicator_parts"] = [
                self._indicator_part(scope, state, part["id"])
                for part in grouping["indicator_parts"]
            ]
            filters = {
                (item["id"]["scale"], item["id"]["code"]): item.get("value")
                for item in ctx.args_grouping["filters"]
            }
            drawn["residence_lists"] = [
                self._residence_list(scope, state, listing["id"], filters)
                for listing in grouping["residence_lists"]
            ]
        return drawn

    def _indicator_part(self, scope: AccessScope, state: ViewState, part_id: Any) -> Any:
        zone = feature_from_data(part_id)
        if zone is None or zone != state.selection:
            return no_update
        content = indicator_part(self.store, scope, zone, state.indicator or None, state.year)
        return no_update if content is None else content

    def _residence_list(
        self, scope: AccessScope, state: ViewState, list_id: Any, filters: dict
    ) -> Any:
        """The open zone's list in the new indicator's order, its filter kept."""
        zone = feature_from_data(list_id)
        if zone is None or zone.scale == "residence" or zone != state.selection:
            return no_update
        text = filters.get((zone.scale, zone.code))
        return zone_residences(self.store, scope, zone, text, state.indicator, self.finder_path)
