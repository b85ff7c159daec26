"""The panel's callbacks: render the selected zone or residence, follow links, pin labels.

Thin wiring: the scope comes from the session (`auth.access.current_scope`), never from
the request body; the store filters by it; `layouts/panel_*` build the components.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from auth.access import current_scope, log_access
from auth.scope import AccessScope
from data.catalog import CATALOG
from data.store import ZONE_SCALES, Store
from layouts.compare import clean_pinned
from layouts.ids import ControlIds, PageIds, PanelIds
from layouts.panel_labels import NO_SELECTION_TEXT, UNKNOWN_SELECTION_TEXT
from layouts.panel_residence import residence_panel
from layouts.panel_zone import full_ranking, pin_look, residence_list, zone_panel

SELECTABLE_SCALES = (*ZONE_SCALES, "residence")
MAX_CODE_LENGTH = 40
MAX_FILTER_LENGTH = 80


def clean_selection(raw: Any) -> tuple[str, str] | None:
    """(scale, code) of a well-formed selection; None for anything else (tampered URL...)."""
    if not isinstance(raw, dict):
        return None
    scale, code = raw.get("scale"), raw.get("code")
    if scale not in SELECTABLE_SCALES or not isinstance(code, str):
        return None
    if not 0 < len(code) <= MAX_CODE_LENGTH:
        return None
    return scale, code


def clean_year(raw: Any, store: Store) -> int:
    """The selected vintage, or the latest RPLS vintage when missing or malformed."""
    vintages = store.manifest.get("vintages", {}).get("rpls") or [None]
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return vintages[-1]
    return year if 1900 <= year <= 2100 else vintages[-1]


def clean_indicator(raw: Any) -> str | None:
    return raw if isinstance(raw, str) and raw in CATALOG else None


@dataclass(frozen=True)
class PanelContent:
    children: Any
    residence_viewed: str | None = None  # the residence whose sheet is shown, for the audit


def panel_content(
    store: Store,
    scope: AccessScope,
    selection: Any,
    indicator_id: Any,
    year: Any,
    pinned: Any,
) -> PanelContent:
    """The panel for a selection, as the scope allows; a hint when nothing is selected."""
    selected = clean_selection(selection)
    if selected is None:
        return PanelContent(html.P(NO_SELECTION_TEXT, className="text-muted panel-empty"))
    scale, code = selected
    vintage = clean_year(year, store)
    unknown = PanelContent(html.P(UNKNOWN_SELECTION_TEXT, className="text-muted panel-empty"))
    if scale == "residence":
        sheet = store.residence_sheet(code, vintage, scope)
        if sheet is None:
            return unknown
        return PanelContent(
            residence_panel(sheet, year=vintage, threshold=store.secrecy_threshold),
            sheet.residence_id,
        )
    summary = store.zone_summary(scale, code, vintage, scope)
    if summary is None:
        return unknown
    indicator = clean_indicator(indicator_id)
    series = store.indicator_series(scale, code, indicator, scope) if indicator else None
    ranking = (
        store.iris_ranking(code, indicator, vintage, scope)
        if indicator and scale == "commune"
        else []
    )
    panel = zone_panel(
        summary,
        residence_count=len(store.residences_in_zone(scale, code, scope)),
        series=series,
        indicator_id=indicator,
        pinned={"scale": scale, "code": code} in clean_pinned(pinned),
        ranking=ranking,
    )
    return PanelContent(panel)


def ranking_content(
    store: Store, scope: AccessScope, commune_code: Any, indicator_id: Any, year: Any
) -> list[Any]:
    """The whole IRIS ranking of a commune, as the scope allows (the panel shows a cut)."""
    selected = clean_selection({"scale": "commune", "code": commune_code})
    indicator = clean_indicator(indicator_id)
    vintage = clean_year(year, store)
    if selected is None or indicator is None:
        return full_ranking(None, [], vintage)
    ranking = store.iris_ranking(selected[1], indicator, vintage, scope)
    return full_ranking(indicator, ranking, vintage)


def register(app: Dash, store: Store) -> None:
    store.preload_panel()

    @app.callback(
        Output(PageIds.PANEL, "children"),
        Input(PageIds.SELECTION, "data"),
        Input(ControlIds.INDICATOR, "value"),
        Input(ControlIds.YEAR, "value"),
        State(PageIds.PINNED, "data"),
    )
    def render_panel(selection: Any, indicator_id: Any, year: Any, pinned: Any) -> Any:
        content = panel_content(store, current_scope(), selection, indicator_id, year, pinned)
        # A sheet is opened by a new selection (or a permalink), not by a change of year.
        if content.residence_viewed and ctx.triggered_id in (None, PageIds.SELECTION):
            log_access("residence_view", content.residence_viewed)
        return content.children

    @app.callback(
        Output(PageIds.SELECTION, "data", allow_duplicate=True),
        Input({"type": PanelIds.SELECT_LINK_TYPE, "scale": ALL, "code": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def follow_link(_clicks: list[int | None]) -> dict[str, str]:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered[0].get("value"):
            raise PreventUpdate
        selected = clean_selection({"scale": trigger.get("scale"), "code": trigger.get("code")})
        if selected is None:
            raise PreventUpdate
        return {"scale": selected[0], "code": selected[1]}

    @app.callback(
        Output({"type": PanelIds.RESIDENCE_LIST_TYPE, "scale": MATCH, "code": MATCH}, "children"),
        Input({"type": PanelIds.RESIDENCE_FILTER_TYPE, "scale": MATCH, "code": MATCH}, "value"),
    )
    def list_residences(text: Any) -> list[Any]:
        """Fills a zone's list when its panel appears (empty filter), then filters it."""
        zone = ctx.outputs_list.get("id") if isinstance(ctx.outputs_list, dict) else None
        selected = clean_selection(zone if isinstance(zone, dict) else None)
        if selected is None or selected[0] == "residence":
            raise PreventUpdate
        matching = text.strip()[:MAX_FILTER_LENGTH] if isinstance(text, str) else ""
        residences = store.residences_in_zone(*selected, current_scope(), matching)
        return residence_list(residences, store.secrecy_threshold)

    @app.callback(
        Output({"type": PanelIds.RANKING_TABLE_TYPE, "code": MATCH}, "children"),
        Input({"type": PanelIds.RANKING_MORE_TYPE, "code": MATCH}, "n_clicks"),
        State(ControlIds.INDICATOR, "value"),
        State(ControlIds.YEAR, "value"),
        prevent_initial_call=True,
    )
    def show_full_ranking(clicks: Any, indicator_id: Any, year: Any) -> list[Any]:
        commune = ctx.triggered_id
        if not clicks or not isinstance(commune, dict):
            raise PreventUpdate
        return ranking_content(store, current_scope(), commune.get("code"), indicator_id, year)

    @app.callback(
        Output({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "children"),
        Output({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "className"),
        Output(
            {"type": PanelIds.PIN_MESSAGE_TYPE, "scale": ALL, "code": ALL},
            "children",
            allow_duplicate=True,
        ),
        Input(PageIds.PINNED, "data"),
        State({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "id"),
        prevent_initial_call=True,
    )
    def pin_buttons(pinned: Any, ids: list[dict[str, str]]) -> tuple[list, list, list]:
        """The pin buttons say what a click will do; a change of pins clears the message."""
        zones = clean_pinned(pinned)
        looks = [pin_look({"scale": i["scale"], "code": i["code"]} in zones) for i in ids]
        return (
            [label for label, _ in looks],
            [class_name for _, class_name in looks],
            [None for _ in ctx.outputs_list[2]],
        )
