"""The zone panel: a zone's figures beside its commune and the EPCI, their series, the
ranking of a commune's IRIS, the comparison of pinned zones, the residences of a zone."""

from __future__ import annotations

import functools

from data.catalog import ZONE_SCALES
from data.scope import AccessScope
from data.store.rows import IndicatorRows
from data.store.types import IndicatorSeries, Measure, ResidenceItem, ZoneRef, ZoneSummary


class ZonePanel(IndicatorRows):
    def preload_panel(self) -> None:
        """Read at start what every zone panel needs, so that a first view costs no query."""
        _ = self._zone_rows, self._residences_by_zone, self._zone_owners, self._perimeter_views

    def zone_summary(
        self, scale: str, code: str, year: int | None, scope: AccessScope
    ) -> ZoneSummary | None:
        """A zone's figures beside its parent commune and the EPCI, within the convention's
        datasets; None when the zone does not exist."""
        zone = self.zone_ref(scale, code)
        if zone is None or scale not in ZONE_SCALES:
            return None
        levels = self._zone_levels(zone)
        measures = self._latest_measures(levels, year, scope.granted_themes(), scope)
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
        address or landlord contains `matching` (none to a scope that is not shown
        residence descriptions)."""
        column = {"commune": "commune_code", "iris": "iris_code", "qpv": "qpv_code"}.get(scale)
        if column is None or not scope.describes_residences:
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

    def indicator_series(
        self, scale: str, code: str, indicator_id: str, scope: AccessScope
    ) -> IndicatorSeries | None:
        """The indicator over every vintage for a zone, its parent commune and the EPCI."""
        zone = self.zone_ref(scale, code)
        if zone is None or scale not in ZONE_SCALES:
            return None
        levels = self._zone_levels(zone)
        themes = scope.granted_themes()
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

    def iris_ranking(
        self, commune_code: str, indicator_id: str, year: int | None, scope: AccessScope
    ) -> list[tuple[ZoneRef, Measure]]:
        """The IRIS of a commune with the indicator at its latest vintage up to `year`,
        highest first, then the secret and unavailable ones by name."""
        themes = scope.granted_themes()
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
        measures = self._latest_measures(tuple(refs), year, scope.granted_themes(), scope)
        return [
            (ref, {indicator_id: row[index] for indicator_id, row in measures.items()})
            for index, ref in enumerate(refs)
        ]
