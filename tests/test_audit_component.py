"""One independent part of the audit's system (`audit.Component`): a bound that an optimum
found earlier already reaches is taken without a linear program, and every range stays
the one the linear programs alone give (a fresh part per question, nothing reused)."""

from __future__ import annotations

import math

import highspy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.pipeline import audit
from data.pipeline.audit import Component, Equation

INF = math.inf
CELLS = [f"r{i}" for i in range(6)]


def part(totals: list[float], members: list[list[int]], bounds: dict[str, tuple]) -> Component:
    equations = [
        Equation(f"e{i}", frozenset(CELLS[j] for j in cells), total, ())
        for i, (total, cells) in enumerate(zip(totals, members, strict=True))
    ]
    return Component(CELLS, equations, lambda cell: bounds[cell])


def fresh_range(
    totals: list[float], members: list[list[int]], bounds: dict, subset: frozenset
) -> tuple[float, float]:
    """The subset's range from two linear programs on parts that know nothing else."""
    low = part(totals, members, bounds)._optimum(subset, highspy.ObjSense.kMinimize, -INF)
    high = part(totals, members, bounds)._optimum(subset, highspy.ObjSense.kMaximize, INF)
    return low, high


@st.composite
def systems(draw):
    """A solvable system: true counts, then overlapping sums of them published."""
    counts = draw(st.lists(st.integers(1, 30), min_size=6, max_size=6))
    members = draw(
        st.lists(
            st.lists(st.integers(0, 5), min_size=2, max_size=6, unique=True),
            min_size=2,
            max_size=4,
        )
    )
    totals = [float(sum(counts[j] for j in cells)) for cells in members]
    capped = draw(st.lists(st.booleans(), min_size=6, max_size=6))
    bounds = {
        cell: (1.0, float(count + 5) if cap else INF)
        for cell, count, cap in zip(CELLS, counts, capped, strict=True)
    }
    subsets = draw(
        st.lists(
            st.frozensets(st.sampled_from(CELLS), min_size=1, max_size=3), min_size=1, max_size=8
        )
    )
    return totals, members, bounds, subsets


@settings(max_examples=60, deadline=None)
@given(systems())
def test_a_range_is_the_linear_programs_range_whatever_was_asked_before(system) -> None:
    totals, members, bounds, subsets = system
    shared = part(totals, members, bounds)
    for subset in subsets:
        expected = fresh_range(totals, members, bounds, subset)
        assert shared.range_of(subset) == pytest.approx(expected)


def test_a_bound_an_earlier_optimum_reaches_takes_no_linear_program(monkeypatch) -> None:
    """a + b = 20, b + c = 20, each at least 1: the least a (1) and the greatest (19)
    take a program each; their optima hold b and c at 1 and at 19, the bounds each
    equation leaves them, so b and c take none."""
    programs = []
    optimum = Component._optimum

    def counted(self, subset, sense, unbounded):
        programs.append((subset, sense))
        return optimum(self, subset, sense, unbounded)

    monkeypatch.setattr(audit.Component, "_optimum", counted)
    bounds = dict.fromkeys(CELLS, (1.0, INF))
    shared = part([20.0, 20.0], [[0, 1], [1, 2]], bounds)
    assert shared.range_of(frozenset({"r0"})) == (1.0, 19.0)
    assert len(programs) == 2
    assert shared.range_of(frozenset({"r1"})) == (1.0, 19.0)
    assert shared.range_of(frozenset({"r2"})) == (1.0, 19.0)
    assert shared.range_of(frozenset({"r1", "r2"})) == (20.0, 20.0)
    assert len(programs) == 2


def test_a_part_keeps_its_last_optima_only_and_still_answers_exactly(monkeypatch) -> None:
    monkeypatch.setattr(audit, "KEPT_SOLUTIONS", 2)
    totals, members = [40.0, 35.0, 30.0], [[0, 1, 2, 3], [2, 3, 4], [1, 4, 5]]
    bounds = {cell: (1.0, 25.0 if i % 2 else INF) for i, cell in enumerate(CELLS)}
    shared = part(totals, members, bounds)
    subsets = [frozenset({cell}) for cell in CELLS] + [frozenset({"r1", "r4"})]
    for subset in subsets:
        expected = fresh_range(totals, members, bounds, subset)
        assert shared.range_of(subset) == pytest.approx(expected)
    assert shared.found > 2 and len(shared.solutions) == 2
