"""Round after round, `TableRounds` finds what a fresh `audit_table` finds.

Random tables of nested zones (residences ⊂ IRIS ⊂ commune ⊂ EPCI) and a QPV across
them, audited in successive versions that hide or publish residences and totals and
change residence bounds; every version's incremental audit must equal a fresh one.
A version that keeps the intervals of every cell that did not change itself (ignoring
the parts of the system a change reaches) must be caught by the same comparison.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from data.pipeline import audit_rounds
from data.pipeline.audit import Table, TableAudit, audit_table, expand
from data.pipeline.audit_rounds import TableRounds
from data.pipeline.disclosure import Discloser
from data.pipeline.secrecy import Cell

INF = math.inf
THRESHOLD = 5


@st.composite
def layouts(draw) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """True residence counts and the zones' equations."""
    counts: dict[str, int] = {}
    equations: dict[str, tuple[str, ...]] = {}
    communes = []
    qpv = []
    for commune in range(draw(st.integers(1, 3))):
        irises = []
        for iris in range(draw(st.integers(1, 3))):
            zone = f"iris:{commune}{iris}"
            members = [f"r:{commune}{iris}{i}" for i in range(draw(st.integers(1, 4)))]
            for member in members:
                counts[member] = draw(st.integers(1, 12))
                if draw(st.booleans()):
                    qpv.append(member)
            equations[zone] = tuple(members)
            irises.append(zone)
        equations[f"commune:{commune}"] = tuple(irises)
        communes.append(f"commune:{commune}")
    equations["epci:E"] = tuple(communes)
    if qpv:
        equations["qpv:Q"] = tuple(qpv)
    return counts, equations


@st.composite
def versions(draw) -> list[Table]:
    """Two to four publications of one layout: what is hidden and the bounds change."""
    counts, equations = draw(layouts())
    truth = expand(Table("", dict.fromkeys([*counts, *equations], 0.0), equations))
    totals = {key: float(sum(counts[b] for b in truth[key])) for key in equations}
    true_values = {**{r: float(c) for r, c in counts.items()}, **totals}
    cells = sorted(true_values)
    tables = []
    for _ in range(draw(st.integers(2, 4))):
        hidden = draw(st.sets(st.sampled_from(cells)))
        bounds = {
            r: (
                float(draw(st.integers(0, 1))),
                INF if draw(st.booleans()) else float(c + draw(st.integers(0, 3))),
            )
            for r, c in counts.items()
        }
        values = {c: None if c in hidden else true_values[c] for c in cells}
        tables.append(Table("t", values, equations, bounds))
    return tables


def fingerprint(audit: TableAudit) -> tuple:
    return (
        audit.checked,
        audit.intervals,
        audit.bindings,
        sorted(audit.breaches, key=lambda b: b.cell),
        audit.remainders,
        audit.equations,
    )


def first_difference(tables: list[Table]) -> int | None:
    """The first version whose incremental audit differs from a fresh one (None: none)."""
    rounds = TableRounds(tables[0].equations, expand(tables[0]))
    solved: dict = {}
    for position, table in enumerate(tables):
        incremental = rounds.audit(table, THRESHOLD, solved)
        if fingerprint(incremental) != fingerprint(audit_table(table, THRESHOLD)):
            return position
    return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=versions())
def test_every_round_audits_as_a_fresh_audit_would(tables: list[Table]) -> None:
    assert first_difference(tables) is None


def test_a_round_that_ignores_the_parts_a_change_reaches_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audit_rounds, "touched_cells", lambda changed, *_: changed)
    broken = find(
        versions(),
        lambda tables: first_difference(tables) is not None,
        settings=settings(max_examples=500, deadline=None, database=None, phases=[Phase.generate]),
    )
    assert first_difference(broken) is not None


def random_vintages(seed: int) -> dict[int, list[Cell]]:
    """Three vintages of 4 communes x 3 IRIS x 5 residences, a QPV across some, counts
    that drift from one vintage to the next."""
    draw = random.Random(seed)
    residences = [
        (f"R{commune}{iris}{index}", f"C{commune}", f"C{commune}I{iris}")
        for commune in range(4)
        for iris in range(3)
        for index in range(5)
    ]
    counts = {
        rid: draw.choice([draw.randint(1, 10), draw.randint(11, 60)]) for rid, *_ in residences
    }
    qpv = {rid for rid, *_ in residences if draw.random() < 0.3}
    vintages = {}
    for year in (2022, 2023, 2024):
        vintages[year] = [
            Cell(rid, counts[rid], "E", commune, iris, "Q" if rid in qpv else None)
            for rid, commune, iris in residences
        ]
        counts = {rid: max(1, count + draw.randint(-3, 3)) for rid, count in counts.items()}
    return vintages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rounds_of_protection_decide_as_fresh_audits_would(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Discloser's rounds with incremental audits, against the same rounds where every
    audit is a fresh one: same decisions, and rounds after the first keep intervals."""
    vintages = random_vintages(seed)
    computed: list[tuple[int, int]] = []  # (hidden cells checked, intervals kept)
    original = audit_rounds.audit_table

    def counted(table, threshold, *args, **kwargs):
        audit = original(table, threshold, *args, **kwargs)
        computed.append((audit.checked, len(kwargs.get("kept") or {})))
        return audit

    monkeypatch.setattr(audit_rounds, "audit_table", counted)
    incremental = Discloser({"parc": vintages, "occupation": {}}, {}, 11).run()
    monkeypatch.setattr(
        TableRounds, "audit", lambda self, table, threshold, solved: audit_table(table, threshold)
    )
    fresh = Discloser({"parc": vintages, "occupation": {}}, {}, 11).run()
    assert incremental.report.rounds == fresh.report.rounds >= 2
    assert incremental.disclosures == fresh.disclosures
    assert incremental.secret_values == fresh.secret_values
    assert sum(kept for _, kept in computed) > 0
