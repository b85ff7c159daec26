"""The demo warehouse as written: what it publishes lets nobody narrow a hidden count, and
the cases the secrecy issue found are closed."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from data.pipeline.audit import Table, audit_table
from data.pipeline.disclosure import residence_cell, zone_cell
from data.scope import AccessScope
from data.store.store import Store

INF = float("inf")
BOTH = frozenset({"parc", "occupation"})
MEL = AccessScope("CONV-1", "MEL", "mel", BOTH)


@pytest.fixture(scope="module")
def con(demo_warehouse: Path):
    connection = duckdb.connect()
    for table in ("indicators", "residences"):
        connection.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)",
            [str(demo_warehouse / f"{table}.parquet")],
        )
    yield connection
    connection.close()


def published_table(con, theme: str, year: int) -> Table:
    """One theme and vintage as the parquet files publish it: counts of residences and
    zones (None when hidden), residence membership, and the bounds a user knows."""
    count_id = "parc.dwellings" if theme == "parc" else "occupation.households"
    values: dict[str, float | None] = {}
    for scale, code, value, status in con.execute(
        "SELECT scale, code, value, status FROM indicators WHERE indicator_id = ? AND year = ?",
        [count_id, year],
    ).fetchall():
        cell = residence_cell(code) if scale == "residence" else zone_cell(scale, code)
        values[cell] = value if status in ("ok", "perimeter") else None
    members: dict[str, list[str]] = defaultdict(list)
    for rid, *codes in con.execute(
        "SELECT residence_id, commune_code, iris_code, qpv_code FROM residences"
    ).fetchall():
        if residence_cell(rid) in values:
            for scale, code in zip(("commune", "iris", "qpv"), codes, strict=True):
                if code is not None:
                    members[zone_cell(scale, code)].append(residence_cell(rid))
            epci = next(c for c in values if c.startswith("epci:"))
            members[epci].append(residence_cell(rid))
    low = 1.0 if theme == "parc" else 0.0
    bounds = {c: (low, INF) for c in values if c.startswith("residence:")}
    equations = {zone: tuple(parts) for zone, parts in members.items() if zone in values}
    return Table(f"{theme} {year}", values, equations, bounds)


def vintages(demo_warehouse: Path) -> list[tuple[str, int]]:
    manifest = json.loads((demo_warehouse / "manifest.json").read_text())
    return [("parc", y) for y in manifest["vintages"]["rpls"]] + [
        ("occupation", y) for y in manifest["vintages"]["ops"]
    ]


def test_no_hidden_count_of_the_written_warehouse_can_be_narrowed(con, demo_warehouse) -> None:
    """Read back from the parquet files alone (the audit of the build reads the tables it
    is about to write): every hidden count keeps at least T possible values."""
    threshold = json.loads((demo_warehouse / "manifest.json").read_text())["secrecy_threshold"]
    checked = 0
    for theme, year in vintages(demo_warehouse):
        audit = audit_table(published_table(con, theme, year), threshold)
        checked += audit.checked
        assert audit.breaches == [], (theme, year, audit.breaches[:3])
    assert checked > 5000


@pytest.mark.parametrize("commune", ["59477", "59585"])  # Provin, Templemars
def test_the_communes_the_issue_solved_no_longer_solve(con, commune: str) -> None:
    """Commune total minus published residences pinned secret residences there, with the
    size classes; no size class is published now and the audit finds no narrow cell."""
    classes = con.execute(
        "SELECT count(*) FROM residences WHERE commune_code = ? AND secret "
        "AND size_class IS NOT NULL",
        [commune],
    ).fetchone()[0]
    assert classes == 0
    table = published_table(con, "parc", 2024)
    secret_here = [
        residence_cell(rid)
        for (rid,) in con.execute(
            "SELECT residence_id FROM residences WHERE commune_code = ? AND secret", [commune]
        ).fetchall()
    ]
    assert secret_here
    assert not {b.cell for b in audit_table(table, 11).breaches} & set(secret_here)


def test_manifest_reports_the_audit(demo_warehouse: Path) -> None:
    audit = json.loads((demo_warehouse / "manifest.json").read_text())["disclosure_audit"]
    assert audit["cells_checked"] > 5000
    assert audit["cells_protected"] == audit["cells_checked"]
    assert audit["seconds"] > 0 and audit["rounds"] >= 1
    parc = audit["residences_latest"]["parc"]
    assert parc["below_threshold"] <= parc["hidden"] < parc["all"]


def test_a_zone_of_one_residence_is_shown_only_inside_that_residence_s_perimeter(
    con, store: Store
) -> None:
    """The IRIS whose occupation is one residence's: a commune that does not cover that
    residence reads 'hors périmètre', the MEL reads the value."""
    row = con.execute(
        """
        SELECT i.scale, i.code, i.year, i.indicator_id, i.value, r.commune_code
        FROM indicators AS i JOIN residences AS r USING (residence_id)
        WHERE i.status = 'perimeter' AND i.scale = 'iris' AND i.indicator_id = ?
        ORDER BY i.code, i.year LIMIT 1
        """,
        ["occupation.apl_share"],
    ).fetchone()
    assert row is not None, "the demo holds IRIS whose occupation is one residence's"
    scale, code, year, indicator_id, value, owner_commune = row
    other = "59512" if owner_commune != "59512" else "59350"
    outsider = AccessScope("CONV-X", "Commune", "commune", BOTH, communes=frozenset({other}))
    owner = AccessScope("CONV-Y", "Commune", "commune", BOTH, communes=frozenset({owner_commune}))
    for scope, expected in (
        (outsider, (None, "restricted")),
        (owner, (value, "ok")),
        (MEL, (value, "ok")),
    ):
        summary = store.zone_summary(scale, code, year, scope)
        measure = summary.measures[indicator_id][0]
        assert (measure.value, measure.status) == expected
        series = store.indicator_series(scale, code, indicator_id, scope)
        shown = [p for p in series.points[0] if p.year == year]
        assert [(p.value, p.status) for p in shown] == [expected]
        mapped = dict((c, (v, s)) for c, v, s in store.map_values(scale, indicator_id, year, scope))
        assert mapped[code] == expected


def test_every_figure_of_the_whole_territory_is_published(con) -> None:
    """The MEL's own figures are what every partner reads first: in the demo none is
    hidden, in any vintage. (Its share of dwellings in QPV was hidden in 2020 and 2024
    while a small change between two vintages hid the later one's total.)"""
    hidden = con.execute(
        "SELECT indicator_id, year, status FROM indicators "
        "WHERE scale = 'epci' AND status NOT IN ('ok', 'nd')"
    ).fetchall()
    assert hidden == []
