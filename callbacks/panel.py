"""The panel's callbacks: render the selected zone or residence, its lists, pin labels.

The panel follows the explorer state (`callbacks/explorer_state.py`): its links and pin
buttons change the state, and the state redraws the panel in its own round trip
(`callbacks/state_drawings.py`, with `panel_content`).

Thin wiring: the scope comes from the session (`auth.access.current_scope`), never from
the request body; the store filters by it; `layouts/panel_*` build the components.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from auth.access import current_scope
from callbacks.explorer_state import current_state
from callbacks.fragility import diagnostic_sections
from data.catalog import CATALOG
from data.scope import AccessScope
from data.store.finder_types import FinderQuery, SortKey
from data.store.store import Store
from data.store.types import IndicatorSeries, Measure, ResidenceItem
from layouts.finder import DEFAULT_PRESET, preset_fields
from layouts.finder_state import FinderState, finder_query_string
from layouts.ids import PageIds, PanelIds
from layouts.map_state import Feature, feature_from_data
from layouts.panel_labels import NO_SELECTION_TEXT, UNKNOWN_SELECTION_TEXT
from layouts.panel_residence import residence_panel
from layouts.panel_zone import (
    RESIDENCE_LIST_LIMIT,
    ResidenceRanking,
    full_ranking,
    indicator_sections,
    pin_look,
    residence_list,
    zone_panel,
)
from layouts.views import FINDER_VIEW

MAX_FILTER_LENGTH = 80


def clean_year(raw: Any, store: Store) -> int:
    """The selected vintage, or the latest RPLS vintage when missing or malformed."""
    vintages = store.manifest.get("vintages", {}).get("rpls") or [None]
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return vintages[-1]
    return year if 1900 <= year <= 2100 else vintages[-1]


@dataclass(frozen=True)
class PanelContent:
    children: Any
    residence_viewed: str | None = None  # the residence whose sheet is shown, for the audit


def panel_content(
    store: Store,
    scope: AccessScope,
    selection: Feature | None,
    indicator: str | None,
    year: int | None,
    pinned: Sequence[Feature],
    *,
    finder_path: str,
    listing_filter: Any = None,
) -> PanelContent:
    """The panel for a selection, as the scope allows; a hint when nothing is selected.
    A zone's residence list is drawn with it, filtered by `listing_filter`, its link to
    the finder at `finder_path`."""
    if selection is None:
        return PanelContent(html.P(NO_SELECTION_TEXT, className="text-muted panel-empty"))
    scale, code = selection.scale, selection.code
    vintage = clean_year(year, store)
    unknown = PanelContent(html.P(UNKNOWN_SELECTION_TEXT, className="text-muted panel-empty"))
    if scale == "residence":
        sheet = store.residence_sheet(code, vintage, scope)
        if sheet is None:
            return unknown
        return PanelContent(
            residence_panel(
                sheet,
                year=vintage,
                threshold=store.secrecy_threshold,
                nearby=store.nearby(sheet.residence_id, scope),
                diagnostic=next(
                    iter(diagnostic_sections(store, scope, scale, code, vintage)), None
                ),
            ),
            sheet.residence_id,
        )
    summary = store.zone_summary(scale, code, vintage, scope)
    if summary is None:
        return unknown
    series, ranking = indicator_figures(store, scope, selection, indicator, vintage)
    panel = zone_panel(
        summary,
        residence_count=len(store.residences_in_zone(scale, code, scope)),
        series=series,
        indicator_id=indicator,
        pinned=selection in pinned,
        ranking=ranking,
        diagnostic=diagnostic_sections(store, scope, scale, code, vintage),
        residences=zone_residences(store, scope, selection, listing_filter, indicator, finder_path),
    )
    return PanelContent(panel)


def indicator_figures(
    store: Store, scope: AccessScope, zone: Feature, indicator: str | None, vintage: int
) -> tuple[IndicatorSeries | None, list]:
    """A zone's series of the mapped indicator, and a commune's IRIS ranked by it."""
    if not indicator:
        return None, []
    series = store.indicator_series(zone.scale, zone.code, indicator, scope)
    ranking = (
        store.iris_ranking(zone.code, indicator, vintage, scope) if zone.scale == "commune" else []
    )
    return series, ranking


def indicator_part(
    store: Store, scope: AccessScope, zone: Feature, indicator: str | None, year: int | None
) -> list[Any] | None:
    """The part of a zone's panel the mapped indicator changes (None: no such zone)."""
    vintage = clean_year(year, store)
    summary = store.zone_summary(zone.scale, zone.code, vintage, scope)
    if summary is None:
        return None
    series, ranking = indicator_figures(store, scope, zone, indicator, vintage)
    return indicator_sections(summary, series, indicator, ranking)


def residence_ranking(
    store: Store,
    scope: AccessScope,
    zone: Feature,
    residences: Sequence[ResidenceItem],
    indicator_id: Any,
    finder_path: str,
    filtered: bool,
) -> ResidenceRanking | None:
    """The zone's first residences by the mapped indicator, highest first (hidden values
    last, by name: the finder's order), when it has residence values the scope may see;
    among `residences` when the list is `filtered`."""
    indicator = CATALOG.get(indicator_id) if isinstance(indicator_id, str) else None
    columns = store.finder_columns(scope)
    if indicator is None or indicator.column not in {c.field for c in columns}:
        return None
    sort = (SortKey(indicator.column, descending=True),)
    ids = tuple(residence.residence_id for residence in residences)
    # the zone's first residences (the list shows RESIDENCE_LIST_LIMIT), or the filtered ones
    query = FinderQuery(
        sort=sort,
        zone=(zone.scale, zone.code),
        residence_ids=ids if filtered else None,
    )
    field = indicator.column
    page = store.finder_page(scope, query, 0, RESIDENCE_LIST_LIMIT, fields=(field,))
    values = {
        row["residence_id"]: Measure(row[field], row[f"{field}__status"], None) for row in page.rows
    }
    shown = preset_fields(DEFAULT_PRESET, columns)
    finder = FinderState(
        query=FinderQuery(sort=sort, zone=(zone.scale, zone.code)),
        columns=shown if field in shown else (*shown, field),
    )
    return ResidenceRanking(indicator, values, finder_path + finder_query_string(finder))


def zone_residences(
    store: Store,
    scope: AccessScope,
    zone: Feature,
    text: Any,
    indicator: Any,
    finder_path: str,
) -> list[Any]:
    """A zone's residence list, filtered by `text`, ordered by the mapped `indicator`."""
    matching = text.strip()[:MAX_FILTER_LENGTH] if isinstance(text, str) else ""
    residences = store.residences_in_zone(zone.scale, zone.code, scope, matching)
    ranking = residence_ranking(
        store, scope, zone, residences, indicator, finder_path, bool(matching)
    )
    return residence_list(residences, store.secrecy_threshold, ranking=ranking)


def ranking_content(
    store: Store, scope: AccessScope, commune_code: Any, indicator: str | None, year: int | None
) -> list[Any]:
    """The whole IRIS ranking of a commune, as the scope allows (the panel shows a cut)."""
    commune = feature_from_data({"scale": "commune", "code": commune_code})
    vintage = clean_year(year, store)
    if commune is None or not indicator:
        return full_ranking(None, [], vintage)
    ranking = store.iris_ranking(commune.code, indicator, vintage, scope)
    return full_ranking(indicator, ranking, vintage)


def register(app: Dash, store: Store) -> None:
    store.preload_panel()
    store.preload_diagnoses()
    store.preload_outlines()

    finder_path = app.get_relative_path(FINDER_VIEW.path)

    @app.callback(
        Output({"type": PanelIds.RESIDENCE_LIST_TYPE, "scale": MATCH, "code": MATCH}, "children"),
        Input({"type": PanelIds.RESIDENCE_FILTER_TYPE, "scale": MATCH, "code": MATCH}, "value"),
        State(PageIds.STATE, "data"),
        prevent_initial_call=True,  # drawn with its panel
    )
    def list_residences(text: Any, state: Any) -> list[Any]:
        """Filters a zone's list (drawn with its panel; a new mapped indicator orders it
        again in the state's round trip: `callbacks/state_drawings.py`)."""
        zone = ctx.outputs_list.get("id") if isinstance(ctx.outputs_list, dict) else None
        selected = feature_from_data(zone)
        if selected is None or selected.scale == "residence":
            raise PreventUpdate
        indicator = state.get("indicator") if isinstance(state, dict) else None
        return zone_residences(store, current_scope(), selected, text, indicator, finder_path)

    @app.callback(
        Output({"type": PanelIds.RANKING_TABLE_TYPE, "code": MATCH}, "children"),
        Input({"type": PanelIds.RANKING_MORE_TYPE, "code": MATCH}, "n_clicks"),
        State(PageIds.STATE, "data"),
        prevent_initial_call=True,
    )
    def show_full_ranking(clicks: Any, data: Any) -> list[Any]:
        commune = ctx.triggered_id
        if not clicks or not isinstance(commune, dict):
            raise PreventUpdate
        state = current_state(store, data)
        return ranking_content(
            store, current_scope(), commune.get("code"), state.indicator or None, state.year
        )

    @app.callback(
        Output({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "children"),
        Output({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "className"),
        Input(PageIds.PINNED_VIEW, "data"),
        State(PageIds.STATE, "data"),
        State({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "id"),
        prevent_initial_call=True,
    )
    def pin_buttons(_pinned: Any, data: Any, ids: list[dict[str, str]]) -> tuple[list, list]:
        """The pin buttons say what a click will do."""
        pinned = current_state(store, data).pinned
        looks = [pin_look(feature_from_data(i) in pinned) for i in ids]
        return [label for label, _ in looks], [class_name for _, class_name in looks]
