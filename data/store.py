"""DuckDB over the warehouse: every SQL query of the app lives here.

One connection per process, opened at start over the Parquet files; each call works on
its own cursor so that gunicorn threads do not share one. Parameters are always bound.
"""

from __future__ import annotations

import functools
import json
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

import duckdb

from data.scope import AccessScope, Territory

WAREHOUSE_TABLES = ("zones", "residences", "indicators")
# The rows of `indicators` again, sorted by zone or residence: a panel reads the ~300 rows
# of a few codes among ~800 000, which the table sorted by indicator and year cannot skip to.
INDICATORS_BY_CODE_SQL = """
    CREATE TABLE indicators_by_code AS
    SELECT scale, code, indicator_id, theme, year, value, status FROM indicators
    ORDER BY code
"""
# Residences whose rows a process keeps in memory (each ~200 rows; the zones' rows are all
# read at start, see `Store.preload_panel`).
CODE_ROWS_CACHE = 2048


class WarehouseMissing(RuntimeError):
    """The warehouse directory has not been built (run `make data`)."""


class Store:
    def __init__(self, data_dir: Path) -> None:
        # `make data` switches the warehouse directory (a link) to a new build: every file
        # is read from the build it names now, which the store keeps until the process ends.
        data_dir = Path(data_dir).resolve()
        manifest_path = data_dir / "manifest.json"
        if not manifest_path.exists():
            raise WarehouseMissing(f"no warehouse at {data_dir}: run `make data` first")
        self.data_dir = data_dir
        self.manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        self._connection = duckdb.connect(":memory:")
        for table in WAREHOUSE_TABLES:
            self._connection.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)",
                [str(data_dir / f"{table}.parquet")],
            )
        self._connection.execute(INDICATORS_BY_CODE_SQL)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    @property
    def is_demo(self) -> bool:
        return bool(self.manifest.get("demo"))

    # --- map

    @property
    def secrecy_threshold(self) -> int:
        return int(self.manifest.get("secrecy_threshold", 11))

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

    def map_order(self, scale: str) -> tuple[str, ...]:
        """The codes of the features drawn at `scale`, each at the position its feature's
        `i` property gives: the map's styles are arrays in this order, not dicts by code."""
        return self._map_orders.get(scale, ())

    @functools.cached_property
    def indicator_years(self) -> dict[str, tuple[int, ...]]:
        """The vintages of each indicator present in the warehouse, oldest first."""
        rows = (
            self._cursor()
            .execute(
                "SELECT indicator_id, list(DISTINCT year ORDER BY year) "
                "FROM indicators GROUP BY indicator_id"
            )
            .fetchall()
        )
        return {indicator_id: tuple(years) for indicator_id, years in rows}

    @functools.cache  # noqa: B019 - the store lives as long as the process
    def zone_features_json(self, scale: str) -> str:
        """The zones of a scale as GeoJSON text, built from the pipeline's simplified
        geometry text without parsing it (properties: index `i` in `map_order`, code,
        name, scale)."""
        rows = (
            self._cursor()
            .execute(
                "SELECT code, name, geometry_geojson FROM zones WHERE scale = ? ORDER BY code",
                [scale],
            )
            .fetchall()
        )
        index = {code: i for i, code in enumerate(self.map_order(scale))}
        features = ",".join(
            '{"type":"Feature","properties":'
            + json.dumps(
                {"i": index[code], "code": code, "name": name, "scale": scale},
                ensure_ascii=False,
            )
            + ',"geometry":'
            + geometry
            + "}"
            for code, name, geometry in rows
        )
        return '{"type":"FeatureCollection","features":[' + features + "]}"

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

    def map_values(
        self, scale: str, indicator_id: str, year: int, scope: AccessScope
    ) -> list[tuple[str, float | None, str]]:
        """`(code, value, status)` of one indicator and year at a map scale, as `scope`
        may see them.

        Occupation values need the convention's 'occupation' dataset (else nothing is
        returned); at residence scale those outside the convention's perimeter come back
        with the status 'restricted' and no value, and so do zone values that are in
        effect one residence's (see `_scoped`)."""
        theme = indicator_id.split(".", 1)[0]
        if not scope.grants(theme):
            return []
        if scale != "residence" and self.depends_on_perimeter(scale, indicator_id, year):
            owners = self._zone_owners
            return [
                (
                    code,
                    *self._scoped(
                        (indicator_id, theme, year, value, status), owners[(scale, code)], scope
                    )[3:],
                )
                if status == "perimeter"
                else (code, value, status)
                for code, value, status in self._values(scale, indicator_id, year)
            ]
        if scale == "residence" and theme == "occupation":
            places, flagged = self._residence_places, self._secret_residences
            return [
                row
                if row[0] in flagged or scope.may_see_residence_occupation(*places[row[0]])
                else (row[0], None, "restricted")
                for row in self._residence_values(indicator_id, year)
            ]
        return self.shared_map_values(scale, indicator_id, year)

    def shared_map_values(
        self, scale: str, indicator_id: str, year: int
    ) -> list[tuple[str, float | None, str]]:
        """The values every convention granting the indicator's theme sees alike (views
        that do not `depend_on_perimeter`); the caller has checked the theme is granted."""
        if self.depends_on_perimeter(scale, indicator_id, year):
            raise ValueError("this view depends on the convention's perimeter: map_values")
        if scale == "residence":
            return self._residence_values(indicator_id, year)
        return self._values(scale, indicator_id, year)

    def _values(self, scale: str, indicator_id: str, year: int) -> list[tuple]:
        return (
            self._cursor()
            .execute(
                "SELECT code, value, status FROM indicators "
                "WHERE scale = ? AND indicator_id = ? AND year = ?",
                [scale, indicator_id, year],
            )
            .fetchall()
        )

    @functools.cached_property
    def _residence_places(self) -> dict[str, tuple[str, str]]:
        """The commune and landlord of every residence, for the perimeter of a convention."""
        rows = (
            self._cursor()
            .execute("SELECT residence_id, commune_code, bailleur_code FROM residences")
            .fetchall()
        )
        return {code: (commune, bailleur) for code, commune, bailleur in rows}

    @functools.cached_property
    def _secret_residences(self) -> frozenset[str]:
        rows = self._cursor().execute("SELECT residence_id FROM residences WHERE secret").fetchall()
        return frozenset(row[0] for row in rows)

    def _residence_values(self, indicator_id: str, year: int) -> list[tuple]:
        """`(code, value, status)` of every residence flagged secret, without its value,
        and of the others that have a row this year. A residence flagged secret (hidden in
        its latest vintage) is secret whatever the year, as in its panel: an earlier
        published value would show what the latest one hides. Joined here rather than in
        SQL: the map reads 3 000 of 600 000 rows, and the residences are few to keep."""
        places, flagged = self._residence_places, self._secret_residences
        rows = [
            row
            for row in self._values("residence", indicator_id, year)
            if row[0] in places and row[0] not in flagged
        ]
        rows.extend((code, None, "secret") for code in flagged)
        return rows

    def search_places(self, text: str, limit: int = 12) -> list[Place]:
        """Communes, IRIS, QPV and residences whose name (or address, or code) contains
        `text`, ignoring accents, case and punctuation; names starting with it first."""
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
                    WHERE z.scale IN ('commune', 'iris', 'qpv')
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
                [needle, limit],
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

    def selection_feature(self, scale: str, code: str) -> dict[str, Any] | None:
        """The outline (zone) or point (residence) of a selected feature, as GeoJSON."""
        if scale == "residence":
            place = self.place(scale, code)
            if place is None:
                return None
            geometry: dict[str, Any] = {"type": "Point", "coordinates": [place.lon, place.lat]}
        else:
            row = (
                self._cursor()
                .execute(
                    "SELECT geometry_geojson FROM zones WHERE scale = ? AND code = ?",
                    [scale, code],
                )
                .fetchone()
            )
            if row is None:
                return None
            geometry = json.loads(row[0])
        return {
            "type": "Feature",
            "properties": {"scale": scale, "code": code},
            "geometry": geometry,
        }

    # --- panel

    @functools.cached_property
    def _zone_refs(self) -> dict[tuple[str, str], ZoneRef]:
        """Every zone by (scale, code), read once (a few bytes each, even for France)."""
        rows = self._cursor().execute("SELECT scale, code, name, commune_code FROM zones")
        return {(row[0], row[1]): ZoneRef(*row) for row in rows.fetchall()}

    def zone_ref(self, scale: str, code: str) -> ZoneRef | None:
        """The zone of one scale and code (name and parent commune), or None if unknown."""
        return self._zone_refs.get((scale, code))

    @functools.cached_property
    def territory(self) -> Territory:
        """The names of the communes and landlords, to name a convention's perimeter."""
        landlords = (
            self._cursor()
            .execute(
                "SELECT bailleur_code, min(bailleur_name) FROM residences "
                "WHERE bailleur_code IS NOT NULL GROUP BY bailleur_code"
            )
            .fetchall()
        )
        communes = {
            code: ref.name for (scale, code), ref in self._zone_refs.items() if scale == "commune"
        }
        return Territory(communes=communes, landlords=dict(landlords))

    def residence_labels(self, residence_ids: Iterable[str]) -> dict[str, str]:
        """'Name, address' of each known residence id (the address names its commune), for
        the audit log."""
        ids = sorted(set(residence_ids))
        if not ids:
            return {}
        rows = (
            self._cursor()
            .execute(
                "SELECT residence_id, name, address, commune_code FROM residences "
                "WHERE residence_id IN (SELECT unnest(?))",
                [ids],
            )
            .fetchall()
        )
        labels = {}
        for residence_id, name, address, commune_code in rows:
            commune = self.zone_ref("commune", commune_code)
            # The address names its commune; a residence named by its address, once.
            place = address or (commune.name if commune else commune_code)
            labels[residence_id] = place if name in ("", None, address) else f"{name}, {place}"
        return labels

    @functools.cached_property
    def epci(self) -> ZoneRef | None:
        """The EPCI the warehouse covers (read once: it never changes while serving)."""
        row = (
            self._cursor()
            .execute("SELECT scale, code, name, commune_code FROM zones WHERE scale = 'epci'")
            .fetchone()
        )
        return ZoneRef(*row) if row else None

    def _zone_levels(self, zone: ZoneRef) -> tuple[ZoneRef, ...]:
        """The zone, then its parent commune (when it is not the commune itself), then the EPCI."""
        levels = [zone]
        if zone.scale in ("iris", "qpv") and zone.commune_code and not whole_commune(zone):
            commune = self.zone_ref("commune", zone.commune_code)
            if commune:
                levels.append(commune)
        epci = self.epci
        if epci and zone.scale != "epci":
            levels.append(epci)
        return tuple(levels)

    def preload_panel(self) -> None:
        """Read at start what every zone panel needs, so that a first view costs no query."""
        _ = self._zone_rows, self._residences_by_zone, self._zone_owners, self._perimeter_views

    @functools.cached_property
    def _zone_rows(self) -> dict[tuple[str, str], tuple[CodeRow, ...]]:
        """Every indicator row of every zone (~150 000 for the MEL), grouped by zone in one
        pass: a query per zone costs ~10 ms on its first view."""
        grouped: dict[tuple[str, str], list[CodeRow]] = {}
        rows = (
            self._cursor()
            .execute(
                "SELECT scale, code, indicator_id, theme, year, value, status "
                "FROM indicators_by_code WHERE scale <> 'residence' "
                "ORDER BY scale, code, indicator_id, year"
            )
            .fetchall()
        )
        for scale, code, indicator_id, theme, year, value, status in rows:
            # Interned: the few distinct ids, themes and statuses are shared by every row.
            row = (intern(indicator_id), intern(theme), year, value, intern(status))
            grouped.setdefault((scale, code), []).append(row)
        return {key: tuple(values) for key, values in grouped.items()}

    def _read_code_rows(self, scale: str, code: str) -> tuple[CodeRow, ...]:
        return tuple(
            self._cursor()
            .execute(
                "SELECT indicator_id, theme, year, value, status FROM indicators_by_code "
                "WHERE scale = ? AND code = ? ORDER BY indicator_id, year",
                [scale, code],
            )
            .fetchall()
        )

    @functools.cached_property
    def _residence_rows(self) -> Callable[[str, str], tuple[CodeRow, ...]]:
        return functools.lru_cache(maxsize=CODE_ROWS_CACHE)(self._read_code_rows)

    def _code_rows(self, scale: str, code: str, scope: AccessScope) -> tuple[CodeRow, ...]:
        """Every indicator row of one zone or residence, by indicator then year (kept in
        memory: the warehouse does not change while the app serves it), as `scope` may see
        them (see `_scoped`)."""
        if scale in ZONE_SCALES:
            rows = self._zone_rows.get((scale, code), ())
        else:
            rows = self._residence_rows(scale, code)
        owners = self._zone_owners.get((scale, code))
        if owners is None:
            return rows
        return tuple(self._scoped(row, owners, scope) for row in rows)

    @functools.cached_property
    def _zone_owners(self) -> dict[tuple[str, str], dict[int, str]]:
        """The zone values that are in effect one residence's (status 'perimeter', decided
        by the pipeline): by zone, the residence of each vintage."""
        rows = (
            self._cursor()
            .execute(
                "SELECT DISTINCT scale, code, year, residence_id FROM indicators "
                "WHERE status = 'perimeter'"
            )
            .fetchall()
        )
        owners: dict[tuple[str, str], dict[int, str]] = {}
        for scale, code, year, residence_id in rows:
            owners.setdefault((scale, code), {})[year] = residence_id
        return owners

    @functools.cached_property
    def _perimeter_views(self) -> frozenset[tuple[str, str, int]]:
        """The (scale, indicator, year) map views holding such values."""
        rows = (
            self._cursor()
            .execute(
                "SELECT DISTINCT scale, indicator_id, year FROM indicators "
                "WHERE status = 'perimeter'"
            )
            .fetchall()
        )
        return frozenset(rows)

    def depends_on_perimeter(self, scale: str, indicator_id: str, year: int) -> bool:
        """Whether a map view differs from one convention to another."""
        return (scale == "residence" and indicator_id.startswith("occupation.")) or (
            (scale, indicator_id, year) in self._perimeter_views
        )

    def _scoped(self, row: CodeRow, owners: dict[int, str], scope: AccessScope) -> CodeRow:
        """A zone value that is in effect one residence's follows that residence's rule:
        shown ('ok') to a convention whose perimeter covers the residence, else
        'restricted' without its value."""
        indicator_id, theme, year, value, status = row
        if status != "perimeter":
            return row
        if scope.may_see_residence_occupation(*self._residence_places[owners[year]]):
            return (indicator_id, theme, year, value, "ok")
        return (indicator_id, theme, year, None, "restricted")

    def _latest_measures(
        self,
        levels: tuple[ZoneRef, ...],
        year: int | None,
        themes: tuple[str, ...],
        scope: AccessScope,
    ) -> dict[str, tuple[Measure, ...]]:
        """For each indicator, the value of each level at the latest vintage up to `year`."""
        limit = year if year is not None else 9999
        latest: dict[str, list[CodeRow | None]] = {}
        for index, level in enumerate(levels):
            for row in self._code_rows(level.scale, level.code, scope):
                indicator_id, theme, vintage, _, _ = row
                if theme in themes and vintage <= limit:  # rows come by year: keep the last
                    latest.setdefault(indicator_id, [None] * len(levels))[index] = row
        return {
            indicator_id: tuple(
                NOT_AVAILABLE if row is None else Measure(row[3], row[4], row[2]) for row in rows
            )
            for indicator_id, rows in latest.items()
        }

    def zone_summary(
        self, scale: str, code: str, year: int | None, scope: AccessScope
    ) -> ZoneSummary | None:
        """A zone's figures beside its parent commune and the EPCI, within the convention's
        datasets; None when the zone does not exist."""
        zone = self.zone_ref(scale, code)
        if zone is None or scale not in ZONE_SCALES:
            return None
        levels = self._zone_levels(zone)
        measures = self._latest_measures(levels, year, granted_themes(scope), scope)
        return ZoneSummary(zone=zone, levels=levels, year=year, measures=measures)

    @functools.cached_property
    def _residences_by_zone(self) -> dict[tuple[str, str], tuple[ResidenceItem, ...]]:
        """The residences of every commune, IRIS and QPV by name, read once."""
        rows = (
            self._cursor()
            .execute(
                """
                SELECT commune_code, iris_code, qpv_code, residence_id, name, address,
                       bailleur_name, size_class, secret, n_dwellings
                FROM residences ORDER BY name, address, residence_id
                """
            )
            .fetchall()
        )
        zones: dict[tuple[str, str], list[ResidenceItem]] = {}
        for commune_code, iris_code, qpv_code, *item in rows:
            residence = ResidenceItem(*item)
            for scale, code in (("commune", commune_code), ("iris", iris_code), ("qpv", qpv_code)):
                if code:
                    zones.setdefault((scale, code), []).append(residence)
        return {zone: tuple(items) for zone, items in zones.items()}

    def residences_in_zone(
        self, scale: str, code: str, scope: AccessScope, matching: str = ""
    ) -> list[ResidenceItem]:
        """The residences of a commune, IRIS or QPV by name, optionally those whose name,
        address or landlord contains `matching` (none without the 'parc' dataset)."""
        column = {"commune": "commune_code", "iris": "iris_code", "qpv": "qpv_code"}.get(scale)
        if column is None or not scope.grants("parc"):
            return []
        if not matching:
            return list(self._residences_by_zone.get((scale, code), ()))
        rows = (
            self._cursor()
            .execute(
                f"""
                SELECT residence_id, name, address, bailleur_name, size_class, secret, n_dwellings
                FROM residences
                WHERE {column} = ?
                  AND contains(lower(name || ' ' || address || ' ' || bailleur_name), lower(?))
                ORDER BY name, address, residence_id
                """,
                [code, matching],
            )
            .fetchall()
        )
        return [ResidenceItem(*row) for row in rows]

    def residence_sheet(
        self, residence_id: str, year: int | None, scope: AccessScope
    ) -> ResidenceSheet | None:
        """A residence's description and published indicators beside its IRIS, commune and
        EPCI. Occupation values are read only when the convention grants the dataset and
        covers the residence; otherwise `occupation` stays empty and `occupation_access`
        says why.

        Without the 'parc' dataset the sheet keeps only what identifies the residence (name,
        address, landlord, zones, and the size class the map shows every signatory): no
        dwellings, construction year, RPLS presence nor parc indicator. A secret residence
        has none of them either: its first and last RPLS vintages would tell when a small
        residence was built or demolished."""
        row = (
            self._cursor()
            .execute(
                """
                SELECT residence_id, name, address, commune_code, iris_code, qpv_code,
                       bailleur_code, bailleur_name, size_class, secret, n_dwellings,
                       construction_year, first_year, last_year
                FROM residences WHERE residence_id = ?
                """,
                [residence_id],
            )
            .fetchone()
        )
        if row is None:
            return None
        (rid, name, address, commune_code, iris_code, qpv_code, bailleur_code,
         bailleur_name, size_class, secret, n_dwellings, construction_year,
         first_year, last_year) = row  # fmt: skip
        commune = self.zone_ref("commune", commune_code)
        iris = self.zone_ref("iris", iris_code) if iris_code else None
        qpv = self.zone_ref("qpv", qpv_code) if qpv_code else None
        epci = self.epci
        residence = ZoneRef("residence", rid, name, commune_code)
        # The single IRIS of an unsplit commune is the commune itself: one column is enough.
        iris_level = None if iris is None or whole_commune(iris) else iris
        levels = tuple(level for level in (residence, iris_level, commune, epci) if level)
        if not scope.grants("occupation"):
            access = OCCUPATION_NOT_GRANTED
        elif not scope.covers_residence(commune_code, bailleur_code):
            access = OCCUPATION_OUT_OF_PERIMETER
        else:
            access = OCCUPATION_GRANTED
        themes = tuple(
            theme
            for theme in granted_themes(scope)
            if theme != "occupation" or access == OCCUPATION_GRANTED
        )
        measures = {} if secret else self._latest_measures(levels, year, themes, scope)
        parc_granted = scope.grants("parc")
        described = parc_granted and not secret
        return ResidenceSheet(
            residence_id=rid,
            name=name,
            address=address,
            commune=commune,
            iris=iris,
            qpv=qpv,
            bailleur_code=bailleur_code,
            bailleur_name=bailleur_name,
            size_class=size_class,
            secret=bool(secret),
            n_dwellings=n_dwellings if described else None,
            construction_year=construction_year if described else None,
            first_year=first_year if described else None,
            last_year=last_year if described else None,
            levels=levels,
            measures=measures,
            occupation_access=access,
            parc_granted=parc_granted,
        )

    def indicator_series(
        self, scale: str, code: str, indicator_id: str, scope: AccessScope
    ) -> IndicatorSeries | None:
        """The indicator over every vintage for a zone, its parent commune and the EPCI."""
        zone = self.zone_ref(scale, code)
        if zone is None or scale not in ZONE_SCALES:
            return None
        levels = self._zone_levels(zone)
        themes = granted_themes(scope)
        points = {
            (level.scale, level.code): [
                Measure(value, status, vintage)
                for row_indicator, theme, vintage, value, status in self._code_rows(
                    level.scale, level.code, scope
                )
                if row_indicator == indicator_id and theme in themes
            ]
            for level in levels
        }
        return IndicatorSeries(
            indicator_id=indicator_id,
            levels=levels,
            points=tuple(tuple(points.get((lv.scale, lv.code), ())) for lv in levels),
        )

    @functools.cached_property
    def _iris_by_commune(self) -> dict[str, tuple[ZoneRef, ...]]:
        communes: dict[str, list[ZoneRef]] = {}
        for ref in self._zone_refs.values():
            if ref.scale == "iris" and ref.commune_code:
                communes.setdefault(ref.commune_code, []).append(ref)
        return {code: tuple(refs) for code, refs in communes.items()}

    def _latest_row(
        self,
        scale: str,
        code: str,
        indicator_id: str,
        year: int | None,
        scope: AccessScope,
    ) -> CodeRow | None:
        """A zone's row of one indicator at its latest vintage up to `year`, if any."""
        themes = granted_themes(scope)
        rows = self._code_rows(scale, code, scope)
        limit = year if year is not None else 9999
        latest = None
        # Rows come sorted by indicator then year: jump to the indicator's first row.
        for row in rows[bisect_left(rows, (indicator_id,)) :]:
            if row[0] != indicator_id or row[2] > limit:
                break
            if row[1] in themes:
                latest = row
        return latest

    def iris_ranking(
        self, commune_code: str, indicator_id: str, year: int | None, scope: AccessScope
    ) -> list[tuple[ZoneRef, Measure]]:
        """The IRIS of a commune with the indicator at its latest vintage up to `year`,
        highest first, then the secret and unavailable ones by name."""
        themes = granted_themes(scope)
        iris = self._iris_by_commune.get(commune_code, ())
        if not themes or not iris:
            return []
        ranking = [
            (ref, Measure(row[3], row[4], row[2]))
            for ref in iris
            if (row := self._latest_row("iris", ref.code, indicator_id, year, scope))
        ]
        return sorted(
            ranking,
            key=lambda item: (item[1].value is None, -(item[1].value or 0), item[0].name),
        )

    def compare_rows(
        self, zones: list[tuple[str, str]], year: int | None, scope: AccessScope
    ) -> list[tuple[ZoneRef, dict[str, Measure]]]:
        """Each known zone with its figures at the latest vintage up to `year`, in order."""
        refs = [ref for scale, code in zones if (ref := self.zone_ref(scale, code))]
        refs = list(dict.fromkeys(ref for ref in refs if ref.scale in ZONE_SCALES))
        measures = self._latest_measures(tuple(refs), year, granted_themes(scope), scope)
        return [
            (ref, {indicator_id: row[index] for indicator_id, row in measures.items()})
            for index, ref in enumerate(refs)
        ]


# --- map: the values the map queries return

# Lower case, no accents, any run of punctuation or spaces as one space (text is bound).
_FOLD_SQL = "trim(regexp_replace(strip_accents(lower({})), '[^a-z0-9]+', ' ', 'g'))"
_SCALE_ORDER_SQL = (
    "CASE scale WHEN 'commune' THEN 0 WHEN 'qpv' THEN 1 WHEN 'iris' THEN 2 ELSE 3 END"
)


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


# --- panel: the values the panel queries return

ZONE_SCALES = ("epci", "commune", "iris", "qpv")
OCCUPATION_GRANTED = "granted"
OCCUPATION_NOT_GRANTED = "dataset_not_granted"
OCCUPATION_OUT_OF_PERIMETER = "out_of_perimeter"


def whole_commune(zone: ZoneRef) -> bool:
    """True for the single IRIS of a commune not split into IRIS (`<commune>0000`)."""
    return zone.scale == "iris" and zone.code.endswith("0000")


def granted_themes(scope: AccessScope) -> tuple[str, ...]:
    """The indicator themes the convention's datasets open."""
    return tuple(theme for theme in ("parc", "occupation") if scope.grants(theme))


@dataclass(frozen=True)
class ZoneRef:
    scale: str
    code: str
    name: str
    commune_code: str | None = None


# (indicator_id, theme, year, value, status): plain tuples of plain values, which the
# garbage collector stops tracking, so that the rows kept in memory do not lengthen its
# full collections (a NamedTuple stays tracked: ~100 ms pauses with every zone's rows).
CodeRow = tuple[str, str, int, float | None, str]


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
    occupation_access: str
    parc_granted: bool  # False: the description holds no parc value (see residence_sheet)


@dataclass(frozen=True)
class IndicatorSeries:
    indicator_id: str
    levels: tuple[ZoneRef, ...]
    points: tuple[tuple[Measure, ...], ...]
