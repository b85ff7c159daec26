"""The map's style when the scale, indicator, year or classes change (drawn in the
state's round trip: `callbacks/state_drawings.py`).

The layer of the chosen scale gets a new `hideout` (classes and tooltips, one per
feature); the other layer's is emptied. Zones and residences come with the area in view
(`callbacks/map_viewport.py`): a hideout holds only the features loaded, whether it
comes with a new view (here) or with a new area (`loaded_hideout`). The territory is
classified whole either way: the legend and each feature's class do not depend on the
area, only what is sent does.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from dash import html
from dash.development.base_component import Component

from data.catalog import CATALOG, SIZE_CLASSES
from data.scope import AccessScope
from data.store.store import Store
from data.store.types import MapValue
from layouts.choropleth import SECRET_LABEL, Choropleth, area_hideout, build_choropleth
from layouts.classification import DEFAULT_METHOD, METHODS
from layouts.exports import map_export_links
from layouts.legend import empty_legend, legend_component
from layouts.panel_labels import secret_residence_text

# Themes a residence keeps secret for too few surveyed households (the diagnosis is
# derived from the survey).
HOUSEHOLD_THEMES = ("occupation", "diagnostic")
UNAVAILABLE = "Cet indicateur n'est pas disponible à cette échelle pour ce millésime."


@dataclass(frozen=True)
class MapStyle:
    zone_hideout: dict[str, Any]
    residence_hideout: dict[str, Any]
    legend: Component


def secret_text(scale: str, theme: str, threshold: int) -> str:
    """The tooltip of a hidden value, but for a residence flagged secret (see below):
    too few units that year, or secondary secrecy."""
    if scale != "residence":
        return SECRET_LABEL
    unit = "ménages" if theme in HOUSEHOLD_THEMES else "logements"
    return f"{SECRET_LABEL} (moins de {threshold} {unit}, ou secret secondaire)"


@dataclass(frozen=True)
class View:
    """One view of the map: the classified values, and what the browser draws of them."""

    choropleth: Choropleth
    drawing: Drawing


def map_view(
    store: Store, scope: AccessScope, scale: str, indicator_id: str, year: int, method: str
) -> View | None:
    """The view, or None when this indicator cannot be shown here.

    The one place the callbacks ask whether a view depends on the convention's perimeter
    (the store decides): such a view is classified and drawn for this request, never
    shared between users; any other is drawn once per process for every signatory."""
    indicator = CATALOG.get(indicator_id or "")
    if (
        indicator is None
        or scale not in indicator.scales
        or not scope.grants(indicator.theme)
        or year not in store.indicator_years.get(indicator.id, ())
    ):
        return None
    method = method if method in METHODS else DEFAULT_METHOD
    if store.depends_on_perimeter(scale, indicator.id, year, scope):
        rows = store.map_values(scale, indicator.id, year, scope)
        return _view(store, scale, indicator.id, year, method, rows)
    return _shared_view(store, scale, indicator.id, year, method)


def view_rows(
    store: Store, scope: AccessScope, scale: str, indicator_id: str, year: int
) -> list[MapValue]:
    """`(code, value, status)` of a view as `scope` sees it: the rows the map is classified
    from (the theme is granted: see `map_view`)."""
    if store.depends_on_perimeter(scale, indicator_id, year, scope):
        return store.map_values(scale, indicator_id, year, scope)
    return store.shared_map_values(scale, indicator_id, year)


def choropleth(
    store: Store, scope: AccessScope, scale: str, indicator_id: str, year: int, method: str
) -> Choropleth | None:
    """The classified values, or None when this indicator cannot be shown here."""
    view = map_view(store, scope, scale, indicator_id, year, method)
    return view.choropleth if view else None


@functools.lru_cache(maxsize=256)
def _shared_view(store: Store, scale: str, indicator_id: str, year: int, method: str) -> View:
    """A view every granted signatory sees alike is classified and drawn once per process
    (Dash only reads what a callback returns)."""
    rows = store.shared_map_values(scale, indicator_id, year)
    return _view(store, scale, indicator_id, year, method, rows)


def _view(store: Store, scale: str, indicator_id: str, year: int, method: str, rows: list) -> View:
    result = _classify(store, scale, indicator_id, year, method, rows)
    return View(result, drawing(store, result, scale, CATALOG[indicator_id].theme))


def _classify(
    store: Store, scale: str, indicator_id: str, year: int, method: str, rows: list
) -> Choropleth:
    return build_choropleth(
        rows,
        CATALOG[indicator_id],
        year,
        total=len(store.map_codes(scale)),
        method=method,
        noun="résidences" if scale == "residence" else "zones",
    )


@dataclass(frozen=True)
class Drawing:
    """What the browser needs to draw one view: the layer's hideout and the legend."""

    hideout: dict[str, Any]
    legend: Component


def drawing(store: Store, result: Choropleth, scale: str, theme: str) -> Drawing:
    """The hideout of the features drawn at `scale`, with the texts of hidden values, and
    the legend."""
    threshold = store.secrecy_threshold
    hideout = result.hideout(store.map_order(scale), secret_text(scale, theme, threshold))
    if scale == "residence":
        hideout["texts"]["secret_residence"] = secret_residence_text(threshold)
        hideout["radii"] = {size.code: size.radius for size in SIZE_CLASSES}
    return Drawing(hideout, legend_component(result.legend))


def drawn_for(hideout: dict[str, Any], view: Any, area: Any) -> dict[str, Any]:
    """A hideout that says for which map view (layouts/views_holder.py) and area
    (`MapIds.RESIDENCE_AREA` or `MapIds.ZONE_AREA`) it was cut: the state's answer and
    the layer's may cross, and the browser asks for the area again when the last one is
    not for what it shows (`atlasViewport.restyleIfStale`)."""
    return {**hideout, "for": {"view": view, "area": area}} if hideout else hideout


def loaded_hideout(
    store: Store, scope: AccessScope, view: Any, scale: str, indices: Collection[int]
) -> dict[str, Any]:
    """The hideout of the features `indices` (their `i`) of a layer of `scale` loaded
    for an area, in `view`, the map's view as the browser sends it
    (layouts/views_holder.py): checked, and drawn by `map_view` for `scope`, as for a new
    view. Empty when the view shows another scale or cannot be shown."""
    if not isinstance(view, dict) or view.get("scale") != scale:
        return {}
    indicator_id, year, method = view.get("indicator"), view.get("year"), view.get("method")
    if not (isinstance(indicator_id, str) and isinstance(year, int) and isinstance(method, str)):
        return {}
    found = map_view(store, scope, scale, indicator_id, year, method)
    return area_hideout(found.drawing.hideout, indices) if found else {}


def map_style(
    store: Store,
    scope: AccessScope,
    scale: str,
    indicator_id: str,
    year: int,
    method: str,
    loaded: Collection[int] = (),
) -> MapStyle:
    """The style of a new view: the hideout of the features `loaded` (their `i`: those of
    the area the layer of `scale` holds) only, and the legend (classes of the whole
    territory)."""
    scale = scale if scale in store.map_scales else "commune"
    view = map_view(store, scope, scale, indicator_id, year, method)
    drawn = view.drawing if view else Drawing({}, empty_legend(UNAVAILABLE))
    if view:
        exports = map_export_links(scale, indicator_id, year)
        drawn = Drawing(drawn.hideout, html.Div([drawn.legend, exports], className="legend-stack"))
    hideout = area_hideout(drawn.hideout, loaded) if view else {}
    if scale == "residence":
        return MapStyle({}, hideout, drawn.legend)
    return MapStyle(hideout, {}, drawn.legend)
