"""`Store`: one object per process answering every question the app asks the warehouse.

Each question is answered in its own module (map values, map features and search, zone
panel, residence sheet); `Store` only puts them together over one connection, so that
callbacks receive a single store.
"""

from __future__ import annotations

from data.store.attribution_board import AttributionBoards
from data.store.diagnostic import Diagnoses
from data.store.extent import PerimeterExtent
from data.store.features import MapFeatures
from data.store.finder import Finder
from data.store.map_values import MapValues
from data.store.proximity import ProximityQueries
from data.store.residence_sheet import ResidenceSheets
from data.store.surroundings import ResidenceSurroundings
from data.store.viewport import AreaResidences
from data.store.zone_areas import AreaZones
from data.store.zone_panel import ZonePanel


class Store(
    MapValues,
    AreaResidences,
    AreaZones,
    MapFeatures,
    ZonePanel,
    ResidenceSheets,
    Diagnoses,
    ProximityQueries,
    Finder,
    ResidenceSurroundings,
    AttributionBoards,
    PerimeterExtent,
):
    """The warehouse of one build, read-only, loaded at start (`data.store.connection`)."""
