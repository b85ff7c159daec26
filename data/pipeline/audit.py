"""The disclosure audit: how precisely can a user work out each value the portal hides?

A published table (one theme, one vintage) declares what it publishes and nothing else:
- `values`: every cell with its published value, or None when it is suppressed;
- `equations`: total = sum of parts, as the portal shows them (a zone and the residences
  inside it, the QPV part of a zone and the residences it counts);
- `bounds`: what a user knows of a suppressed cell without any equation (a residence drawn
  on the map has at least one dwelling; its households are at most its published
  dwellings less its vacant ones; a published size class bounds its dwellings);
- `stock_bounds`: the bounds come from the published stock, which the table cannot
  change (households): a cell is then narrowed only beyond its own bounds (a residence of
  11 dwellings, 2 of them vacant, has at most 9 households whatever the zones say).

For every suppressed cell the audit computes the interval the cell is known to lie in,
from all the equations at once (linear reasoning: the least and greatest value of the
cell over the real solutions of the system, as a linear program would; HiGHS where the
system needs it). A cell is protected when that interval holds at least
T integers, `high - low >= T - 1`: never exact, and never narrower than the whole range
1 to T - 1 of a residence below the threshold.

The time series are equations too: between two vintages, the change of what a published
zone leaves once its published parts are subtracted (its hidden remainder) is known; it
must not describe what happened to fewer than T units inside hidden cells
(`audit_changes`).

Speed: the equations of nested zones are reduced first (a zone minus the published zones
inside it, largest first), which splits the system into many small independent parts; a
part with one equation has its bounds in closed form, the others go to HiGHS, except
where an optimum found earlier in the part already reaches a bound no solution can pass
(`Component._attained`: then that bound is the answer, no program needed). A table
audited again after a round of protection keeps the intervals of the parts the round did
not touch (`audit_rounds.TableRounds`, `audit_table`'s `kept`).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

INFINITY = math.inf
EPSILON = 1e-6
# the optima a part keeps to settle later questions without a program (`Component`):
# 64 settle nearly all that all of them would on the MEL demo (746 programs, 728 with all)
KEPT_SOLUTIONS = 64


@dataclass
class Table:
    """What one table publishes for one vintage (see the module docstring)."""

    name: str
    values: dict[str, float | None]
    equations: dict[str, tuple[str, ...]]
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    stock_bounds: bool = False


@dataclass(frozen=True)
class Equation:
    """A published total minus its published parts: the hidden `cells` sum to `total`.
    `loose_published`: the published parts not already inside a published sub-total
    (what hiding more would add to this equation)."""

    key: str
    cells: frozenset[str]
    total: float
    loose_published: tuple[str, ...]


@dataclass(frozen=True)
class Breach:
    """A suppressed cell known to lie in [low, high], too narrow; `equation` is the key of
    the smallest equation that binds it (where hiding more helps)."""

    table: str
    cell: str
    low: float
    high: float
    equation: str | None


@dataclass(frozen=True)
class ChangeBreach:
    """A hidden remainder whose change between `table` and another vintage isolates
    fewer than T units: its total must be hidden in `table` (or, for a reduced remainder,
    `reduced`, a sibling hidden beside it). See `audit_changes`."""

    table: str
    equation: str
    change: float
    reduced: bool
    partners: tuple[str, ...]  # the vintages it differs from by too little


@dataclass
class TableAudit:
    name: str
    checked: int
    breaches: list[Breach]
    equations: dict[str, Equation]  # reduced, by key: the hidden remainders
    remainders: dict[str, Equation]  # each published total minus all its published parts
    # every suppressed cell's interval (where tables share a cell, a user intersects them)
    # and the smallest equation that binds it
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    bindings: dict[str, str | None] = field(default_factory=dict)
    # the breached cells whose interval only holds the exact one (`audit_table`'s
    # `early_breaches`)
    outer: set[str] = field(default_factory=set)


def expand(table: Table) -> dict[str, tuple[str, ...]]:
    """The base cells (cells that are no total) behind every cell of a table; it depends
    on the equations only, so tables that share them can share it (`audit_table`)."""
    memo: dict[str, tuple[str, ...]] = {}

    def base(cell: str, depth: int = 0) -> tuple[str, ...]:
        if cell in memo:
            return memo[cell]
        if depth > 50:
            raise ValueError(f"{table.name}: equations loop through {cell}")
        parts = table.equations.get(cell)
        result = (cell,) if parts is None else tuple(b for p in parts for b in base(p, depth + 1))
        memo[cell] = result
        return result

    for cell in table.values:
        base(cell)
    return memo


def _remainders(table: Table, expansion: dict[str, tuple[str, ...]]) -> dict[str, Equation]:
    equations = {}
    for key in table.equations:
        equation = remainder(table, expansion, key)
        if equation is not None:
            equations[key] = equation
    return equations


def remainder(table: Table, expansion: dict[str, tuple[str, ...]], key: str) -> Equation | None:
    """A published total minus its published base cells (None when the total is hidden)."""
    value = table.values.get(key)
    if value is None:
        return None
    hidden: list[str] = []
    published: list[str] = []
    known = 0
    for base in expansion[key]:
        part = table.values.get(base)
        if part is None:
            hidden.append(base)
        else:
            published.append(base)
            known += part
    return Equation(key, frozenset(hidden), value - known, tuple(published))


def reduce(remainders: dict[str, Equation]) -> dict[str, Equation]:
    """Each equation minus the largest disjoint equations strictly inside it (smallest
    first): the same system of solutions, in small independent parts. Which equation lies
    inside which comes from one sparse product (the cells two equations share)."""
    ordered = sorted(
        (e for e in remainders.values() if e.cells), key=lambda e: (len(e.cells), e.key)
    )
    inner_of = inner_equations(ordered)
    reduced: dict[str, Equation] = {}
    for position, equation in enumerate(ordered):
        inside = [ordered[i] for i in inner_of.get(position, ())]
        reduced[equation.key] = reduce_one(equation, inside)
    return reduced


def reduce_one(equation: Equation, inside: list[Equation]) -> Equation:
    """`equation` minus the largest disjoint equations of `inside` (the equations strictly
    inside it, largest first, then by key)."""
    taken: set[str] = set()
    cells = set(equation.cells)
    total = equation.total
    published = set(equation.loose_published)
    for inner in inside:
        if inner.cells & taken:
            continue
        taken |= inner.cells
        cells -= inner.cells
        total -= inner.total
        published -= set(inner.loose_published)
    return Equation(equation.key, frozenset(cells), total, tuple(sorted(published)))


def inner_equations(equations: list[Equation]) -> dict[int, list[int]]:
    """For each equation (by position), the equations whose cells are a strict subset of
    its own, largest first, then by position (by key, for `equations` ordered by size
    and key)."""
    inner_of: dict[int, list[int]] = defaultdict(list)
    outers, inners = inner_pairs(equations)
    sizes = np.array([len(e.cells) for e in equations], dtype=np.int64)
    order = np.lexsort((inners, -sizes[inners], outers))
    for outer, inner in zip(outers[order].tolist(), inners[order].tolist(), strict=True):
        inner_of[outer].append(inner)
    return inner_of


def inner_pairs(equations: list[Equation]) -> tuple[np.ndarray, np.ndarray]:
    """The positions (outer, inner) of every two equations where the inner's cells are a
    strict subset of the outer's."""
    index: dict[str, int] = {}
    columns = [index.setdefault(cell, len(index)) for e in equations for cell in e.cells]
    sizes = np.array([len(e.cells) for e in equations], dtype=np.int64)
    rows = np.repeat(np.arange(len(equations)), sizes)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(equations), len(index))
    )
    shared = sparse.coo_matrix(incidence @ incidence.T)
    inside = (shared.data == sizes[shared.col]) & (sizes[shared.col] < sizes[shared.row])
    return shared.row[inside], shared.col[inside]


def partition(reduced: dict[str, Equation]) -> tuple[list[Equation], dict[str, int]]:
    """The live equations of a reduction (by key, the last of those with the same cells)
    and the independent part of each of their cells (`_parts`)."""
    live = list(
        {e.cells: e for e in sorted(reduced.values(), key=lambda e: e.key) if e.cells}.values()
    )
    return live, _parts(live)


def _parts(equations: list[Equation]) -> dict[str, int]:
    """The independent part of every cell of `equations`: cells are joined through the
    equations they share (connected components of the graph of cells and equations)."""
    index: dict[str, int] = {}
    columns = [index.setdefault(cell, len(index)) for e in equations for cell in e.cells]
    sizes = np.array([len(e.cells) for e in equations], dtype=np.int64)
    rows = len(index) + np.repeat(np.arange(len(equations)), sizes)
    size = len(index) + len(equations)
    graph = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return dict(zip(index, labels[: len(index)].tolist(), strict=True))


def _bound_sums(bounds: Iterable[tuple[float, float]]) -> tuple[float, float, int]:
    """Sum of lower bounds, sum of the finite upper bounds, number of infinite ones."""
    low = high = 0.0
    open_ended = 0
    for lower, upper in bounds:
        low += lower
        if upper == INFINITY:
            open_ended += 1
        else:
            high += upper
    return low, high, open_ended


Vertex = Callable[[list[str], np.ndarray], None]
# a table -> its remainders and their reduction (`_remainders`, `reduce`)
Reduction = Callable[[Table], tuple[dict[str, Equation], dict[str, Equation]]]


class Component:
    """Independent part of the system: some hidden cells and the equations between them.
    With several equations, one HiGHS model answers every question about the part, each a
    warm start from the previous answer. `on_vertex` is told every optimal solution found
    (the part's cells and their values: a solution of the whole system with the other
    cells at any solution of theirs)."""

    def __init__(
        self,
        cells: list[str],
        equations: list[Equation],
        bounds,
        on_vertex: Vertex | None = None,
    ) -> None:
        self.cells = cells
        self.equations = equations
        self.bounds = bounds
        self.on_vertex = on_vertex
        self.cache: dict[frozenset[str], tuple[float, float]] = {}
        self.highs: dict[frozenset[str], float] = {}  # `high_of`, before `range_of` knows it
        self.costed: frozenset[str] | None = None  # the subset the model's cost sums
        self.model: highspy.Highs | None = None
        self.sums: dict[str, tuple[float, float, int]] = {}  # by equation key
        # the last optima found (`_attained`), one row each, the oldest overwritten first:
        # a bounded memory for the large parts of a national build
        self.solutions = np.zeros((min(KEPT_SOLUTIONS, 4), len(cells)))
        self.found = 0  # how many optima were found, in all

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Each cell's column in the model."""
        return {cell: i for i, cell in enumerate(self.cells)}

    def range_of(self, subset: frozenset[str]) -> tuple[float, float]:
        if subset not in self.cache:
            if len(self.equations) == 1:
                self.cache[subset] = self._closed_form(subset, self.equations[0])
            else:
                low = self._attained(subset, 0)
                if low is None:
                    low = self._optimum(subset, highspy.ObjSense.kMinimize, -INFINITY)
                self.cache[subset] = (low, self.high_of(subset))
        return self.cache[subset]

    def high_of(self, subset: frozenset[str]) -> float:
        """The greatest value of the subset's sum: half of `range_of`, which a caller may
        not need once it knows it (`audit_table`'s `early_breaches`)."""
        if subset in self.cache or len(self.equations) == 1:
            return self.range_of(subset)[1]
        if subset not in self.highs:
            high = self._attained(subset, 1)
            if high is None:
                high = self._optimum(subset, highspy.ObjSense.kMaximize, INFINITY)
            self.highs[subset] = high
        return self.highs[subset]

    def _attained(self, subset: frozenset[str], side: int) -> float | None:
        """The least (`side` 0) or greatest (1) sum of the subset without a linear
        program, when an optimum found earlier in the part already reaches a bound no
        solution can pass (`outer_range`, within the subset's own bounds): then it is
        that bound. None when no solution found so far shows it."""
        low, high = self.outer_range(subset)
        in_low, in_high, in_open = _bound_sums(self.bounds(c) for c in subset)
        bound = max(low, in_low) if side == 0 else min(high, INFINITY if in_open else in_high)
        if not self.found or not math.isfinite(bound):
            return None
        rows = self.solutions[: min(self.found, len(self.solutions))]
        sums = rows[:, [self.index[c] for c in subset]].sum(axis=1)
        return bound if bool((np.abs(sums - bound) <= EPSILON).any()) else None

    def outer_range(self, subset: frozenset[str]) -> tuple[float, float]:
        """An interval holding every value of the subset's sum, without a linear program:
        its range, when known, else what each equation holding the whole subset leaves it
        alone (each a relaxation of the part), intersected."""
        if subset in self.cache or len(self.equations) == 1:
            return self.range_of(subset)
        low, high = -INFINITY, INFINITY
        for equation in self.equations:
            if subset <= equation.cells:
                one_low, one_high = self._closed_form(subset, equation)
                low, high = max(low, one_low), min(high, one_high)
        return low, high

    def _closed_form(self, subset: frozenset[str], equation: Equation) -> tuple[float, float]:
        """One equation: the subset takes what the rest leaves, within its own bounds."""
        if equation.key not in self.sums:
            self.sums[equation.key] = _bound_sums(self.bounds(c) for c in equation.cells)
        inside = _bound_sums(self.bounds(c) for c in subset)
        all_low, all_high, all_open = self.sums[equation.key]
        in_low, in_high, in_open = inside
        outside_high = INFINITY if all_open > in_open else all_high - in_high
        low = max(in_low, equation.total - outside_high)
        high = min(INFINITY if in_open else in_high, equation.total - (all_low - in_low))
        return low, high

    def _build(self) -> highspy.Highs:
        index = self.index
        model = highspy.Highs()
        model.setOptionValue("output_flag", False)
        # primal simplex: from one question to the next only the cost changes, the last
        # optimum stays feasible (76 000 -> 7 400 iterations on the MEL demo)
        model.setOptionValue("simplex_strategy", 4)
        lows, highs = zip(*(self.bounds(c) for c in self.cells), strict=True)
        model.addVars(
            len(self.cells),
            np.array(lows, dtype=float),
            np.array([highspy.kHighsInf if h == INFINITY else h for h in highs], dtype=float),
        )
        rows = [sorted(index[c] for c in equation.cells) for equation in self.equations]
        starts = np.cumsum([0, *map(len, rows)], dtype=np.int32)[:-1]
        columns = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int32)
        totals = np.array([equation.total for equation in self.equations], dtype=float)
        model.addRows(
            len(rows), totals, totals, len(columns), starts, columns, np.ones(len(columns))
        )
        return model

    def _optimum(self, subset: frozenset[str], sense: highspy.ObjSense, unbounded: float) -> float:
        """The least or greatest (`sense`) sum of the subset over the part (`unbounded`
        when there is none), a warm start from the model's last answer."""
        if self.model is None:
            self.model = self._build()
        model = self.model
        if subset != self.costed:
            cost = np.zeros(len(self.cells))
            cost[[self.index[c] for c in subset]] = 1.0
            model.changeColsCost(len(self.cells), np.arange(len(self.cells), dtype=np.int32), cost)
            self.costed = subset
        model.changeObjectiveSense(sense)
        model.run()
        status = model.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return unbounded
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(
                f"inconsistent published equations ({model.modelStatusToString(status)})"
            )
        solution = np.array(model.getSolution().col_value)
        if self.found == len(self.solutions) < KEPT_SOLUTIONS:
            self.solutions = np.vstack([self.solutions, np.zeros_like(self.solutions)])
        self.solutions[self.found % len(self.solutions)] = solution
        self.found += 1
        if self.on_vertex is not None:
            self.on_vertex(self.cells, solution)
        return model.getInfo().objective_function_value


def audit_table(
    table: Table,
    threshold: int,
    expansion: dict[str, tuple[str, ...]] | None = None,
    solved: dict[tuple, Component] | None = None,
    wide: Callable[[str], bool] | None = None,
    on_vertex: Vertex | None = None,
    early_breaches: bool = False,
    reduction: Reduction | None = None,
    kept: dict[str, tuple[tuple[float, float], str | None]] | None = None,
    parts: tuple[list[Equation], dict[str, int]] | None = None,
) -> TableAudit:
    """The interval of every suppressed cell of `table`, and the breaches. `solved` keeps
    the independent parts already solved, by their equations and bounds: tables audited
    one after the other (vintages, rounds of protection) share most of them. `wide`: the
    suppressed cells the caller already knows to keep T values (skipped, no interval);
    `on_vertex` is given to the parts (`Component`). `early_breaches`: a cell that bounds
    without a linear program (`Component.outer_range`) already show narrower than T
    values is a breach with those bounds (in `outer`), not its exact interval.
    `reduction`: the table's remainders and reduced equations, when the caller keeps
    them from one audit to the next (`grid_equations.GridEquations`). `kept`: the interval
    and binding of suppressed cells an earlier audit of the table found and the caller
    knows unchanged (`audit_rounds.TableRounds`), taken as they are. `parts`: `partition`
    of the reduced equations, when the caller has it already."""
    expansion = expansion if expansion is not None else expand(table)
    if reduction is None:
        remainders = _remainders(table, expansion)
        reduced = reduce(remainders)
    else:
        remainders, reduced = reduction(table)

    def bounds(cell: str) -> tuple[float, float]:
        return table.bounds.get(cell, (0.0, INFINITY))

    def narrow(cell: str, low: float, high: float) -> bool:
        """Fewer than T values left, and fewer than the stock's own bounds leave."""
        if high - low >= threshold - 1 - EPSILON:
            return False
        if table.stock_bounds and cell in table.bounds:
            least, most = table.bounds[cell]
            return low > least + EPSILON or high < most - EPSILON
        return True

    live, part_of = partition(reduced) if parts is None else parts
    members: dict[int, list[str]] = defaultdict(list)
    for cell, part in part_of.items():
        members[part].append(cell)
    rows: dict[int, list[Equation]] = defaultdict(list)
    for equation in live:
        rows[part_of[next(iter(equation.cells))]].append(equation)
    solved = {} if solved is None else solved
    components: dict[int, Component] = {}

    def component(root: int) -> Component:
        """The part `root`, made (or found solved) when a cell first needs it."""
        if root not in components:
            ordered = sorted(members[root])
            signature = (
                frozenset((e.cells, e.total) for e in rows[root]),
                tuple(bounds(c) for c in ordered),
            )
            if signature not in solved:
                solved[signature] = Component(ordered, rows[root], bounds, on_vertex)
            components[root] = solved[signature]
        return components[root]

    # the smallest equation of each hidden cell; with `kept`, only in the parts that the
    # cells left to audit reach
    binding_rows = live if kept is None else _reached(table, expansion, kept, part_of, rows)
    smallest: dict[str, Equation] = {}
    for equation in sorted(binding_rows, key=lambda e: (-len(e.cells), e.key)):
        for cell in equation.cells:
            smallest[cell] = equation

    breaches = []
    intervals: dict[str, tuple[float, float]] = {}
    bindings: dict[str, str | None] = {}
    outer: set[str] = set()
    checked = 0
    for cell, value in table.values.items():
        if value is not None or (wide is not None and wide(cell)):
            continue
        checked += 1
        if kept is not None and cell in kept:
            intervals[cell], bindings[cell] = kept[cell]
            low, high = intervals[cell]
            if narrow(cell, low, high):
                breaches.append(Breach(table.name, cell, low, high, bindings[cell]))
            continue
        hidden: list[str] = []
        known = 0
        for b in expansion[cell]:
            if (part := table.values.get(b)) is None:
                hidden.append(b)
            else:
                known += part
        by_component: dict[int, set[str]] = defaultdict(set)
        low = high = known
        for b in hidden:
            if b in part_of:
                by_component[part_of[b]].add(b)
            else:
                low += bounds(b)[0]
                high += bounds(b)[1]
        parts = [(component(root), frozenset(subset)) for root, subset in by_component.items()]
        interval = None
        if early_breaches:
            bounded = _interval(table, cell, low, high, [c.outer_range(s) for c, s in parts])
            if narrow(cell, *bounded):
                interval = bounded
                outer.add(cell)
            elif wide is not None:
                # its greatest value first (a small count lies near its least): the
                # solution found may show it wide, or the bound narrow, with no second
                # program
                greatest = min(bounded[1], high + sum(c.high_of(s) for c, s in parts))
                if wide(cell):
                    continue
                if narrow(cell, bounded[0], greatest):
                    interval = (bounded[0], greatest)
                    outer.add(cell)
        if interval is None:
            interval = _interval(table, cell, low, high, [c.range_of(s) for c, s in parts])
        low, high = interval
        binding = [smallest[b] for b in hidden if b in smallest]
        tightest = min(binding, key=lambda e: (len(e.cells), e.key), default=None)
        intervals[cell] = (low, high)
        bindings[cell] = tightest.key if tightest else None
        if narrow(cell, low, high):
            breaches.append(Breach(table.name, cell, low, high, bindings[cell]))
    return TableAudit(
        table.name, checked, breaches, reduced, remainders, intervals, bindings, outer
    )


def _reached(
    table: Table,
    expansion: dict[str, tuple[str, ...]],
    kept: dict,
    part_of: dict[str, int],
    rows: dict[int, list[Equation]],
) -> list[Equation]:
    """The equations of the parts that the suppressed cells not in `kept` reach."""
    reached = {
        part_of[b]
        for cell, value in table.values.items()
        if value is None and cell not in kept
        for b in expansion[cell]
        if b in part_of
    }
    return [e for root in reached for e in rows[root]]


def _interval(
    table: Table, cell: str, low: float, high: float, ranges: list[tuple[float, float]]
) -> tuple[float, float]:
    """A suppressed cell's interval: `low` and `high` (its published parts and the bounds
    of its hidden ones outside every equation) plus the `ranges` of its hidden parts in
    each component, within the cell's own bounds."""
    for part_low, part_high in ranges:
        low += part_low
        high += part_high
    if cell in table.bounds:
        low = max(low, table.bounds[cell][0])
        high = min(high, table.bounds[cell][1])
    return low, high


def _moved(
    before: Equation, after: Equation, was: dict[str, float], now: dict[str, float]
) -> float:
    """How many units moved inside a hidden remainder between two vintages: each hidden
    cell's change, a cell counting whole where it enters or leaves the remainder."""
    return sum(
        abs((now[c] if c in after.cells else 0.0) - (was[c] if c in before.cells else 0.0))
        for c in before.cells | after.cells
    )


def audit_changes(
    audits: list[TableAudit], threshold: int, truth: dict[str, dict[str, float]]
) -> list[ChangeBreach]:
    """The time series as equations: between any two vintages of a table, the change of
    each hidden remainder is known (reduced: a total minus its published parts and
    sub-totals; whole: a total minus all its published residences). A change describes
    what happened to the hidden cells; it isolates fewer than T units when it is not 0
    and fewer than T units moved to make it (never fewer than the change itself, so only
    a change below T is weighed; `truth`: the true value of every cell of each table, by
    table name). Each such pair of vintages is a breach; the vintage in the most of them
    (on a tie, the earliest) is the one whose total must be hidden, until none is left."""
    found: dict[tuple[str, str], ChangeBreach] = {}
    for kind in ("equations", "remainders"):
        series: dict[str, dict[str, Equation]] = defaultdict(dict)
        for audit in audits:
            for key, equation in getattr(audit, kind).items():
                series[key][audit.name] = equation
        for key, pairs in _small_changes(series, threshold, truth).items():
            while pairs:
                involved: dict[str, int] = defaultdict(int)
                for first, second, _ in pairs:
                    involved[first] += 1
                    involved[second] += 1
                # on a tie the earliest vintage: users read the latest first
                worst = min(involved, key=lambda name: (-involved[name], name))
                change = min(abs(c) for f, s, c in pairs if worst in (f, s))
                # a whole remainder is only kept apart by hiding its total (no sibling)
                partners = tuple(f if s == worst else s for f, s, _ in pairs if worst in (f, s))
                found[(worst, key)] = ChangeBreach(
                    worst, key, change, kind == "equations", partners
                )
                pairs = [p for p in pairs if worst not in p[:2]]
    return list(found.values())


def _small_changes(
    series: dict[str, dict[str, Equation]], threshold: int, truth: dict[str, dict[str, float]]
) -> dict[str, list[tuple[str, str, float]]]:
    """For each key of `series` (its equation in each table, by table name), the pairs of
    tables (in name order) whose totals differ by less than T units, not 0, and that fewer
    than T units moved to make (`_moved`). The changes of every key and pair are taken at
    once on a matrix of totals; only those below T are weighed one by one."""
    keys = [
        key
        for key, by_table in series.items()
        if len(by_table) >= 2 and any(e.cells for e in by_table.values())
    ]
    names = sorted({name for key in keys for name in series[key]})
    column = {name: i for i, name in enumerate(names)}
    totals = np.full((len(keys), len(names)), np.nan)
    for row, key in enumerate(keys):
        for name, equation in series[key].items():
            totals[row, column[name]] = equation.total
    firsts, seconds = np.triu_indices(len(names), 1)  # `itertools.combinations`' order
    change = totals[:, seconds] - totals[:, firsts]
    with np.errstate(invalid="ignore"):  # a table without the key: NaN, never small
        small = (np.abs(change) > EPSILON) & (np.abs(change) < threshold - EPSILON)
    pairs: dict[str, list[tuple[str, str, float]]] = {}
    for row, pair in zip(*(index.tolist() for index in np.nonzero(small)), strict=True):
        key = keys[row]
        first, second = names[firsts[pair]], names[seconds[pair]]
        before, after = series[key][first], series[key][second]
        if _moved(before, after, truth[first], truth[second]) < threshold - EPSILON:
            pairs.setdefault(key, []).append((first, second, float(change[row, pair])))
    return pairs
