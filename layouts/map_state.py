"""The state of the explorer and its permalink: pure parse and serialize functions.

The query string carries the scale, theme, indicator, year, classification, overlays,
selected zone, pinned zones, and the map centre and zoom, e.g.

    ?echelle=iris&theme=parc&indicateur=parc.vacancy_rate_offered&annee=2024&classes=quantile
     &couches=qpv,communes&selection=iris:595120101&epingles=commune:59512;iris:595120102
     &centre=50.69000,3.18000&zoom=13

Every parameter is checked against what exists (catalogue, vintages, codes) and what
the user's convention opens; anything invalid or tampered with falls back to its
default, never to an error.

This is the one module that parses and validates the explorer state, wherever it comes
from: the URL, the `state` store (`ViewState.to_data`, browser data like any other) or
a click. A malformed part raises `StateError` inside and is dropped at the edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from data.catalog import ALL_MAP_SCALES, MAP_SCALES, MAP_ZONE_SCALES, successor_of
from data.sources.codes import EQUIPMENT_FAMILIES
from layouts.classification import DEFAULT_METHOD, METHODS

# Outlines, then one layer of equipment points per proximity family (named by its key).
OVERLAYS = ("qpv", "iris", "communes", "noms", *EQUIPMENT_FAMILIES)
OVERLAY_LABELS = {
    "qpv": "Contours des QPV",
    "iris": "Limites des IRIS",
    "communes": "Limites des communes",
    "noms": "Noms des communes",
    **{family: f"Équipements : {label}" for family, label in EQUIPMENT_FAMILIES.items()},
}
DEFAULT_SCALE = "commune"
DEFAULT_OVERLAYS: tuple[str, ...] = ()
MAX_PINNED = 4
# The longest zone or residence code the explorer accepts (residence ids have 13
# characters, IRIS and QPV codes 9).
MAX_CODE_LENGTH = 40
MIN_ZOOM, MAX_ZOOM = 8, 18
# The centre must stay within this distance (degrees) of the territory's box (of its
# centre when the box is not known).
MAX_CENTRE_OFFSET = 2.0
CENTRE_DECIMALS = 5


class StateError(ValueError):
    """A part of the explorer state, as the browser sent it, is malformed."""


@dataclass(frozen=True)
class Feature:
    """A selected or pinned zone or residence."""

    scale: str
    code: str

    def __post_init__(self) -> None:
        if self.scale not in ALL_MAP_SCALES:
            raise StateError(f"unknown scale {self.scale!r}")
        code = self.code
        if not isinstance(code, str) or not 0 < len(code) <= MAX_CODE_LENGTH:
            raise StateError(f"a code is a string of 1 to {MAX_CODE_LENGTH} characters")
        if not (code.isascii() and code.isalnum()):
            raise StateError(f"a code has only ASCII letters and digits, not {code!r}")

    def to_param(self) -> str:
        return f"{self.scale}:{self.code}"

    def to_data(self) -> dict[str, str]:
        return {"scale": self.scale, "code": self.code}


@dataclass(frozen=True)
class ViewState:
    scale: str
    theme: str
    indicator: str
    year: int | None
    method: str = DEFAULT_METHOD
    overlays: tuple[str, ...] = DEFAULT_OVERLAYS
    selection: Feature | None = None
    pinned: tuple[Feature, ...] = ()
    centre: tuple[float, float] | None = None
    zoom: int | None = None
    notice: str | None = None  # why the permalink's indicator was replaced

    def to_data(self) -> dict[str, Any]:
        """What the `state` store holds (the viewport stays with the map)."""
        return {
            "scale": self.scale,
            "theme": self.theme,
            "indicator": self.indicator,
            "year": self.year,
            "method": self.method,
            "overlays": list(self.overlays),
            "selection": self.selection.to_data() if self.selection else None,
            "pinned": [pin.to_data() for pin in self.pinned],
        }


@dataclass(frozen=True)
class StateContext:
    """What may be shown: built on the server from the catalogue, the warehouse and the
    user's convention, never from the browser."""

    themes: Mapping[str, Sequence[str]]  # scale -> theme ids the user may see there
    indicators: Mapping[tuple[str, str], Sequence[str]]  # (scale, theme) -> indicator ids
    years: Mapping[str, Sequence[int]]  # indicator id -> vintages, oldest first
    code_exists: Callable[[str, str], bool]  # (scale, code) -> known?
    home: tuple[float, float] = (50.63, 3.07)
    pinnable_scales: tuple[str, ...] = MAP_ZONE_SCALES
    default_indicators: Mapping[str, str] = field(default_factory=dict)  # theme -> id
    scales: tuple[str, ...] = MAP_SCALES  # the scales of this territory's map
    default_scale: str = DEFAULT_SCALE
    # (south, west, north, east) around the whole territory (France: overseas included)
    extent: tuple[float, float, float, float] | None = None
    min_zoom: int = MIN_ZOOM  # the map's lowest zoom: less for a region or France


def _first(values: Sequence[str], preferred: str | None = None) -> str | None:
    if preferred is not None and preferred in values:
        return preferred
    return values[0] if values else None


def resolve(
    ctx: StateContext,
    *,
    scale: str | None,
    theme: str | None,
    indicator: str | None,
    year: int | str | None,
    method: str | None = None,
    overlays: Sequence[str] | None = None,
    selection: Feature | None = None,
    pinned: Sequence[Feature] = (),
    centre: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> ViewState:
    """The valid state closest to what was asked: each part falls back to its default
    when it does not exist, or not at this scale, or not for this user."""
    scale = scale if scale in ctx.scales else ctx.default_scale
    themes = list(ctx.themes.get(scale, ()))
    theme = _first(themes, theme) or ""
    indicators = list(ctx.indicators.get((scale, theme), ()))
    if indicator not in indicators:
        indicator = ctx.default_indicators.get(theme)
    indicator = _first(indicators, indicator)
    years = list(ctx.years.get(indicator or "", ()))
    year_value = _as_int(year)
    if year_value not in years:
        year_value = years[-1] if years else None
    viewport_ok = _valid_centre(ctx, centre) and _valid_zoom(zoom, ctx.min_zoom)
    return ViewState(
        scale=scale,
        theme=theme,
        indicator=indicator or "",
        year=year_value,
        method=method if method in METHODS else DEFAULT_METHOD,
        overlays=tuple(o for o in OVERLAYS if overlays and o in overlays),
        selection=selection if _known(ctx, selection) else None,
        pinned=_valid_pins(ctx, pinned),
        # the viewport is kept only whole: a centre without its zoom means nothing
        centre=centre if viewport_ok else None,
        zoom=zoom if viewport_ok else None,
    )


def _valid_zoom(zoom: object, min_zoom: int) -> bool:
    return isinstance(zoom, int) and not isinstance(zoom, bool) and min_zoom <= zoom <= MAX_ZOOM


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,4}", value.strip()):
        return int(value)  # ASCII digits only: "¹" is a digit to str.isdigit, not to int()
    return None


def _known(ctx: StateContext, feature: Feature | None) -> bool:
    return (
        feature is not None
        and feature.scale in ctx.scales
        and ctx.code_exists(feature.scale, feature.code)
    )


def _valid_pins(ctx: StateContext, pinned: Sequence[Feature]) -> tuple[Feature, ...]:
    pins: list[Feature] = []
    for pin in pinned:
        if pin.scale in ctx.pinnable_scales and _known(ctx, pin) and pin not in pins:
            pins.append(pin)
    return tuple(pins[:MAX_PINNED])


def _valid_centre(ctx: StateContext, centre: tuple[float, float] | None) -> bool:
    if centre is None:
        return False
    lat, lon = centre
    south, west, north, east = ctx.extent or (*ctx.home, *ctx.home)
    return (
        math.isfinite(lat)
        and math.isfinite(lon)
        and south - MAX_CENTRE_OFFSET <= lat <= north + MAX_CENTRE_OFFSET
        and west - MAX_CENTRE_OFFSET <= lon <= east + MAX_CENTRE_OFFSET
    )


def parse_feature(text: object) -> Feature | None:
    """'iris:595120101' → Feature('iris', '595120101'); anything else → None."""
    if not isinstance(text, str) or ":" not in text:
        return None
    scale, code = text.split(":", 1)
    try:
        return Feature(scale, code)
    except StateError:
        return None


def feature_from_data(data: object) -> Feature | None:
    """The store format {"scale", "code"} → Feature; anything else → None."""
    if not isinstance(data, dict):
        return None
    try:
        return Feature(data.get("scale"), data.get("code"))  # type: ignore[arg-type]
    except StateError:
        return None


def state_from_data(data: object, ctx: StateContext) -> ViewState:
    """The state the `state` store holds (browser data: checked like a permalink)."""
    values = data if isinstance(data, dict) else {}
    overlays = values.get("overlays")
    pinned = values.get("pinned")
    return resolve(
        ctx,
        scale=_text(values.get("scale")),
        theme=_text(values.get("theme")),
        indicator=_text(values.get("indicator")),
        year=values.get("year"),
        method=_text(values.get("method")),
        overlays=[o for o in overlays if isinstance(o, str)] if isinstance(overlays, list) else (),
        selection=feature_from_data(values.get("selection")),
        pinned=[p for p in map(feature_from_data, pinned) if p] if isinstance(pinned, list) else [],
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def changed(state: ViewState, ctx: StateContext, **changes: Any) -> ViewState:
    """The valid state closest to `state` with these parts changed."""
    values = {
        "scale": state.scale,
        "theme": state.theme,
        "indicator": state.indicator,
        "year": state.year,
        "method": state.method,
        "overlays": state.overlays,
        "selection": state.selection,
        "pinned": state.pinned,
        "centre": state.centre,
        "zoom": state.zoom,
    }
    return resolve(ctx, **{**values, **changes})


def toggle_pin(state: ViewState, ctx: StateContext, zone: Feature) -> tuple[ViewState, bool]:
    """Pin the zone, or unpin it if pinned; True when refused (already `MAX_PINNED`)."""
    if zone in state.pinned:
        return changed(state, ctx, pinned=[pin for pin in state.pinned if pin != zone]), False
    if zone.scale not in ctx.pinnable_scales:
        return state, False
    if len(state.pinned) >= MAX_PINNED:
        return state, True
    return changed(state, ctx, pinned=[*state.pinned, zone]), False


def _parse_centre(text: str | None) -> tuple[float, float] | None:
    if not text or text.count(",") != 1 or len(text) > 40:
        return None
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        return None
    return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None


def parse_query(search: str | None, ctx: StateContext) -> ViewState:
    """The state a permalink's query string describes (defaults for anything invalid)."""
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

    def one(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    zoom = one("zoom")
    indicator, notice = successor_of(one("indicateur") or "")
    state = resolve(
        ctx,
        scale=one("echelle"),
        theme=one("theme"),
        indicator=indicator,
        year=one("annee"),
        method=one("classes"),
        overlays=(one("couches") or "").split(","),
        selection=parse_feature(one("selection")),
        pinned=[
            pin for pin in (parse_feature(p) for p in (one("epingles") or "").split(";")) if pin
        ],
        centre=_parse_centre(one("centre")),
        zoom=_as_int(zoom) if zoom and len(zoom) <= 2 else None,
    )
    return replace(state, notice=notice) if state.indicator == indicator else state


def format_centre(lat: float, lon: float) -> str:
    """The `centre` parameter; assets/atlas_map.js writes the same format on pan/zoom."""
    return f"{lat:.{CENTRE_DECIMALS}f},{lon:.{CENTRE_DECIMALS}f}"


def to_query(state: ViewState) -> str:
    """The query string of a state ("?echelle=..."), parameters in a fixed order."""
    params: list[tuple[str, str]] = [
        ("echelle", state.scale),
        ("theme", state.theme),
        ("indicateur", state.indicator),
    ]
    if state.year is not None:
        params.append(("annee", str(state.year)))
    params.append(("classes", state.method))
    if state.overlays:
        params.append(("couches", ",".join(state.overlays)))
    if state.selection:
        params.append(("selection", state.selection.to_param()))
    if state.pinned:
        params.append(("epingles", ";".join(pin.to_param() for pin in state.pinned)))
    if state.centre is not None and state.zoom is not None:
        params.append(("centre", format_centre(*state.centre)))
        params.append(("zoom", str(state.zoom)))
    return "?" + urlencode(params, safe=",:;")


def with_viewport(
    state: ViewState, centre: object, zoom: object, min_zoom: int = MIN_ZOOM
) -> ViewState:
    """The state with the map's current centre and zoom (as dash-leaflet reports them;
    `min_zoom`: the territory's, see `StateContext`)."""
    if isinstance(centre, dict):
        centre = [centre.get("lat"), centre.get("lng")]
    if not isinstance(centre, list | tuple) or len(centre) != 2:
        return state
    lat_lon = _parse_centre(f"{centre[0]},{centre[1]}")
    if lat_lon is None or not isinstance(zoom, int | float) or not math.isfinite(zoom):
        return state
    zoom_value = round(zoom)
    if not _valid_zoom(zoom_value, min_zoom):
        return state
    rounded = (round(lat_lon[0], CENTRE_DECIMALS), round(lat_lon[1], CENTRE_DECIMALS))
    return replace(state, centre=rounded, zoom=zoom_value)
