"""Secrecy of aggregated counts published as breakdowns with margins (the SNE's demand and
allocations): primary suppression, complementary suppression proved by the disclosure
audit, and the check that a commune knowing its own figures reads no other's.

A `Grid` is one breakdown of one measure in one year: the true counts of its base cells
(the finest cells of the source: a part of a commune, in or out of a QPV, crossed with a
category), never published, and the published cells, each the sum of some base cells (a
zone crossed with a category node: the commune's allocations to the first quartile
outside QPV, the EPCI's allocations of Action Logement...). Base cells absent from the
source are zero and assumed known to the user, which only makes the audit stricter.

The rule: a published count of 1 to T−1 is hidden (primary); then every hidden cell must
keep at least T possible values given every published cell of the grid (the audit of
`audit.py`: linear bounds over all the equations at once). Where one does not, a cell
inside the equation that binds it is hidden too (the smallest positive one that shares
no base cell with the breached cell), else that equation's total. Grids that publish the
same cell (a zone's total allocations) hide it together: `protect` repeats until no
grid adds anything. Grids meet only in such shared margins, whose hidden status they
share; given the margins, any split in one grid combines with any split in another (two
breakdowns of the same counts always have a joint table), which is why each grid is
audited on its own; but a hidden margin is known to lie in the intersection of the
intervals every grid leaves it, which must keep T values too (`shared_breaches`: the
grid that binds it most tightly hides a complement). An argument and that check, not a
joint linear program over all grids.

A commune's own figures: a commune may know its own counts (it sits on the allocation
commissions of its territory). The EPCI's count of a category minus the published
communes is the sum of the hidden communes' counts; a commune that knows its own would
read another's if only one other were hidden. So a published EPCI count has no hidden
commune count or at least `MIN_HIDDEN_COMMUNES` of them (`column_gaps`): whichever
commune subtracts its own, two or more stay unknown together. This is a rule, not a
linear program per commune (that audit took minutes per grid on the MEL).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy import sparse

from data.pipeline.audit import EPSILON, Breach, Component, Table, audit_table
from data.pipeline.grid_equations import GridEquations
from data.pipeline.grid_moves import Axes, class_moves, rectangle_moves

MIN_HIDDEN_COMMUNES = 3


@dataclass(frozen=True)
class Grid:
    name: str
    base: dict[str, float]  # base cell -> true count
    cells: dict[str, tuple[str, ...]]  # published cell -> its base cells
    # a published EPCI cell -> the commune cells of the same category
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # each base cell's part of a commune and category, when the grid crosses them
    # (`grid_moves.rectangle_moves`)
    axes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @cached_property
    def truths(self) -> dict[str, float]:
        """Every published cell's true count."""
        return {cell: sum(self.base[b] for b in parts) for cell, parts in self.cells.items()}

    def truth(self, cell: str) -> float:
        return self.truths[cell]


@dataclass
class GridReport:
    cells_checked: int = 0
    primary: int = 0
    complementary: int = 0
    perimeter_complementary: int = 0
    rounds: int = 0

    def manifest(self) -> dict[str, int]:
        return {
            "attribution_cells_checked": self.cells_checked,
            "attribution_small_counts": self.primary,
            "attribution_complementary": self.complementary,
            "attribution_column_complementary": self.perimeter_complementary,
            "attribution_rounds": self.rounds,
        }


def primary_cells(grid: Grid, threshold: int) -> set[str]:
    """Published counts of 1 to T−1."""
    return {cell for cell in grid.cells if 0 < grid.truth(cell) < threshold}


def grid_table(grid: Grid, hidden: set[str]) -> Table:
    """The audit's table of `grid` with `hidden` suppressed."""
    values = {cell: (None if cell in hidden else grid.truth(cell)) for cell in grid.cells}
    return Table(grid.name, values, grid.cells)


@dataclass
class GridAudit:
    """A grid's audit: its breaches, and an interval for every hidden cell, exact for the
    cells in `exact` (every cell narrower than T values is), else one that known solutions
    of the grid span (inside the exact one, T values wide at least)."""

    name: str
    breaches: list[Breach]
    intervals: dict[str, tuple[float, float]]
    bindings: dict[str, str | None]
    exact: set[str]


# A solution of a grid's published equations: the columns of some base cells and their
# values, every other base cell at its true count.
Witness = tuple[np.ndarray, np.ndarray]


class Solutions:
    """What solutions of a grid's published equations show: for each published cell, the
    least and greatest value it takes over them. A hidden cell whose values there already
    differ by T − 1 keeps at least T values, with no linear program. The true counts are a
    solution of every grid; each optimum HiGHS finds for the audit is one too (`add`).
    A solution stays one when more cells are hidden (fewer equations, more unknowns), so
    they serve every later round; a set of hidden cells that is no superset of those they
    were found for starts again from the true counts. `move` adds the solutions that
    moving counts between base cells gives (`grid_moves`), with no linear program."""

    def __init__(self, grid: Grid) -> None:
        names = sorted(grid.base)
        self.column = {name: i for i, name in enumerate(names)}
        self.row = {cell: i for i, cell in enumerate(grid.cells)}
        rows = [self.row[cell] for cell, parts in grid.cells.items() for _ in parts]
        columns = [self.column[part] for parts in grid.cells.values() for part in parts]
        self.incidence = sparse.csc_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=(len(self.row), len(names))
        )
        self.truth = np.array([grid.base[name] for name in names])
        self.true_values = self.incidence @ self.truth
        # a part's base cells -> their columns and the incidence of those columns
        self.parts: dict[tuple[str, ...], tuple[np.ndarray, sparse.csc_matrix]] = {}
        self.hidden: set[str] = set()
        self.found: list[Witness] = []  # every solution added that widened a span
        # a fixed weight per published cell: base cells in the same published cells
        # weigh the same (`_classes`)
        self.weights = np.random.default_rng(0).random(len(self.row))
        self.axes = Axes.of(names, grid.axes)
        self.by_row = sparse.csr_matrix(self.incidence)
        self.restart()

    def restart(self) -> None:
        self.low = self.true_values.copy()
        self.high = self.low.copy()
        self.hidden = set()
        self.moved: frozenset[str] | None = None  # the hidden cells `move` last served

    def serve(self, hidden: set[str]) -> None:
        """Keep the solutions valid for `hidden` (they are when it holds every earlier set)."""
        mine = hidden.intersection(self.row)
        if not self.hidden <= mine:
            self.restart()
        self.hidden |= mine

    def add(self, cells: list[str], values: np.ndarray) -> None:
        """A solution: the true counts with `cells` (base cells) changed to `values`."""
        part = tuple(cells)
        if part not in self.parts:
            columns = np.array([self.column[cell] for cell in cells])
            self.parts[part] = (columns, self.incidence[:, columns])
        columns, incidence = self.parts[part]
        value = self.true_values + incidence @ (values - self.truth[columns])
        if (value < self.low).any() or (value > self.high).any():
            self.found.append((columns, values.copy()))
        np.minimum(self.low, value, out=self.low)
        np.maximum(self.high, value, out=self.high)

    def admit(self, witnesses: list[Witness], hidden: set[str]) -> int:
        """Take as known solutions the `witnesses` (found by another audit) that are
        solutions with `hidden` suppressed, checked all at once: every published cell keeps
        its true count, no base cell is below 0. The others are dropped; how many were."""
        self.serve(hidden)
        if not witnesses:
            return 0
        columns = np.concatenate([c for c, _ in witnesses])
        values = np.concatenate([v for _, v in witnesses])
        owners = np.repeat(np.arange(len(witnesses)), [len(c) for c, _ in witnesses])
        changes = sparse.csc_matrix(
            (values - self.truth[columns], (columns, owners)),
            shape=(len(self.column), len(witnesses)),
        )
        moved = sparse.csr_matrix(self.incidence @ changes)
        published = np.array([cell not in self.hidden for cell in self.row], dtype=bool)
        broken = np.zeros(len(witnesses), dtype=bool)
        if published.any():
            broken |= abs(moved[published]).max(axis=0).toarray().ravel() > EPSILON
        broken[np.unique(owners[values < -EPSILON])] = True
        kept = moved[:, np.flatnonzero(~broken)]
        if kept.shape[1]:
            lowest = kept.min(axis=1).toarray().ravel()
            highest = kept.max(axis=1).toarray().ravel()
            np.minimum(self.low, self.true_values + lowest, out=self.low)
            np.maximum(self.high, self.true_values + highest, out=self.high)
        return int(broken.sum())

    def move(self, width: float) -> None:
        """Widen the spans of the hidden cells by the moves of `grid_moves`: by classes for
        all, by rectangles for those still narrower than `width`."""
        if self.moved == self.hidden:
            return
        self.moved = frozenset(self.hidden)
        rows = np.array(sorted(self.row[cell] for cell in self.hidden), dtype=np.int64)
        if not len(rows):
            return
        published = np.ones(len(self.row), dtype=bool)
        published[rows] = False
        weight, classes = self._classes(published)
        self._widen(rows, *class_moves(self.incidence, self.truth, rows, classes))
        narrow = rows[self.high[rows] - self.low[rows] < width]
        if self.axes is not None and len(narrow):
            moves = rectangle_moves(self.by_row, self.truth, rows, narrow, weight, self.axes)
            self._widen(rows, *moves)

    def _widen(self, rows: np.ndarray, rise: np.ndarray, fall: np.ndarray) -> None:
        value = self.true_values[rows]
        self.low[rows] = np.minimum(self.low[rows], value - fall)
        self.high[rows] = np.maximum(self.high[rows], value + rise)

    def _classes(self, published: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each base cell's sum of its published cells' weights, and its class: the base
        cells in exactly the same published cells (those in none form one class too).
        Classes are found by the sums, then checked cell by cell: a sum two different
        sets share (a float coincidence) falls back to the sets themselves."""
        incidence = sparse.csc_matrix(self.incidence[published])
        incidence.sort_indices()
        weight = incidence.T @ self.weights[published]
        _, first, classes = np.unique(weight, return_index=True, return_inverse=True)
        if (incidence[:, first[classes]] != incidence).nnz == 0:
            return weight, classes
        keys: dict[bytes, int] = {}
        starts, rows = incidence.indptr, incidence.indices
        classes = np.array(
            [
                keys.setdefault(rows[starts[c] : starts[c + 1]].tobytes(), len(keys))
                for c in range(incidence.shape[1])
            ],
            dtype=np.int64,
        )
        return weight, classes

    def span(self, cell: str) -> tuple[float, float]:
        index = self.row[cell]
        return float(self.low[index]), float(self.high[index])


class GridProtector:
    """Hides cells of one grid until its audit passes and its EPCI columns keep no single
    hidden commune apart (see the module docstring)."""

    def __init__(self, grid: Grid, threshold: int) -> None:
        self.grid = grid
        self.threshold = threshold
        self.bases = {cell: frozenset(parts) for cell, parts in grid.cells.items()}
        self.solved: dict[tuple, Component] = {}
        self.solutions = Solutions(grid)
        self.truths = grid.truths

    @cached_property
    def expansion(self) -> dict[str, tuple[str, ...]]:
        """Every cell's base cells, the same whatever is hidden (`audit.expand`)."""
        return {
            **{base: (base,) for base in self.grid.base},
            **{cell: tuple(parts) for cell, parts in self.grid.cells.items()},
        }

    @cached_property
    def cells_of_base(self) -> dict[str, list[str]]:
        """The published cells each base cell lies in (where a complement may be)."""
        cells: dict[str, list[str]] = defaultdict(list)
        for cell, bases in self.bases.items():
            for base in bases:
                cells[base].append(cell)
        return cells

    @cached_property
    def equations(self) -> GridEquations:
        """The grid's equations, for its first linear audit (most proofs need none)."""
        return GridEquations(self.truths, self.bases)

    def _spans_t_values(self, cell: str) -> bool:
        low, high = self.solutions.span(cell)
        return high - low >= self.threshold - 1 - EPSILON

    def audit(self, hidden: set[str], exact: set[str] = frozenset()) -> GridAudit:
        """`audit_table`'s intervals for the hidden cells that known solutions do not
        already show T values wide, and for `exact`; the spans of known solutions for the
        others. Without `exact`, a breach that bounds without a linear program already show
        is found so (its `Breach` gives those bounds, its interval is the spans')."""
        self.solutions.serve(hidden)
        mine = [cell for cell in self.grid.cells if cell in hidden]
        rows = np.fromiter((self.solutions.row[c] for c in mine), np.int64, len(mine))
        wide = lambda cell: cell not in exact and self._spans_t_values(cell)  # noqa: E731
        if not self._all_wide(mine, rows, exact):
            self.solutions.move(self.threshold - 1 - EPSILON)
        if self._all_wide(mine, rows, exact):
            spans = self._spans(mine, rows)
            return GridAudit(self.grid.name, [], spans, dict.fromkeys(mine), set())
        audit = audit_table(
            grid_table(self.grid, hidden),
            self.threshold,
            self.expansion,
            solved=self.solved,
            wide=wide,
            on_vertex=self.solutions.add,
            early_breaches=not exact,
            reduction=self.equations,
        )
        exactly = set(audit.intervals) - audit.outer
        intervals = {
            cell: audit.intervals[cell] if cell in exactly else span
            for cell, span in self._spans(mine, rows).items()
        }
        bindings = {cell: audit.bindings.get(cell) for cell in mine}
        return GridAudit(audit.name, audit.breaches, intervals, bindings, exactly)

    def _spans(self, cells: list[str], rows: np.ndarray) -> dict[str, tuple[float, float]]:
        """`Solutions.span` of each of `cells` (at `rows` of the solutions), read at once."""
        low, high = self.solutions.low[rows].tolist(), self.solutions.high[rows].tolist()
        return dict(zip(cells, zip(low, high, strict=True), strict=True))

    def _all_wide(self, cells: list[str], rows: np.ndarray, exact: set[str]) -> bool:
        """Whether the known solutions show every one of `cells` (at `rows`) T values
        wide (none of `exact`, whose interval the caller wants), all at once."""
        if not exact.isdisjoint(cells):
            return False
        width = self.solutions.high[rows] - self.solutions.low[rows]
        return bool((width >= self.threshold - 1 - EPSILON).all())

    def breaches(self, hidden: set[str]) -> list[Breach]:
        return self.audit(hidden).breaches

    def column_gaps(self, hidden: set[str]) -> list[str]:
        """Published EPCI cells whose hidden commune cells are 1 or 2 communes."""
        return [
            total
            for total, communes in self.grid.columns.items()
            if total not in hidden
            and 0 < sum(cell in hidden for cell in communes) < MIN_HIDDEN_COMMUNES
        ]

    def complement(self, breach: Breach, hidden: set[str]) -> str:
        """The cell to hide for `breach`: the smallest published cell inside its binding
        equation and apart from it (a positive one first), else the equation's total."""
        binding = breach.equation or breach.cell
        inside, apart = self.bases[binding], self.bases[breach.cell]
        nearby = {cell for base in inside for cell in self.cells_of_base[base]}
        candidates = [
            cell
            for cell in nearby
            if cell not in hidden
            and cell != binding
            and self.bases[cell] <= inside
            and not self.bases[cell] & apart
        ]
        # else the total (hidden already when an earlier breach of the round hid it)
        return min(candidates, key=self._cost) if candidates else binding

    def column_complement(self, total: str, hidden: set[str]) -> str:
        """Another commune's cell of the column, the smallest (a positive one first)."""
        shown = [cell for cell in self.grid.columns[total] if cell not in hidden]
        return min(shown, key=self._cost) if shown else total

    def _cost(self, cell: str) -> tuple:
        """Which complement to prefer: a positive count (a zero hidden protects little),
        the smallest, the finest."""
        truth = self.truths[cell]
        return (truth == 0, truth, len(self.bases[cell]), cell)

    def protect(self, hidden: set[str], report: GridReport) -> set[str]:
        """Cells to add to `hidden` (this grid's cells among them) so that the grid passes."""
        current = set(hidden)
        while True:
            gaps = self.column_gaps(current)
            for total in gaps:
                current.add(self.column_complement(total, current))
            report.perimeter_complementary += len(gaps)
            breaches = self.breaches(current)
            if not breaches and not self.column_gaps(current):
                return current - hidden
            report.rounds += 1
            for breach in breaches:
                cell = self.complement(breach, current)
                if cell not in current:
                    current.add(cell)
                    report.complementary += 1


def shared_breaches(
    protectors: list[GridProtector], hidden: set[str], threshold: int
) -> list[tuple[GridProtector, Breach]]:
    """Hidden cells published by several grids (a zone's total, in every breakdown of its
    measure): a user intersects the intervals each grid leaves them, which must still hold
    T values. For each one narrowed so, the grid that binds it most tightly, with the
    breach its complement repairs. Intervals known only to be wide are made exact where
    their intersection is narrow."""
    audits = [protector.audit(hidden) for protector in protectors]
    shared = _shared_cells(audits)
    inexact: dict[int, set[str]] = defaultdict(set)
    for cell, indexes in shared.items():
        if _width(audits, cell, indexes) < threshold - 1:
            for index in indexes:
                if cell not in audits[index].exact:
                    inexact[index].add(cell)
    for index, cells in inexact.items():
        audits[index] = protectors[index].audit(hidden, exact=cells)
    narrowed = []
    for cell, indexes in shared.items():
        if _width(audits, cell, indexes) < threshold - 1:
            tightest = min(indexes, key=lambda i: _interval_width(audits[i].intervals[cell]))
            audit = audits[tightest]
            low, high = audit.intervals[cell]
            breach = Breach(audit.name, cell, low, high, audit.bindings[cell])
            narrowed.append((protectors[tightest], breach))
    return narrowed


def _shared_cells(audits: list[GridAudit]) -> dict[str, list[int]]:
    """The hidden cells of several grids, each with the indexes of its grids' audits."""
    grids_of: dict[str, list[int]] = defaultdict(list)
    for index, audit in enumerate(audits):
        for cell in audit.intervals:
            grids_of[cell].append(index)
    return {cell: indexes for cell, indexes in grids_of.items() if len(indexes) > 1}


def _interval_width(interval: tuple[float, float]) -> float:
    return interval[1] - interval[0]


def _width(audits: list[GridAudit], cell: str, indexes: list[int]) -> float:
    """The width of the intersection of the intervals the grids leave `cell`."""
    low = max(audits[i].intervals[cell][0] for i in indexes)
    high = min(audits[i].intervals[cell][1] for i in indexes)
    return high - low


@dataclass
class GridSecrecy:
    """What `protect` decides: the cells to hide (names shared across grids), the report,
    and the solutions its audits found, by grid name (the proof checks and reuses them)."""

    hidden: set[str]
    report: GridReport
    witnesses: dict[str, list[Witness]]


def protect(grids: list[Grid], threshold: int) -> GridSecrecy:
    """The published cells to hide so that every grid passes (see `GridSecrecy`)."""
    report = GridReport()
    hidden: set[str] = set()
    for grid in grids:
        small = primary_cells(grid, threshold)
        report.primary += len(small - hidden)
        hidden |= small
    protectors = [GridProtector(grid, threshold) for grid in grids]
    changed = True
    while changed:
        changed = False
        for protector in protectors:
            added = protector.protect(hidden, report)
            if added:
                hidden |= added
                changed = True
        for protector, breach in shared_breaches(protectors, hidden, threshold):
            cell = protector.complement(breach, hidden)
            if cell not in hidden:
                hidden.add(cell)
                report.complementary += 1
                changed = True
    report.cells_checked = sum(len(set(grid.cells) & hidden) for grid in grids)
    witnesses = {p.grid.name: p.solutions.found for p in protectors}
    return GridSecrecy(hidden, report, witnesses)


def audit_grids(
    grids: list[Grid],
    hidden: set[str],
    threshold: int,
    witnesses: dict[str, list[Witness]] | None = None,
) -> list[str]:
    """What the proof finds: counts below T published, hidden cells narrowed below T
    values, EPCI columns with one or two hidden communes (an empty list when safe). It
    starts from the true counts and the `witnesses` (by grid name, the decision's
    solutions) that it checks to be solutions of what is published (`Solutions.admit`):
    a linear program only for a hidden cell they do not already show T values wide."""
    failures = []
    protectors = [GridProtector(grid, threshold) for grid in grids]
    for grid, protector in zip(grids, protectors, strict=True):
        mine = hidden & set(grid.cells)
        protector.solutions.admit((witnesses or {}).get(grid.name, []), mine)
        failures += [f"{cell} < {threshold}" for cell in primary_cells(grid, threshold) - hidden]
        failures += [f"{b.cell} entre {b.low:g} et {b.high:g}" for b in protector.breaches(mine)]
        failures += [
            f"{total} : une ou deux communes cachées" for total in protector.column_gaps(mine)
        ]
    failures += [
        f"{breach.cell} : marge commune à plusieurs ventilations, connue à moins de "
        f"{threshold} valeurs"
        for _, breach in shared_breaches(protectors, hidden, threshold)
    ]
    return failures
