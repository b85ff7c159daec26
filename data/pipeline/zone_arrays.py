"""A vintage's zone tree as arrays, and the unsafe zones of one depth found all at once.

`secrecy.ZoneStructure` holds the tree as dicts and lists (what repairing one zone
reads); `ZoneArrays` holds the same tree as numpy arrays indexed by residence and by
zone, so that the loose set of every zone of a depth (`secrecy.py`, rule 2) is computed
for all of them together, without a Python loop over residences or zones:

- a residence is loose in a tree zone when no published zone lies strictly below that
  zone on its path (a cumulative OR along its row of the path matrix);
- a residence is loose in an overlay QPV unless its IRIS lies wholly inside the QPV and
  is published.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

import numpy as np

ZoneKey = tuple[str, str]  # (scale, code)


class Unit(Protocol):
    """A residence in one vintage, as the arrays read it."""

    residence_id: str
    count: int


class ZoneStructure(Protocol):
    """What the arrays read of `secrecy.ZoneStructure` (which builds them): this module
    does not import it back."""

    cells: Sequence[Unit]
    order: Sequence[ZoneKey]
    overlay: Mapping[ZoneKey, frozenset[ZoneKey]]
    path: Mapping[str, Sequence[ZoneKey]]
    members: Mapping[ZoneKey, Sequence[str]]

    def chain_of(self, zone: ZoneKey) -> list[ZoneKey]: ...


class ZoneArrays:
    """The residences, zones, paths and memberships of one `ZoneStructure` as arrays.
    Zones are numbered in `structure.order` (the order they are repaired in), `depths`
    is the depth of each scale in the tree."""

    def __init__(self, structure: ZoneStructure, depths: Mapping[str, int]) -> None:
        self.residences = [cell.residence_id for cell in structure.cells]
        self.residence_index = {rid: i for i, rid in enumerate(self.residences)}
        self.residence_ids = np.array(self.residences, dtype=object)  # picked by a mask
        # each residence's place in the order of their ids (what ties are broken by)
        self.rank = np.argsort(np.argsort(np.array(self.residences, dtype=str), kind="stable"))
        self.count = np.array([cell.count for cell in structure.cells], dtype=np.int64)
        self.zones = list(structure.order)
        self.zone_index = {zone: i for i, zone in enumerate(self.zones)}
        self.depth = np.array([depths[scale] for scale, _ in self.zones], dtype=np.int64)
        self.depth_padded = np.append(self.depth, -1)  # the padding index is no zone
        # each residence's path up the tree, padded with -1 (an index that reads the
        # `False` every published mask ends with)
        chains = {
            leaf: structure.chain_of(leaf) for leaf in {p[0] for p in structure.path.values()}
        }
        width = max((len(chain) for chain in chains.values()), default=1)
        leaf_rows = np.full((len(chains), width), -1, dtype=np.int64)
        leaf_of = {}
        for row, (leaf, chain) in enumerate(chains.items()):
            leaf_rows[row, : len(chain)] = [self.zone_index[zone] for zone in chain]
            leaf_of[leaf] = row
        self.path = leaf_rows[[leaf_of[structure.path[rid][0]] for rid in self.residences]]
        # one row per (residence, zone it belongs to)
        pairs = [
            (self.residence_index[rid], self.zone_index[zone])
            for zone, rids in structure.members.items()
            for rid in rids
        ]
        pair = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        pair = pair[np.argsort(pair[:, 1], kind="stable")]  # by zone, cells in their order
        self.pair_residence, self.pair_zone = pair[:, 0], pair[:, 1]
        self.zone_start = np.searchsorted(self.pair_zone, np.arange(len(self.zones) + 1))
        self.units = np.bincount(
            self.pair_zone, self.count[self.pair_residence], len(self.zones)
        ).astype(np.int64)
        # the rows of each depth's zones: one run, the zones of a depth being numbered
        # together (`structure.order`), else a mask of the rows
        self.depth_rows: dict[int, slice | np.ndarray] = {}
        for depth in np.unique(self.depth).tolist():
            zones = np.flatnonzero(self.depth == depth)
            run = zones[-1] - zones[0] + 1 == len(zones)
            self.depth_rows[depth] = (
                slice(int(self.zone_start[zones[0]]), int(self.zone_start[zones[-1] + 1]))
                if run
                else self.depth[self.pair_zone] == depth
            )
        # where the zone lies on the residence's path (its length when it does not)
        on_path = self.path[self.pair_residence] == self.pair_zone[:, None]
        lengths = (self.path >= 0).sum(axis=1)
        self.pair_position = np.where(
            on_path.any(axis=1), on_path.argmax(axis=1), lengths[self.pair_residence]
        )
        self._loose: tuple[np.ndarray, np.ndarray] | None = None
        self.is_leaf = np.bincount(self.pair_zone, self.pair_position > 0, len(self.zones)) == 0
        overlay = np.zeros(len(self.zones), dtype=bool)
        overlay[[self.zone_index[q] for q in structure.overlay]] = True
        self.pair_overlay = overlay[self.pair_zone]
        # zones of the tree holding a residence whose path misses them (a QPV resident
        # without an IRIS): their cover may lie above them (`covers`)
        off_path = (self.pair_position >= lengths[self.pair_residence]) & ~self.pair_overlay
        self.escapes = np.bincount(self.pair_zone, off_path, len(self.zones)) > 0
        # each residence's overlay QPV, -1 for none
        self.overlay_zone = np.full(len(self.residences), -1, dtype=np.int64)
        self.overlay_zone[self.pair_residence[self.pair_overlay]] = self.pair_zone[
            self.pair_overlay
        ]
        inside = {
            (self.zone_index[q], self.zone_index[i])
            for q, s in structure.overlay.items()
            for i in s
        }
        leaf = self.path[self.pair_residence, 0]
        self.pair_inside = np.array(
            [
                (zone, int(first)) in inside
                for zone, first in zip(self.pair_zone.tolist(), leaf.tolist(), strict=True)
            ]
            if inside
            else np.zeros(len(pairs), dtype=bool),
            dtype=bool,
        )

    def mask(self, residences: Collection[str]) -> np.ndarray:
        """Which residences are among `residences`."""
        marked = np.zeros(len(self.residences), dtype=bool)
        found = np.fromiter(
            map(self.residence_index.get, residences, itertools.repeat(-1)),
            dtype=np.int64,
            count=len(residences),
        )
        marked[found[found >= 0]] = True
        return marked

    def zone_mask(self, zones: Collection[ZoneKey]) -> np.ndarray:
        """Which zones are among `zones`, with a trailing `False` for the padding index."""
        marked = np.zeros(len(self.zones) + 1, dtype=bool)
        marked[[self.zone_index[z] for z in zones if z in self.zone_index]] = True
        return marked

    def covers(self, zone: int, published: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The residences of `zone` and the cover of each below it: the highest published
        zone strictly below `zone` on its path (for an overlay QPV: its IRIS, when wholly
        inside the QPV and published), -1 when none (the residence is loose in `zone`)."""
        rows = slice(self.zone_start[zone], self.zone_start[zone + 1])
        residences = self.pair_residence[rows]
        if self.is_leaf[zone]:  # nothing below it
            return residences, np.full(len(residences), -1)
        if self.pair_overlay[rows].any():
            first = self.path[residences, 0]
            return residences, np.where(self.pair_inside[rows] & published[first], first, -1)
        path = self.path[residences]
        below = np.arange(path.shape[1]) < self.pair_position[rows][:, None]
        shown = published[path] & below
        highest = path.shape[1] - 1 - shown[:, ::-1].argmax(axis=1)
        cover = np.where(shown.any(axis=1), path[np.arange(len(path)), highest], -1)
        return residences, cover

    def members_of(self, zones: np.ndarray) -> np.ndarray:
        """The residences of the zones a mask marks, in order, read from each zone's rows
        of the pair table (the work grows with those zones, not with the territory)."""
        chosen = np.flatnonzero(zones[:-1])
        starts, ends = self.zone_start[chosen].tolist(), self.zone_start[chosen + 1].tolist()
        marked = np.zeros(len(self.residences), dtype=bool)
        for start, end in zip(starts, ends, strict=True):
            marked[self.pair_residence[start:end]] = True
        return np.flatnonzero(marked)

    def smallest_loose_published(
        self, zones: list[int], hidden: np.ndarray, published: np.ndarray
    ) -> np.ndarray:
        """The smallest loose published residence of each of `zones` (fewest units, then
        the first id), -1 when it has none."""
        chosen = np.zeros(len(self.zones), dtype=bool)
        chosen[zones] = True
        rows = chosen[self.pair_zone] & ~hidden[self.pair_residence]
        rows &= self._loose_pairs(published)
        zone, residence = self.pair_zone[rows], self.pair_residence[rows]
        order = np.lexsort((self.rank[residence], self.count[residence], zone))
        zone, residence = zone[order], residence[order]
        first = np.r_[True, zone[1:] != zone[:-1]] if len(zone) else np.zeros(0, dtype=bool)
        smallest = dict(zip(zone[first].tolist(), residence[first].tolist(), strict=True))
        return np.array([smallest.get(z, -1) for z in zones], dtype=np.int64)

    def uncovered(self, zones: np.ndarray, published: np.ndarray) -> np.ndarray:
        """Whether each of `zones` has no published zone below it that covers one of its
        residences (`covers` finds none)."""
        covered = ~self._loose_pairs(published)
        return np.bincount(self.pair_zone, covered, len(self.zones))[zones] == 0

    def _loose_pairs(self, published: np.ndarray) -> np.ndarray:
        """Which (residence, zone) pairs are loose: no published zone covers the residence
        below the zone (`covers`). Kept for the last `published` read: a repair hides
        residences far more often than zones."""
        if self._loose is not None and np.array_equal(self._loose[0], published):
            return self._loose[1]
        covered = np.zeros((len(self.residences), self.path.shape[1] + 1), dtype=bool)
        np.logical_or.accumulate(published[self.path], axis=1, out=covered[:, 1:])
        residence = self.pair_residence
        tree_covered = covered[residence, self.pair_position]
        overlay_covered = self.pair_inside & published[self.path[residence, 0]]
        loose = ~np.where(self.pair_overlay, overlay_covered, tree_covered)
        self._loose = (published.copy(), loose)
        return loose

    def unsafe_zones(
        self,
        depth: int,
        hidden: np.ndarray,
        published: np.ndarray,
        threshold: int,
        minimum: int,
        upper: np.ndarray,
    ) -> list[int]:
        """The published zones of `depth` whose loose set leaves one of its residences a
        range of fewer than `threshold` integers, for every zone of the depth at once, in
        repair order. `hidden` marks residences, `published` zones (with the padding
        `False`), `upper` each residence's known upper bound (infinity when none)."""
        rows = self.depth_rows.get(depth, slice(0, 0))
        residence, zone = self.pair_residence[rows], self.pair_zone[rows]
        loose = hidden[residence] & published[zone] & self._loose_pairs(published)[rows]
        unsafe = narrow_groups(
            zone[loose],
            self.count[residence[loose]],
            upper[residence[loose]],
            len(self.zones),
            threshold,
            minimum,
        )
        return np.flatnonzero(unsafe).tolist()


def narrowed(
    low: np.ndarray, high: np.ndarray, least: float, most: np.ndarray, threshold: int
) -> np.ndarray:
    """Whether each interval [low, high] leaves fewer than `threshold` integers and less
    than the residence's own bounds [least, most] (households at most the dwellings not
    vacant: what the stock tells alone is no narrowing)."""
    return (high - low < threshold - 1) & ((low > least) | (high < most))


def narrow_groups(
    group: np.ndarray,
    units: np.ndarray,
    upper: np.ndarray,
    size: int,
    threshold: int,
    minimum: int,
) -> np.ndarray:
    """For each of `size` groups of loose residences (`group` of each, its `units` and
    known `upper` bound): whether it leaves one of them a range of fewer than `threshold`
    integers, each residence holding at least `minimum` (`secrecy.py`, rule 2), and fewer
    than its own bounds leave it (`narrowed`). As the rule reads it, a residence gets no
    lower bound beyond the minimum once any residence of its group is open-ended."""
    mass = np.bincount(group, units.astype(float), size)
    members = np.bincount(group, minlength=size)
    open_ended = np.isinf(upper)
    opened = np.bincount(group, open_ended, size)
    finite = np.bincount(group, np.where(open_ended, 0.0, upper), size)
    low = np.where(
        opened[group] > 0,
        float(minimum),
        np.maximum(minimum, mass[group] - (finite[group] - upper)),
    )
    high = np.minimum(upper, mass[group] - (minimum * members[group] - minimum))
    narrow = np.bincount(group, narrowed(low, high, minimum, upper, threshold), size) > 0
    return (members > 0) & ((members < 2) | (mass < threshold) | narrow)


def upper_bounds(arrays: ZoneArrays, upper: dict[str, float]) -> np.ndarray:
    """Each residence's known upper bound, infinity when none."""
    if not upper:
        return np.full(len(arrays.residences), math.inf)
    return np.fromiter(
        map(upper.get, arrays.residences, itertools.repeat(math.inf)),
        dtype=float,
        count=len(arrays.residences),
    )
