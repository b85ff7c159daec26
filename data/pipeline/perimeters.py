"""Occupation and the perimeter: no zone value, alone or minus what a convention already
sees, may be in effect one residence's occupation outside its perimeter.

A convention sees the occupation of the residences of its perimeter (a commune, a
landlord) and the occupation of every published zone. A zone value minus the published
values inside it (zones, and the residences the convention sees) is the occupation of
the remaining residences together. It tells a residence's households within fewer than
T when that residence holds all but fewer than T of them (DESIGN: such a value follows
that residence's rule), or when the others' published dwellings less their vacant ones,
which their households cannot exceed, leave it less room than T (a full IRIS: 123
households in residences of 34, 39 and 50 dwellings). Such a difference is in effect the
occupation of the residences it tells (`told`). Two views are checked, for every
survey:

- **Nobody's view** (the convention sees no residence): a published zone minus the
  published zones inside it. Where the rest tells residences, a zone inside it is
  restricted with the largest of them as its owner (`zone_owner`, the rule of the zones
  that hold one residence): only conventions that cover the residence see it; when it
  tells others too, the owner's commune or landlord that does not cover them all is
  denied it as well (`zone_denial`).
- **Each commune's and each landlord's view**: the same, minus the residences of the
  perimeter, with the zones owned by its residences in view. Where the rest tells a
  residence outside the perimeter, a zone inside it is hidden from that perimeter alone
  (`zone_denial`).

- **Each combined perimeter** (a convention of several communes or landlords, which
  together can take more residences out of a zone than each alone): the same, for the
  combinations the auth database names (`read_combined_perimeters`, written by
  `flask --app app conventions perimeters`); the manifest lists them
  (`perimeters_checked`) and the app hides the zone occupation of a combination the
  build did not check.

The zone to hide is the smallest zone right inside whose residences, joining the rest,
leave it telling no residence; else the zone itself (its rest joins the zone above,
checked in the next round).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from data.pipeline.secrecy import Cell, Disclosure, ZoneKey, ZoneStructure
from data.pipeline.zone_arrays import ZoneArrays, narrowed, upper_bounds
from data.scope import combined_key, perimeter_key
from data.sources.errors import SourceError

MAX_ROUNDS = 50
# A perimeter, as `data.scope.AccessScope.perimeter_keys` names it.
Perimeter = str
COMMUNE = "commune"
LANDLORD = "bailleur"

SINGLE_KEY = re.compile(rf"({COMMUNE}|{LANDLORD}):[0-9A-Z]+")


def read_combined_perimeters(path: Path) -> list[frozenset[Perimeter]]:
    """The combined perimeters to check: a JSON list of lists of single keys, each list of
    one kind (['commune:59512', 'commune:59599']); none when the file does not exist."""
    if not path.exists():
        return []
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(path, exc.lineno, str(exc.colno), f"JSON illisible : {exc.msg}") from exc
    if not isinstance(listed, list):
        raise SourceError(path, 1, None, "une liste de périmètres est attendue")
    combined = []
    for keys in listed:
        if (
            not isinstance(keys, list)
            or len(set(keys)) < 2
            or not all(isinstance(k, str) and SINGLE_KEY.fullmatch(k) for k in keys)
            or len({k.split(":", 1)[0] for k in keys}) != 1
        ):
            raise SourceError(
                path,
                None,
                None,
                f"périmètre combiné invalide : {keys!r} (au moins deux clés d'un même type, "
                "par exemple ['commune:59512', 'commune:59599'])",
            )
        combined.append(frozenset(keys))
    return sorted(set(combined), key=combined_key)


@dataclass
class PerimeterDecision:
    """Per survey year: the owner of each zone restricted to one residence's perimeter,
    and the zones hidden from single perimeters."""

    owners: dict[int, dict[ZoneKey, str]] = field(default_factory=dict)
    denials: dict[int, dict[ZoneKey, set[Perimeter]]] = field(default_factory=dict)
    owners_added: int = 0
    denials_added: int = 0
    combined_checked: list[Perimeter] = field(default_factory=list)

    def manifest(self) -> dict:
        return {
            "perimeter_owner_zones_added": self.owners_added,
            "perimeter_denials": self.denials_added,
            "perimeters_checked": self.combined_checked,
        }

    def summary(self) -> str:
        return (
            f"périmètres : {self.owners_added} zones de plus réservées au périmètre d'une "
            f"résidence, {self.denials_added} valeurs de zone cachées à un seul périmètre"
        )


def told(
    residences: Iterable[str], count: dict[str, int], upper: dict[str, float], threshold: int
) -> set[str]:
    """The residences whose households the total of `residences` tells within fewer than
    `threshold` (`told_by_group` for one group)."""
    counted = [r for r in residences if count.get(r, 0) > 0]
    households = np.array([count[r] for r in counted], dtype=np.int64)
    bounds = np.array([upper.get(r, math.inf) for r in counted], dtype=float)
    group = np.zeros(len(counted), dtype=np.int64)
    flags = told_in_groups(group, households, bounds, threshold)
    return {r for r, flag in zip(counted, flags, strict=True) if flag}


def told_in_groups(
    group: np.ndarray, households: np.ndarray, upper: np.ndarray, threshold: int
) -> np.ndarray:
    """For each member of a group (households > 0, `upper` what its households are known
    to be at most, infinity when nothing): whether its group's total tells its households
    within fewer than `threshold`: it holds all but fewer than T of them, or the others'
    bounds leave it an interval [total - their bounds, min(total, its bound)] narrower
    than the secrecy rule allows and than its own bound alone (`zone_arrays.narrowed`: a
    residence of 11 dwellings, 2 of them vacant, has at most 9 households: the stock tells
    that, not the zone)."""
    if not len(group):
        return np.zeros(0, dtype=bool)
    size = int(group.max()) + 1
    total = np.bincount(group, households, size)[group]
    unbounded = np.isinf(upper)
    finite = np.where(unbounded, 0.0, upper)
    others = np.bincount(group, finite, size)[group] - finite
    others_unbounded = np.bincount(group, unbounded, size)[group] - unbounded > 0
    low = np.where(others_unbounded, 0.0, np.maximum(total - others, 0.0))
    high = np.minimum(total, upper)
    return (total - households < threshold) | narrowed(low, high, 0.0, upper, threshold)


class Rest(NamedTuple):
    """What a view works out of a zone: the residences it cannot account for, those whose
    households they tell (`told`), and the one of them with the most households."""

    zone: ZoneKey
    owner: str
    told: frozenset[str]
    residences: list[str]


class _View:
    """What one convention sees of one survey: the residences of its perimeter and the
    zones not hidden from it, as masks over the structure's arrays (the zone mask ends
    with the `False` that the padding index -1 reads); `telling` are the zones whose
    remainder it can work out and finds to tell residences' households."""

    def __init__(
        self,
        structure: ZoneStructure,
        upper: np.ndarray,
        shown_residences: np.ndarray,
        shown_zones: np.ndarray,
    ) -> None:
        self.structure = structure
        self.upper = upper
        self.shown_residences = shown_residences
        self.shown_zones = shown_zones

    def telling(self, threshold: int, zones: np.ndarray | None = None) -> list[Rest]:
        """The shown zones (of the mask `zones`, all when None) whose rest (the residences
        they count that neither a shown zone inside them nor the perimeter accounts for)
        tells residences' households, in zone order. Computed on the structure's arrays,
        for the residences of those zones only: a residence's rest is in its nearest
        shown zone up its path, and in its overlay QPV when shown."""
        arrays = self.structure.arrays
        shown = self.shown_zones
        wanted = shown if zones is None else shown & zones
        rows = np.arange(len(arrays.residences)) if zones is None else arrays.members_of(wanted)
        path = arrays.path[rows]
        on_path = shown[path]
        nearest = np.where(
            on_path.any(axis=1), path[np.arange(len(rows)), on_path.argmax(axis=1)], -1
        )
        group = np.concatenate([nearest, arrays.overlay_zone[rows]])
        member = np.concatenate([rows, rows])
        counted = ~self.shown_residences[member] & wanted[group] & (group >= 0)
        group, member = group[counted], member[counted]
        owner, told_zone, told_member = told_by_group(arrays, self.upper, group, member, threshold)
        found = sorted((arrays.zones[z], z) for z in np.flatnonzero(owner >= 0).tolist())
        return [
            Rest(
                zone,
                arrays.residences[owner[z]],
                frozenset(arrays.residences[r] for r in told_member[told_zone == z].tolist()),
                [arrays.residences[r] for r in member[group == z].tolist()],
            )
            for zone, z in found
        ]

    def inner(self, zone: ZoneKey) -> list[ZoneKey]:
        """The shown zones right inside `zone` (its nearest shown zone up the tree)."""
        index = self.structure.arrays.zone_index
        found = []
        below = list(_children(self.structure).get(zone, ()))
        while below:
            child = below.pop()
            if self.shown_zones[index[child]]:
                found.append(child)
            else:
                below.extend(_children(self.structure).get(child, ()))
        return found

    def is_shown(self, residence: str) -> bool:
        return bool(self.shown_residences[self.structure.arrays.residence_index[residence]])


def told_by_group(
    arrays: ZoneArrays, upper: np.ndarray, group: np.ndarray, member: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`told` for every zone at once: `member` residences counted in zone `group`, `upper`
    every residence's bound. The owner of each zone (the told residence with the most
    households, -1 for none), and the told (zone, residence) pairs."""
    households = arrays.count[member]
    counted = households > 0
    group, member, households = group[counted], member[counted], households[counted]
    flags = told_in_groups(group, households, upper[member], threshold)
    group, member, households = group[flags], member[flags], households[flags]
    order = np.lexsort((arrays.rank[member], households, group))  # the top one last
    last = order[np.r_[group[order][1:] != group[order][:-1], True]] if len(order) else order
    owner = np.full(len(arrays.zones), -1, dtype=np.int64)
    owner[group[last]] = member[last]
    return owner, group, member


@functools.lru_cache(maxsize=16)
def _children(structure: ZoneStructure) -> dict[ZoneKey, list[ZoneKey]]:
    """The zones right below each zone of the tree (a structure is built once per
    vintage)."""
    children: dict[ZoneKey, list[ZoneKey]] = defaultdict(list)
    for zone, parent in structure.parent.items():
        if parent is not None:
            children[parent].append(zone)
    return children


def _cover(
    view: _View, rest: Rest, count: dict[str, int], upper: dict[str, float], threshold: int
) -> ZoneKey:
    """The zone to hide so that a zone's rest stops telling residences: the smallest zone
    right inside whose own rest joins it and makes it tell none, else the zone itself."""
    members = view.structure.members
    joining = []
    for inner in view.inner(rest.zone):
        merged = rest.residences + [r for r in members[inner] if not view.is_shown(r)]
        if not told(merged, count, upper, threshold):
            joining.append((sum(count.get(r, 0) for r in members[inner]), inner))
    return min(joining)[1] if joining else rest.zone


class PerimeterGuard:
    """The zones to restrict or hide, survey by survey (see the module docstring)."""

    def __init__(
        self,
        cells: dict[int, list[Cell]],
        structures: dict[int, ZoneStructure],
        disclosures: dict[int, Disclosure],
        landlords: dict[str, str],
        threshold: int,
        combined: Iterable[frozenset[Perimeter]] = (),
        households_bounds: dict[int, dict[str, float]] | None = None,
    ) -> None:
        """`households_bounds`: per survey, what each residence's households are known to
        be at most (`Discloser.households_bounds`: its published dwellings less its vacant
        ones; none: no bound)."""
        self.cells = cells
        self.combined = list(combined)
        self.structures = structures
        self.disclosures = disclosures
        self.landlords = landlords
        self.threshold = threshold
        self.decision = PerimeterDecision()
        self.counts = {
            year: {c.residence_id: c.count for c in listed} for year, listed in cells.items()
        }
        self.communes = {
            year: {c.residence_id: c.commune for c in listed} for year, listed in cells.items()
        }
        self.upper = {year: (households_bounds or {}).get(year, {}) for year in cells}
        self.upper_arrays = {
            year: upper_bounds(structures[year].arrays, self.upper[year]) for year in cells
        }
        self.published = {year: self._published_zones(year) for year in cells}

    def run(self) -> PerimeterDecision:
        for year, cells in sorted(self.cells.items()):
            year_owners, owner_denials = self._owners(year)
            self._nobody(year, year_owners, owner_denials)
            survey = _Survey(self.structures[year], year_owners, self.published[year])
            for zone, perimeters in owner_denials.items():
                for perimeter in perimeters:
                    survey.deny(zone, perimeter)
                    self.decision.denials_added += 1
            for perimeter, residences in self._perimeters(cells).items():
                self._perimeter(year, survey, perimeter, residences)
            self.decision.owners[year] = year_owners
            self.decision.denials[year] = dict(survey.denials)
        self.decision.combined_checked = [combined_key(keys) for keys in self.combined]
        return self.decision

    def _owners(self, year: int) -> tuple[dict[ZoneKey, str], dict[ZoneKey, set[Perimeter]]]:
        """The zones whose occupation tells residences' households, each with its owner,
        and the perimeters that cover the owner but not every residence told."""
        arrays = self.structures[year].arrays
        owner, zone, member = told_by_group(
            arrays, self.upper_arrays[year], arrays.pair_zone, arrays.pair_residence, self.threshold
        )
        owners: dict[ZoneKey, str] = {}
        denials: dict[ZoneKey, set[Perimeter]] = {}
        for z in np.flatnonzero(owner >= 0).tolist():
            key, residence = arrays.zones[z], arrays.residences[owner[z]]
            owners[key] = residence
            told_here = frozenset(arrays.residences[r] for r in member[zone == z].tolist())
            if partial := self._partial_covers(year, residence, told_here):
                denials[key] = partial
        return owners, denials

    def _partial_covers(self, year: int, owner: str, told_here: frozenset[str]) -> set[Perimeter]:
        """The owner's commune and landlord where they do not cover every residence told:
        they would see the zone and read the others."""
        commune = self.communes[year]
        landlord = self.landlords.get(owner)
        partial = set()
        if any(commune[r] != commune[owner] for r in told_here):
            partial.add(perimeter_key(COMMUNE, commune[owner]))
        if landlord and any(self.landlords.get(r) != landlord for r in told_here):
            partial.add(perimeter_key(LANDLORD, landlord))
        return partial

    def _published_zones(self, year: int) -> frozenset[ZoneKey]:
        """Zones whose occupation values are published (a hidden zone has none)."""
        outcome = self.disclosures[year]
        return frozenset(
            zone for zone in self.structures[year].members if outcome.zone_is_published(*zone)
        )

    def _nobody(
        self, year: int, owners: dict[ZoneKey, str], denials: dict[ZoneKey, set[Perimeter]]
    ) -> None:
        structure = self.structures[year]
        count, upper = self.counts[year], self.upper[year]
        published = self.published[year]
        nobody = np.zeros(len(structure.arrays.residences), dtype=bool)
        for _ in range(MAX_ROUNDS):
            shown_zones = structure.arrays.zone_mask(published - owners.keys())
            view = _View(structure, self.upper_arrays[year], nobody, shown_zones)
            added = False
            for rest in view.telling(self.threshold):
                target = _cover(view, rest, count, upper, self.threshold)
                if target not in owners:
                    owners[target] = rest.owner
                    if partial := self._partial_covers(year, rest.owner, rest.told):
                        denials[target] = partial
                    self.decision.owners_added += 1
                    added = True
            if not added:
                return
        raise RuntimeError("périmètres : trop de passes")

    def _perimeters(self, cells: list[Cell]) -> dict[Perimeter, set[str]]:
        perimeters: dict[Perimeter, set[str]] = defaultdict(set)
        for cell in cells:
            perimeters[perimeter_key(COMMUNE, cell.commune)].add(cell.residence_id)
            landlord = self.landlords.get(cell.residence_id)
            if landlord:
                perimeters[perimeter_key(LANDLORD, landlord)].add(cell.residence_id)
        for keys in self.combined:
            residences = set().union(*(perimeters.get(key, set()) for key in keys))
            if residences:
                perimeters[combined_key(keys)] = residences
        return perimeters

    def _perimeter(
        self, year: int, survey: _Survey, perimeter: Perimeter, residences: set[str]
    ) -> None:
        """One perimeter's view: its residences (a landlord knows the occupation of all of
        its own, the portal's secret ones too; a commune, what the portal shows it), the
        zones it may see. Only the zones above its residences, or above a zone one of them
        owns, can differ from nobody's view (already checked): the view is worked out on
        their residences alone."""
        structure = survey.structure
        arrays = structure.arrays
        count, upper = self.counts[year], self.upper[year]
        shown = residences
        if not perimeter.startswith(f"{LANDLORD}:"):
            shown = residences - self.disclosures[year].hidden_residences
        owned = set().union(*(survey.owned_by.get(r, ()) for r in residences))
        near: set[ZoneKey] = set()
        for rid in shown:
            near |= structure.zones_of[rid]
            near |= set(structure.path[rid])
        for zone in owned:
            near |= set(structure.chain_of(zone)) if zone in structure.parent else {zone}
        near_mask = arrays.zone_mask(near)
        shown_mask = arrays.mask(shown)
        seen = survey.seen | arrays.zone_mask(owned & survey.published)
        # a combined perimeter's convention is also denied what each of its parts is
        applying = {perimeter, *perimeter.split("+")}
        for _ in range(MAX_ROUNDS):
            hidden = set().union(*(survey.denied.get(p, ()) for p in applying))
            shown_zones = seen & ~arrays.zone_mask(hidden)
            view = _View(structure, self.upper_arrays[year], shown_mask, shown_zones)
            added = False
            for rest in view.telling(self.threshold, near_mask):
                if rest.told <= residences:
                    continue
                target = _cover(view, rest, count, upper, self.threshold)
                if perimeter not in survey.denials[target]:
                    survey.deny(target, perimeter)
                    self.decision.denials_added += 1
                    added = True
            if not added:
                return
        raise RuntimeError("périmètres : trop de passes")


class _Survey:
    """What every perimeter's view of one survey starts from: the zones every convention
    sees (published, owned by no residence; a mask), the zones each residence owns, and
    the denials so far, by zone and by perimeter."""

    def __init__(
        self, structure: ZoneStructure, owners: dict[ZoneKey, str], published: frozenset[ZoneKey]
    ) -> None:
        self.structure = structure
        self.published = published
        self.seen = structure.arrays.zone_mask(published - owners.keys())
        self.owned_by: dict[str, set[ZoneKey]] = defaultdict(set)
        for zone, owner in owners.items():
            self.owned_by[owner].add(zone)
        self.denials: dict[ZoneKey, set[Perimeter]] = defaultdict(set)
        self.denied: dict[Perimeter, set[ZoneKey]] = defaultdict(set)

    def deny(self, zone: ZoneKey, perimeter: Perimeter) -> None:
        self.denials[zone].add(perimeter)
        self.denied[perimeter].add(zone)
