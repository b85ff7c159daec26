"""The values the store returns, plain dataclasses: layouts import them without DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.diagnostic import Criterion

# (code, value, status) of one zone or residence on the map.
MapValue = tuple[str, float | None, str]

# (indicator_id, theme, year, value, status): plain tuples of plain values, which the
# garbage collector stops tracking, so that the rows kept in memory do not lengthen its
# full collections (a NamedTuple stays tracked: ~100 ms pauses with every zone's rows).
CodeRow = tuple[str, str, int, float | None, str]


@dataclass(frozen=True)
class Place:
    """A zone or residence found by the search box, with what the map needs to fly to it."""

    scale: str
    code: str
    name: str
    detail: str | None  # the commune of an IRIS or QPV, the address of a residence
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    lon: float
    lat: float


@dataclass(frozen=True)
class ZoneRef:
    scale: str
    code: str
    name: str
    commune_code: str | None = None


def whole_commune(zone: ZoneRef) -> bool:
    """True for the single IRIS of a commune not split into IRIS (`<commune>0000`)."""
    return zone.scale == "iris" and zone.code.endswith("0000")


@dataclass(frozen=True)
class Measure:
    """One indicator value as the warehouse holds it; `year` is its vintage."""

    value: float | None
    status: str
    year: int | None


NOT_AVAILABLE = Measure(None, "nd", None)


@dataclass(frozen=True)
class ZoneSummary:
    zone: ZoneRef
    levels: tuple[ZoneRef, ...]
    year: int | None
    measures: dict[str, tuple[Measure, ...]]


@dataclass(frozen=True)
class ResidenceItem:
    residence_id: str
    name: str
    address: str
    bailleur_name: str
    size_class: str
    secret: bool
    n_dwellings: int | None


@dataclass(frozen=True)
class ResidenceSheet:
    residence_id: str
    name: str
    address: str
    commune: ZoneRef | None
    iris: ZoneRef | None
    qpv: ZoneRef | None
    bailleur_code: str
    bailleur_name: str
    size_class: str
    secret: bool
    n_dwellings: int | None
    construction_year: int | None
    first_year: int | None
    last_year: int | None
    levels: tuple[ZoneRef, ...]
    measures: dict[str, tuple[Measure, ...]]
    occupation_access: str  # `data.scope.OCCUPATION_*`: whether and why not
    parc_granted: bool  # False: the description holds no parc value (see residence_sheet)


@dataclass(frozen=True)
class IndicatorSeries:
    indicator_id: str
    levels: tuple[ZoneRef, ...]
    points: tuple[tuple[Measure, ...], ...]


@dataclass(frozen=True)
class Nearby:
    """The nearest equipment of one family around a residence, and the counts nearby."""

    family: str  # a key of `data.sources.codes.EQUIPMENT_FAMILIES`
    distance_m: float | None  # straight line; None when the family has no equipment
    nearest_name: str | None
    nearest_type: str | None
    within_500: int
    within_1000: int


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of a diagnosis: its value and the EPCI's, and whether it is flagged."""

    criterion: Criterion
    value: Measure
    reference: Measure
    flag: Measure


@dataclass(frozen=True)
class Diagnosis:
    """The fragility diagnosis of a zone or residence for one OPS survey."""

    survey_year: int
    fragility_class: Measure
    previous_class: Measure | None  # of the survey before, if any
    flags: Measure
    criteria: tuple[CriterionLine, ...]
    history: tuple[Measure, ...]  # the class of every survey, oldest first


@dataclass(frozen=True)
class RankedFragility:
    zone: ZoneRef
    fragility_class: Measure
    flags: Measure


@dataclass(frozen=True)
class Surroundings:
    lon: float
    lat: float
    half_width_deg_lon: float
    half_width_deg_lat: float
    outlines: tuple[Any, ...]  # GeoJSON geometries: the IRIS and the QPV, if any
    neighbours: tuple[tuple[float, float], ...]  # (lon, lat) of the residences around


# (year, value, status) of one indicator of a residence, oldest first.
TrendPoint = tuple[int, float | None, str]
