"""The build's proof: read back what the warehouse is about to publish (table
`indicator_row` and the residence table) and check it is exactly what the disclosure
audit passed (`disclosure.Discloser`), with bounds no looser than a user reads there;
anything else is audited anew."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import numpy as np
import pandas as pd

from data.catalog import SIZE_CLASSES
from data.pipeline.attributions import AttributionDecision, cell_name, derived_from
from data.pipeline.audit import INFINITY, Table, audit_changes, audit_table
from data.pipeline.disclosure import (
    AUDITED_CHANGES,
    QPV_PART,
    QPV_SHARE,
    THEMES,
    Discloser,
    occupied_at_most,
    residence_cell,
    zone_cell,
)
from data.pipeline.grid_secrecy import audit_grids
from data.pipeline.perimeters import PerimeterDecision
from data.pipeline.share_audit import ShareTable
from data.pipeline.shares import (
    NUMERATOR_COUNTS,
    PEOPLE_THEMES,
    ShareDiscloser,
    is_small_count,
)

VACANT = "parc.vacant_dwellings"


class DisclosureError(RuntimeError):
    """The warehouse about to be written would let a user work out a hidden value."""


def prove_perimeters(con: duckdb.DuckDBPyConnection, decision: PerimeterDecision) -> None:
    """Read back which occupation zone values the warehouse restricts to one residence's
    perimeter or hides from single perimeters, and check they are exactly the guard's."""
    owners = set(
        con.execute(
            "SELECT DISTINCT scale, code, year, residence_id FROM indicator_row "
            "WHERE theme = 'occupation' AND status = 'perimeter'"
        ).fetchall()
    )
    denials = set(
        con.execute(
            "SELECT DISTINCT scale, code, year, unnest(hidden_from) FROM indicator_row "
            "WHERE theme = 'occupation' AND hidden_from IS NOT NULL"
        ).fetchall()
    )
    expected_owners = {
        (scale, code, year, owner)
        for year, by_zone in decision.owners.items()
        for (scale, code), owner in by_zone.items()
    }
    expected_denials = {
        (scale, code, year, perimeter)
        for year, by_zone in decision.denials.items()
        for (scale, code), perimeters in by_zone.items()
        for perimeter in perimeters
    }
    # a zone hidden whole by secrecy carries neither: nothing of it is published
    missing = (expected_owners - owners) | (expected_denials - denials)
    published = set(
        con.execute(
            "SELECT DISTINCT scale, code, year FROM indicator_row "
            "WHERE theme = 'occupation' AND status <> 'secret'"
        ).fetchall()
    )
    missing = {row for row in missing if row[:3] in published}
    if missing:
        shown = "; ".join(f"{s} {c} {y} ({who})" for s, c, y, who in sorted(missing)[:5])
        raise DisclosureError(
            f"périmètres : {len(missing)} valeurs de zone publiées sans leur restriction ({shown})"
        )


def prove_shares(con: duckdb.DuckDBPyConnection, shares: ShareDiscloser) -> None:
    """Read back which share values the warehouse publishes and check they are exactly
    the ones the share audit passed; anything else is audited anew, and the build stops if
    a hidden share can then be worked out."""
    ids = sorted({indicator_id for _, _, indicator_id in shares.sums})
    rows = con.execute(
        f"""
        SELECT theme, year, indicator_id, list(scale || ':' || code) FROM indicator_row
        WHERE status <> 'secret' AND indicator_id IN ({", ".join("?" for _ in ids)})
        GROUP BY ALL
        """,
        ids,
    ).fetchall()
    published = {(theme, year, indicator_id): cells for theme, year, indicator_id, cells in rows}
    failures = []
    for key, audited in shares.audited.items():
        shown = frozenset(published.get(key, ())) & shares.shapes[key[:2]].cells
        if key[0] in PEOPLE_THEMES:
            cells = sorted(shown)
            small = is_small_count(
                np.array([audited.numerator.get(cell, 0.0) for cell in cells]),
                np.array([audited.denominator.get(cell, 0.0) for cell in cells]),
                shares.threshold,
            )
            failures += [
                f"{' '.join(map(str, key))}: {cells[i]} (moins de {shares.threshold} ménages)"
                for i in np.flatnonzero(small)
            ]
        if shown == audited.published:
            continue
        table = ShareTable(audited.numerator, audited.denominator, shown, audited.upper)
        audit = shares.audit(key, table)
        failures += [
            f"{' '.join(map(str, key))}: {cell}" for cell in shares.unprotected(key, audit)
        ]
        failures += [f"{' '.join(map(str, key))}: {cell}" for cell in audit.bare_zones]
    failures += [
        f"{count} {scale} {code} {year}: numérateur d'une part cachée"
        for count, share in NUMERATOR_COUNTS.items()
        for scale, code, year in con.execute(
            """
            SELECT c.scale, c.code, c.year FROM indicator_row c JOIN indicator_row s
              ON s.scale = c.scale AND s.code = c.code AND s.year = c.year
            WHERE c.indicator_id = ? AND s.indicator_id = ? AND c.status <> 'secret'
              AND s.status = 'secret'
            """,
            [count, share],
        ).fetchall()
    ]
    if failures:
        raise DisclosureError(
            f"audit du secret statistique : {len(failures)} parts cachées déductibles "
            f"({'; '.join(failures[:5])})"
        )


def prove(con: duckdb.DuckDBPyConnection, discloser: Discloser, residences: pd.DataFrame) -> None:
    """Read back what the warehouse publishes (table `indicator_row` and the residence
    table) and check it is exactly what the audit passed; anything else published (a size
    class or a count of a secret residence, a value the decision hid) is audited anew,
    and the build stops if a hidden value can then be worked out."""
    published = read_published(con, discloser, residences)
    if passed(discloser.audited, published):
        return
    failures = []
    for theme, tables in published.items():
        layouts = list(discloser.layouts[theme].values())
        audits = [
            audit_table(table, discloser.threshold, layout.expansion)
            for table, layout in zip(tables, layouts, strict=True)
        ]
        changes = (
            audit_changes(audits, discloser.threshold, discloser.truth(theme))
            if theme in AUDITED_CHANGES
            else []
        )
        failures += [
            f"{b.table}: {b.cell} entre {b.low:g} et {b.high:g}" for a in audits for b in a.breaches
        ]
        failures += [f"{c.table}: {c.equation} varie de {c.change:g}" for c in changes]
    if failures:
        shown = "; ".join(failures[:5])
        raise DisclosureError(
            f"audit du secret statistique : {len(failures)} valeurs cachées déductibles ({shown})"
        )


def prove_rates_follow_counts(con: duckdb.DuckDBPyConnection) -> None:
    """Read back every zone or residence whose count (dwellings, households) is secret in
    a vintage, and check it publishes no other value of the theme that year: a rate k/D,
    two or three of them, gives the hidden count D back."""
    leaks = con.execute(
        """
        SELECT r.scale, r.code, r.year, r.indicator_id FROM indicator_row AS r
        JOIN indicator_row AS c USING (theme, scale, code, year)
        WHERE c.indicator_id IN ('parc.dwellings', 'occupation.households')
          AND c.status = 'secret' AND r.status IN ('ok', 'perimeter')
        ORDER BY ALL LIMIT 5
        """
    ).fetchall()
    if leaks:
        shown = "; ".join(
            f"{scale}:{code} {year} {indicator}" for scale, code, year, indicator in leaks
        )
        raise DisclosureError(
            f"audit du secret statistique : des taux publiés sur un effectif caché ({shown})"
        )


def class_bounds(size_class: str) -> tuple[float, float]:
    """The dwellings a size class tells ('11-49' -> 11 to 49)."""
    lower = 1.0
    for size in SIZE_CLASSES:
        if size.code == size_class:
            return lower, INFINITY if size.upper is None else float(size.upper - 1)
        lower = float(size.upper or lower)
    return lower, INFINITY


def passed(audited: dict[str, list[Table]], published: dict[str, list[Table]]) -> bool:
    """Whether the audit's tables cover what the warehouse publishes, table by table."""
    return audited.keys() == published.keys() and all(
        len(audited[theme]) == len(tables)
        and all(covers(a, p) for a, p in zip(audited[theme], tables, strict=True))
        for theme, tables in published.items()
    )


def covers(audited: Table, published: Table) -> bool:
    """Whether the audit of `audited` holds for `published`: the same values, equations
    and kind of bounds, and each residence's bounds within what a user reads (the audit
    took the vacant dwellings as known even where they are not published: a user who
    knows more finds at least as much, so what it could not narrow, nobody can)."""
    if (audited.name, audited.values, audited.equations, audited.stock_bounds) != (
        published.name,
        published.values,
        published.equations,
        published.stock_bounds,
    ) or audited.bounds.keys() != published.bounds.keys():
        return False
    return all(
        low >= published.bounds[cell][0] and high <= published.bounds[cell][1]
        for cell, (low, high) in audited.bounds.items()
    )


def read_published(
    con: duckdb.DuckDBPyConnection, discloser: Discloser, residences: pd.DataFrame
) -> dict[str, list[Table]]:
    """The audit's tables, read from what the warehouse will publish."""
    rows = con.execute(
        """
        SELECT theme, scale, code, year, indicator_id, value FROM indicator_row
        WHERE indicator_id IN (?, ?, ?, ?) AND status IN ('ok', 'perimeter')
        """,
        ["parc.dwellings", "occupation.households", QPV_SHARE, VACANT],
    ).fetchall()
    counts: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    shares: dict[tuple[int, str], float] = {}
    vacant: dict[int, dict[str, float]] = defaultdict(dict)
    for theme, scale, code, year, indicator_id, value in rows:
        cell = residence_cell(code) if scale == "residence" else zone_cell(scale, code)
        if indicator_id == QPV_SHARE:
            shares[(year, cell)] = value
        elif indicator_id == VACANT:
            if scale == "residence":
                vacant[year][cell] = value
        else:
            counts[(theme, year)][cell] = value
    latest_bounds: dict[tuple[int, str], tuple[float, float]] = {}
    needed = ["secret", "size_class", "n_dwellings", "last_year", "residence_id"]
    for row in residences[needed].itertuples(index=False):
        if not row.secret:
            continue
        bounds = (1.0, INFINITY)
        if isinstance(row.size_class, str):
            bounds = class_bounds(row.size_class)
        if not pd.isna(row.n_dwellings):
            bounds = (float(row.n_dwellings), float(row.n_dwellings))
        latest_bounds[(int(row.last_year), residence_cell(row.residence_id))] = bounds
    tables: dict[str, list[Table]] = {}
    for theme in THEMES:
        for year, layout in discloser.layouts[theme].items():
            shown = counts[(theme, year)]
            values: dict[str, float | None] = {}
            for cell in [*layout.count, *layout.equations]:
                if cell.startswith(QPV_PART):
                    zone = cell.split(":", 1)[1]
                    if zone in shown and (year, zone) in shares:
                        values[cell] = float(round(shares[(year, zone)] * shown[zone] / 100))
                else:
                    values[cell] = shown.get(cell)
            if theme == "parc":
                bounds = {
                    rid: latest_bounds.get((year, rid), (1.0, INFINITY)) for rid in layout.count
                }
            else:
                parc_year = discloser.links.get(year, -1)
                linked = counts.get(("parc", parc_year), {})
                bounds = {
                    rid: (
                        0.0,
                        occupied_at_most(
                            linked[rid], int(vacant[parc_year].get(rid, 0)), layout.count[rid]
                        ),
                    )
                    if rid in linked
                    else (0.0, INFINITY)
                    for rid in layout.count
                }
            equations = {k: v for k, v in layout.equations.items() if k in values}
            table = Table(f"{theme} {year}", values, equations, bounds, theme == "occupation")
            tables.setdefault(theme, []).append(table)
    return tables


def prove_attributions(con: duckdb.DuckDBPyConnection, decision: AttributionDecision) -> None:
    """Read back the attributions the warehouse publishes (the breakdown counts and the
    theme's indicator rows) and audit them anew: every hidden count keeps at least T
    values, no published EPCI count leaves one or two hidden communes beside it (a
    commune knowing its own would read the other); no count below T is published;
    and every share, pressure or median is published only where the counts it derives
    from are. The decision's solutions serve only once checked (`grid_secrecy.audit_grids`)."""
    shown = {
        (year, cell_name(measure, node, f"{scale}:{code}"))
        for scale, code, year, measure, node in con.execute(
            "SELECT scale, code, year, measure, node FROM attributions WHERE status = 'ok'"
        ).fetchall()
    }
    failures = []
    for year, grids in decision.grids.items():
        hidden = {c for c in decision.counts[year] if (year, c) not in shown}
        failures += audit_grids(grids, hidden, decision.threshold, decision.witnesses[year])
    published = con.execute(
        "SELECT scale, code, year, indicator_id FROM indicator_row "
        "WHERE theme = 'attributions' AND status = 'ok'"
    ).fetchall()
    for scale, code, year, indicator_id in published:
        needed = derived_from(indicator_id)
        zone = f"{scale}:{code}"
        counted = decision.counts[year]
        missing = [
            n
            for n in needed
            if cell_name(*n, zone) in counted and (year, cell_name(*n, zone)) not in shown
        ]
        failures += [f"{indicator_id} {zone} {year}: {n} non publié" for n in missing]
    if failures:
        raise DisclosureError(
            f"audit du secret statistique (attributions) : {len(failures)} valeurs "
            f"déductibles ({'; '.join(failures[:5])})"
        )
