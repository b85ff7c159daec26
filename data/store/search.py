"""The search box: zones and residences by name, address or code, and one place by code."""

from __future__ import annotations

import functools

from data.catalog import default_map_scale, map_zone_scales
from data.store.connection import Warehouse
from data.store.types import Place

# Lower case, no accents, any run of punctuation or spaces as one space (text is bound).
_FOLD_SQL = "trim(regexp_replace(strip_accents(lower({})), '[^a-z0-9]+', ' ', 'g'))"
_SCALE_ORDER_SQL = (
    "CASE scale WHEN 'commune' THEN 0 WHEN 'qpv' THEN 1 WHEN 'iris' THEN 2 ELSE 3 END"
)


class Search(Warehouse):
    @functools.cached_property
    def zone_counts(self) -> dict[str, int]:
        """How many zones of each scale the warehouse holds."""
        rows = self._cursor().execute("SELECT scale, count(*) FROM zones GROUP BY scale")
        return dict(rows.fetchall())

    @functools.cached_property
    def map_zone_scales(self) -> tuple[str, ...]:
        """The zone scales the map shows: the EPCIs, départements and regions too when
        the territory holds several."""
        return map_zone_scales(self.zone_counts)

    @functools.cached_property
    def map_scales(self) -> tuple[str, ...]:
        """Every scale the map shows: its zone scales, then the residences."""
        return (*self.map_zone_scales, "residence")

    @functools.cached_property
    def default_map_scale(self) -> str:
        """The scale the map opens on (`catalog.default_map_scale`)."""
        return default_map_scale(self.zone_counts)

    def search_places(self, text: str, limit: int = 12) -> list[Place]:
        """Zones of the map's scales (`map_zone_scales`) and residences whose name (or
        address, or code) contains `text`, ignoring accents, case and punctuation; names
        starting with it first."""
        needle = " ".join(text.split())[:80]
        if sum(char.isalnum() for char in needle) < 2:
            return []
        rows = (
            self._cursor()
            .execute(
                f"""
                WITH candidates AS (
                    SELECT z.scale, z.code, z.name, c.name AS detail,
                           z.min_lon, z.min_lat, z.max_lon, z.max_lat, z.lon, z.lat,
                           {_FOLD_SQL.format("z.name")} AS haystack
                    FROM zones z LEFT JOIN zones c
                      ON c.scale = 'commune' AND c.code = z.commune_code AND z.scale <> 'commune'
                    WHERE list_contains(?, z.scale)
                    UNION ALL
                    SELECT 'residence', residence_id, name, address,
                           lon, lat, lon, lat, lon, lat,
                           {_FOLD_SQL.format("name || ' ' || coalesce(address, '')")}
                    FROM residences WHERE lon IS NOT NULL
                ), needle AS (SELECT {_FOLD_SQL.format("?")} AS n)
                SELECT scale, code, name, detail, min_lon, min_lat, max_lon, max_lat, lon, lat
                FROM candidates, needle
                WHERE contains(haystack, needle.n) OR lower(code) = needle.n
                ORDER BY lower(code) = needle.n DESC, starts_with(haystack, needle.n) DESC,
                         {_SCALE_ORDER_SQL}, name, code
                LIMIT ?
                """,
                [list(self.map_zone_scales), needle, limit],
            )
            .fetchall()
        )
        return [Place(*row) for row in rows]

    def place(self, scale: str, code: str) -> Place | None:
        """One zone or residence with its bounds, or None if the code is unknown."""
        if scale == "residence":
            sql = (
                "SELECT 'residence', residence_id, name, address, lon, lat, lon, lat, lon, lat "
                "FROM residences WHERE residence_id = ? AND lon IS NOT NULL"
            )
            params = [code]
        else:
            sql = (
                "SELECT z.scale, z.code, z.name, c.name, z.min_lon, z.min_lat, z.max_lon, "
                "z.max_lat, z.lon, z.lat FROM zones z LEFT JOIN zones c "
                "ON c.scale = 'commune' AND c.code = z.commune_code AND z.scale <> 'commune' "
                "WHERE z.scale = ? AND z.code = ?"
            )
            params = [scale, code]
        row = self._cursor().execute(sql, params).fetchone()
        return Place(*row) if row else None
