"""The indicator rows of each zone and residence, kept in memory, as a scope may see them.

The panel and the residence sheet read a few hundred rows of a few codes: the zones' rows
are all grouped at start, the residences' are read on demand and kept (the warehouse
does not change while the app serves it). A zone value that is in effect one residence's
(status 'perimeter', decided by the pipeline) follows that residence's access rule, and
a zone value hidden from some perimeters (`hidden_from`) is hidden from them. A
convention of several communes or landlords whose perimeter the build did not check as a
whole (`perimeters_checked` in the manifest) sees no zone value of a perimeter theme.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable
from sys import intern

from data.catalog import ZONE_SCALES
from data.scope import PERIMETER_THEMES, AccessScope, varies_with_perimeter
from data.store.territory import TerritoryIndex
from data.store.types import NOT_AVAILABLE, CodeRow, Measure, ZoneRef

# Residences whose rows a process keeps in memory (each ~200 rows; the zones' rows are all
# read at start, see `ZonePanel.preload_panel`).
CODE_ROWS_CACHE = 2048


class IndicatorRows(TerritoryIndex):
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
        owners = self._zone_owners.get((scale, code), {})
        denials = self._zone_denials.get((scale, code), {})
        checked = scale not in ZONE_SCALES or self.perimeter_checked(scope)
        if not owners and not denials and checked:
            return rows
        return tuple(self._scoped(row, owners, denials, scope, checked) for row in rows)

    @functools.cached_property
    def _checked_perimeters(self) -> frozenset[str]:
        audit = self.manifest.get("disclosure_audit", {})
        return frozenset(audit.get("perimeters_checked", ()))

    def perimeter_checked(self, scope: AccessScope) -> bool:
        """Whether the build checked what the convention's perimeter can work out of the
        zone values: always for one commune or landlord (or none); for several, only when
        the build was told of them (`data.pipeline.perimeters.read_combined_perimeters`)."""
        combined = scope.combined_perimeter
        return combined is None or combined in self._checked_perimeters

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
    def _zone_denials(self) -> dict[tuple[str, str], dict[tuple[str, int], frozenset[str]]]:
        """The zone values hidden from some perimeters (`hidden_from`, decided by the
        pipeline): by zone, the perimeters of each theme and vintage."""
        rows = (
            self._cursor()
            .execute(
                "SELECT DISTINCT scale, code, theme, year, hidden_from FROM indicators "
                "WHERE hidden_from IS NOT NULL"
            )
            .fetchall()
        )
        denials: dict[tuple[str, str], dict[tuple[str, int], frozenset[str]]] = {}
        for scale, code, theme, year, hidden_from in rows:
            denials.setdefault((scale, code), {})[(theme, year)] = frozenset(hidden_from)
        return denials

    @functools.cached_property
    def _perimeter_views(self) -> frozenset[tuple[str, str, int]]:
        """The (scale, indicator, year) map views holding such values."""
        rows = (
            self._cursor()
            .execute(
                "SELECT DISTINCT scale, indicator_id, year FROM indicators "
                "WHERE status = 'perimeter' OR hidden_from IS NOT NULL"
            )
            .fetchall()
        )
        return frozenset(rows)

    def depends_on_perimeter(
        self, scale: str, indicator_id: str, year: int, scope: AccessScope | None = None
    ) -> bool:
        """Whether a map view differs from one convention to another (or for `scope`, when
        the build did not check its perimeter)."""
        theme = indicator_id.split(".", 1)[0]
        return (
            varies_with_perimeter(scale, theme)
            or (scale, indicator_id, year) in self._perimeter_views
            or (
                scope is not None
                and theme in PERIMETER_THEMES
                and not self.perimeter_checked(scope)
            )
        )

    def _scoped(
        self,
        row: CodeRow,
        owners: dict[int, str],
        denials: dict[tuple[str, int], frozenset[str]],
        scope: AccessScope,
        checked: bool = True,
    ) -> CodeRow:
        """A zone value hidden from the convention's perimeter (or of a perimeter theme,
        when the build did not check the perimeter: `checked` false) reads 'restricted'
        without its value; a zone value that is in effect one residence's follows that
        residence's rule: shown ('ok') to a convention that sees the residence's values,
        else 'restricted'."""
        indicator_id, theme, year, value, status = row
        denied = denials.get((theme, year))
        if (denied and scope.perimeter_keys & denied) or (
            not checked and theme in PERIMETER_THEMES
        ):
            return (indicator_id, theme, year, None, "restricted")
        if status != "perimeter":
            return row
        if scope.sees_residence_values(theme, *self._residence_places[owners[year]]):
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

    def _latest_row(
        self,
        scale: str,
        code: str,
        indicator_id: str,
        year: int | None,
        scope: AccessScope,
    ) -> CodeRow | None:
        """A zone's row of one indicator at its latest vintage up to `year`, if any."""
        themes = scope.granted_themes()
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
