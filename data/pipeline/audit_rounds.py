"""One table audited round after round, each round re-auditing only what it touched.

A round of protection (`disclosure.Discloser`) hides a few cells of a table; the audit of
`audit.audit_table` would find again the interval of every suppressed cell. `TableRounds`
keeps the last table and its audit and, as `grid_equations.GridEquations` does for the
grids, works out again only what the changed cells reach:
- the remainder of a published total is made again only when one of its base cells (or
  the total itself) changed; the others are the last audit's, and the reduction of the
  remainders is kept from round to round (`reduction.Reduction`);
- a suppressed cell keeps its last interval and binding when none of its base cells
  changed and none of its hidden ones lies in a touched part of the system (a connected
  component, `audit.partition`, holding a changed cell or a cell of a reduced equation
  that differs from the last audit's): its equations, their totals and its cells' bounds
  are the same, so is its interval.
The result is the audit a fresh `audit_table` gives (the property tests compare them).
"""

from __future__ import annotations

from collections import defaultdict

from data.pipeline.audit import (
    Equation,
    Table,
    TableAudit,
    audit_table,
    partition,
    remainder,
)
from data.pipeline.reduction import Reduction

Kept = dict[str, tuple[tuple[float, float], str | None]]


def changed_cells(before: Table, after: Table) -> set[str]:
    """The cells whose published value or bounds differ between two versions of a table
    (and the cells one version lists and the other does not)."""
    changed = {cell for cell, _ in before.values.items() ^ after.values.items()}
    if before.bounds is after.bounds:
        return changed
    return changed | {cell for cell, _ in before.bounds.items() ^ after.bounds.items()}


def touched_cells(
    changed: set[str],
    before: dict[str, Equation],
    after: dict[str, Equation],
    part_of: dict[str, int],
) -> set[str]:
    """The hidden cells whose part of the system may have changed: the parts (`part_of`,
    of `after`'s partition) of the changed cells and of the cells of every reduced
    equation that is not the same in both audits, and those cells themselves."""
    seeds = set(changed)
    for key in before.keys() | after.keys():
        if before.get(key) != after.get(key):
            for equation in (before.get(key), after.get(key)):
                if equation is not None:
                    seeds |= equation.cells
    roots = {part_of[cell] for cell in seeds if cell in part_of}
    return seeds | {cell for cell, root in part_of.items() if root in roots}


class TableRounds:
    """The audits of the successive versions of one table (same equations, expansion)."""

    def __init__(
        self, equations: dict[str, tuple[str, ...]], expansion: dict[str, tuple[str, ...]]
    ) -> None:
        """`equations`: every equation a version of the table may publish; `expansion`:
        `audit.expand` of them."""
        self.expansion = expansion
        self.parents: dict[str, list[str]] = defaultdict(list)
        for total, parts in equations.items():
            for part in parts:
                self.parents[part].append(total)
        self.last: tuple[Table, TableAudit] | None = None
        self.reduction = Reduction()

    def audit(self, table: Table, threshold: int, solved: dict) -> TableAudit:
        previous = self.last[1] if self.last is not None else None
        changed = changed_cells(self.last[0], table) if self.last is not None else set()
        remainders = self._remainders(table, previous, changed)
        reduced = self.reduction(remainders)
        kept, parts = None, None  # a later round keeps the intervals of untouched parts
        if previous is not None:
            parts = partition(reduced)
            touched = touched_cells(changed, previous.equations, reduced, parts[1])
            kept = self._kept(previous, touched)
        audit = audit_table(
            table,
            threshold,
            self.expansion,
            solved,
            reduction=lambda _: (remainders, reduced),
            kept=kept,
            parts=parts,
        )
        self.last = (table, audit)
        return audit

    def _reach(self, cells: set[str]) -> set[str]:
        """The cells and every total they are part of, directly or not."""
        reached = set(cells)
        frontier = list(cells)
        while frontier:
            for total in self.parents.get(frontier.pop(), ()):
                if total not in reached:
                    reached.add(total)
                    frontier.append(total)
        return reached

    def _remainders(
        self, table: Table, previous: TableAudit | None, changed: set[str]
    ) -> dict[str, Equation]:
        """The remainders of `table`: made again where `changed` reaches (everywhere
        without a `previous` audit), else the previous audit's."""
        stale = self._reach(changed)
        remainders = {}
        for key in table.equations:
            if previous is None or key in stale:
                equation = remainder(table, self.expansion, key)
            else:
                equation = previous.remainders.get(key)
            if equation is not None:
                remainders[key] = equation
        return remainders

    def _kept(self, previous: TableAudit, touched: set[str]) -> Kept:
        dirty = self._reach(touched)
        return {
            cell: (interval, previous.bindings[cell])
            for cell, interval in previous.intervals.items()
            if cell not in dirty
        }
