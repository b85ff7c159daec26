"""Proximity to equipment: the equipment points of a family, and what a residence has
nearby (`proximity.parquet`, written for published residences only)."""

from __future__ import annotations

import functools
import json

from data.scope import AccessScope
from data.sources.codes import EQUIPMENT_FAMILIES
from data.store.connection import Warehouse
from data.store.types import Nearby

PROXIMITY_THEME = "equipements"


class ProximityQueries(Warehouse):
    @functools.cache  # noqa: B019 - the store lives as long as the process
    def equipment_features_json(self, family: str) -> str:
        """The equipment of one family as GeoJSON points (properties: name, type label,
        commune); public data, the same for every signatory."""
        rows = (
            self._cursor()
            .execute(
                "SELECT name, type_label, commune_name, lon, lat FROM equipments "
                "WHERE family = ? ORDER BY lon, lat",
                [family],
            )
            .fetchall()
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {"name": name, "type": label, "commune": commune},
            }
            for name, label, commune, lon, lat in rows
        ]
        return json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def nearby(self, residence_id: str, scope: AccessScope) -> tuple[Nearby, ...] | None:
        """For each family, the nearest equipment and the counts around a residence; None
        when the convention does not grant the theme or the residence has no figure (a
        secret residence)."""
        if not scope.grants(PROXIMITY_THEME):
            return None
        rows = (
            self._cursor()
            .execute(
                "SELECT family, distance_m, nearest_name, nearest_type, within_500, within_1000 "
                "FROM proximity WHERE residence_id = ?",
                [residence_id],
            )
            .fetchall()
        )
        if not rows:
            return None
        order = list(EQUIPMENT_FAMILIES)
        return tuple(
            Nearby(family, distance, name, kind, int(near), int(walk))
            for family, distance, name, kind, near, walk in sorted(
                rows, key=lambda row: order.index(row[0])
            )
        )
