"""The map fits what is selected (a search result, a zone of a list, a permalink's
selection) and opens on each user's own area (callbacks/explorer_state.py)."""

from __future__ import annotations

from callbacks.explorer_state import JUMP, home_viewport, next_state, state_context
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import PageIds, PanelIds

DATASETS = frozenset({"parc", "occupation"})
MEL = AccessScope("MEL-1", "MEL", "mel", DATASETS)
ROUBAIX = AccessScope("RBX-1", "Ville de Roubaix", "commune", DATASETS, frozenset({"59512"}))
VILOGIA = AccessScope("VIL-1", "Vilogia", "bailleur", DATASETS, bailleurs=frozenset({"900000002"}))


def inside(box: list[list[float]], lat: float, lon: float) -> bool:
    (south, west), (north, east) = box
    return south <= lat <= north and west <= lon <= east


def test_each_user_opens_on_their_own_area(store: Store) -> None:
    assert home_viewport(store, MEL) is None  # the map's initial bounds: the territory
    roubaix = store.place("commune", "59512")
    assert home_viewport(store, ROUBAIX) == {
        "bounds": [[roubaix.min_lat, roubaix.min_lon], [roubaix.max_lat, roubaix.max_lon]]
    }
    stock = home_viewport(store, VILOGIA)["bounds"]
    rows = store._cursor().execute(
        "SELECT lat, lon FROM residences WHERE bailleur_code = '900000002' AND lon IS NOT NULL"
    )
    points = rows.fetchall()
    assert points and all(inside(stock, lat, lon) for lat, lon in points)
    epci = store.place("epci", "200093201")
    assert inside([[epci.min_lat, epci.min_lon], [epci.max_lat, epci.max_lon]], *stock[0])
    # a load without a viewport in its URL opens there, one with a viewport keeps it
    context = state_context(store, ROUBAIX)
    home = home_viewport(store, ROUBAIX)
    load = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None, home)
    assert load.viewport == home
    kept = {"navigation": {"search": "?centre=50.60000,3.00000&zoom=11"}}
    assert next_state(store, context, PageIds.NAVIGATION, kept, None, home).viewport == {
        "center": [50.6, 3.0],
        "zoom": 11,
    }


def test_a_permalink_with_a_selection_fits_it_without_flying(store: Store) -> None:
    context = state_context(store, MEL)
    iris = store._cursor().execute(
        "SELECT code, min_lat, min_lon, max_lat, max_lon FROM zones WHERE scale = 'iris' "
        "ORDER BY code LIMIT 1"
    )
    code, *box = iris.fetchone()
    events = {"navigation": {"search": f"?echelle=iris&selection=iris:{code}"}}
    step = next_state(store, context, PageIds.NAVIGATION, events, None)
    assert step.state.selection is not None and step.state.selection.code == code
    assert step.viewport == {"bounds": [[box[0], box[1]], [box[2], box[3]]], "options": JUMP}
    residence = store._cursor().execute("SELECT residence_id, lat, lon FROM residences LIMIT 1")
    residence_id, lat, lon = residence.fetchone()
    events = {"navigation": {"search": f"?selection=residence:{residence_id}"}}
    step = next_state(store, context, PageIds.NAVIGATION, events, None)
    assert step.viewport == {"center": [lat, lon], "zoom": 17, "options": JUMP}


def test_a_zone_opened_from_a_list_is_fitted(store: Store) -> None:
    context = state_context(store, MEL)
    start = next_state(store, context, PageIds.NAVIGATION, {"navigation": None}, None).state
    link = {"type": PanelIds.SELECT_LINK_TYPE, "scale": "commune", "code": "59512"}
    step = next_state(store, context, link, {}, start)
    roubaix = store.place("commune", "59512")
    assert step.viewport == {
        "bounds": [[roubaix.min_lat, roubaix.min_lon], [roubaix.max_lat, roubaix.max_lon]],
        "options": JUMP,  # at once: no flight under the opening sheet
    }
