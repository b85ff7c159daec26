"""The disclosure audit of one share indicator in one vintage: how precisely can a user work
out the numerator of each hidden share from the published ones?

The same reasoning as `audit.audit_table`, written for the shape every share table has,
because there are some forty of them per vintage: the zones nest (EPCI > commune > QPV
inside one commune > IRIS > residence, `secrecy.ZoneStructure`), so each published zone
minus its published parts leaves one group of hidden residences with a known numerator,
and the groups are disjoint; only a QPV that overlaps other zones adds an equation across
groups, and those parts go to HiGHS through `audit.Component`.

A hidden numerator (of a residence or a zone) is protected when its interval is wide
enough: `high - low >= rule - 1` (the threshold for shares of people, 2 for the others:
never exact). A hidden group is protected when it is neither nothing nor all of its
known units, and for people when it leaves out at least the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from data.pipeline.audit import EPSILON, INFINITY, Component, Equation
from data.pipeline.secrecy import ZoneStructure


def zone_cell(zone: tuple[str, str]) -> str:
    return f"{zone[0]}:{zone[1]}"


class ShareShape:
    """What every share table of one vintage has in common: each residence's chain of
    zones up the tree, the overlapping QPVs, and the residences of every zone."""

    def __init__(self, structure: ZoneStructure) -> None:
        self.residences = [f"residence:{cell.residence_id}" for cell in structure.cells]
        self.chain = {
            f"residence:{rid}": [zone_cell(z) for z in path] for rid, path in structure.path.items()
        }
        self.overlay: dict[str, str] = {}
        for cell in structure.cells:
            qpv = ("qpv", cell.qpv) if cell.qpv is not None else None
            if qpv is not None and qpv in structure.overlay:
                self.overlay[f"residence:{cell.residence_id}"] = zone_cell(qpv)
        self.members = {
            zone_cell(zone): [f"residence:{rid}" for rid in rids]
            for zone, rids in structure.members.items()
        }
        self.up: dict[str, list[str]] = {}
        for zone in structure.members:
            chain = structure._chain(zone) if zone in structure.parent else [zone]
            self.up[zone_cell(zone)] = [zone_cell(z) for z in chain[1:]]
        self.cells = frozenset([*self.residences, *self.members])
        self._membership: dict[frozenset[str], tuple[dict, dict]] = {}

    def membership(self, published: frozenset[str]) -> tuple[dict, dict]:
        """For each published zone, its hidden residences and its loose published ones
        (see `groups_of`); the tables of a vintage that publish the same cells share it."""
        if published not in self._membership:
            hidden: dict[str, list[str]] = defaultdict(list)
            loose: dict[str, list[str]] = defaultdict(list)
            for residence in self.residences:
                target = loose if residence in published else hidden
                nearest = next((z for z in self.chain[residence] if z in published), None)
                if nearest is not None:
                    target[nearest].append(residence)
                qpv = self.overlay.get(residence)
                if qpv is not None and qpv in published:
                    target[qpv].append(residence)
            if len(self._membership) > 64:
                self._membership.clear()
            self._membership[published] = (dict(hidden), dict(loose))
        return self._membership[published]

    def parent_zone(self, zone: str, published: frozenset[str]) -> str | None:
        """The nearest published zone above `zone` in the tree."""
        return next((z for z in self.up.get(zone, ()) if z in published), None)


@dataclass(frozen=True)
class ShareTable:
    """One share indicator in one vintage: the numerator and denominator of every cell,
    which cells are published, and the most a user knows a numerator can be (the cell's
    published count of units, else infinity)."""

    numerator: dict[str, float]
    denominator: dict[str, float]
    published: frozenset[str]
    upper: dict[str, float]


@dataclass(frozen=True)
class Group:
    """A published zone (`key`) minus its published parts: hidden residences (`cells`)
    whose numerators add up to `total`; `loose` are the published residences counted
    directly in the zone (in no published zone inside it): what hiding more can add."""

    key: str
    cells: tuple[str, ...]
    total: float
    loose: tuple[str, ...]


@dataclass
class ShareAudit:
    checked: int
    breaches: list[str]  # keys of the groups to widen
    groups: dict[str, Group]
    # hidden zones whose residences are all published (their sum is the zone's)
    bare_zones: list[str]
    # the published zones right inside each published zone
    inner: dict[str, list[str]]


def groups_of(shape: ShareShape, table: ShareTable) -> dict[str, Group]:
    """Every published zone's group: the hidden residences whose nearest published zone
    up the tree it is (the overlapping QPVs: all their hidden residences)."""
    hidden, loose = shape.membership(table.published)
    numerator = table.numerator
    return {
        key: Group(
            key, tuple(cells), sum(numerator.get(c, 0.0) for c in cells), tuple(loose.get(key, ()))
        )
        for key, cells in hidden.items()
    }


def group_breached(
    group: Group, table: ShareTable, rule: int, people: bool, threshold: int
) -> bool:
    """A group alone (one equation): all or nothing, too few left out (people), or a
    hidden numerator bounded too narrowly."""
    known = [c for c in group.cells if table.denominator.get(c, 0.0) > 0]
    if not known:
        return False
    whole = sum(table.denominator[c] for c in known)
    left_out = whole - group.total
    if group.total <= EPSILON or left_out <= EPSILON:
        return True
    if people and left_out < threshold - EPSILON:
        return True
    upper = [table.upper.get(c, INFINITY) for c in group.cells]
    open_ended = sum(u == INFINITY for u in upper)
    finite = sum(u for u in upper if u != INFINITY)
    for cell, cell_upper in zip(group.cells, upper, strict=True):
        if table.denominator.get(cell, 0.0) <= 0:
            continue
        others_open = open_ended - (cell_upper == INFINITY)
        others = INFINITY if others_open else finite - cell_upper
        low = max(0.0, group.total - others)
        high = min(cell_upper, group.total)
        if high - low < rule - 1 - EPSILON:
            return True
    return False


def audit_share_table(
    shape: ShareShape, table: ShareTable, rule: int, people: bool, threshold: int
) -> ShareAudit:
    """The breaches of one share table (see the module docstring)."""
    groups = groups_of(shape, table)
    owner: dict[str, list[str]] = defaultdict(list)
    for group in groups.values():
        for cell in group.cells:
            owner[cell].append(group.key)
    components = _components(groups, owner)
    breaches: set[str] = set()
    for keys in components:
        if len(keys) == 1:
            (key,) = keys
            if group_breached(groups[key], table, rule, people, threshold):
                breaches.add(key)
        else:
            breaches |= _crossed_breaches([groups[k] for k in keys], table, rule, people, threshold)
    checked = sum(1 for c in shape.residences if c not in table.published)
    bare: list[str] = []
    component_of = {key: keys for keys in components for key in keys}
    uppers = {key: _upper_sum(groups[key].cells, table) for key in groups}
    for zone, members in shape.members.items():
        if zone in table.published or table.denominator.get(zone, 0.0) <= 0:
            continue
        checked += 1
        low, high = _zone_range(members, table, groups, owner, component_of, uppers)
        if high - low < rule - 1 - EPSILON:
            binding = [groups[k] for m in members for k in owner.get(m, ())]
            if binding:
                breaches.add(min(binding, key=lambda g: (len(g.cells), g.key)).key)
            elif all(m in table.published for m in members):
                bare.append(zone)
    inner: dict[str, list[str]] = defaultdict(list)
    for zone in shape.members:
        if zone in table.published:
            above = shape.parent_zone(zone, table.published)
            if above is not None:
                inner[above].append(zone)
    return ShareAudit(checked, sorted(breaches), groups, bare, dict(inner))


def _components(groups: dict[str, Group], owner: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """The groups linked by shared residences (only an overlapping QPV links groups)."""
    parent = {key: key for key in groups}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for keys in owner.values():
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    linked: dict[str, list[str]] = defaultdict(list)
    for key in groups:
        linked[find(key)].append(key)
    return [tuple(sorted(keys)) for keys in linked.values()]


def _component(groups: list[Group], table: ShareTable) -> Component:
    cells = sorted({c for g in groups for c in g.cells})
    equations = [Equation(g.key, frozenset(g.cells), g.total, g.loose) for g in groups]
    return Component(cells, equations, lambda c: (0.0, table.upper.get(c, INFINITY)))


def _crossed_breaches(
    groups: list[Group], table: ShareTable, rule: int, people: bool, threshold: int
) -> set[str]:
    """Groups that share residences (an overlapping QPV): each group's own checks, and
    every hidden numerator's interval from all the equations at once (HiGHS)."""
    breaches = {g.key for g in groups if group_breached(g, table, rule, people, threshold)}
    component = _component(groups, table)
    for cell in component.cells:
        if table.denominator.get(cell, 0.0) <= 0:
            continue
        low, high = component.range_of(frozenset([cell]))
        if high - low < rule - 1 - EPSILON:
            binding = [g for g in groups if cell in g.cells]
            breaches.add(min(binding, key=lambda g: (len(g.cells), g.key)).key)
    return breaches


def _upper_sum(cells, table: ShareTable) -> tuple[float, int]:
    """The finite upper bounds of `cells` summed, and how many are infinite."""
    finite = 0.0
    open_ended = 0
    for cell in cells:
        upper = table.upper.get(cell, INFINITY)
        if upper == INFINITY:
            open_ended += 1
        else:
            finite += upper
    return finite, open_ended


def _zone_range(
    members: list[str],
    table: ShareTable,
    groups: dict[str, Group],
    owner: dict[str, list[str]],
    component_of: dict[str, tuple[str, ...]],
    uppers: dict[str, tuple[float, int]],
) -> tuple[float, float]:
    """The interval of a hidden zone's numerator: its published residences, plus what each
    group leaves the zone's hidden residences in it."""
    low = high = 0.0
    by_group: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for cell in members:
        if cell in table.published:
            value = table.numerator.get(cell, 0.0)
            low += value
            high += value
        elif cell in owner:
            by_group[component_of[owner[cell][0]]].add(cell)
        else:
            high += table.upper.get(cell, INFINITY)
    for keys, subset in by_group.items():
        if len(keys) == 1:
            group = groups[keys[0]]
            inside_finite, inside_open = _upper_sum(subset, table)
            all_finite, all_open = uppers[group.key]
            inside = INFINITY if inside_open else inside_finite
            outside = INFINITY if all_open > inside_open else all_finite - inside_finite
            low += max(0.0, group.total - outside)
            high += min(inside, group.total)
        else:
            part_low, part_high = _component([groups[k] for k in keys], table).range_of(
                frozenset(subset)
            )
            low += part_low
            high += part_high
    return low, high
