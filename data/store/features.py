"""The map's features: GeoJSON of each scale, the order of its features, a selection's
outline."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from data.store.search import Search


def zone_feature_text(i: int, code: str, name: str, scale: str, outline: str) -> str:
    """One zone as GeoJSON text, its outline text kept as the pipeline wrote it."""
    properties = json.dumps(
        {"i": i, "code": code, "name": name, "scale": scale}, ensure_ascii=False
    )
    return '{"type":"Feature","properties":' + properties + ',"geometry":' + outline + "}"


def collection_text(features: Iterable[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


class MapFeatures(Search):
    @functools.cached_property
    def _map_orders(self) -> dict[str, tuple[str, ...]]:
        rows = self._cursor().execute("SELECT scale, code FROM zones ORDER BY code").fetchall()
        codes: dict[str, list[str]] = {}
        for scale, code in rows:
            codes.setdefault(scale, []).append(code)
        codes["residence"] = [row[0] for row in self._located_residences]
        return {scale: tuple(values) for scale, values in codes.items()}

    @functools.cached_property
    def _located_residences(self) -> list[tuple]:
        """The residences drawn on the map (with coordinates), in their features' order."""
        return (
            self._cursor()
            .execute(
                "SELECT residence_id, name, size_class, secret, lon, lat FROM residences "
                "WHERE lon IS NOT NULL AND lat IS NOT NULL ORDER BY residence_id"
            )
            .fetchall()
        )

    @functools.cached_property
    def _zone_codes(self) -> dict[str, frozenset[str]]:
        codes = {scale: frozenset(order) for scale, order in self._map_orders.items()}
        residences = self._cursor().execute("SELECT residence_id FROM residences").fetchall()
        codes["residence"] = frozenset(row[0] for row in residences)
        return codes

    def map_codes(self, scale: str) -> frozenset[str]:
        """Every code of `scale` ('commune', 'iris', 'qpv' or 'residence')."""
        return self._zone_codes.get(scale, frozenset())

    @functools.cache  # noqa: B019 - the store lives as long as the process
    def map_names(self, scale: str) -> dict[str, str]:
        """The name of each feature drawn at `scale`, by code (the map's table)."""
        if scale == "residence":
            return {row[0]: row[1] for row in self._located_residences}
        rows = self._cursor().execute("SELECT code, name FROM zones WHERE scale = ?", [scale])
        return dict(rows.fetchall())

    def map_order(self, scale: str) -> tuple[str, ...]:
        """The codes of the features drawn at `scale`, each at the position its feature's
        `i` property gives: the map's styles are arrays in this order, not dicts by code."""
        return self._map_orders.get(scale, ())

    @functools.cache  # noqa: B019 - the store lives as long as the process
    def map_index(self, scale: str) -> dict[str, int]:
        """The position of each code of `scale` in `map_order`."""
        return {code: i for i, code in enumerate(self.map_order(scale))}

    @functools.cache  # noqa: B019 - the store lives as long as the process
    def zone_features_json(self, scale: str) -> str:
        """The zones of a scale as GeoJSON text, built from the pipeline's simplified
        geometry text without parsing it (properties: index `i` in `map_order`, code,
        name, scale): the outlines drawn over the map."""
        rows = (
            self._cursor()
            .execute(
                "SELECT code, name, geometry_geojson FROM zones WHERE scale = ? ORDER BY code",
                [scale],
            )
            .fetchall()
        )
        index = self.map_index(scale)
        return collection_text(
            zone_feature_text(index[code], code, name, scale, geometry)
            for code, name, geometry in rows
        )

    @functools.cache  # noqa: B019 - the store lives as long as the process
    def residence_features_json(self) -> str:
        """Every located residence as a GeoJSON point (properties: index `i` in
        `map_order`, code, name, size class, secret)."""
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {
                    "i": i,
                    "code": code,
                    "name": name,
                    "size": size_class,
                    "secret": bool(secret),
                    "scale": "residence",
                },
            }
            for i, (code, name, size_class, secret, lon, lat) in enumerate(self._located_residences)
        ]
        return json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def preload_outlines(self) -> None:
        """Read at start the zones' outlines, so that a first selection costs no query."""
        _ = self._zone_geometries

    @functools.cached_property
    def _zone_geometries(self) -> dict[tuple[str, str], str]:
        """The simplified geometry text of every zone (~0.2 MB for the MEL), read once: a
        query per selection costs more than the rest of its outline."""
        rows = self._cursor().execute("SELECT scale, code, geometry_geojson FROM zones")
        return {(scale, code): geometry for scale, code, geometry in rows.fetchall()}

    def selection_feature(self, scale: str, code: str) -> dict[str, Any] | None:
        """The outline (zone) or point (residence) of a selected feature, as GeoJSON."""
        if scale == "residence":
            place = self.place(scale, code)
            if place is None:
                return None
            geometry: dict[str, Any] = {"type": "Point", "coordinates": [place.lon, place.lat]}
        else:
            text = self._zone_geometries.get((scale, code))
            if text is None:
                return None
            geometry = json.loads(text)
        return {
            "type": "Feature",
            "properties": {"scale": scale, "code": code},
            "geometry": geometry,
        }
