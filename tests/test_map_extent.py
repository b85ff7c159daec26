"""The map's first view shows its territory whole: the MEL as before, Corsica, France."""

from __future__ import annotations

import pytest

from layouts.map import atlas_map
from layouts.map_extent import fitting_zoom, lowest_zoom

MEL = [[50.49976, 2.78916], [50.79379, 3.27211]]  # the box of the demo warehouse's EPCI
CORSICA = [[41.33424, 8.53466], [43.02770, 9.55980]]
FRANCE = [[41.33, -5.14], [51.09, 9.56]]


def test_each_territory_opens_at_the_zoom_that_fits_it() -> None:
    assert fitting_zoom(MEL) == 10  # the zoom the MEL has always opened at
    assert fitting_zoom(CORSICA) == 8
    assert fitting_zoom(FRANCE) == 5
    assert fitting_zoom([[50.6, 3.0], [50.6, 3.0]]) == 16  # a point: the closest fitting zoom


def test_the_map_lets_a_user_zoom_out_to_the_whole_territory_only() -> None:
    assert lowest_zoom(MEL) == 8
    assert lowest_zoom(FRANCE) == 5
    leaflet = atlas_map(bounds=FRANCE, tile_url="", attribution="").children[0]
    assert (leaflet.zoom, leaflet.minZoom) == (5, 5)
    assert leaflet.center == pytest.approx([46.21, 2.21])
