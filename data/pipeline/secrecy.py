"""Statistical secrecy: which residences and which zone values may be published.

Works on one vintage at a time, on small inputs: one `Cell` per residence (its count of
dwellings, or of households for the occupation theme, and its zones). Pure: no I/O.

Rules (T = threshold, m = the least count a user knows a residence has: 1 dwelling for a
residence drawn on the map, 0 households):
1. Primary: a residence with fewer than T units is hidden (and any residence forced
   hidden by the caller).
2. Secondary: the zones form a tree, epci > commune > (qpv >) iris > residence, where a
   qpv sits between a commune and its iris when it is exactly a union of iris of that
   commune (the demo's case); any other qpv is a root of its own over the iris wholly
   inside it, so that siblings in the tree never overlap. The knowledge an attacker gets
   from published values is: a published zone minus any disjoint set of published zones
   or residences inside it. For every published zone P, the smallest such remainder is
   the `loose mass` of P: the units of the hidden residences of P that lie under no
   published zone of the tree strictly below P (its `loose set`). Each of those k
   residences is then known to lie between m and (mass - (k - 1) m), or tighter when some
   have a known upper bound. A zone is safe when its loose set is empty, or holds at
   least two residences, at least T units, and leaves each residence a range of at least
   T integers (mass - k m >= T - 1 without upper bounds). Then no subtraction isolates
   fewer than T units nor pins a hidden residence down.
3. Where a zone is not safe it is repaired, in this order: hide its smallest loose
   published residence; else hide the sub-zone value with a loose mass of at least T and
   the fewest units; else hide the smallest sub-zone holding residences and try again
   inside it; else hide the zone value itself. Zones are repaired from the leaves up.
   Hiding more only adds to the loose sets of the zone being repaired, so a zone repaired
   earlier stays safe.

The loose sets are computed on the vintage's arrays (`zone_arrays.py`): every zone of one
depth is checked at once, and the unsafe ones hide their smallest loose published
residences together, in lockstep; only those that must hide a zone below them, and the
QPVs whose cover may lie above them, are repaired one by one (no Python loop over every
residence or every zone of the territory).

What this tree reasoning does not see (the QPV part of a zone, published bounds, the
time series) the disclosure audit (`audit.py`) checks afterwards; the caller hides more
where it finds a breach (`forced_hidden`, `forced_secret`) and runs this again.

Known limit: for a qpv that cuts through iris (real contours), combinations mixing that
qpv with the iris or commune around it (commune minus qpv minus the iris outside it, qpv
minus an iris straddling it) are not audited; the residences of the qpv in straddling
iris count as loose in the qpv.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from data.pipeline.zone_arrays import ZoneArrays, ZoneKey, narrow_groups, upper_bounds

SCALE_DEPTH = {"epci": 0, "commune": 1, "qpv": 2, "iris": 3}


class Cell(NamedTuple):
    """One residence in one vintage: its count of units (dwellings or households). A
    named tuple: the build makes one per residence and vintage."""

    residence_id: str
    count: int
    epci: str
    commune: str
    iris: str | None
    qpv: str | None


@dataclass(frozen=True)
class Disclosure:
    """The outcome: what must not be published."""

    hidden_residences: frozenset[str]
    secret_zones: frozenset[ZoneKey]

    def zone_is_published(self, scale: str, code: str) -> bool:
        return (scale, code) not in self.secret_zones


@dataclass(frozen=True)
class ZoneTree:
    """`parent` of every zone holding cells (None for roots): epci > commune > iris, with a
    qpv between a commune and its iris when the qpv is exactly a union of iris of one
    commune (as far as the residences tell). Any other qpv overlaps its siblings and is an
    overlay root: `overlay[qpv]` is the set of iris wholly inside it."""

    parent: dict[ZoneKey, ZoneKey | None]
    overlay: dict[ZoneKey, frozenset[ZoneKey]]


def zone_tree(cells: Iterable[Cell]) -> ZoneTree:
    communes_of_qpv: dict[str, set[str]] = defaultdict(set)
    iris_of_qpv: dict[str, set[str]] = defaultdict(set)
    qpvs_of_iris: dict[str, set[str | None]] = defaultdict(set)
    parent: dict[ZoneKey, ZoneKey | None] = {}
    for cell in cells:
        parent[("epci", cell.epci)] = None
        parent[("commune", cell.commune)] = ("epci", cell.epci)
        if cell.qpv is not None:
            communes_of_qpv[cell.qpv].add(cell.commune)
        if cell.iris is not None:
            qpvs_of_iris[cell.iris].add(cell.qpv)
            parent[("iris", cell.iris)] = ("commune", cell.commune)
            if cell.qpv is not None:
                iris_of_qpv[cell.qpv].add(cell.iris)
    overlay: dict[ZoneKey, frozenset[ZoneKey]] = {}
    for qpv, communes in communes_of_qpv.items():
        inside = {iris for iris in iris_of_qpv[qpv] if qpvs_of_iris[iris] == {qpv}}
        clean = len(communes) == 1 and inside == iris_of_qpv[qpv]
        if clean:
            parent[("qpv", qpv)] = ("commune", next(iter(communes)))
            for iris in inside:
                parent[("iris", iris)] = ("qpv", qpv)
        else:
            parent[("qpv", qpv)] = None
            overlay[("qpv", qpv)] = frozenset(("iris", iris) for iris in inside)
    return ZoneTree(parent, overlay)


class ZoneStructure:
    """What protection reads of one vintage's cells, whatever is hidden: the zone tree,
    the residences of every zone and the path of every residence up the tree. Built once
    per vintage, reused by every run of `protect` on it."""

    def __init__(self, cells: list[Cell]) -> None:
        self.cells = cells
        self.count = {cell.residence_id: cell.count for cell in cells}
        tree = zone_tree(cells)
        self.parent = tree.parent
        self.overlay = tree.overlay
        self.members: dict[ZoneKey, list[str]] = defaultdict(list)
        self.path: dict[str, list[ZoneKey]] = {}
        self.zones_of: dict[str, set[ZoneKey]] = {}
        chains: dict[ZoneKey, list[ZoneKey]] = {}  # one path per leaf, shared by its residences
        for cell in cells:
            leaf = ("iris", cell.iris) if cell.iris is not None else ("commune", cell.commune)
            if leaf not in chains:
                chains[leaf] = self.chain_of(leaf)
            self.path[cell.residence_id] = chains[leaf]
            zones = {("epci", cell.epci), ("commune", cell.commune), leaf}
            if cell.qpv is not None:
                zones.add(("qpv", cell.qpv))
            self.zones_of[cell.residence_id] = zones
            for zone in zones:
                self.members[zone].append(cell.residence_id)
        self.order = sorted(self.members, key=lambda z: (-SCALE_DEPTH[z[0]], z))

    @functools.cached_property
    def arrays(self) -> ZoneArrays:
        return ZoneArrays(self, SCALE_DEPTH)

    def chain_of(self, zone: ZoneKey) -> list[ZoneKey]:
        chain = [zone]
        while (up := self.parent.get(chain[-1])) is not None:
            chain.append(up)
        return chain


class _Protector:
    """Rule 3 on one vintage: the hidden residences as a mask over `structure.arrays`, the
    secret zones as a set (what is returned) and as a mask of the published ones."""

    def __init__(
        self,
        structure: ZoneStructure,
        threshold: int,
        hidden: np.ndarray,
        secret: set[ZoneKey],
        minimum: int,
        upper: dict[str, float],
    ) -> None:
        self.threshold = threshold
        self.minimum = minimum
        self.arrays = structure.arrays
        self.upper = upper_bounds(self.arrays, upper)
        self.secret = {zone for zone in secret if zone in structure.members}
        self.hidden_mask = hidden
        self.published = ~self.arrays.zone_mask(self.secret)
        self.published[-1] = False  # the padding of paths

    def _hide(self, residence: int) -> None:
        self.hidden_mask[residence] = True

    def _keep_secret(self, zone: int) -> None:
        self.secret.add(self.arrays.zones[zone])
        self.published[zone] = False

    def _loose_hidden(self, residences: np.ndarray, cover: np.ndarray) -> np.ndarray:
        return residences[(cover < 0) & self.hidden_mask[residences]]

    def _unsafe(self, loose: np.ndarray) -> bool:
        """Whether a loose set leaves one of its residences a range of fewer than T
        integers (given each one's known bounds)."""
        if len(loose) < 2:
            return len(loose) == 1
        units = self.arrays.count[loose]
        if units.sum() < self.threshold:
            return True
        group = np.zeros(len(loose), dtype=np.int64)
        return bool(
            narrow_groups(group, units, self.upper[loose], 1, self.threshold, self.minimum)[0]
        )

    def _loose_mass(self, zone: int) -> int:
        return int(
            self.arrays.count[self._loose_hidden(*self.arrays.covers(zone, self.published))].sum()
        )

    def _smallest_zone(self, zones: list[int]) -> int:
        return min(zones, key=lambda z: (self.arrays.units[z], self.arrays.zones[z]))

    def repair(self, zone: int) -> None:
        arrays = self.arrays
        while True:
            residences, cover = arrays.covers(zone, self.published)
            if not self._unsafe(self._loose_hidden(residences, cover)):
                return
            loose_published = residences[(cover < 0) & ~self.hidden_mask[residences]]
            if len(loose_published):
                self._hide(
                    min(
                        loose_published.tolist(),
                        key=lambda r: (arrays.count[r], arrays.residences[r]),
                    )
                )
                continue
            frontier = np.unique(cover[cover >= 0]).tolist()
            covering = [z for z in frontier if self._loose_mass(z) >= self.threshold]
            if covering or frontier:
                self._keep_secret(self._smallest_zone(covering or frontier))
                continue
            self._keep_secret(zone)
            return

    def run(self) -> Disclosure:
        """Repair the zones from the leaves up, one depth at a time. The zones of one depth
        share no residence, and repairing one hides only zones below it, so it leaves the
        others as they were: the unsafe ones of a depth are found together, on arrays, and
        only those go through `repair`. One exception is looked for: a QPV resident without
        an IRIS is covered by its commune, which repairing the QPV may hide; the unsafe
        zones of the depth are then found again."""
        arrays = self.arrays
        for depth in sorted(set(arrays.depth.tolist()), reverse=True):
            pending = self._unsafe_zones(depth)
            self._repair_together([z for z in pending if not arrays.escapes[z]], depth)
            pending = [z for z in pending if arrays.escapes[z]]
            while pending:
                zone = pending.pop(0)
                shallower = self.published & (arrays.depth_padded < depth)
                self.repair(zone)
                if (shallower & ~self.published).any():
                    pending = [z for z in self._unsafe_zones(depth) if z > zone]
        hidden = frozenset(self.arrays.residence_ids[self.hidden_mask].tolist())
        return Disclosure(hidden, frozenset(self.secret))

    def _repair_together(self, zones: list[int], depth: int) -> None:
        """`repair` of unsafe zones whose covers all lie below them, the first of its
        steps for all at once: each hides its smallest loose published residence until
        safe; those left unsafe without one go through `repair`. They share no residence
        and repairing one hides nothing outside it, so the others stay as they were."""
        arrays = self.arrays
        while zones:
            smallest = arrays.smallest_loose_published(zones, self.hidden_mask, self.published)
            stuck = np.asarray(zones)[smallest < 0]
            bare = arrays.uncovered(stuck, self.published)
            for zone in stuck[bare].tolist():  # no published zone below: its own value
                self._keep_secret(zone)
            for zone in stuck[~bare].tolist():
                self.repair(zone)
            self.hidden_mask[smallest[smallest >= 0]] = True
            unsafe = self._unsafe_zones(depth)
            unsafe_now = set(unsafe)
            zones = [z for z in np.asarray(zones)[smallest >= 0].tolist() if z in unsafe_now]

    def _unsafe_zones(self, depth: int) -> list[int]:
        return self.arrays.unsafe_zones(
            depth, self.hidden_mask, self.published, self.threshold, self.minimum, self.upper
        )


def protect(
    cells: Iterable[Cell] | ZoneStructure,
    threshold: int,
    forced_hidden: Iterable[str] = (),
    forced_secret: Iterable[ZoneKey] = (),
    minimum: int = 0,
    upper: dict[str, float] | None = None,
) -> Disclosure:
    """Decide the hidden residences and secret zone values of one vintage; `minimum` is
    the count a user knows every residence has at least, `upper` the count a user knows
    some have at most (households: their published dwellings)."""
    structure = cells if isinstance(cells, ZoneStructure) else ZoneStructure(list(cells))
    arrays = structure.arrays
    hidden = (arrays.count < threshold) | arrays.mask(set(forced_hidden))
    return _Protector(structure, threshold, hidden, set(forced_secret), minimum, upper or {}).run()
