"""Statistical secrecy: which residences and which zone values may be published.

Works on one vintage at a time, on small inputs: one `Cell` per residence (its count of
dwellings, or of households for the occupation theme, and its zones). Pure: no I/O.

Rules (T = threshold):
1. Primary: a residence with fewer than T units is hidden (and any residence forced
   hidden by the caller).
2. Secondary: the zones form a tree, epci > commune > (qpv >) iris > residence, where a
   qpv sits under its commune when all its residences are in that commune and an iris
   under a qpv when all its residences are in that qpv. The knowledge an attacker gets
   from published values is: a published zone minus any disjoint set of published zones
   or residences inside it. For every published zone P, the smallest such remainder is
   the `loose mass` of P: the units of the hidden residences of P that lie under no
   published zone of the tree strictly below P. If every published zone has a loose mass
   of 0 or at least T, then every remainder (by induction down the tree) is 0 or at least
   T: no subtraction isolates fewer than T units. With a single zone (no sub-zone) the
   loose mass is simply the hidden units inside it; for a parent, it also counts the
   hidden children (the "suppressed siblings sum to 0 or >= T" rule).
3. Where a zone's loose mass lies strictly between 0 and T the zone is repaired, in this
   order: hide its smallest loose published residence; else hide the sub-zone value with
   a loose mass of at least T and the fewest units; else hide the smallest sub-zone
   holding residences and try again inside it; else (every unit inside is hidden, and
   fewer than T) hide the zone value itself. Zones are repaired from the leaves up.
   Hiding more only adds loose masses of 0 or at least T to other zones, so a zone
   repaired earlier stays safe.

Known limit: a residence of a qpv whose iris is only partly inside it is loose in the qpv;
signed combinations of overlapping zones (qpv minus an iris straddling it) are not
audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

ZoneKey = tuple[str, str]  # (scale, code)
SCALE_DEPTH = {"epci": 0, "commune": 1, "qpv": 2, "iris": 3}


@dataclass(frozen=True)
class Cell:
    """One residence in one vintage: its count of units (dwellings or households)."""

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


def zone_tree(cells: Iterable[Cell]) -> dict[ZoneKey, ZoneKey | None]:
    """The parent of every zone holding at least one of `cells` (None for the root)."""
    communes_of_qpv: dict[str, set[str]] = defaultdict(set)
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
        epci = cell.epci
    for qpv, communes in communes_of_qpv.items():
        only = next(iter(communes))
        parent[("qpv", qpv)] = ("commune", only) if len(communes) == 1 else ("epci", epci)
    for iris, qpvs in qpvs_of_iris.items():
        only = next(iter(qpvs))
        if len(qpvs) == 1 and only is not None:
            parent[("iris", iris)] = ("qpv", only)
    return parent


class _Auditor:
    def __init__(self, cells: list[Cell], threshold: int, hidden: set[str]) -> None:
        self.threshold = threshold
        self.count = {cell.residence_id: cell.count for cell in cells}
        self.parent = zone_tree(cells)
        self.members: dict[ZoneKey, list[str]] = defaultdict(list)
        self.path: dict[str, list[ZoneKey]] = {}
        for cell in cells:
            leaf = ("iris", cell.iris) if cell.iris is not None else ("commune", cell.commune)
            self.path[cell.residence_id] = self._chain(leaf)
            zones = {("epci", cell.epci), ("commune", cell.commune), leaf}
            if cell.qpv is not None:
                zones.add(("qpv", cell.qpv))
            for zone in zones:
                self.members[zone].append(cell.residence_id)
        self.ancestors = {zone: set(self._chain(zone)[1:]) for zone in self.parent}
        self.hidden = hidden
        self.secret: set[ZoneKey] = set()

    def _chain(self, zone: ZoneKey) -> list[ZoneKey]:
        chain = [zone]
        while (up := self.parent.get(chain[-1])) is not None:
            chain.append(up)
        return chain

    def _below(self, zone: ZoneKey, top: ZoneKey) -> bool:
        return zone != top and top in self.ancestors.get(zone, ())

    def _cover(self, residence: str, top: ZoneKey) -> ZoneKey | None:
        """The highest published zone strictly below `top` on the residence's path."""
        cover = None
        for zone in self.path[residence]:
            if zone == top or not self._below(zone, top):
                break
            if zone not in self.secret:
                cover = zone
        return cover

    def loose_mass(self, zone: ZoneKey) -> int:
        return sum(
            self.count[r]
            for r in self.members[zone]
            if r in self.hidden and self._cover(r, zone) is None
        )

    def _units(self, zone: ZoneKey) -> int:
        return sum(self.count[r] for r in self.members[zone])

    def repair(self, zone: ZoneKey) -> None:
        while 0 < self.loose_mass(zone) < self.threshold:
            loose_published = [
                r
                for r in self.members[zone]
                if r not in self.hidden and self._cover(r, zone) is None
            ]
            if loose_published:
                self.hidden.add(min(loose_published, key=lambda r: (self.count[r], r)))
                continue
            frontier = {
                cover for r in self.members[zone] if (cover := self._cover(r, zone)) is not None
            }
            covering = [z for z in frontier if self.loose_mass(z) >= self.threshold]
            if covering:
                self.secret.add(min(covering, key=lambda z: (self._units(z), z)))
                continue
            if frontier:
                self.secret.add(min(frontier, key=lambda z: (self._units(z), z)))
                continue
            self.secret.add(zone)
            return

    def run(self) -> Disclosure:
        for zone in sorted(self.members, key=lambda z: (-SCALE_DEPTH[z[0]], z)):
            if zone not in self.secret:
                self.repair(zone)
        return Disclosure(frozenset(self.hidden), frozenset(self.secret))


def protect(cells: Iterable[Cell], threshold: int, forced_hidden: Iterable[str] = ()) -> Disclosure:
    """Decide the hidden residences and secret zone values of one vintage."""
    cells = list(cells)
    forced = set(forced_hidden)
    hidden = {c.residence_id for c in cells if c.count < threshold or c.residence_id in forced}
    return _Auditor(cells, threshold, hidden).run()
