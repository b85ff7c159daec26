"""Round after round, `TableRounds` finds what a fresh `audit_table` finds.

Random tables of nested zones (residences ⊂ IRIS ⊂ commune ⊂ EPCI) and a QPV across
them, audited in successive versions that hide or publish residences and totals and
change residence bounds; every version's incremental audit must equal a fresh one.
A version that keeps the intervals of every cell that did not change itself (ignoring
the parts of the system a change reaches) must be caught by the same comparison.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from data.pipeline import audit_rounds
from data.pipeline.audit import Table, TableAudit, audit_table, expand
from data.pipeline.audit_rounds import TableRounds

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
    monkeypatch.setattr(audit_rounds, "touched_cells", lambda changed, before, after: changed)
    broken = find(
        versions(),
        lambda tables: first_difference(tables) is not None,
        settings=settings(max_examples=500, deadline=None, database=None, phases=[Phase.generate]),
    )
    assert first_difference(broken) is not None
