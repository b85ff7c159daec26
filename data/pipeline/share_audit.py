"""The disclosure audit of one share indicator in one vintage: how precisely can a user work
out the numerator of each hidden share from the published ones?

The same reasoning as `audit.audit_table`, written for the shape every share table has,
because there are some forty of them per vintage: the zones nest (EPCI > commune > QPV
inside one commune > IRIS > residence, `secrecy.ZoneStructure`), so each published zone
minus its published parts leaves one group of hidden residences with a known numerator,
and the groups are disjoint; only a QPV that overlaps other zones adds an equation across
groups, and those parts go to HiGHS through `audit.Component`.

The groups' sums and the intervals they leave are computed for all groups at once, on
arrays indexed by residence and by zone (a table is checked in about a millisecond).

A hidden numerator (of a residence or a zone) is protected when its interval is wide
enough: `high - low >= rule - 1` (the threshold for shares of people, 2 for the others:
never exact). A hidden group is protected when it is neither nothing nor all of its
known units, and for people when it leaves out at least the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from data.pipeline.audit import EPSILON, INFINITY, Component, Equation
from data.pipeline.secrecy import ZoneStructure


def zone_cell(zone: tuple[str, str]) -> str:
    return f"{zone[0]}:{zone[1]}"


class ShareShape:
    """What every share table of one vintage has in common: each residence's chain of
    zones up the tree, the overlapping QPVs, the residences of every zone, as arrays."""

    def __init__(self, structure: ZoneStructure) -> None:
        arrays = structure.arrays
        self.residences = [f"residence:{rid}" for rid in arrays.residences]
        name = dict(zip(arrays.residences, self.residences, strict=True))
        self.members = {
            zone_cell(zone): [name[rid] for rid in rids] for zone, rids in structure.members.items()
        }
        self.zones = sorted(self.members)
        self.zone_index = {zone: i for i, zone in enumerate(self.zones)}
        self.cells = frozenset([*self.residences, *self.zones])
        # the structure's zone numbers in this shape's; -1 pads a chain and marks no
        # overlapping QPV, and reads the `False` that every published mask ends with
        renumber = np.array([*(self.zone_index[zone_cell(z)] for z in arrays.zones), -1])
        self.chain = renumber[arrays.path]
        self.overlay = renumber[arrays.overlay_zone]
        self.residence_index = {cell: i for i, cell in enumerate(self.residences)}
        self.pair_residence, self.pair_zone = arrays.pair_residence, renumber[arrays.pair_zone]
        self.up: dict[str, list[str]] = {}
        self.below: dict[str, list[str]] = defaultdict(list)
        for zone in structure.members:
            chain = structure.chain_of(zone)
            self.up[zone_cell(zone)] = [zone_cell(z) for z in chain[1:]]
            for above in chain[1:]:
                self.below[zone_cell(above)].append(zone_cell(zone))
        self._vectors: dict[int, tuple[object, np.ndarray, np.ndarray]] = {}
        self._masks: dict[frozenset[str], tuple[np.ndarray, np.ndarray]] = {}

    def parent_zone(self, zone: str, published: frozenset[str]) -> str | None:
        """The nearest published zone above `zone` in the tree."""
        return next((z for z in self.up.get(zone, ()) if z in published), None)

    def vector(
        self, values: Mapping[str, float], default: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """`values` by residence and by zone, as arrays (kept while `values` lives: the
        numerators of an indicator are read in every round)."""
        cached = self._vectors.get(id(values))
        if cached is None or cached[0] is not values:
            cached = (
                values,
                np.fromiter(map(values.get, self.residences, repeat(default)), dtype=float),
                np.fromiter(map(values.get, self.zones, repeat(default)), dtype=float),
            )
            self._vectors[id(values)] = cached
        return cached[1], cached[2]

    def masks(self, published: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """Which residences and zones are published (the zone mask ends with a `False`
        that index -1 reads)."""
        if published not in self._masks:
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[published] = (
                np.fromiter(map(published.__contains__, self.residences), dtype=bool),
                np.fromiter(map(published.__contains__, [*self.zones, None]), dtype=bool),
            )
        return self._masks[published]


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


class Groups(Mapping[str, Group]):
    """The groups of one table by zone, each made when first asked for (a round asks for
    the few it widens)."""

    def __init__(
        self, shape: ShareShape, hidden_of: np.ndarray, loose_of: np.ndarray, numerator: np.ndarray
    ) -> None:
        self.shape = shape
        # a residence's group: its row in `hidden_of` (hidden) or `loose_of` (published),
        # column 0 up the tree and column 1 the overlapping QPV; -1 for none
        self.hidden_of = hidden_of
        self.loose_of = loose_of
        self.numerator = numerator
        self._keys = [shape.zones[z] for z in np.unique(hidden_of[hidden_of >= 0])]
        self._key_set = frozenset(self._keys)
        self._made: dict[str, Group] = {}
        self._rows: tuple[ZoneRows, ZoneRows] | None = None

    def __getitem__(self, key: str) -> Group:
        if key not in self._made:
            if key not in self._key_set:
                raise KeyError(key)
            if self._rows is None:
                self._rows = (ZoneRows(self.hidden_of), ZoneRows(self.loose_of))
            index = self.shape.zone_index[key]
            rows = self._rows[0].of(index)
            loose = self._rows[1].of(index).tolist()
            residences = self.shape.residences
            self._made[key] = Group(
                key,
                tuple([residences[r] for r in rows.tolist()]),
                float(self.numerator[rows].sum()),
                tuple([residences[r] for r in loose]),
            )
        return self._made[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def tree_group(self, cell: str) -> str | None:
        """The group up the tree of a hidden residence (None when no zone above it is
        published)."""
        zone = self.hidden_of[self.shape.residence_index[cell], 0]
        return self.shape.zones[zone] if zone >= 0 else None


@dataclass
class ShareAudit:
    checked: int
    breaches: list[str]  # keys of the groups to widen
    groups: Groups
    # hidden zones whose residences are all published (their sum is the zone's)
    bare_zones: list[str]
    shape: ShareShape
    published: frozenset[str]

    def inner(self, zone: str) -> list[str]:
        """The published zones right inside `zone` (published)."""
        return [
            below
            for below in self.shape.below.get(zone, ())
            if below in self.published and self.shape.parent_zone(below, self.published) == zone
        ]


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
        own_open = cell_upper == INFINITY
        others_open = open_ended - own_open
        # what the others may hold at most (`finite` holds no open-ended cell)
        others = INFINITY if others_open else finite - (0.0 if own_open else cell_upper)
        low = max(0.0, group.total - others)
        high = min(cell_upper, group.total)
        if high - low < rule - 1 - EPSILON:
            return True
    return False


def audit_share_table(
    shape: ShareShape, table: ShareTable, rule: int, people: bool, threshold: int
) -> ShareAudit:
    """The breaches of one share table (see the module docstring)."""
    n_res, _ = shape.vector(table.numerator)
    d_res, d_zone = shape.vector(table.denominator)
    upper, _ = shape.vector(table.upper, INFINITY)
    shown, shown_zone = shape.masks(table.published)
    size = len(shape.zones)
    hidden = ~shown
    # each residence's nearest published zone up the tree, and its overlapping QPV
    up = shown_zone[shape.chain]
    nearest = np.where(
        up.any(axis=1), shape.chain[np.arange(len(shape.residences)), up.argmax(axis=1)], -1
    )
    qpv = np.where(shown_zone[shape.overlay], shape.overlay, -1)
    groups = Groups(
        shape,
        np.where(hidden[:, None], np.stack([nearest, qpv], axis=1), -1),
        np.where(shown[:, None], np.stack([nearest, qpv], axis=1), -1),
        n_res,
    )
    tree = np.where(hidden, nearest, -1)
    crossing = hidden & (qpv >= 0)
    # groups linked by an overlapping QPV (or a QPV group alone): solved apart, in Python
    crossed_keys: set[int] = set(qpv[crossing].tolist()) | set(
        tree[crossing & (tree >= 0)].tolist()
    )
    components = _components(groups, crossed_keys, tree, qpv, crossing)
    breaches: set[str] = set()
    for keys in components:
        breaches |= _crossed_breaches([groups[k] for k in keys], table, rule, people, threshold)

    single = (tree >= 0) & ~np.isin(tree, list(crossed_keys))
    index = tree[single]
    numerator_sum = _sum_by(index, n_res[single], size)
    known = d_res[single] > 0
    whole = _sum_by(index, d_res[single], size)
    counted = _sum_by(index, known, size)
    open_ended = np.isinf(upper[single])
    finite = _sum_by(index, np.where(open_ended, 0.0, upper[single]), size)
    opened = _sum_by(index, open_ended, size)
    left_out = whole - numerator_sum
    extreme = (counted > 0) & (
        (numerator_sum <= EPSILON)
        | (left_out <= EPSILON)
        | (people & (left_out < threshold - EPSILON))
    )
    others_open = opened[index] - open_ended
    others = np.where(
        others_open > 0, INFINITY, finite[index] - np.where(open_ended, 0.0, upper[single])
    )
    low = np.maximum(0.0, numerator_sum[index] - others)
    high = np.minimum(upper[single], numerator_sum[index])
    narrow = known & (high - low < rule - 1 - EPSILON)
    bad = set(np.nonzero(extreme)[0].tolist()) | set(index[narrow].tolist())
    breaches |= {shape.zones[z] for z in bad}

    # hidden zones: published residences, plus what each group leaves the zone's hidden
    # residences in it
    hidden_zone = ~shown_zone[:-1] & (d_zone > 0)
    pairs = hidden_zone[shape.pair_zone]
    residence, zone = shape.pair_residence[pairs], shape.pair_zone[pairs]
    crossed_zone = np.zeros(size, dtype=bool)
    member_crossed = hidden[residence] & (
        np.isin(tree[residence], list(crossed_keys)) | (qpv[residence] >= 0)
    )
    crossed_zone[zone[member_crossed]] = True
    public = shown[residence]
    low_zone = _sum_by(zone[public], n_res[residence[public]], size)
    high_zone = low_zone.copy()
    loose = hidden[residence] & (tree[residence] < 0) & ~member_crossed
    high_zone += _sum_by(zone[loose], upper[residence[loose]], size)
    grouped = hidden[residence] & (tree[residence] >= 0) & ~member_crossed
    if grouped.any():
        key = zone[grouped] * size + tree[residence[grouped]]
        keys, inverse = np.unique(key, return_inverse=True)
        inside_upper = upper[residence[grouped]]
        inside_open = _sum_by(inverse, np.isinf(inside_upper), len(keys))
        inside_finite = _sum_by(
            inverse, np.where(np.isinf(inside_upper), 0.0, inside_upper), len(keys)
        )
        group = keys % size
        outside = np.where(opened[group] > inside_open, INFINITY, finite[group] - inside_finite)
        inside = np.where(inside_open > 0, INFINITY, inside_finite)
        total = numerator_sum[group]
        low_zone += _sum_by(keys // size, np.maximum(0.0, total - outside), size)
        high_zone += _sum_by(keys // size, np.minimum(inside, total), size)
    narrow_zone = hidden_zone & ~crossed_zone & (high_zone - low_zone < rule - 1 - EPSILON)
    bare: list[str] = []
    for z in np.nonzero(narrow_zone)[0].tolist():
        members = shape.members[shape.zones[z]]
        rows = [shape.residence_index[m] for m in members]
        binding = [groups[shape.zones[t]] for t in set(tree[rows].tolist()) if t >= 0]
        if binding:
            breaches.add(min(binding, key=lambda g: (len(g.cells), g.key)).key)
        elif all(m in table.published for m in members):
            bare.append(shape.zones[z])
    for z in np.nonzero(hidden_zone & crossed_zone)[0].tolist():
        members = shape.members[shape.zones[z]]
        low, high = _zone_range(members, table, groups, components)
        if high - low < rule - 1 - EPSILON:
            binding = [
                g for keys in components for g in keys if set(members) & set(groups[g].cells)
            ]
            if binding:
                breaches.add(
                    min((groups[g] for g in binding), key=lambda g: (len(g.cells), g.key)).key
                )
    checked = int(hidden.sum()) + int(hidden_zone.sum())
    return ShareAudit(checked, sorted(breaches), groups, bare, shape, table.published)


class ZoneRows:
    """The rows (residences) of each zone index in a two-column group table, sorted by
    zone, where each zone's start among them was found once."""

    def __init__(self, group_of: np.ndarray) -> None:
        rows, columns = np.nonzero(group_of >= 0)
        zones = group_of[rows, columns]
        order = np.lexsort((rows, zones))  # by zone, then by row
        self.rows = rows[order]
        ends = np.arange(int(zones.max()) + 2 if len(zones) else 1)
        self.starts = np.searchsorted(zones[order], ends).tolist()

    def of(self, zone: int) -> np.ndarray:
        if zone + 1 >= len(self.starts):
            return self.rows[:0]
        return self.rows[self.starts[zone] : self.starts[zone + 1]]


def _sum_by(index: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """`weights` summed by `index` into `size` floats (even when `index` is empty)."""
    return np.bincount(index, np.asarray(weights, dtype=float), size).astype(float)


def _components(
    groups: Groups, crossed: set[int], tree: np.ndarray, qpv: np.ndarray, crossing: np.ndarray
) -> list[tuple[str, ...]]:
    """The groups linked by residences hidden in an overlapping QPV and in a tree group."""
    names = [groups.shape.zones[z] for z in sorted(crossed)]
    parent = {name: name for name in names}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    zones = groups.shape.zones
    for r in np.nonzero(crossing & (tree >= 0))[0].tolist():
        parent[find(zones[tree[r]])] = find(zones[qpv[r]])
    linked: dict[str, list[str]] = defaultdict(list)
    for name in names:
        linked[find(name)].append(name)
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


def _zone_range(
    members: list[str],
    table: ShareTable,
    groups: Groups,
    components: list[tuple[str, ...]],
) -> tuple[float, float]:
    """The interval of a hidden zone's numerator when some of its hidden residences are
    in groups linked by an overlapping QPV: the published residences, plus what each
    linked part (HiGHS) or the upper bounds leave the hidden ones."""
    low = high = 0.0
    hidden = [m for m in members if m not in table.published]
    for cell in members:
        if cell in table.published:
            low += table.numerator.get(cell, 0.0)
            high += table.numerator.get(cell, 0.0)
    placed: set[str] = set()
    for keys in components:
        part = [groups[k] for k in keys]
        cells = {c for g in part for c in g.cells}
        subset = frozenset(c for c in hidden if c in cells)
        if subset:
            part_low, part_high = _component(part, table).range_of(subset)
            low += part_low
            high += part_high
            placed |= subset
    keys = {groups.tree_group(c) for c in hidden if c not in placed}
    for group in (groups[k] for k in keys if k is not None):
        subset = [c for c in group.cells if c in hidden and c not in placed]
        inside = sum(table.upper.get(c, INFINITY) for c in subset)
        outside = sum(table.upper.get(c, INFINITY) for c in group.cells if c not in subset)
        low += max(0.0, group.total - outside)
        high += min(inside, group.total)
        placed |= set(subset)
    for cell in hidden:
        if cell not in placed:
            high += table.upper.get(cell, INFINITY)
    return low, high
