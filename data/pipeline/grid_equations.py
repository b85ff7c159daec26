"""A grid's published equations, reduced once and kept up to date as more cells are hidden.

In a grid (`grid_secrecy.Grid`) no base cell is ever published, so every published cell's
remainder is the same whatever else is hidden: all its base cells, its true count. What
changes from one audit to the next (rounds of protection, the proof) is only which cells
are published. `GridEquations` finds once which equation lies inside which
(`audit.inner_pairs`) and reduces an equation again (`audit.reduce_one`, the same
steps as `audit.reduce`) only when an equation inside it was published or hidden since
the last audit: a round that hides a few cells reduces a few equations, not the grid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from data.pipeline.audit import Equation, Table, inner_pairs, reduce_one


class GridEquations:
    """`audit.Reduction` of the tables of one grid (see the module docstring)."""

    def __init__(self, totals: dict[str, float], bases: Mapping[str, Iterable[str]]) -> None:
        # every cell's remainder when it is published; ordered as `audit.reduce` orders
        cells = {cell: frozenset(bases[cell]) for cell in totals}
        self.remainders = {
            cell: Equation(cell, cells[cell], totals[cell], ())
            for cell in sorted(totals, key=lambda c: (len(cells[c]), c))
        }
        ordered = [e for e in self.remainders.values() if e.cells]
        outers, inners = inner_pairs(ordered)
        # the equations inside one, largest first, then by key (`ordered`'s order)
        sizes = np.array([len(e.cells) for e in ordered])
        by_outer = np.lexsort((inners, -sizes[inners], outers))
        self.inside: dict[str, list[Equation]] = {e.key: [] for e in ordered}
        self.outside: dict[str, list[str]] = defaultdict(list)
        for outer, inner in zip(outers[by_outer].tolist(), inners[by_outer].tolist(), strict=True):
            self.inside[ordered[outer].key].append(ordered[inner])
            self.outside[ordered[inner].key].append(ordered[outer].key)
        self.live: set[str] = set()
        self.reduced: dict[str, Equation] = {}

    def __call__(self, table: Table) -> tuple[dict[str, Equation], dict[str, Equation]]:
        """The remainders and the reduced equations of `table`, a table of this grid."""
        live = {key for key in self.inside if table.values.get(key) is not None}
        changed = live ^ self.live
        stale = (changed | {outer for key in changed for outer in self.outside[key]}) & live
        for key in self.live - live:
            del self.reduced[key]
        for key in stale:
            inside = [inner for inner in self.inside[key] if inner.key in live]
            self.reduced[key] = reduce_one(self.remainders[key], inside)
        self.live = live
        remainders = {
            cell: self.remainders[cell]
            for cell in table.equations
            if table.values.get(cell) is not None
        }
        return remainders, {key: self.reduced[key] for key in self.remainders if key in live}
