"""What a change of the explorer state redraws, answered in the state's own round trip.

The state callback (`callbacks/explorer_state.py`) asks these drawings for:
- the map's layers' style and legend, when the scale, indicator, year or classes
  changed (or the state was read from the URL): the hideout of the features of the area
  loaded (`MapIds.ZONE_AREA`, `MapIds.RESIDENCE_AREA`), a new area bringing its own
  (a new zone scale's layer comes with its style);
- when only the indicator changed, the part of the open zone's panel it changes (key
  figures, evolution, IRIS ranking) and the order of the zone's residence list.
- the panel, when the selection changed (or the state was read from the URL): drawn
  whole, with the zone's residence list, and the selection's outline on the map; when
  the year changed: a zone's sheet redraws its indicator part and its year parts (export
  links, diagnosis, profile charts), its header and residence list left as they are; a
  residence's sheet is drawn whole.
So a click on a zone, or a change of indicator or year, is one request, not one for the
state and then one per drawing; the rest of the panel, its profile charts, stays as it
is.

The scope is the session's, as in every callback: the same store functions, the same
rules as when each drawing had its own request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dash import ALL, Output, State, ctx, no_update

from auth.access import log_access
from callbacks.map_style import drawn_for, map_style
from callbacks.map_viewport import area_points, zone_area_indices
from callbacks.panel import indicator_part, panel_content, zone_residences
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import MapIds, PageIds, PanelIds
from layouts.map import ZONE_STYLE_ATTRIBUTE
from layouts.map_state import ViewState, feature_from_data
from layouts.views_holder import MAP_PARTS

MAP_OUTPUTS = {
    "zone_hideout": (MapIds.ZONE_STYLE, ZONE_STYLE_ATTRIBUTE),
    "residence_hideout": (MapIds.RESIDENCES, "hideout"),
    "legend": (MapIds.LEGEND, "children"),
}


def _every(type_: str, *keys: str) -> dict[str, Any]:
    return {"type": type_, "scale": ALL, "code": ALL, **dict.fromkeys(keys, ALL)}


def _id_key(component_id: Any) -> str:
    return json.dumps(component_id, sort_keys=True)


def _components(tree: Any) -> Iterator[Any]:
    """Every component of a drawn tree, depth first."""
    if isinstance(tree, list | tuple):
        for item in tree:
            yield from _components(item)
    elif hasattr(tree, "to_plotly_json"):
        yield tree
        yield from _components(getattr(tree, "children", None))


def parts_of(tree: Any, *types: str) -> dict[str, Any]:
    """The children of the components of `tree` whose pattern id has one of `types`,
    by their id (`_id_key`)."""
    return {
        _id_key(component.id): component.children
        for component in _components(tree)
        if isinstance(getattr(component, "id", None), dict) and component.id.get("type") in types
    }


def map_changed(previous: ViewState | None, state: ViewState) -> bool:
    return previous is None or any(
        getattr(state, part) != getattr(previous, part) for part in MAP_PARTS
    )


def unchanged_layers(previous: ViewState | None, state: ViewState) -> tuple[str, ...]:
    """The map outputs a new state leaves as they are: on the same scale, the other
    layer's empty style (each output set costs the browser a Dash cycle, and each style
    triggers its own check)."""
    if previous is None or previous.scale != state.scale:
        return ()
    if state.scale == "residence":
        return ("zone_hideout",)
    return ("residence_hideout",)


def sheet_change(previous: ViewState | None, state: ViewState) -> str | None:
    """What a new state redraws of the panel: "whole" (a new selection, the state read
    from the URL, a residence's sheet in a new year), "year" (a zone's sheet in a new
    year: its indicator and year parts), "indicator" (its indicator part) or None."""
    if previous is None or state.selection != previous.selection:
        return "whole"
    if state.selection is None:
        return None
    if state.year != previous.year:
        return "whole" if state.selection.scale == "residence" else "year"
    return "indicator" if state.indicator != previous.indicator else None


@dataclass(frozen=True)
class StateDrawings:
    store: Store
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
            "year_parts": Output(_every(PanelIds.YEAR_PART_TYPE, "name"), "children"),
            "panel": Output(PageIds.PANEL, "children"),
            "outline": Output(MapIds.SELECTION, "data"),
        }

    @property
    def states(self) -> dict[str, Any]:
        return {
            "filters": State(_every(PanelIds.RESIDENCE_FILTER_TYPE), "value"),
            # the layers' loaded areas: their features are what the hideout styles
            "area": State(MapIds.RESIDENCE_AREA, "data"),
            "zone_area": State(MapIds.ZONE_AREA, "data"),
        }

    def unchanged(self) -> dict[str, Any]:
        grouping = ctx.outputs_grouping["drawings"]
        return {
            "map": dict.fromkeys(MAP_OUTPUTS, no_update),
            "indicator_parts": [no_update for _ in grouping["indicator_parts"]],
            "residence_lists": [no_update for _ in grouping["residence_lists"]],
            "year_parts": [no_update for _ in grouping["year_parts"]],
            "panel": no_update,
            "outline": no_update,
        }

    def follow(
        self, scope: AccessScope, previous: ViewState | None, state: ViewState
    ) -> dict[str, Any]:
        """The drawings that `state` changes from `previous` (None: read from the URL)."""
        drawn = self.unchanged()
        if map_changed(previous, state):
            drawn["map"] = self._map(scope, previous, state)
        filters = {
            (item["id"]["scale"], item["id"]["code"]): item.get("value")
            for item in ctx.args_grouping["filters"]
        }
        change = sheet_change(previous, state)
        opened = previous is None or state.selection != previous.selection
        if opened:
            selected = state.selection
            drawn["outline"] = (
                self.store.selection_feature(selected.scale, selected.code) if selected else None
            )
        if change == "whole":
            drawn["panel"] = self._panel(scope, state, None, audited=opened)
        elif change == "year" and state.selection is not None:
            selected = state.selection
            panel = self._panel(scope, state, filters.get((selected.scale, selected.code)))
            drawn.update(self._year_parts(panel))
        elif change == "indicator":
            grouping = ctx.outputs_grouping["drawings"]
            drawn["indicator_parts"] = [
                self._indicator_part(scope, state, part["id"])
                for part in grouping["indicator_parts"]
            ]
        if (
            previous is not None
            and not opened
            and change != "whole"
            and state.indicator != previous.indicator
        ):
            grouping = ctx.outputs_grouping["drawings"]
            drawn["residence_lists"] = [
                self._residence_list(scope, state, listing["id"], filters)
                for listing in grouping["residence_lists"]
            ]
        return drawn

    def _map(
        self, scope: AccessScope, previous: ViewState | None, state: ViewState
    ) -> dict[str, Any]:
        """The layers' style and the legend of the state's view, for the areas loaded."""
        area = ctx.args_grouping["area"]["value"]
        zone_area = ctx.args_grouping["zone_area"]["value"]
        if state.scale == "residence":
            loaded = area_points(self.store, area)
        else:
            loaded = zone_area_indices(self.store, zone_area, state.scale)
        style = map_style(
            self.store,
            scope,
            state.scale,
            state.indicator,
            state.year,
            state.method,
            loaded or (),
        )
        view = {part: getattr(state, part) for part in MAP_PARTS}
        drawn = {
            "zone_hideout": json.dumps(
                drawn_for(style.zone_hideout, view, zone_area), ensure_ascii=False
            ),
            "residence_hideout": drawn_for(style.residence_hideout, view, area),
            "legend": style.legend,
        }
        if loaded is None:
            # the zones of a new scale are on their way, with their style
            drawn["zone_hideout"] = no_update
        drawn.update(dict.fromkeys(unchanged_layers(previous, state), no_update))
        return drawn

    def _year_parts(self, panel: Any) -> dict[str, list[Any]]:
        """The parts of the zone's new sheet that a new year changes, each in its place
        on the page (none when the page shows another zone)."""
        parts = parts_of(panel, PanelIds.INDICATOR_PART_TYPE, PanelIds.YEAR_PART_TYPE)
        grouping = ctx.outputs_grouping["drawings"]
        return {
            name: [parts.get(_id_key(item["id"]), no_update) for item in grouping[name]]
            for name in ("indicator_parts", "year_parts")
        }

    def _panel(self, scope: AccessScope, state: ViewState, text: Any, audited: bool = False) -> Any:
        """The panel of the state's selection, its residence list filtered by `text`; an
        `audited` residence sheet is logged as opened."""
        content = panel_content(
            self.store,
            scope,
            state.selection,
            state.indicator or None,
            state.year,
            state.pinned,
            finder_path=self.finder_path,
            listing_filter=text,
        )
        if audited and content.residence_viewed:
            log_access("residence_view", content.residence_viewed)
        return content.children

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
