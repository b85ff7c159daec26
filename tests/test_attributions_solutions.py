"""The grid audit skips the linear programs of cells that known solutions already show
wide: it must find exactly the breaches the full audit finds, round after round. The
solutions that moving counts inside a class of base cells gives (`Solutions.move`) must
lie inside the exact intervals."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.pipeline import audit
from data.pipeline.audit import audit_table
from data.pipeline.grid_equations import GridEquations
from data.pipeline.grid_secrecy import (
    Grid,
    GridProtector,
    Solutions,
    audit_grids,
    grid_table,
    protect,
)

THRESHOLD = 5
INF = float("inf")


@st.composite
def grids(draw) -> Grid:
    """A total over a few base cells, each base cell published, and some sums of them."""
    size = draw(st.integers(2, 7))
    base = {f"b{i}": float(draw(st.integers(0, 12))) for i in range(size)}
    cells = {"total": tuple(base), **{f"c{i}": (f"b{i}",) for i in range(size)}}
    for index, parts in enumerate(
        draw(st.lists(st.sets(st.sampled_from(sorted(base)), min_size=2), max_size=4))
    ):
        cells[f"s{index}"] = tuple(sorted(parts))
    return Grid("grid 2024", base, cells)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.data())
def test_skipping_wide_cells_finds_the_same_breaches_round_after_round(grid, data) -> None:
    protector = GridProtector(grid, THRESHOLD)
    hidden: set[str] = set()
    for _ in range(3):  # hidden cells only grow, as in `protect`
        hidden |= data.draw(st.sets(st.sampled_from(sorted(grid.cells))))
        full = audit_table(grid_table(grid, hidden), THRESHOLD)
        fast = protector.audit(hidden)
        assert [(b.cell, b.equation) for b in fast.breaches] == [
            (b.cell, b.equation) for b in full.breaches
        ]
        for quick, exact in zip(fast.breaches, full.breaches, strict=True):
            # bounds without a linear program hold the exact interval
            assert quick.low <= exact.low + 1e-6 and exact.high <= quick.high + 1e-6
        for cell, (low, high) in fast.intervals.items():
            exact_low, exact_high = full.intervals[cell]
            assert exact_low - 1e-6 <= low <= high <= exact_high + 1e-6  # inside the exact one
            if cell in fast.exact:
                assert (low, high) == (exact_low, exact_high)


def test_a_smaller_set_of_hidden_cells_starts_again_from_the_true_counts() -> None:
    """Solutions found with a cell hidden are no solutions once it is published again."""
    grid = Grid("grid 2024", {"a": 3.0, "b": 20.0}, {"T": ("a", "b"), "A": ("a",), "B": ("b",)})
    protector = GridProtector(grid, THRESHOLD)
    assert not protector.audit({"A", "B"}).breaches  # 0 to 23 each
    (breach,) = protector.audit({"A"}).breaches  # B published: A is exactly 3
    assert (breach.cell, breach.low, breach.high) == ("A", 3.0, 3.0)


def test_protect_hides_until_the_full_audit_passes() -> None:
    grid = Grid(
        "grid 2024",
        {"a": 2.0, "b": 14.0, "c": 30.0},
        {"T": ("a", "b", "c"), "A": ("a",), "B": ("b",), "C": ("c",), "AB": ("a", "b")},
    )
    hidden = protect([grid], THRESHOLD).hidden
    assert "A" in hidden
    assert not audit_table(grid_table(grid, hidden), THRESHOLD).breaches


def test_the_proof_admits_only_witnesses_that_solve_what_is_published() -> None:
    """A = 3, B = 20, T = 23: with A and B hidden, (A, B) = (23, 0) is a solution and
    shows A 21 values wide; once B is published it is none, and A is exactly 3."""
    grid = Grid("grid 2024", {"a": 3.0, "b": 20.0}, {"T": ("a", "b"), "A": ("a",), "B": ("b",)})
    witness = (np.array([0, 1]), np.array([23.0, 0.0]))  # columns of a, b (sorted names)
    negative = (np.array([0, 1]), np.array([24.0, -1.0]))
    protector = GridProtector(grid, THRESHOLD)
    assert protector.solutions.admit([witness, negative], {"A", "B"}) == 1
    assert protector.solutions.span("A") == (3.0, 23.0)
    published_b = GridProtector(grid, THRESHOLD)
    assert published_b.solutions.admit([witness], {"A"}) == 1
    assert published_b.solutions.span("A") == (3.0, 3.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.data())
def test_the_decision_s_witnesses_change_no_verdict_of_the_proof(grid, data) -> None:
    """Whatever is published back of what `protect` hid, the proof finds the same
    failures with the decision's solutions as from the true counts alone."""
    secrecy = protect([grid], THRESHOLD)
    shown = data.draw(st.sets(st.sampled_from(sorted(secrecy.hidden)))) if secrecy.hidden else set()
    hidden = secrecy.hidden - shown
    assert audit_grids([grid], hidden, THRESHOLD, secrecy.witnesses) == audit_grids(
        [grid], hidden, THRESHOLD
    )


def test_a_breach_that_single_equations_already_show_needs_no_linear_program() -> None:
    """a + b = 30 and a + c = 25: a lies in 0..25 and c in 0..25 by the second equation
    alone, breaches for T = 30 without HiGHS; b, 0..30 by the first alone, needs the
    program to be found in 5..30."""
    grid = Grid(
        "grid 2024",
        {"a": 5.0, "b": 25.0, "c": 20.0},
        {"AB": ("a", "b"), "AC": ("a", "c"), "A": ("a",), "B": ("b",), "C": ("c",)},
    )
    hidden = {"A", "B", "C"}
    table = grid_table(grid, hidden)
    quick = audit_table(table, 30, early_breaches=True)
    exact = audit_table(table, 30)
    assert quick.outer == {"A", "C"} and not exact.outer
    assert [b.cell for b in quick.breaches] == [b.cell for b in exact.breaches] == ["A", "B", "C"]
    assert quick.intervals["A"] == (0.0, 25.0) == exact.intervals["A"]
    assert quick.intervals["B"] == (5.0, 30.0) == exact.intervals["B"]


def test_a_small_count_shown_wide_by_its_greatest_value_needs_one_program() -> None:
    """a + b = 22 and a + c = 22, a = 2: the greatest a (22, with b = c = 0) shows A from
    2 to 22 and B, C from 0 to 20; no second program, for A's least value or B's and
    C's ranges. The full audit runs two per cell and finds the same: no breach."""
    grid = Grid(
        "grid 2024",
        {"a": 2.0, "b": 20.0, "c": 20.0},
        {"AB": ("a", "b"), "AC": ("a", "c"), "A": ("a",), "B": ("b",), "C": ("c",)},
    )
    hidden = {"A", "B", "C"}
    protector = GridProtector(grid, 11)
    protector.solutions.serve(hidden)
    solutions: list[np.ndarray] = []

    def on_vertex(cells: list[str], values: np.ndarray) -> None:
        solutions.append(values)
        protector.solutions.add(cells, values)

    def wide(cell: str) -> bool:
        low, high = protector.solutions.span(cell)
        return high - low >= 10

    quick = audit_table(
        grid_table(grid, hidden),
        11,
        protector.expansion,
        wide=wide,
        on_vertex=on_vertex,
        early_breaches=True,
    )
    assert len(solutions) == 1 and not quick.breaches
    assert protector.solutions.span("A") == (2.0, 22.0)
    exact = audit_table(grid_table(grid, hidden), 11)
    assert not exact.breaches and exact.intervals["B"] == (0.0, 22.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.data())
def test_a_grid_s_equations_kept_from_audit_to_audit_are_those_reduced_anew(grid, data) -> None:
    """Whatever cells each audit hides (more, or fewer when the proof starts again), the
    reduction kept up to date equals the one computed from scratch, order included."""
    equations = GridEquations({cell: grid.truth(cell) for cell in grid.cells}, grid.cells)
    for _ in range(4):
        hidden = data.draw(st.sets(st.sampled_from(sorted(grid.cells))))
        table = grid_table(grid, hidden)
        remainders, reduced = equations(table)
        scratch = audit_table(table, THRESHOLD)
        assert list(remainders.items()) == list(scratch.remainders.items())
        assert list(reduced.items()) == list(scratch.equations.items())


def test_moving_counts_between_base_cells_of_the_same_published_cells_needs_no_program(
    monkeypatch,
) -> None:
    """a = 3 and b = 20 lie only in T (published, 23) once A and B are hidden: moving b
    into a gives A = 23, moving a into b gives A = 0; c, alone in its published cells,
    moves nothing. No linear program runs, and no breach for T = 11."""
    grid = Grid(
        "grid 2024",
        {"a": 3.0, "b": 20.0, "c": 5.0},
        {"T": ("a", "b"), "A": ("a",), "B": ("b",), "C": ("c",), "U": ("a", "b", "c")},
    )

    def no_program(*_):
        raise AssertionError("a linear program ran")

    monkeypatch.setattr(audit.Component, "_optimum", no_program)
    protector = GridProtector(grid, 11)
    result = protector.audit({"A", "B"})
    assert not result.breaches
    assert protector.solutions.span("A") == (0.0, 23.0)
    assert protector.solutions.span("B") == (0.0, 23.0)
    assert protector.solutions.span("C") == (5.0, 5.0)


def test_base_cells_whose_weights_coincide_are_told_apart_by_their_published_cells() -> None:
    """With every weight 0, the sums of weights cannot tell classes apart: the published
    cells themselves do."""
    grid = Grid(
        "grid 2024",
        {"a": 3.0, "b": 20.0, "c": 5.0, "d": 1.0},
        {"T": ("a", "b"), "S": ("c", "d"), "A": ("a",), "C": ("c",)},
    )
    solutions = Solutions(grid)
    published = np.array([cell in ("T", "S") for cell in solutions.row])
    expected = solutions._classes(published)[1]
    solutions.weights = np.zeros_like(solutions.weights)
    classes = solutions._classes(published)[1]
    assert (classes[:, None] == classes[None, :]).tolist() == (
        expected[:, None] == expected[None, :]
    ).tolist()
    assert classes[solutions.column["a"]] == classes[solutions.column["b"]]
    assert classes[solutions.column["a"]] != classes[solutions.column["c"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.data())
def test_moves_widen_spans_only_inside_the_exact_intervals(grid, data) -> None:
    """Whatever is hidden, and hidden again with more, the spans the moves give lie inside
    the interval the full audit finds for every hidden cell."""
    solutions = Solutions(grid)
    hidden: set[str] = set()
    for _ in range(2):
        hidden |= data.draw(st.sets(st.sampled_from(sorted(grid.cells))))
        solutions.serve(hidden)
        solutions.move(THRESHOLD - 1)
        full = audit_table(grid_table(grid, hidden), THRESHOLD)
        for cell in hidden:
            low, high = solutions.span(cell)
            exact_low, exact_high = full.intervals[cell]
            assert exact_low - 1e-6 <= low <= grid.truth(cell) <= high <= exact_high + 1e-6


def crossed(truths: dict[tuple[str, str], float]) -> Grid:
    """A breakdown of parts by categories with its margins: each (part, category) cell,
    each part's total, each category's total, and the grand total."""
    base = {f"{part}.{category}": count for (part, category), count in truths.items()}
    parts = sorted({part for part, _ in truths})
    categories = sorted({category for _, category in truths})
    cells: dict[str, tuple[str, ...]] = {"total": tuple(sorted(base))}
    for part in parts:
        cells[part] = tuple(f"{part}.{c}" for c in categories if (part, c) in truths)
    for category in categories:
        cells[category] = tuple(f"{p}.{category}" for p in parts if (p, category) in truths)
    for part, category in truths:
        cells[f"{part}|{category}"] = (f"{part}.{category}",)
    axes = {f"{part}.{category}": (part, category) for part, category in truths}
    return Grid("crossed 2024", base, cells, axes=axes)


def test_a_rectangle_of_hidden_cells_shows_them_wide_with_no_program(monkeypatch) -> None:
    """X|N1 = 3, X|N2 = 20, Y|N1 = 15, Y|N2 = 25, the four hidden under published
    margins: 3 + t, 20 - t, 15 - t, 25 + t keeps every margin, for t from -3 to 15, so
    X|N1 spans 0 to 18 (its exact interval: X|N1 + X|N2 = 23, X|N1 + Y|N1 = 18)."""
    grid = crossed({("X", "N1"): 3.0, ("X", "N2"): 20.0, ("Y", "N1"): 15.0, ("Y", "N2"): 25.0})

    def no_program(*_):
        raise AssertionError("a linear program ran")

    monkeypatch.setattr(audit.Component, "_optimum", no_program)
    protector = GridProtector(grid, 11)
    assert not protector.audit({"X|N1", "X|N2", "Y|N1", "Y|N2"}).breaches
    assert protector.solutions.span("X|N1") == (0.0, 18.0)
    assert protector.solutions.span("Y|N2") == (22.0, 40.0)


@st.composite
def crossed_grids(draw) -> Grid:
    parts = [f"P{i}" for i in range(draw(st.integers(2, 4)))]
    categories = [f"C{i}" for i in range(draw(st.integers(2, 3)))]
    truths = {
        (part, category): float(draw(st.integers(0, 15)))
        for part in parts
        for category in categories
        if draw(st.integers(0, 5))  # a few cells absent
    }
    if len({part for part, _ in truths}) < 2:
        truths[(parts[0], categories[0])] = truths[(parts[1], categories[1])] = 4.0
    return crossed(truths)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crossed_grids(), st.data())
def test_rectangles_widen_spans_only_inside_the_exact_intervals(grid, data) -> None:
    """Whatever is hidden of a crossed breakdown, the spans that classes and rectangles
    give lie inside the interval the full audit finds for every hidden cell."""
    solutions = Solutions(grid)
    hidden = data.draw(st.sets(st.sampled_from(sorted(grid.cells)), min_size=1))
    solutions.serve(hidden)
    solutions.move(INF)  # rectangles around every hidden cell
    full = audit_table(grid_table(grid, hidden), THRESHOLD)
    for cell in hidden:
        low, high = solutions.span(cell)
        exact_low, exact_high = full.intervals[cell]
        assert exact_low - 1e-6 <= low <= grid.truth(cell) <= high <= exact_high + 1e-6
