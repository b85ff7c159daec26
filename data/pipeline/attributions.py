"""Attributions: the SNE's demand and allocations per zone and year, secrecy applied.

    sne rows -> facts (a part of a commune, in or out of a QPV, and the categories)
             -> grids (each breakdown with its margins, `grid_secrecy`)
             -> hidden cells -> indicator rows (theme `attributions`) and breakdown rows

Cells are named `<measure>|<node>|<scale>:<code>`: the measure (`demandes` pending at
31/12, `attributions` in the year), a node of categories (`total`, `typology:T3`,
`out:Q1` the first quartile outside QPV, `holder:etat:prio`, `landlord:<SIREN>:out:known`,
see `NODES`) and a zone (the EPCI, a commune, a QPV where the file gives `CODE_QPV`).
Pending applications are the applicant's: they have no QPV nor landlord.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data.catalog import CATALOG
from data.pipeline.grid_secrecy import Grid, GridReport, Witness, protect

PENDING, ALLOCATED = "demandes", "attributions"
OUT, IN = "out", "in"  # the side of QPV of an allocated dwelling
UNKNOWN_QPV = "?"
LOCAL_BREAKDOWN_MINIMUM = 10  # times the threshold, see `Breakdown.local_minimum`
HOLDERS = ("etat", "action_logement", "collectivites", "bailleur")
THRESHOLDS_PATH = Path(__file__).resolve().parents[1] / "reference" / "quartile_thresholds.csv"

Nodes = Callable[[pd.Series], list[str]]


def _quartile_nodes(prefix: str, quartile: str) -> list[str]:
    if quartile == "NR":
        return []
    return [f"{prefix}known", f"{prefix}{'Q1' if quartile == 'Q1' else 'Q234'}"]


def holder_nodes(row) -> list[str]:
    holder = f"holder:{row.reservataire}"
    nodes = ["total", row.side, holder, f"{holder}:{'prio' if row.prioritaire else 'nonprio'}"]
    nodes += _quartile_nodes(f"{row.side}:", row.quartile)
    if row.side == OUT:
        nodes += _quartile_nodes(f"{holder}:out:", row.quartile)
    return nodes


def quartile_nodes(row) -> list[str]:
    return ["total", row.side, *_quartile_nodes(f"{row.side}:", row.quartile)]


def landlord_nodes(row) -> list[str]:
    nodes = ["total"]
    outside = row.side == OUT
    if outside:
        nodes += _quartile_nodes("out:", row.quartile)
    if row.siren:
        nodes.append(f"landlord:{row.siren}")
        if outside:
            nodes += _quartile_nodes(f"landlord:{row.siren}:out:", row.quartile)
    return nodes


def category_nodes(name: str) -> Nodes:
    def nodes(row) -> list[str]:
        value = getattr(row, name)
        return ["total", f"{name}:{value}"] if value else ["total"]

    return nodes


def pending_quartile_nodes(row) -> list[str]:
    return ["total", *_quartile_nodes("", row.quartile)]


@dataclass(frozen=True)
class Breakdown:
    """One grid: a measure, the categories of its leaves, and the nodes a leaf is in."""

    name: str
    measure: str
    columns: tuple[str, ...]
    nodes: Nodes
    needs: str | None = None  # an optional column the breakdown needs
    # False: published for the EPCI only (a commune's allocations split by reservation
    # holder or landlord are mostly below the threshold: hiding them and their
    # complements would hide the commune's own targets)
    local: bool = True
    # a commune or QPV gets the breakdown only when its total reaches this many times the
    # threshold (below, most of its categories would be secret, and protecting them takes
    # the audit minutes); its total stays published
    local_minimum: int = 0

    def publishes(self, zone: str) -> bool:
        return self.local or zone.startswith("epci:")


BREAKDOWNS = (
    Breakdown(
        "holders",
        ALLOCATED,
        ("reservataire", "prioritaire", "side", "quartile"),
        holder_nodes,
        local=False,
    ),
    Breakdown("quartiles", ALLOCATED, ("side", "quartile"), quartile_nodes),
    Breakdown(
        "allocated_typology",
        ALLOCATED,
        ("typology",),
        category_nodes("typology"),
        local_minimum=LOCAL_BREAKDOWN_MINIMUM,
    ),
    Breakdown(
        "landlords",
        ALLOCATED,
        ("siren", "side", "quartile"),
        landlord_nodes,
        "siren",
        local=False,
    ),
    Breakdown(
        "pending_typology",
        PENDING,
        ("typology",),
        category_nodes("typology"),
        local_minimum=LOCAL_BREAKDOWN_MINIMUM,
    ),
    Breakdown("pending_quartile", PENDING, ("quartile",), pending_quartile_nodes),
    Breakdown(
        "pending_motif",
        PENDING,
        ("motif",),
        category_nodes("motif"),
        "motif",
        local_minimum=LOCAL_BREAKDOWN_MINIMUM,
    ),
    Breakdown(
        "pending_seniority",
        PENDING,
        ("seniority",),
        category_nodes("seniority"),
        "seniority",
        local_minimum=LOCAL_BREAKDOWN_MINIMUM,
    ),
)


def cell_name(measure: str, node: str, zone: str) -> str:
    return f"{measure}|{node}|{zone}"


def parse_cell(cell: str) -> tuple[str, str, str, str]:
    """(measure, node, scale, code) of a cell name."""
    measure, node, zone = cell.split("|")
    scale, code = zone.split(":", 1)
    return measure, node, scale, code


def read_facts(
    con: duckdb.DuckDBPyConnection, epci_of: pd.Series, communes: list[str], qpvs: list[str]
) -> pd.DataFrame:
    """The SNE rows of the territory's communes, with the part of commune each one counts
    in and its EPCI (`epci_of`: commune code -> EPCI code)."""
    con.register("facts_communes", pd.DataFrame({"code": communes}))
    con.register("facts_qpvs", pd.DataFrame({"code": qpvs}))
    facts = con.execute(
        f"""
        SELECT s.year, s.depcom, s.indicateur AS measure, s.typologie AS typology,
          s.quartile, CASE WHEN s.qpv THEN '{IN}' ELSE '{OUT}' END AS side,
          s.reservataire, s.public_prioritaire AS prioritaire, s.nombre,
          s.delai_median_mois AS delay, coalesce(s.siren_bailleur, '') AS siren,
          CASE WHEN s.indicateur = '{PENDING}' OR NOT s.qpv THEN ''
               WHEN q.code IS NOT NULL THEN q.code ELSE '{UNKNOWN_QPV}' END AS qpv_code,
          coalesce(s.motif, '') AS motif, coalesce(s.anciennete_mois, '') AS seniority
        FROM sne AS s
        JOIN facts_communes AS c ON c.code = s.depcom
        LEFT JOIN facts_qpvs AS q ON q.code = s.code_qpv
        WHERE s.nombre > 0
        """
    ).df()
    con.unregister("facts_communes")
    con.unregister("facts_qpvs")
    facts["epci"] = facts["depcom"].map(epci_of)
    return facts


FACT_COLUMNS = (
    "year", "depcom", "measure", "typology", "quartile", "side", "reservataire",
    "prioritaire", "nombre", "delay", "siren", "qpv_code", "motif", "seniority", "epci",
)  # fmt: skip


def no_facts() -> pd.DataFrame:
    """The facts of a build without SNE files: none (the theme publishes nothing)."""
    return pd.DataFrame(columns=list(FACT_COLUMNS))


def zone_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """The zones each row of `facts` counts in, one per line: `row` (its position) and
    `zone` (the EPCI, its commune, its QPV when known)."""
    positions = np.arange(len(facts))
    qpv = ~facts["qpv_code"].isin(["", UNKNOWN_QPV]).to_numpy()
    return pd.concat(
        [
            pd.DataFrame({"row": positions, "zone": "epci:" + facts["epci"].to_numpy()}),
            pd.DataFrame({"row": positions, "zone": "commune:" + facts["depcom"].to_numpy()}),
            pd.DataFrame(
                {"row": positions[qpv], "zone": "qpv:" + facts["qpv_code"].to_numpy()[qpv]}
            ),
        ],
        ignore_index=True,
    )


def leaf_nodes(facts: pd.DataFrame, breakdown: Breakdown) -> pd.DataFrame:
    """Every leaf of the breakdown in `facts` (its categories), with its label and each of
    its nodes, one per line: `breakdown.nodes` runs once per leaf, not per row."""
    leaves = facts[list(breakdown.columns)].drop_duplicates()
    rows = [
        (*leaf, "/".join(str(value) for value in leaf), node)
        for leaf in leaves.itertuples(index=False)
        for node in breakdown.nodes(leaf)
    ]
    return pd.DataFrame(rows, columns=[*leaves.columns, "label", "node"])


# `breakdown_grids`'s tables: the base cells (a part of a commune, a leaf) of a breakdown
# in each year, each with the published cells it is in (`grid_memberships`); the classes of
# base cells in exactly the same published cells, each under its first name, with their
# sum (`grid_classes`). Formatted with the breakdown's columns, its measure and name, and
# which zones get its categories.
CLASSES_SQL = """
CREATE OR REPLACE TEMP TABLE grid_memberships AS
WITH summed AS (
  SELECT year, depcom, qpv_code, epci, {columns}, sum(nombre)::DOUBLE AS nombre
  FROM grid_facts WHERE measure = '{measure}' GROUP BY ALL
), bases AS (
  SELECT s.year, s.nombre, l.node, s.depcom, s.qpv_code, s.epci,
    'b|{name}|' || s.depcom || '|' || s.qpv_code || '|' || l.label AS base
  FROM summed AS s JOIN grid_leaves AS l ON {same_leaf}
), zones AS (
  SELECT DISTINCT year, base, nombre, 'epci:' || epci AS zone FROM bases
  UNION ALL SELECT DISTINCT year, base, nombre, 'commune:' || depcom FROM bases
  UNION ALL SELECT DISTINCT year, base, nombre, 'qpv:' || qpv_code FROM bases
    WHERE qpv_code NOT IN ('', '{unknown}')
), totals AS (
  SELECT year, zone, sum(nombre) AS total FROM zones GROUP BY ALL
)
SELECT b.year, b.base, b.nombre, '{measure}|' || b.node || '|' || z.zone AS cell
FROM bases AS b JOIN zones AS z USING (year, base) JOIN totals AS t USING (year, zone)
WHERE ({local} OR z.zone LIKE 'epci:%')
  AND (b.node = 'total' OR z.zone LIKE 'epci:%' OR t.total >= {minimum});

CREATE OR REPLACE TEMP TABLE grid_classes AS
WITH signatures AS (
  SELECT year, base, any_value(nombre) AS nombre,
    string_agg(cell, chr(10) ORDER BY cell) AS signature
  FROM grid_memberships GROUP BY ALL
)
SELECT year, min(base) AS base, sum(nombre) AS nombre FROM signatures GROUP BY year, signature;
"""


def breakdown_grids(
    con: duckdb.DuckDBPyConnection,
    facts: pd.DataFrame,
    breakdown: Breakdown,
    years: list[int],
    threshold: int,
) -> dict[int, Grid]:
    """The grid of one breakdown in each year: base cells are (part, leaf), summed; the
    base cells that lie in exactly the same published cells merged into one (their sum):
    the same equations, as a user can tell them apart, in fewer unknowns."""
    leaves = leaf_nodes(facts[facts["measure"] == breakdown.measure], breakdown)
    con.register("grid_leaves", leaves)
    con.execute(
        CLASSES_SQL.format(
            columns=", ".join(breakdown.columns),
            same_leaf=" AND ".join(f"s.{c} IS NOT DISTINCT FROM l.{c}" for c in breakdown.columns),
            measure=breakdown.measure,
            name=breakdown.name,
            unknown=UNKNOWN_QPV,
            local=str(breakdown.local).upper(),
            minimum=breakdown.local_minimum * threshold,
        )
    )
    con.unregister("grid_leaves")
    bases = con.execute("SELECT year, base, nombre FROM grid_classes ORDER BY base").df()
    memberships = con.execute(
        "SELECT year, cell, base FROM grid_memberships SEMI JOIN grid_classes USING (year, base) "
        "ORDER BY base, cell"
    ).df()
    return {
        year: grid(
            f"{breakdown.name} {year}",
            bases[bases["year"] == year],
            memberships[memberships["year"] == year],
        )
        for year in years
    }


def grid(name: str, bases: pd.DataFrame, memberships: pd.DataFrame) -> Grid:
    """The grid of the merged base cells (`base`, `nombre`) and of the published cells
    (`cell`, `base`, by base then cell), with the EPCI cells and the communes' cells of
    the same category."""
    cells: dict[str, list[str]] = {}
    for cell, base in zip(memberships["cell"], memberships["base"], strict=True):
        cells.setdefault(cell, []).append(base)
    # each commune's EPCI, from the base cells of the EPCI cells (a base cell's name
    # `CLASSES_SQL`: b|<breakdown>|<commune>|<QPV>|<category>)
    epci_of = {
        f"commune:{base.split('|', 3)[2]}": cell.split("|")[2]
        for cell, parts in cells.items()
        if "|epci:" in cell
        for base in parts
    }
    columns: dict[str, list[str]] = {}
    for cell in sorted(cells):
        measure, node, zone = cell.split("|")
        total = cell_name(measure, node, epci_of.get(zone, ""))
        if zone.startswith("commune:") and total in cells:
            columns.setdefault(total, []).append(cell)
    axes = {
        base: (f"{commune}|{qpv}", category)
        for base in bases["base"]
        for _, _, commune, qpv, category in [base.split("|", 4)]
    }
    return Grid(
        name,
        dict(zip(bases["base"], bases["nombre"], strict=True)),
        {cell: tuple(parts) for cell, parts in cells.items()},
        {total: tuple(communes) for total, communes in columns.items()},
        axes,
    )


@dataclass
class AttributionDecision:
    """What the attributions publish: every cell's true count and the hidden ones."""

    counts: dict[int, dict[str, float]]  # year -> cell -> true count
    hidden: dict[int, set[str]]
    grids: dict[int, list[Grid]]
    report: GridReport
    seconds: float  # of the secrecy (`protect_tables`)
    breakdowns: tuple[str, ...]  # the breakdowns the files allow
    medians: dict[tuple[int, str], float]  # (year, zone) -> median waiting time (months)
    threshold: int
    witnesses: dict[int, dict[str, list[Witness]]]  # year -> grid -> solutions found

    def manifest(self) -> dict:
        return {**self.report.manifest(), "attribution_seconds": round(self.seconds, 3)}

    def summary(self) -> str:
        r = self.report
        return (
            f"attributions : {r.cells_checked} comptes cachés vérifiés, {r.primary} sous le "
            f"seuil, {r.complementary} + {r.perimeter_complementary} (communes) "
            f"complémentaires, {r.rounds} tours"
        )


def available(facts: pd.DataFrame) -> tuple[Breakdown, ...]:
    """The breakdowns whose optional column the files give."""
    return tuple(
        b for b in BREAKDOWNS if b.needs is None or (facts[b.needs].fillna("") != "").any()
    )


@dataclass(frozen=True)
class Tabulation:
    """The allocation tables before secrecy: each year's grids, and the waiting medians."""

    grids: dict[int, list[Grid]]
    breakdowns: tuple[str, ...]  # the breakdowns the files allow
    medians: dict[tuple[int, str], float]  # (year, zone) -> median waiting time (months)
    threshold: int


def build_grids(
    facts: pd.DataFrame, breakdowns: tuple[Breakdown, ...], threshold: int
) -> dict[int, list[Grid]]:
    """Each year's grids, one per breakdown (`breakdown_grids`)."""
    years = sorted(int(year) for year in facts["year"].unique())
    con = duckdb.connect()
    con.register("grid_facts", facts)
    by_breakdown = [breakdown_grids(con, facts, b, years, threshold) for b in breakdowns]
    con.close()
    return {year: [grids[year] for grids in by_breakdown] for year in years}


def tabulate(facts: pd.DataFrame, threshold: int) -> Tabulation:
    """Build the tables the theme publishes (no secrecy yet)."""
    breakdowns = available(facts)
    return Tabulation(
        build_grids(facts, breakdowns, threshold),
        tuple(b.name for b in breakdowns),
        waiting_medians(facts),
        threshold,
    )


def protect_tables(tabulation: Tabulation) -> AttributionDecision:
    """The secrecy of the tables: the cells each year hides (`grid_secrecy.protect`)."""
    started = time.perf_counter()
    counts: dict[int, dict[str, float]] = {}
    hidden: dict[int, set[str]] = {}
    witnesses: dict[int, dict[str, list[Witness]]] = {}
    report = GridReport()
    for year, grids in tabulation.grids.items():
        secrecy = protect(grids, tabulation.threshold)
        hidden[year], witnesses[year] = secrecy.hidden, secrecy.witnesses
        counts[year] = {c: g.truth(c) for g in grids for c in g.cells}
        for name in (
            "cells_checked", "primary", "complementary", "perimeter_complementary", "rounds"
        ):  # fmt: skip
            setattr(report, name, getattr(report, name) + getattr(secrecy.report, name))
    return AttributionDecision(
        counts,
        hidden,
        tabulation.grids,
        report,
        time.perf_counter() - started,
        tabulation.breakdowns,
        tabulation.medians,
        tabulation.threshold,
        witnesses,
    )


def decide(facts: pd.DataFrame, threshold: int) -> AttributionDecision:
    """The tables and their secrecy."""
    return protect_tables(tabulate(facts, threshold))


def waiting_medians(facts: pd.DataFrame) -> dict[tuple[int, str], float]:
    """Median waiting time of the allocations of each zone and year (months): the median
    of the cells' medians weighted by their allocations (the extract is aggregated), the
    smallest delay whose allocations, with the shorter ones, reach half of them."""
    allocated = facts[(facts["measure"] == ALLOCATED) & facts["delay"].notna()]
    zones = zone_rows(allocated)
    rows = zones["row"].to_numpy()
    known = pd.DataFrame(
        {
            "year": allocated["year"].to_numpy()[rows],
            "zone": zones["zone"].to_numpy(),
            "delay": allocated["delay"].to_numpy(dtype=float)[rows],
            "nombre": allocated["nombre"].to_numpy(dtype=float)[rows],
        }
    ).sort_values(["year", "zone", "delay"], kind="stable", ignore_index=True)
    by_zone = known.groupby(["year", "zone"], sort=False)["nombre"]
    reached = by_zone.cumsum() >= by_zone.transform("sum") / 2
    medians = known[reached].drop_duplicates(["year", "zone"])
    return {
        (int(year), zone): float(delay)
        for year, zone, delay in zip(
            medians["year"], medians["zone"], medians["delay"], strict=True
        )
    }


# indicator id -> (numerator cell node, denominator node, measure); a share in percent.
def share_nodes() -> dict[str, tuple[str, str, str]]:
    shares = {
        "attributions.pending_q1_share": ("Q1", "known", PENDING),
        "attributions.q1_outside_qpv_share": ("out:Q1", "out:known", ALLOCATED),
        "attributions.q234_inside_qpv_share": ("in:Q234", "in:known", ALLOCATED),
    }
    for holder in HOLDERS:
        shares[f"attributions.priority_share_{holder}"] = (
            f"holder:{holder}:prio",
            f"holder:{holder}",
            ALLOCATED,
        )
    return shares


COUNTS = {
    "attributions.pending": (PENDING, "total"),
    "attributions.allocations": (ALLOCATED, "total"),
}


def derived_from(indicator_id: str) -> tuple[tuple[str, str], ...]:
    """The counts, (measure, node), an indicator of the theme is computed from."""
    if indicator_id in COUNTS:
        return (COUNTS[indicator_id],)
    if indicator_id == "attributions.pressure":
        return ((PENDING, "total"), (ALLOCATED, "total"))
    if indicator_id == "attributions.waiting_months":
        return ((ALLOCATED, "total"),)
    numerator, denominator, measure = share_nodes()[indicator_id]
    return ((measure, numerator), (measure, denominator))


def _published(decision: AttributionDecision, year: int, cell: str) -> float | None:
    """The count of `cell` as published: None when hidden or absent (no source row)."""
    if cell in decision.hidden[year]:
        return None
    return decision.counts[year].get(cell)


def _cell_status(decision: AttributionDecision, year: int, cell: str) -> str:
    if cell in decision.hidden[year]:
        return "secret"
    return "ok" if cell in decision.counts[year] else "absent"


def zone_indicators(
    decision: AttributionDecision, year: int, zone: str
) -> list[tuple[str, float | None, str]]:
    """(indicator id, value, status) of one zone and year, from its published counts."""
    values = []

    def count(measure: str, node: str) -> tuple[float | None, str]:
        cell = cell_name(measure, node, zone)
        return _published(decision, year, cell), _cell_status(decision, year, cell)

    for indicator_id, (measure, node) in COUNTS.items():
        value, status = count(measure, node)
        if status != "absent":
            values.append((indicator_id, value, status))
    pending, pending_status = count(PENDING, "total")
    allocated, allocated_status = count(ALLOCATED, "total")
    if "secret" in (pending_status, allocated_status):
        values.append(("attributions.pressure", None, "secret"))
    elif pending_status == "ok" and allocated_status == "ok":
        values.append(("attributions.pressure", pending / allocated, "ok"))
    if allocated_status == "secret":
        values.append(("attributions.waiting_months", None, "secret"))
    elif (year, zone) in decision.medians and allocated_status == "ok":
        values.append(("attributions.waiting_months", decision.medians[(year, zone)], "ok"))
    for indicator_id, (numerator, denominator, measure) in share_nodes().items():
        num, num_status = count(measure, numerator)
        den, den_status = count(measure, denominator)
        if den_status == "absent":
            continue
        if "secret" in (num_status, den_status):
            values.append((indicator_id, None, "secret"))
        elif not den:
            values.append((indicator_id, None, "nd"))
        else:
            values.append((indicator_id, 100.0 * (num or 0.0) / den, "ok"))
    return values


def indicator_rows(
    decision: AttributionDecision, scales_of: Callable[[str], tuple[str, ...]]
) -> pd.DataFrame:
    """The long rows of theme `attributions` (columns of `indicator_row`). `scales_of`:
    indicator id -> its scales (the catalogue's)."""
    rows = []
    for year, counts in decision.counts.items():
        for zone in sorted({cell.split("|")[2] for cell in counts}):
            scale, code = zone.split(":", 1)
            rows.extend(
                (scale, code, year, indicator_id, value, status)
                for indicator_id, value, status in zone_indicators(decision, year, zone)
                if scale in scales_of(indicator_id)
            )
    frame = pd.DataFrame(rows, columns=["scale", "code", "year", "indicator_id", "value", "status"])
    frame["theme"] = "attributions"
    return frame


def breakdown_rows(decision: AttributionDecision) -> pd.DataFrame:
    """`attributions.parquet`: every published count of every breakdown (null when
    secret): scale, code, year, measure, node, value, status."""
    rows = []
    for year, counts in decision.counts.items():
        for cell, truth in counts.items():
            measure, node, scale, code = parse_cell(cell)
            secret = cell in decision.hidden[year]
            rows.append(
                (
                    scale,
                    code,
                    year,
                    measure,
                    node,
                    None if secret else truth,
                    "secret" if secret else "ok",
                )
            )
    frame = pd.DataFrame(
        rows, columns=["scale", "code", "year", "measure", "node", "value", "status"]
    )
    frame["year"] = frame["year"].astype("int32")
    return frame.sort_values(["scale", "code", "year", "measure", "node"], ignore_index=True)


def read_thresholds(epci_codes: list[str], path: Path = THRESHOLDS_PATH) -> pd.DataFrame:
    """The committed first-quartile thresholds of every EPCI of the territory that has some
    (€ per consumption unit per year; each EPCI's own, set by arrêté): epci, year, q1,
    median, q3, source."""
    table = pd.read_csv(path, sep=";", dtype={"epci": str})
    table = table[table["epci"].isin(epci_codes)].copy()
    table["year"] = table["year"].astype("int32")
    return table.sort_values(["epci", "year"], ignore_index=True)


# The tables `create_tables` adds, each written to `<name>.parquet`.
WAREHOUSE_FILES = ("attributions", "quartile_thresholds")


def create_tables(
    con: duckdb.DuckDBPyConnection, decision: AttributionDecision, epci_codes: list[str]
) -> None:
    """Append the theme's rows to `indicator_row`; create `attributions` (the breakdowns)
    and `quartile_thresholds` (the reference table of each EPCI)."""
    rows = indicator_rows(decision, lambda i: CATALOG[i].scales)
    con.register("attribution_indicator_frame", rows)
    con.execute(
        """
        INSERT INTO indicator_row (scale, code, year, indicator_id, theme, value, status)
        SELECT scale, code, CAST(year AS INTEGER), indicator_id, theme, value, status
        FROM attribution_indicator_frame
        """
    )
    con.unregister("attribution_indicator_frame")
    for name, frame in (
        ("attributions", breakdown_rows(decision)),
        ("quartile_thresholds", read_thresholds(epci_codes)),
    ):
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
        con.unregister(f"{name}_frame")
