"""`audit.reduce` of the successive versions of one table, each reduced from the last.

A round of protection hides a few cells of a table: the remainders of the totals holding
them change, the others stay as they were. `audit.reduce` would find again, for every
equation, the equations strictly inside it (one sparse product over the whole table) and
reduce every equation again. `Reduction` finds that once (the same sparse product) and
keeps which equation lies inside which, and each cell's equations; a new version finds the
equations inside or around the changed ones only (through the equations that hold their
cells), and reduces again only the changed equations and those around them, old or new.
The others' reduction is the same: their remainder and the equations inside them are. The
result is `audit.reduce`'s, in its order (the property tests compare them).
"""

from __future__ import annotations

from collections import defaultdict

from data.pipeline.audit import Equation, inner_pairs, reduce_one


class Reduction:
    """`audit.reduce`, called on every version of one table's remainders in turn."""

    def __init__(self) -> None:
        self.remainders: dict[str, Equation] = {}  # the last version's, with cells only
        self.reduced: dict[str, Equation] = {}
        self.inner: dict[str, set[str]] = defaultdict(set)  # strictly inside each equation
        self.outer: dict[str, set[str]] = defaultdict(set)  # each equation strictly inside
        self.holding: dict[str, set[str]] = defaultdict(set)  # each cell's equations

    def __call__(self, remainders: dict[str, Equation]) -> dict[str, Equation]:
        live = {key: e for key, e in remainders.items() if e.cells}
        changed = {
            key
            for key in live.keys() | self.remainders.keys()
            if live.get(key) != self.remainders.get(key)
        }
        if not self.remainders:
            return self._first(live)
        stale: set[str] = set()
        for key in changed & self.remainders.keys():
            stale |= self._take_out(key)
        added = sorted(changed & live.keys())
        for key in added:
            self.remainders[key] = live[key]
            for cell in live[key].cells:
                self.holding[cell].add(key)
        for key in added:
            stale |= self._relate(key)
        for key in stale & live.keys():
            self.reduced[key] = self._reduce(live[key])
        ordered = sorted(live.values(), key=lambda e: (len(e.cells), e.key))
        return {e.key: self.reduced[e.key] for e in ordered}

    def _first(self, live: dict[str, Equation]) -> dict[str, Equation]:
        """The first version: which equation lies inside which from one sparse product
        over all of them (`audit.inner_pairs`, as `audit.reduce` finds it)."""
        ordered = sorted(live.values(), key=lambda e: (len(e.cells), e.key))
        outers, inners = inner_pairs(ordered)
        for outer, inner in zip(outers.tolist(), inners.tolist(), strict=True):
            self.inner[ordered[outer].key].add(ordered[inner].key)
            self.outer[ordered[inner].key].add(ordered[outer].key)
        for equation in ordered:
            self.remainders[equation.key] = equation
            for cell in equation.cells:
                self.holding[cell].add(equation.key)
        for equation in ordered:
            self.reduced[equation.key] = self._reduce(equation)
        return {e.key: self.reduced[e.key] for e in ordered}

    def _reduce(self, equation: Equation) -> Equation:
        inside = sorted(self.inner[equation.key], key=lambda k: (-len(self.remainders[k].cells), k))
        return reduce_one(equation, [self.remainders[k] for k in inside])

    def _take_out(self, key: str) -> set[str]:
        """Forget the last version of `key`; the equations it was inside."""
        for cell in self.remainders.pop(key).cells:
            self.holding[cell].discard(key)
        self.reduced.pop(key, None)
        for inner in self.inner.pop(key, ()):
            self.outer[inner].discard(key)
        outers = self.outer.pop(key, set())
        for outer in outers:
            self.inner[outer].discard(key)
        return outers

    def _relate(self, key: str) -> set[str]:
        """Find the equations strictly inside and around the new version of `key` (every
        equation in `self.remainders` is the new version's); `key` and those around it."""
        cells = self.remainders[key].cells
        size = len(cells)
        rarest = min(cells, key=lambda cell: len(self.holding[cell]))
        outers = {
            other
            for other in self.holding[rarest]
            if len(self.remainders[other].cells) > size and cells < self.remainders[other].cells
        }
        near = set().union(*(self.holding[cell] for cell in cells))
        inners = {
            other
            for other in near
            if len(self.remainders[other].cells) < size and self.remainders[other].cells < cells
        }
        self.inner[key] = inners
        for inner in inners:
            self.outer[inner].add(key)
        self.outer[key] = outers
        for outer in outers:
            self.inner[outer].add(key)
        return outers | {key}
