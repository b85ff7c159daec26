"""The values the map colours: one indicator and year at one scale, as a scope may see them."""

from __future__ import annotations

import functools

from data.scope import PERIMETER_THEMES, AccessScope, varies_with_perimeter
from data.store.rows import IndicatorRows
from data.store.types import MapValue


class MapValues(IndicatorRows):
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

    def map_values(
        self, scale: str, indicator_id: str, year: int, scope: AccessScope
    ) -> list[MapValue]:
        """`(code, value, status)` of one indicator and year at a map scale, as `scope`
        may see them (`data.scope`).

        Nothing without the indicator's theme; residences whose values the scope may not
        see (occupation outside the perimeter) come back with the status 'restricted' and
        no value, and so do zone values that are in effect one residence's or hidden from
        the scope's perimeter (see `IndicatorRows._scoped`)."""
        theme = indicator_id.split(".", 1)[0]
        if not scope.grants(theme):
            return []
        if varies_with_perimeter(scale, theme):
            places, flagged = self._residence_places, self._secret_residences
            return [
                row
                if row[0] in flagged or scope.sees_residence_values(theme, *places[row[0]])
                else (row[0], None, "restricted")
                for row in self._residence_values(indicator_id, year)
            ]
        checked = theme not in PERIMETER_THEMES or self.perimeter_checked(scope)
        if (scale, indicator_id, year) in self._perimeter_views or not checked:
            owners, denials = self._zone_owners, self._zone_denials
            return [
                (
                    code,
                    *self._scoped(
                        (indicator_id, theme, year, value, status),
                        owners.get((scale, code), {}),
                        denials.get((scale, code), {}),
                        scope,
                        checked,
                    )[3:],
                )
                for code, value, status in self._values(scale, indicator_id, year)
            ]
        return self.shared_map_values(scale, indicator_id, year)

    def shared_map_values(self, scale: str, indicator_id: str, year: int) -> list[MapValue]:
        """The values every convention granting the indicator's theme sees alike (views
        that do not `depend_on_perimeter`); the caller has checked the theme is granted."""
        if self.depends_on_perimeter(scale, indicator_id, year):
            raise ValueError("this view depends on the convention's perimeter: map_values")
        if scale == "residence":
            return self._residence_values(indicator_id, year)
        return self._values(scale, indicator_id, year)

    def _values(self, scale: str, indicator_id: str, year: int) -> list[MapValue]:
        return (
            self._cursor()
            .execute(
                "SELECT code, value, status FROM indicators "
                "WHERE scale = ? AND indicator_id = ? AND year = ?",
                [scale, indicator_id, year],
            )
            .fetchall()
        )

    def _residence_values(self, indicator_id: str, year: int) -> list[MapValue]:
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
