"""The residence finder: every residence a scope may see, filtered, sorted and paged in SQL.

One wide table (`finder`) is built once per process from the warehouse: a residence's
identification, then, for every residence-level indicator of the catalogue, its value and
status at the residence's latest vintage. The columns offered follow the catalogue, so a
new theme's residence indicators appear without change here.

The scope is applied in every query, as the residence sheet applies it: a theme's values
need the convention's dataset, a perimeter theme's (occupation) are read only inside the
perimeter. A value that may not be shown (secret, outside the perimeter) is NULL in the
expression that filters and sorts, exactly like a missing one: a numeric filter never
matches it and a sort puts it last, after every shown value, among the missing ones, in
name order, so that neither a filter nor a sort tells anything about it.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from data.catalog import CATALOG, THEMES, indicators_for
from data.scope import PERIMETER_THEMES, WHOLE_TERRITORY_TYPES, AccessScope
from data.store.connection import Warehouse
from data.store.finder_types import (
    CATALOG_ID,
    IDENTITY,
    MAX_PAGE,
    MAX_QUICK_LENGTH,
    NUMBER,
    NUMBER_OPERATORS,
    SIZE_CLASS_LABELS,
    TEXT,
    ZONE_COLUMNS,
    FinderColumn,
    FinderPage,
    FinderQuery,
    NumberCondition,
    TextCondition,
)
from data.store.finder_values import FinderValues


def _identity_columns() -> tuple[FinderColumn, ...]:
    return (
        FinderColumn("name", "Résidence", TEXT, IDENTITY, sql="name", sort_sql="name_rank"),
        FinderColumn("address", "Adresse", TEXT, IDENTITY, sql="address"),
        FinderColumn("commune", "Commune", TEXT, IDENTITY, sql="commune_name"),
        FinderColumn("iris", "IRIS", TEXT, IDENTITY, sql="iris_name"),
        FinderColumn(
            "qpv", "QPV", TEXT, IDENTITY, sql="CASE WHEN qpv_code IS NULL THEN 'Non' ELSE 'Oui' END"
        ),
        FinderColumn("qpv_name", "Nom du QPV", TEXT, IDENTITY, sql="coalesce(qpv_name, '')"),
        FinderColumn("landlord", "Bailleur", TEXT, IDENTITY, sql="bailleur_name"),
        FinderColumn("size_class", "Taille", TEXT, IDENTITY, sql="size_label"),
        FinderColumn(
            "secrecy",
            "Secret statistique",
            TEXT,
            IDENTITY,
            sql="CASE WHEN secret THEN 'Secret' ELSE 'Publiée' END",
        ),
    )


@functools.lru_cache(maxsize=8)
def _indicator_columns(present: frozenset[str]) -> tuple[FinderColumn, ...]:
    return tuple(
        FinderColumn(
            indicator.column,
            indicator.label,
            NUMBER,
            indicator.theme,
            indicator.unit,
            indicator.decimals,
            sql=indicator.column,
            status_sql=f"{indicator.column}__status",
        )
        for indicator in indicators_for("residence")
        if indicator.id in present
    )


CONSTRUCTION_YEAR = FinderColumn(
    "construction_year",
    "Année de construction",
    NUMBER,
    "parc",
    sql="construction_year",
    status_sql="construction_year__status",
)


# The order of the name column: residences with a name of their own first, by name and
# commune (a name such as "Cité Jardin" recurs across the territory); then
# those known only by their address ("12 bis rue Jacquard, 59390 ..."), by commune, street
# and number, so that a list does not open on a run of street numbers.
STREET_NUMBER = "'^[0-9]+( ?(bis|ter|quater|[A-Za-z]))? +'"
# the number of a programme named after an earlier one (« Cité Jardin 2 » before « … 10 »)
PROGRAMME_NUMBER = "' ([0-9]+)$'"
READING_ORDER = f"""r.name IS NULL, r.name = r.address,
    CASE WHEN r.name = r.address THEN lower(strip_accents(c.name)) END,
    CASE WHEN r.name = r.address
         THEN lower(strip_accents(regexp_replace(r.address, {STREET_NUMBER}, ''))) END,
    CASE WHEN r.name = r.address
         THEN TRY_CAST(regexp_extract(r.address, '^[0-9]+') AS INTEGER) END NULLS FIRST,
    lower(strip_accents(regexp_replace(r.name, {PROGRAMME_NUMBER}, ''))),
    TRY_CAST(regexp_extract(r.name, {PROGRAMME_NUMBER}, 1) AS INTEGER) NULLS FIRST,
    lower(strip_accents(r.name)), r.name, lower(strip_accents(c.name))"""

# The match counts remembered (a filter's count is asked for again with each sort).
MAX_REMEMBERED_TOTALS = 256


def _sql_list(codes: Collection[str]) -> str:
    """A list of strings as an SQL literal, each quote doubled."""
    quoted = ", ".join("'" + code.replace("'", "''") + "'" for code in sorted(codes))
    return f"[{quoted}]::VARCHAR[]"


def _hashable(params: list[Any]) -> tuple[Any, ...]:
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


class Finder(Warehouse):
    @functools.cached_property
    def _finder_totals(self) -> dict[tuple[Any, ...], int]:
        return {}

    @functools.cached_property
    def _finder_indicators(self) -> frozenset[str]:
        """The residence-level indicators of the catalogue the warehouse holds."""
        rows = (
            self._cursor()
            .execute("SELECT DISTINCT indicator_id FROM indicators WHERE scale = 'residence'")
            .fetchall()
        )
        return frozenset(row[0] for row in rows if row[0] in CATALOG)

    @functools.cached_property
    def _finder_table(self) -> str:
        """Build the `finder` table once: identification, then each indicator's value and
        status at the residence's latest vintage."""
        indicators = _indicator_columns(self._finder_indicators)
        pivots = ",\n".join(
            f"max(value) FILTER (WHERE indicator_id = '{CATALOG_ID[c.field]}') AS {c.field}, "
            f"max(status) FILTER (WHERE indicator_id = '{CATALOG_ID[c.field]}') AS {c.status_sql}"
            for c in indicators
        )
        # Each value as shown to a convention that sees the theme: NULL unless published;
        # its status 'secret' (the residence's or the value's), 'nd' or 'ok'.
        shown = "".join(
            f"""CASE WHEN NOT r.secret AND wide.{c.status_sql} = 'ok' THEN wide.{c.field} END
                   AS {c.field},
               CASE WHEN r.secret OR wide.{c.status_sql} = 'secret' THEN 'secret'
                    WHEN wide.{c.field} IS NULL OR wide.{c.status_sql} <> 'ok' THEN 'nd'
                    ELSE 'ok' END AS {c.status_sql},"""
            for c in indicators
        )
        sizes = " ".join(
            f"WHEN '{code}' THEN '{label}'" for code, label in SIZE_CLASS_LABELS.items()
        )
        self._cursor().execute(
            f"""
            CREATE TABLE finder AS
            WITH latest AS (
                SELECT code, indicator_id, arg_max(value, year) AS value,
                       arg_max(status, year) AS status
                FROM indicators_by_code WHERE scale = 'residence'
                GROUP BY code, indicator_id
            ),
            wide AS (
                SELECT code{"," if pivots else ""} {pivots} FROM latest GROUP BY code
            )
            SELECT r.residence_id, r.name, r.address, r.commune_code, r.iris_code, r.qpv_code,
                   r.bailleur_code, r.bailleur_name, r.lon, r.lat, r.secret,
                   CASE r.size_class {sizes} ELSE '' END AS size_label,
                   CASE WHEN r.secret THEN NULL ELSE r.construction_year END
                       AS construction_year,
                   CASE WHEN r.secret THEN 'secret' WHEN r.construction_year IS NULL THEN 'nd'
                        ELSE 'ok' END AS construction_year__status,
                   c.name AS commune_name, i.name AS iris_name, q.name AS qpv_name,
                   {shown}
                   lower(strip_accents(concat_ws(' ', r.name, r.address, c.name,
                         r.bailleur_name, q.name))) AS haystack,
                   CASE WHEN r.name IS NOT NULL
                        THEN dense_rank() OVER (ORDER BY {READING_ORDER}) END AS name_rank,
                   row_number() OVER (ORDER BY {READING_ORDER}, r.residence_id NULLS LAST)
                       AS name_order
            FROM residences r
            LEFT JOIN wide ON wide.code = r.residence_id
            LEFT JOIN zones c ON c.scale = 'commune' AND c.code = r.commune_code
            LEFT JOIN zones i ON i.scale = 'iris' AND i.code = r.iris_code
            LEFT JOIN zones q ON q.scale = 'qpv' AND q.code = r.qpv_code
            ORDER BY r.name, r.residence_id
            """
        )
        return "finder"

    def finder_columns(self, scope: AccessScope) -> tuple[FinderColumn, ...]:
        """The columns `scope` may see: identification for all, then each granted theme's
        residence indicators, grouped by theme in the catalogue's order."""
        numbers = (CONSTRUCTION_YEAR, *_indicator_columns(self._finder_indicators))
        return _identity_columns() + tuple(
            column
            for theme in THEMES
            if scope.grants(theme)
            for column in numbers
            if column.theme == theme
        )

    @functools.cached_property
    def _finder_values(self) -> FinderValues:
        """Every column of the `finder` table, read once: a page's rows are taken from
        it by position. Reading 80 columns of 100 rows through SQL costs more, per query,
        than the filter and sort that chose them."""
        columns = (
            *_identity_columns(),
            CONSTRUCTION_YEAR,
            *_indicator_columns(self._finder_indicators),
        )
        statuses = [c for c in columns if c.kind == NUMBER]
        select = ", ".join(
            [f"{c.sql} AS {c.field}" for c in columns]
            + [f"{c.status_sql} AS {c.field}__status" for c in statuses]
        )
        arrays = (
            self._cursor()
            .execute(f"SELECT residence_id, lon, lat, {select} FROM {self._finder_table}")
            .fetchnumpy()
        )
        return FinderValues(arrays)

    def finder_page(
        self,
        scope: AccessScope,
        query: FinderQuery,
        start: int = 0,
        end: int = 100,
        max_rows: int = MAX_PAGE,
        fields: Collection[str] | None = None,
    ) -> FinderPage:
        """Rows `start` to `end` (excluded) of the residences `scope` sees that match
        `query`, and how many match in all. Each row has its id, place and, per column,
        the value shown (None when hidden) and, for a number, its status ('ok', 'secret',
        'restricted' outside the perimeter, 'nd'). `fields`: the columns to read (the name
        always), by default all; any column may filter and sort."""
        table = self._finder_table
        in_perimeter = self._in_perimeter(scope)
        columns = self.finder_columns(scope)
        by_field = {column.field: column for column in columns}
        where, params = self._finder_where(scope, query, by_field)
        shown = tuple(
            c for c in columns if fields is None or c.field in fields or c.field == "name"
        )
        order = self._finder_order(scope, query, by_field)
        limit = max(0, min(end, start + max_rows) - max(start, 0))
        cursor = self._cursor()
        # The count of matches does not change with the sort or the block asked for: it is
        # remembered per filter, and the sort then keeps only the rows of its block.
        counted_key = (where, _hashable(params))
        total = self._finder_totals.get(counted_key)
        count = "count(*) OVER ()" if total is None else "NULL"
        matches = cursor.execute(
            f"SELECT residence_id, {in_perimeter}, {count} FROM {table} WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, max(start, 0)],
        ).fetchall()
        if total is None:
            if matches:
                total = int(matches[0][2])
            else:
                counted = cursor.execute(
                    f"SELECT count(*) FROM {table} WHERE {where}", params
                ).fetchone()
                total = int(counted[0]) if counted else 0
            if len(self._finder_totals) >= MAX_REMEMBERED_TOTALS:
                self._finder_totals.clear()
            self._finder_totals[counted_key] = total
        rows = self._finder_values.rows([match[0] for match in matches], shown)
        visible = {column.field: self._visible(scope, column.theme) for column in shown}
        hidden_outside = [field for field, condition in visible.items() if condition != "TRUE"]
        for row, (_, in_perimeter, _) in zip(rows, matches, strict=True):
            for field in hidden_outside:
                if not in_perimeter or visible[field] == "FALSE":
                    row[field] = None
                    row[f"{field}__status"] = "restricted"
        return FinderPage(rows, total, shown)

    def _visible(self, scope: AccessScope, theme: str) -> str:
        """The SQL condition under which `scope` sees a residence's values of `theme`."""
        if theme == IDENTITY:
            return "TRUE"
        if not scope.grants(theme):
            return "FALSE"
        if theme not in PERIMETER_THEMES or scope.partner_type in WHOLE_TERRITORY_TYPES:
            return "TRUE"
        return self._in_perimeter(scope)

    def _in_perimeter(self, scope: AccessScope) -> str:
        """SQL: whether the convention's perimeter covers the residence
        (`AccessScope.covers_residence`). Its codes, from the server's session, are
        written in as quoted literals: a subquery adding the condition as a column, to
        bind them once, cost more than the sort it served."""
        if scope.partner_type == "commune":
            return f"list_contains({_sql_list(scope.communes)}, commune_code)"
        if scope.partner_type == "bailleur":
            return f"list_contains({_sql_list(scope.bailleurs)}, bailleur_code)"
        return str(scope.partner_type in WHOLE_TERRITORY_TYPES).upper()

    def _shown_value(self, scope: AccessScope, column: FinderColumn) -> str:
        """The value a user sees in a cell: NULL when hidden, secret or missing."""
        visible = self._visible(scope, column.theme)
        if column.kind == TEXT or visible == "TRUE":
            return column.sql
        return f"(CASE WHEN {visible} THEN {column.sql} END)"

    def _finder_where(
        self, scope: AccessScope, query: FinderQuery, by_field: dict[str, FinderColumn]
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        for column_filter in query.filters:
            column = by_field.get(column_filter.field)
            if column is None:
                continue
            value = self._shown_value(scope, column)
            parts: list[str] = []
            for condition in column_filter.conditions:
                clause = _condition_sql(column, condition)
                if clause is None:
                    continue
                sql, condition_params = clause
                parts.append(sql)
                params += condition_params
            if parts:
                joiner = " OR " if column_filter.join == "OR" else " AND "
                clauses.append("(" + joiner.join(p.replace("{v}", value) for p in parts) + ")")
        quick = query.quick.strip().lower()[:MAX_QUICK_LENGTH]
        if quick:
            clauses.append("contains(haystack, lower(strip_accents(?)))")
            params.append(quick)
        if query.zone is not None and query.zone[0] in ZONE_COLUMNS:
            clauses.append(f"{ZONE_COLUMNS[query.zone[0]]} = ?")
            params.append(query.zone[1])
        if query.bbox is not None:
            clauses.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
            west, south, east, north = query.bbox
            params += [west, east, south, north]
        if query.residence_ids is not None:
            clauses.append("list_contains(?, residence_id)")
            params.append(list(query.residence_ids))
        return " AND ".join(clauses), params

    def _finder_order(
        self, scope: AccessScope, query: FinderQuery, by_field: dict[str, FinderColumn]
    ) -> str:
        """Shown values first, in the order asked; hidden and missing ones last, by name
        then id (`name_order`: that order as an integer, which sorts about twice as fast as
        the names at 30 000 residences)."""
        keys = [
            f"{self._sort_value(scope, by_field[key.field])} "
            f"{'DESC' if key.descending else 'ASC'} NULLS LAST"
            for key in query.sort
            if key.field in by_field
        ]
        return ", ".join([*keys, "name_order"])

    def _sort_value(self, scope: AccessScope, column: FinderColumn) -> str:
        """The expression a sort on the column orders by: its shown value, or one in the
        same order (a text column's rank, NULL where the value is)."""
        if column.sort_sql and self._visible(scope, column.theme) == "TRUE":
            return column.sort_sql
        return self._shown_value(scope, column)


def _condition_sql(
    column: FinderColumn, condition: NumberCondition | TextCondition
) -> tuple[str, list[Any]] | None:
    """One condition over the column's shown value ("{v}" stands for it) and its
    parameters, or None when it does not apply to the column's kind."""
    if condition.operator == "blank":
        return "({v} IS NULL OR CAST({v} AS VARCHAR) = '')", []
    if condition.operator == "notBlank":
        return "({v} IS NOT NULL AND CAST({v} AS VARCHAR) <> '')", []
    if column.kind == NUMBER and isinstance(condition, NumberCondition):
        if condition.value is None:
            return None
        if condition.operator == "inRange" and condition.value_to is not None:
            return "{v} BETWEEN ? AND ?", [condition.value, condition.value_to]
        operator = NUMBER_OPERATORS.get(condition.operator)
        return (f"{{v}} {operator} ?", [condition.value]) if operator else None
    if column.kind == TEXT and isinstance(condition, TextCondition):
        text = condition.text.lower()
        patterns = {
            "contains": ("contains(lower({v}), ?)", text),
            "notContains": ("NOT contains(lower({v}), ?)", text),
            "equals": ("lower({v}) = ?", text),
            "notEqual": ("lower({v}) <> ?", text),
            "startsWith": ("starts_with(lower({v}), ?)", text),
            "endsWith": ("ends_with(lower({v}), ?)", text),
        }
        if condition.operator not in patterns:
            return None
        sql, param = patterns[condition.operator]
        return sql, [param]
    return None
