"""The result types of the map's area queries (`data.store.viewport`), which layouts
import without DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Area:
    """An area of the map in WGS84 degrees."""

    west: float
    south: float
    east: float
    north: float

    @property
    def parameters(self) -> list[float]:
        return [self.west, self.east, self.south, self.north]


@dataclass(frozen=True, order=True)
class AreaResidence:
    """A residence drawn as a point: its position in the map order, and what its point
    shows (name, size class, secrecy)."""

    i: int
    code: str
    name: str
    size_class: str | None
    secret: bool
    lon: float
    lat: float


@dataclass(frozen=True)
class GridCluster:
    """The residences of one grid cell: their number, the dwellings published for them,
    how many have no published count (secret), their mean position and their extent."""

    residences: int
    dwellings: int
    unpublished: int
    lon: float
    lat: float
    extent: Area


@dataclass(frozen=True)
class AreaContent:
    """Residences of an area drawn one by one, and clusters of several residences."""

    points: tuple[AreaResidence, ...]
    clusters: tuple[GridCluster, ...]


@dataclass(frozen=True)
class ZoneAreaContent:
    """The zones of an area: how many meet it, and those sent (none above the budget):
    their indices in the map order and their GeoJSON features (shared: never mutated)."""

    count: int
    indices: tuple[int, ...]
    features: tuple[dict[str, Any], ...]

    @property
    def collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": list(self.features)}
