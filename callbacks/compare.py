"""The comparison's callbacks: pin and unpin zones, render the pinned zones side by side."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from auth.access import current_scope
from auth.scope import AccessScope
from callbacks.panel import clean_indicator, clean_year
from data.store import Store
from layouts.compare import clean_pinned, compare_view, pin_limit_alert, toggle_pinned, unpin
from layouts.ids import CompareIds, ControlIds, PageIds, PanelIds


def compare_content(
    store: Store, scope: AccessScope, pinned: Any, indicator_id: Any, year: Any
) -> Any:
    """The pinned zones' key figures beside the EPCI's, as the scope allows."""
    zones = [(zone["scale"], zone["code"]) for zone in clean_pinned(pinned)]
    vintage = clean_year(year, store)
    epci = store.epci
    wanted = [*zones, (epci.scale, epci.code)] if epci else zones
    rows = store.compare_rows(wanted, vintage, scope)
    reference = rows.pop() if epci and rows and rows[-1][0] == epci else None
    return compare_view(
        rows, reference=reference, indicator_id=clean_indicator(indicator_id), year=vintage
    )


def _clicked() -> dict[str, str]:
    """The pattern id of the button that fired the callback, if it was really clicked."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    return trigger


def register(app: Dash, store: Store) -> None:
    @app.callback(
        Output(PageIds.COMPARE, "children"),
        Input(PageIds.PINNED, "data"),
        Input(ControlIds.INDICATOR, "value"),
        Input(ControlIds.YEAR, "value"),
    )
    def render_compare(pinned: Any, indicator_id: Any, year: Any) -> Any:
        return compare_content(store, current_scope(), pinned, indicator_id, year)

    @app.callback(
        Output(PageIds.PINNED, "data", allow_duplicate=True),
        Output({"type": PanelIds.PIN_MESSAGE_TYPE, "scale": ALL, "code": ALL}, "children"),
        Input({"type": PanelIds.PIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "n_clicks"),
        State(PageIds.PINNED, "data"),
        prevent_initial_call=True,
    )
    def toggle_pin(_clicks: list[int | None], pinned: Any) -> tuple[Any, list]:
        button = _clicked()
        zones, message = toggle_pinned(pinned, str(button.get("scale")), str(button.get("code")))
        alerts = [pin_limit_alert(message) for _ in ctx.outputs_list[1]]
        # A refused pin leaves `pinned` untouched, so the message is not cleared at once.
        return (no_update if message else zones), alerts

    @app.callback(
        Output(PageIds.PINNED, "data", allow_duplicate=True),
        Input({"type": CompareIds.UNPIN_BUTTON_TYPE, "scale": ALL, "code": ALL}, "n_clicks"),
        State(PageIds.PINNED, "data"),
        prevent_initial_call=True,
    )
    def unpin_zone(_clicks: list[int | None], pinned: Any) -> list[dict[str, str]]:
        button = _clicked()
        return unpin(pinned, str(button.get("scale")), str(button.get("code")))
