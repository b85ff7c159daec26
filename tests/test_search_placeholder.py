"""The search box names the kinds of places the territory's search finds."""

from __future__ import annotations

from data.catalog import MAP_SCALES
from layouts.controls import ControlsInit, controls_bar
from layouts.ids import ControlIds
from layouts.search_placeholder import search_placeholder


def test_the_mels_search_names_its_scales_as_before() -> None:
    assert search_placeholder(MAP_SCALES) == (
        "Rechercher une commune, un IRIS, un QPV, une résidence ou une adresse"
    )


def test_a_territory_of_several_epcis_and_departements_names_them(tree) -> None:
    init = ControlsInit("epci", "", [], "", [], None, [], scales=("dep", "epci", *MAP_SCALES))
    assert tree.find(controls_bar(init), ControlIds.SEARCH).placeholder == (
        "Rechercher un département, un EPCI, une commune, un IRIS, un QPV, une résidence "
        "ou une adresse"
    )
