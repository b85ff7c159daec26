"""The comparison's callback: render the pinned zones side by side.

Pins and unpins change the explorer state (`callbacks/explorer_state.py`), which the
comparison follows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from auth.access import current_scope
from callbacks.explorer_state import current_state
from callbacks.panel import clean_year
from data.catalog import UPPER_SCALES
from data.scope import AccessScope
from data.store.store import Store
from data.store.types import ZoneRef, whole_commune
from layouts.compare import compare_view
from layouts.ids import PageIds
from layouts.map_state import Feature


def compare_content(
    store: Store,
    scope: AccessScope,
    pinned: Sequence[Feature],
    indicator: str | None,
    year: int | None,
) -> Any:
    """The pinned zones' key figures beside their communes' (for IRIS) and the EPCI's,
    as the scope allows."""
    zones = [(zone.scale, zone.code) for zone in pinned]
    vintage = clean_year(year, store)
    epci = reference_epci(store, zones)
    communes = iris_communes(store, zones)
    wanted = [*zones, *communes, *([(epci.scale, epci.code)] if epci else [])]
    rows = store.compare_rows(wanted, vintage, scope)
    reference = rows.pop() if epci and rows and rows[-1][0] == epci else None
    parents = [row for row in rows if (row[0].scale, row[0].code) in communes]
    rows = [row for row in rows if (row[0].scale, row[0].code) not in communes]
    return compare_view(
        rows, reference=reference, indicator_id=indicator, year=vintage, communes=parents
    )


def reference_epci(store: Store, zones: Sequence[tuple[str, str]]) -> ZoneRef | None:
    """The EPCI the pinned zones are compared with: the territory's when it has one (the
    MEL), else the one they all lie in; none for zones of several EPCIs or above one."""
    if "epci" not in store.map_zone_scales:
        return store.epci
    refs = [store.zone_ref(scale, code) for scale, code in zones]
    if any(ref is None or ref.scale in ("epci", *UPPER_SCALES) for ref in refs):
        return None
    epcis = {store.epci_of(ref) for ref in refs if ref is not None}
    return epcis.pop() if len(epcis) == 1 else None


def iris_communes(store: Store, zones: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The communes of the pinned IRIS (a commune not split into IRIS is its own IRIS),
    in pin order, those pinned themselves left out."""
    communes: list[tuple[str, str]] = []
    for scale, code in zones:
        ref = store.zone_ref(scale, code)
        if ref is None or scale != "iris" or not ref.commune_code or whole_commune(ref):
            continue
        commune = ("commune", ref.commune_code)
        if commune not in zones and commune not in communes:
            communes.append(commune)
    return communes


def register(app: Dash, store: Store) -> None:
    @app.callback(
        Output(PageIds.COMPARE, "children"),
        Input(PageIds.PINNED_VIEW, "data"),
        Input(PageIds.FIGURES_VIEW, "data"),
        State(PageIds.STATE, "data"),
        prevent_initial_call=True,  # the view stores are set once the URL is read
    )
    def render_compare(_pinned: Any, _figures: Any, data: Any) -> Any:
        """Redrawn when the pins change, and when the indicator or year changes while
        zones are pinned (an empty comparison does not depend on them)."""
        state = current_state(store, data)
        if not state.pinned and f"{PageIds.PINNED_VIEW}.data" not in ctx.triggered_prop_ids:
            raise PreventUpdate
        return compare_content(
            store, current_scope(), state.pinned, state.indicator or None, state.year
        )
