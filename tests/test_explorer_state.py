"""The explorer state's transitions (callbacks/explorer_state.next_state) on the demo
warehouse, with a scope given directly (the callback takes it from the session)."""

from __future__ import annotations

from dash import no_update

from callbacks.explorer_state import (
    changed_options,
    control_options,
    control_values,
    indicator_aids,
    map_view,
    next_state,
    projections,
    state_context,
)
from data.catalog import CATALOG
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import CompareIds, ControlIds, MapIds, PageIds, PanelIds
from layouts.indicator_picker import definition_text
from layouts.map_state import Feature, changed
from layouts.views_holder import map_view_in, views_attribute

MEL = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "occupation"}))
DIAGNOSTIC = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "diagnostic"}))
ROUBAIX = Feature("commune", "59512")


def test_a_load_reads_the_url_and_flies_to_its_view(store: Store) -> None:
    context = state_context(store, MEL)
    plain = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None)
    assert plain is not None and plain.viewport is None and plain.state.scale == "commune"
    search = "?echelle=iris&selection=commune:59512&centre=50.69000,3.18000&zoom=13"
    step = next_state(store, context, PageIds.NAVIGATION, {"navigation": {"search": search}}, None)
    assert step is not None and step.state.scale == "iris" and step.state.selection == ROUBAIX
    assert step.viewport == {"center": [50.69, 3.18], "zoom": 13}


def test_a_click_selects_and_a_control_keeps_the_selection(store: Store) -> None:
    context = state_context(store, MEL)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    clicked = next_state(store, context, MapIds.CLICKED, {"clicked": ROUBAIX.to_data()}, start)
    assert clicked is not None and clicked.state.selection == ROUBAIX
    assert clicked.viewport is None
    controls = {**control_values(clicked.state), "scale": "iris"}
    moved = next_state(store, context, ControlIds.SCALE, {"controls": controls}, clicked.state)
    assert moved is not None and moved.state.scale == "iris" and moved.state.selection == ROUBAIX
    forged = {"scale": "commune", "code": "59512<script>"}
    tampered = next_state(store, context, MapIds.CLICKED, {"clicked": forged}, clicked.state)
    assert tampered is not None and tampered.state.selection is None


def test_a_search_result_selects_and_fits_it_at_once(store: Store) -> None:
    context = state_context(store, MEL)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    step = next_state(store, context, ControlIds.SEARCH, {"searched": "commune:59512"}, start)
    assert step is not None and step.state.selection == ROUBAIX
    assert step.viewport is not None and step.viewport["options"] == {"animate": False}
    assert "transition" not in step.viewport  # Leaflet's fitBounds, not a flight
    gone = next_state(store, context, ControlIds.SEARCH, {"searched": "commune:00000"}, start)
    assert gone is None


def test_panel_buttons_select_pin_and_unpin(store: Store) -> None:
    context = state_context(store, MEL)
    state = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    link = {"type": PanelIds.SELECT_LINK_TYPE, **ROUBAIX.to_data()}
    assert next_state(store, context, link, {}, state).state.selection == ROUBAIX
    for code in ("59350", "59512", "59599", "59650"):
        pin = {"type": PanelIds.PIN_BUTTON_TYPE, "scale": "commune", "code": code}
        step = next_state(store, context, pin, {}, state)
        assert not step.refused and step.viewport is None
        state = step.state
    assert len(state.pinned) == 4
    fifth = {"type": PanelIds.PIN_BUTTON_TYPE, "scale": "commune", "code": "59128"}
    refused = next_state(store, context, fifth, {}, state)
    assert refused.refused and refused.state == state and refused.viewport is None
    unpin = {"type": CompareIds.UNPIN_BUTTON_TYPE, **ROUBAIX.to_data()}
    assert ROUBAIX not in next_state(store, context, unpin, {}, state).state.pinned


def test_each_view_store_follows_its_part_of_the_state(store: Store) -> None:
    """The views the state callback writes (only those whose part changed): the map's
    parts, the selection, and the comparison's figures only while zones are pinned."""
    context = state_context(store, MEL)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    views = projections(start)
    assert map_view(start) == {
        "scale": start.scale,
        "indicator": start.indicator,
        "year": start.year,
        "method": start.method,
    }
    assert views[PageIds.SELECTED_VIEW] == {"selection": None}
    assert views[PageIds.FIGURES_VIEW] is None
    clicked = next_state(store, context, MapIds.CLICKED, {"clicked": ROUBAIX.to_data()}, start)
    pinned = next_state(
        store,
        context,
        {"type": PanelIds.PIN_BUTTON_TYPE, **ROUBAIX.to_data()},
        {},
        clicked.state,
    ).state
    after = projections(pinned)
    assert after[PageIds.SELECTED_VIEW] == {"selection": ROUBAIX.to_data()}
    assert after[PageIds.PINNED_VIEW] == {"pinned": [ROUBAIX.to_data()]}
    assert after[PageIds.FIGURES_VIEW] == {"indicator": start.indicator, "year": start.year}
    assert map_view(pinned) == map_view(start)


def test_the_map_view_and_the_permalink_travel_as_one_attribute(store: Store) -> None:
    """What the browser's gates read (assets/atlas_views.js), and the server callbacks
    as a State: the map's view, whatever the attribute holds otherwise."""
    context = state_context(store, MEL)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    attribute = views_attribute(map_view(start), "?echelle=commune")
    assert map_view_in(attribute) == map_view(start)
    for unreadable in (None, "", "{", "[]", 3):
        assert map_view_in(unreadable) is None


def test_the_definition_and_the_classes_control_follow_the_indicator_only(store: Store) -> None:
    """Sent with the state when the indicator changes (and on a load), not otherwise; the
    "Classes" control hidden for a categorical indicator, sent only when that flips."""
    context = state_context(store, DIAGNOSTIC)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    loaded = indicator_aids(start, None)
    assert loaded["definition"] == definition_text(start.indicator)
    assert loaded["classes_hidden"] is bool(CATALOG[start.indicator].categories)
    clicked = changed(start, context, selection=ROUBAIX)
    assert indicator_aids(clicked, start) == {"definition": no_update, "classes_hidden": no_update}
    offered = context.indicators[(start.scale, start.theme)]
    plain = next(i for i in offered if i != start.indicator and not CATALOG[i].categories)
    categorical = [
        (theme, i)
        for (scale, theme), ids in context.indicators.items()
        for i in ids
        if scale == start.scale and CATALOG[i].categories
    ]
    other = changed(start, context, indicator=plain)
    aids = indicator_aids(other, start)
    assert aids["definition"] == definition_text(plain)
    if not CATALOG[start.indicator].categories:
        assert aids["classes_hidden"] is no_update
    assert categorical, "the demo maps a categorical indicator"
    theme, indicator = categorical[0]
    shown = changed(other, context, theme=theme, indicator=indicator)
    assert shown.indicator == indicator
    assert indicator_aids(shown, other)["classes_hidden"] is True
    assert indicator_aids(other, shown)["classes_hidden"] is False


def test_a_dropdown_gets_options_only_when_they_change(store: Store) -> None:
    """Another indicator with the same vintages leaves the year list alone; another
    scale with other indicators sends the indicator list."""
    context = state_context(store, MEL)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    assert changed_options(start, None, context).keys() == control_options(start, context).keys()
    same_years = next(
        indicator
        for indicator in context.indicators[(start.scale, start.theme)]
        if indicator != start.indicator
        and context.years[indicator] == context.years[start.indicator]
    )
    controls = {**control_values(start), "indicator": same_years}
    other = next_state(store, context, ControlIds.INDICATOR, {"controls": controls}, start).state
    sent = changed_options(other, start, context)
    assert sent["year"] is no_update and sent["theme"] is no_update
    assert sent["indicator"] is no_update
    controls = {**control_values(start), "scale": "residence"}
    moved = next_state(store, context, ControlIds.SCALE, {"controls": controls}, start).state
    offered = [option["value"] for option in control_options(moved, context)["indicator"]]
    assert offered != [option["value"] for option in control_options(start, context)["indicator"]]
    assert changed_options(moved, start, context)["indicator"] is not no_update
