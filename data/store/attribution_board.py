"""The allocation-policy board: a zone's attributions (indicators, breakdowns, the
first-quartile thresholds) and the table of communes, for a convention granting the
theme. Zone values are the same for every signatory: no perimeter applies."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection

from data.scope import AccessScope
from data.store.attribution_types import AttributionBoard, CommuneRow, Published, Threshold
from data.store.territory import TerritoryIndex
from data.store.types import ZoneRef

THEME = "attributions"
# The allocations behind the shares of the table of communes.
COMMUNE_COUNTS = ("out:known", "in:known")


class AttributionBoards(TerritoryIndex):
    def preload_board(self) -> None:
        """Read at start what every board needs, so that a first view costs no query."""
        _ = self._attribution_values, self._attribution_breakdowns_by_zone, self._commune_rows
        _ = self.quartile_thresholds, self._landlord_names, self._attribution_breakdowns

    def attribution_board(
        self, scale: str, code: str, scope: AccessScope
    ) -> AttributionBoard | None:
        """The board of one zone (EPCI or commune); None without the theme or zone."""
        zone = self.zone_ref(scale, code)
        if not scope.grants(THEME) or zone is None or scale not in ("epci", "commune"):
            return None
        series: dict[str, dict[int, Published]] = defaultdict(dict)
        for indicator_id, year, value, status in self._attribution_series(scale, code):
            series[indicator_id][year] = (value, status)
        counts = {
            (year, measure, node): (value, status)
            for year, measure, node, value, status in self._attribution_counts(scale, code)
        }
        years = tuple(sorted({year for by_year in series.values() for year in by_year}))
        epci = zone if scale == "epci" else self.epci_of(zone)
        return AttributionBoard(
            zone=zone,
            years=years,
            series=dict(series),
            counts=counts,
            thresholds=self.quartile_thresholds.get(epci.code if epci else "", {}),
            communes=self._communes_of_epci(epci),
            landlords=self._landlord_names,
            breakdowns=self._attribution_breakdowns,
        )

    @functools.cached_property
    def board_epcis(self) -> tuple[ZoneRef, ...]:
        """The EPCIs a board can show, by name: legal targets are set per EPCI."""
        epcis = (ref for (scale, _), ref in self._zone_refs.items() if scale == "epci")
        return tuple(sorted(epcis, key=lambda ref: (ref.name, ref.code)))

    def landlords_epci(self, bailleurs: Collection[str]) -> ZoneRef | None:
        """The EPCI holding most of the landlords' published dwellings in the territory (then
        most residences): their board opens there. The warehouse's EPCI when it covers one,
        or when the landlords have no residence in it."""
        if not self._commune_epci or not bailleurs:
            return self.epci
        row = (
            self._cursor()
            .execute(
                "SELECT zone.epci_code FROM residences JOIN zones AS zone "
                "ON zone.scale = 'commune' AND zone.code = residences.commune_code "
                "WHERE list_contains(?, bailleur_code) GROUP BY zone.epci_code "
                "ORDER BY sum(coalesce(n_dwellings, 0)) DESC, count(*) DESC, zone.epci_code "
                "LIMIT 1",
                [sorted(bailleurs)],
            )
            .fetchone()
        )
        return (self.zone_ref("epci", row[0]) if row else None) or self.epci

    def _communes_of_epci(self, epci: ZoneRef | None) -> dict[int, tuple[CommuneRow, ...]]:
        """The table of communes of one EPCI (every commune of a warehouse of one EPCI)."""
        if len(self.board_epcis) < 2 or epci is None:
            return self._commune_rows
        epci_of = self._commune_epci
        return {
            year: tuple(row for row in rows if epci_of.get(row.code) == epci.code)
            for year, rows in self._commune_rows.items()
        }

    def _attribution_series(self, scale: str, code: str) -> list[tuple]:
        return self._attribution_values.get((scale, code), [])

    def _attribution_counts(self, scale: str, code: str) -> list[tuple]:
        return self._attribution_breakdowns_by_zone.get((scale, code), [])

    @functools.cached_property
    def _attribution_values(self) -> dict[tuple[str, str], list[tuple]]:
        """The theme's indicator rows by zone, read once (a few thousand rows)."""
        zones: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for scale, code, *row in (
            self._cursor()
            .execute(
                "SELECT scale, code, indicator_id, year, value, status FROM indicators "
                "WHERE theme = ? AND scale IN ('epci', 'commune')",
                [THEME],
            )
            .fetchall()
        ):
            zones[(scale, code)].append(tuple(row))
        return dict(zones)

    @functools.cached_property
    def _attribution_breakdowns_by_zone(self) -> dict[tuple[str, str], list[tuple]]:
        """The breakdown counts by zone, read once."""
        zones: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for scale, code, *row in (
            self._cursor()
            .execute(
                "SELECT scale, code, year, measure, node, value, status FROM attributions "
                "WHERE scale IN ('epci', 'commune')"
            )
            .fetchall()
        ):
            zones[(scale, code)].append(tuple(row))
        return dict(zones)

    @functools.cached_property
    def quartile_thresholds(self) -> dict[str, dict[int, Threshold]]:
        """Each EPCI's first-quartile thresholds by year: the legal targets of an EPCI's
        allocations are judged against its own."""
        rows = self._cursor().execute(
            "SELECT epci, year, q1, median, q3, source FROM quartile_thresholds ORDER BY epci, year"
        )
        by_epci: dict[str, dict[int, Threshold]] = defaultdict(dict)
        for epci, *row in rows.fetchall():
            by_epci[epci][row[0]] = Threshold(*row)
        return dict(by_epci)

    @functools.cached_property
    def _commune_rows(self) -> dict[int, tuple[CommuneRow, ...]]:
        """Every commune's indicators and counts behind its shares, by year, read once."""
        values: dict[tuple[int, str], dict[str, Published]] = defaultdict(dict)
        for code, year, indicator_id, value, status in (
            self._cursor()
            .execute(
                "SELECT code, year, indicator_id, value, status FROM indicators "
                "WHERE theme = ? AND scale = 'commune'",
                [THEME],
            )
            .fetchall()
        ):
            values[(year, code)][indicator_id] = (value, status)
        counts: dict[tuple[int, str], dict[str, Published]] = defaultdict(dict)
        for code, year, node, value, status in (
            self._cursor()
            .execute(
                "SELECT code, year, node, value, status FROM attributions "
                "WHERE scale = 'commune' AND measure = 'attributions' AND list_contains(?, node)",
                [list(COMMUNE_COUNTS)],
            )
            .fetchall()
        ):
            counts[(year, code)][node] = (value, status)
        rows: dict[int, list[CommuneRow]] = defaultdict(list)
        for (year, code), by_indicator in sorted(values.items()):
            zone = self.zone_ref("commune", code)
            name = zone.name if zone else code
            rows[year].append(CommuneRow(code, name, by_indicator, counts.get((year, code), {})))
        return {year: tuple(sorted(r, key=lambda c: c.name)) for year, r in rows.items()}

    @functools.cached_property
    def _landlord_names(self) -> dict[str, str]:
        rows = self._cursor().execute(
            "SELECT DISTINCT bailleur_code, bailleur_name FROM residences"
        )
        return dict(rows.fetchall())

    @functools.cached_property
    def _attribution_breakdowns(self) -> frozenset[str]:
        """The optional breakdowns the warehouse holds: 'landlord', 'motif', 'seniority'."""
        rows = self._cursor().execute(
            "SELECT DISTINCT split_part(node, ':', 1) FROM attributions WHERE scale = 'epci'"
        )
        return frozenset(row[0] for row in rows.fetchall())
