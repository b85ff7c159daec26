"""Indicators of every scale and vintage, in DuckDB, with secrecy applied.

The work is done on residence sums (`residence_year` for Parc, `household_year` for
Occupation): a zone's sums are the sums of its residences' sums, so no query runs over
dwellings after the first pass. Secrecy is decided in Python on the small per-residence
counts (`disclosure.Discloser`) and joined back as table `secret_value`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import duckdb
import pandas as pd

from data.catalog import CATALOG, PERSONS_PER_MAIN_RESIDENCE
from data.pipeline.disclosure import Decision
from data.pipeline.perimeters import PerimeterDecision
from data.pipeline.residences import rule_sums
from data.pipeline.rules import QPV_SHARE, SOCIAL_SHARE, Rule, row_rules
from data.pipeline.secrecy import Cell
from data.pipeline.shares import ShareKey, ShareSums

THEME_UNITS = {"parc": "residence_year", "occupation": "household_year"}


def create_main_residences(con: duckdb.DuckDBPyConnection, years: list[int]) -> list[str]:
    """Table `main_residence` (scale, code, year, main_residences) for the communes, the
    EPCI and the zones above it (`zone_upper`): the census main residences (table
    `census`) of the latest census year not after the RPLS vintage (the oldest one when
    all are later); for a commune the census does not give, the municipal population /
    2.2. Returns those estimated communes."""
    year_list = ", ".join(str(int(year)) for year in years) or "NULL"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE commune_main_residence AS
        WITH vintage AS (SELECT unnest([{year_list}]) AS year),
        census_year AS (
          SELECT vintage.year,
            coalesce(max(c.year) FILTER (WHERE c.year <= vintage.year), min(c.year))
              AS census_year
          FROM vintage CROSS JOIN (SELECT DISTINCT year FROM census) AS c
          GROUP BY vintage.year
        )
        SELECT zone.code, vintage.year,
          coalesce(census.main_residences, zone.population / {PERSONS_PER_MAIN_RESIDENCE})
            AS main_residences,
          census.main_residences IS NULL AS estimated
        FROM zone CROSS JOIN vintage
        LEFT JOIN census_year USING (year)
        LEFT JOIN census
          ON census.depcom = zone.code AND census.year = census_year.census_year
        WHERE zone.scale = 'commune' AND vintage.year IS NOT NULL
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE main_residence AS
        SELECT 'commune' AS scale, code, year, main_residences FROM commune_main_residence
        UNION ALL
        SELECT 'epci', e.epci_code, m.year, sum(m.main_residences)
        FROM commune_main_residence AS m
        JOIN zone_epci AS e ON e.scale = 'commune' AND e.code = m.code
        WHERE e.epci_code IN (SELECT code FROM zone WHERE scale = 'epci')
        GROUP BY ALL
        UNION ALL
        SELECT u.scale, u.code, m.year, sum(m.main_residences)
        FROM commune_main_residence AS m JOIN zone_upper AS u ON u.commune_code = m.code
        GROUP BY ALL
        """
    )
    rows = con.execute(
        "SELECT DISTINCT code FROM commune_main_residence WHERE estimated ORDER BY code"
    ).fetchall()
    return [code for (code,) in rows]


def create_household_year(con: duckdb.DuckDBPyConnection, links: dict[int, int]) -> int:
    """Table `household_year` (residence, OPS year, household sums); returns the number of
    households of the EPCI's communes that match no RPLS dwelling (left out)."""
    con.execute("CREATE OR REPLACE TEMP TABLE ops_link (ops_year INTEGER, rpls_year INTEGER)")
    if links:
        con.executemany("INSERT INTO ops_link VALUES (?, ?)", list(links.items()))
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW household AS
        SELECT ops.*, dwelling_key.residence_id
        FROM ops
        JOIN ops_link ON ops.year = ops_link.ops_year
        JOIN (
          SELECT year, siren_bailleur, ident_int, any_value(residence_id) AS residence_id
          FROM dwelling WHERE year IN (SELECT rpls_year FROM ops_link) GROUP BY ALL
        ) AS dwelling_key
          ON dwelling_key.year = ops_link.rpls_year
         AND dwelling_key.siren_bailleur = ops.siren_bailleur
         AND dwelling_key.ident_int = ops.ident_int
        """
    )
    sums = rule_sums(row_rules("occupation"))
    per_residence = (
        f"SELECT residence_id, year, count(*) AS n_households, {sums.aggregates} "
        "FROM household GROUP BY residence_id, year"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE household_year AS
        SELECT present.residence_id, ops_link.ops_year AS year,
          coalesce(sums.n_households, 0) AS n_units,
          sums.* EXCLUDE (residence_id, year, n_households)
        FROM ops_link
        JOIN residence_year AS present ON present.year = ops_link.rpls_year
        LEFT JOIN ({sums.wrap(per_residence)}) AS sums
          ON sums.residence_id = present.residence_id AND sums.year = ops_link.ops_year
        """
    )
    households = con.execute(
        "SELECT count(*) FROM ops WHERE depcom IN (SELECT code FROM epci_commune)"
    ).fetchone()[0]
    matched = con.execute("SELECT coalesce(sum(n_units), 0) FROM household_year").fetchone()[0]
    return int(households - matched)


def read_cells(con: duckdb.DuckDBPyConnection, theme: str) -> dict[int, list[Cell]]:
    """The units (dwellings or households) of every residence and vintage of a theme, with
    its zones: what secrecy is decided on."""
    units = con.execute(
        f"""
        SELECT u.year, u.residence_id, u.n_units, z.epci_code, z.commune_code, z.iris_code,
          z.qpv_code
        FROM {THEME_UNITS[theme]} AS u JOIN residence_zone AS z USING (residence_id)
        ORDER BY u.year, u.residence_id
        """
    ).fetchall()
    cells_of_year: dict[int, list[Cell]] = defaultdict(list)
    for year, residence_id, count, epci, commune, iris, qpv in units:
        cells_of_year[year].append(Cell(residence_id, count, epci, commune, iris, qpv))
    return dict(cells_of_year)


def read_residence_counts(
    con: duckdb.DuckDBPyConnection, theme: str, indicator_id: str
) -> dict[int, dict[str, int]]:
    """A count rule's sum for every residence, by vintage (zero where it counts nothing):
    the vacant dwellings, which leave no room for a household."""
    index = list(row_rules(theme)).index(indicator_id)
    rows = con.execute(
        f"SELECT year, code, coalesce(n{index}, 0) FROM {theme}_sums WHERE scale = 'residence'"
    ).fetchall()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for year, residence_id, count in rows:
        if count:
            counts[year][residence_id] = int(count)
    return dict(counts)


def read_share_sums(
    con: duckdb.DuckDBPyConnection, theme: str, indicator_ids: Collection[str] | None = None
) -> dict[ShareKey, ShareSums]:
    """The numerator and denominator of every share indicator of a theme (a rule with a
    denominator, in percent; those of `indicator_ids` only when given), by vintage and
    audit cell: what the share audit reads."""
    rules = row_rules(theme)
    shares = {
        index: indicator_id
        for index, (indicator_id, rule) in enumerate(rules.items())
        if rule.denominator is not None
        and rule.factor == 100.0
        and (indicator_ids is None or indicator_id in indicator_ids)
    }
    columns = ", ".join(f"coalesce(n{i}, 0) AS n{i}, coalesce(d{i}, 0) AS d{i}" for i in shares)
    frame = con.execute(
        f"SELECT scale || ':' || code AS cell, year, {columns} FROM {theme}_sums"
    ).df()
    result: dict[ShareKey, ShareSums] = {}
    for year, rows in frame.groupby("year"):
        cells = rows["cell"].tolist()
        for index, indicator_id in shares.items():
            result[(theme, int(year), indicator_id)] = ShareSums(
                dict(zip(cells, rows[f"n{index}"].astype(float).tolist(), strict=True)),
                dict(zip(cells, rows[f"d{index}"].astype(float).tolist(), strict=True)),
            )
    return result


def register_decision(con: duckdb.DuckDBPyConnection, decision: Decision) -> None:
    """Table `secret_value` (theme, scale, code, year, indicator_id): what secrecy hides.
    A null indicator hides every value of the theme for that residence or zone (its
    rates too: several rates k/D of one zone pin its hidden count D)."""
    rows: list[tuple] = []
    for theme, by_year in decision.disclosures.items():
        for year, outcome in by_year.items():
            rows.extend((theme, "residence", r, year, None) for r in outcome.hidden_residences)
            rows.extend((theme, scale, code, year, None) for scale, code in outcome.secret_zones)
    rows.extend(decision.secret_values)
    frame = pd.DataFrame(rows, columns=["theme", "scale", "code", "year", "indicator_id"])
    frame["year"] = frame["year"].astype("int32")
    frame["indicator_id"] = frame["indicator_id"].astype("string")
    con.register("secret_value_frame", frame)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE secret_value AS "
        "SELECT DISTINCT theme, scale, code, year, indicator_id FROM secret_value_frame"
    )
    con.unregister("secret_value_frame")


def _sums_select(scale: str, code: str, source: str, sums: str) -> str:
    """The rule sums of the zones of `scale` (SQL), by `code` and year, over `source`."""
    return f"""SELECT {scale} AS scale, {code} AS code, year, sum(n_units) AS n_units,
          sum(CASE WHEN qpv_code IS NOT NULL THEN n_units ELSE 0 END) AS qpv_units, {sums}
        FROM {source} GROUP BY ALL"""


def create_zone_sums(con: duckdb.DuckDBPyConnection, theme: str, years: list[int]) -> None:
    """Table `<theme>_sums`: the rule sums of every zone and vintage (zero-filled for zones
    without residences) and of every residence present in a vintage."""
    unit = THEME_UNITS[theme]
    width = len(row_rules(theme))
    sums = ", ".join(f"sum(n{i}) AS n{i}, sum(d{i}) AS d{i}" for i in range(width))
    columns = ", ".join(f"s.n{i}, s.d{i}" for i in range(width))
    grouped = " UNION ALL ".join(
        [
            *(
                _sums_select(f"'{scale}'", column, f"located WHERE {column} IS NOT NULL", sums)
                for scale, column in (
                    ("epci", "epci_code"),
                    ("commune", "commune_code"),
                    ("iris", "iris_code"),
                    ("qpv", "qpv_code"),
                )
            ),
            # the départements and regions (`zone_upper`), sums of their communes
            _sums_select(
                "u.scale", "u.code", "located JOIN zone_upper AS u USING (commune_code)", sums
            ),
        ]
    )
    year_list = ", ".join(str(int(year)) for year in years) or "NULL"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {theme}_sums AS
        WITH located AS (SELECT * FROM {unit} JOIN residence_zone USING (residence_id)),
        grouped AS ({grouped}),
        grid AS (
          SELECT zone.scale, zone.code, m.main_residences, years.year
          FROM zone CROSS JOIN (SELECT unnest([{year_list}]) AS year) AS years
          LEFT JOIN main_residence AS m
            ON m.scale = zone.scale AND m.code = zone.code AND m.year = years.year
          WHERE years.year IS NOT NULL
        )
        SELECT grid.scale, grid.code, grid.year, grid.main_residences,
          coalesce(s.n_units, 0) AS n_units, coalesce(s.qpv_units, 0) AS qpv_units, {columns}
        FROM grid LEFT JOIN grouped AS s USING (scale, code, year)
        UNION ALL
        SELECT 'residence', u.residence_id, u.year, NULL, u.n_units,
          CASE WHEN z.qpv_code IS NOT NULL THEN u.n_units ELSE 0 END, {columns.replace("s.", "u.")}
        FROM {unit} AS u JOIN residence_zone AS z USING (residence_id)
        """
    )


def value_sql(indicator_id: str, index: int | None, rule: Rule | None) -> str:
    """The SQL of an indicator's value from the sums of its row (`n<i>`, `d<i>`...)."""
    if indicator_id == QPV_SHARE:
        return "CASE WHEN n_units > 0 THEN 100.0 * qpv_units / n_units END"
    if indicator_id == SOCIAL_SHARE:
        return "CASE WHEN main_residences > 0 THEN 100.0 * n_units / main_residences END"
    assert rule is not None and index is not None
    if rule.denominator is None:
        return f"coalesce(n{index}, 0) * {rule.factor}"
    return f"CASE WHEN d{index} > 0 THEN n{index} / d{index} * {rule.factor} END"


def register_perimeters(con: duckdb.DuckDBPyConnection, decision: PerimeterDecision) -> None:
    """Tables `zone_owner` (scale, code, year, residence_id): the occupation zone values
    that follow one residence's access rule, and `zone_denial` (scale, code, year,
    perimeter): the zone values hidden from a single perimeter."""
    owners = [
        (scale, code, year, residence_id)
        for year, by_zone in decision.owners.items()
        for (scale, code), residence_id in by_zone.items()
    ]
    denials = [
        (scale, code, year, perimeter)
        for year, by_zone in decision.denials.items()
        for (scale, code), perimeters in by_zone.items()
        for perimeter in sorted(perimeters)
    ]
    for table, rows, last in (
        ("zone_owner", owners, "residence_id"),
        ("zone_denial", denials, "perimeter"),
    ):
        frame = pd.DataFrame(rows, columns=["scale", "code", "year", last], dtype="string")
        frame["year"] = frame["year"].astype("int32")
        con.register(f"{table}_frame", frame)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT scale::VARCHAR AS scale, "
            f"code::VARCHAR AS code, year::INTEGER AS year, {last}::VARCHAR AS {last} "
            f"FROM {table}_frame"
        )
        con.unregister(f"{table}_frame")


def create_indicator_rows(con: duckdb.DuckDBPyConnection, themes: list[str]) -> None:
    """Table `indicator_row`: the long format of the warehouse, secrecy applied, in no
    particular order (`proximity.append_indicator_rows` sorts it once, with its rows)."""
    selects = []
    for theme in themes:
        rules = row_rules(theme)
        index_of = {indicator_id: i for i, indicator_id in enumerate(rules)}
        for indicator in (ind for ind in CATALOG.values() if ind.theme == theme):
            scales = ", ".join(f"'{scale}'" for scale in indicator.scales)
            raw = value_sql(indicator.id, index_of.get(indicator.id), rules.get(indicator.id))
            selects.append(
                f"SELECT scale, code, year, '{indicator.id}' AS indicator_id, '{theme}' AS theme, "
                f"CAST({raw} AS DOUBLE) AS raw_value FROM {theme}_sums WHERE scale IN ({scales})"
            )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE indicator_row AS
        WITH computed AS ({" UNION ALL ".join(selects)}),
        whole AS (
          SELECT DISTINCT theme, scale, code, year FROM secret_value WHERE indicator_id IS NULL
        ),
        single AS (SELECT * FROM secret_value WHERE indicator_id IS NOT NULL)
        SELECT c.scale, c.code, CAST(c.year AS INTEGER) AS year, c.indicator_id, c.theme,
          CASE WHEN w.code IS NULL AND s.code IS NULL THEN c.raw_value END AS value,
          CASE WHEN w.code IS NOT NULL OR s.code IS NOT NULL THEN 'secret'
               WHEN c.raw_value IS NULL THEN 'nd'
               WHEN o.residence_id IS NOT NULL THEN 'perimeter' ELSE 'ok' END AS status,
          CASE WHEN w.code IS NULL AND s.code IS NULL THEN o.residence_id END
            AS residence_id,
          CASE WHEN w.code IS NULL AND s.code IS NULL THEN d.perimeters END AS hidden_from
        FROM computed AS c
        LEFT JOIN whole AS w
          ON w.theme = c.theme AND w.scale = c.scale AND w.code = c.code AND w.year = c.year
        LEFT JOIN single AS s
          ON s.theme = c.theme AND s.scale = c.scale AND s.code = c.code AND s.year = c.year
         AND s.indicator_id = c.indicator_id
        LEFT JOIN zone_owner AS o
          ON c.theme = 'occupation' AND o.scale = c.scale AND o.code = c.code
         AND o.year = c.year
        LEFT JOIN (
          SELECT scale, code, year, list(perimeter ORDER BY perimeter) AS perimeters
          FROM zone_denial GROUP BY ALL
        ) AS d
          ON c.theme = 'occupation' AND d.scale = c.scale AND d.code = c.code
         AND d.year = c.year
        """
    )
