"""Occupation and the perimeter: no zone value, alone or minus what a convention already
sees, may be in effect one residence's occupation outside its perimeter.

A convention sees the occupation of the residences of its perimeter (a commune, a
landlord) and the occupation of every published zone. A zone value minus the published
values inside it (zones, and the residences the convention sees) is the occupation of
the remaining residences together; when one of them holds all but fewer than T of their
households, that difference is in effect that residence's occupation (DESIGN: such a
value follows that residence's rule). Two views are checked, for every survey:

- **Nobody's view** (the convention sees no residence): a published zone minus the
  published zones inside it. Where the rest is one residence's, a zone inside it is
  restricted with that residence as its owner (`zone_owner`, the rule of the zones that
  hold one residence): only conventions that cover the residence see it.
- **Each commune's and each landlord's view**: the same, minus the residences of the
  perimeter, with the zones owned by its residences in view. Where the rest is one
  residence's, a zone inside it is hidden from that perimeter alone (`zone_denial`).

- **Each combined perimeter** (a convention of several communes or landlords, which
  together can take more residences out of a zone than each alone): the same, for the
  combinations the auth database names (`read_combined_perimeters`, written by
  `flask --app app conventions perimeters`); the manifest lists them
  (`perimeters_checked`) and the app hides the zone occupation of a combination the
  build did not check.

The zone to hide is the smallest zone right inside whose residences, joining the rest,
leave it more than one residence's; else the zone itself (its rest joins the zone
above, checked in the next round).
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from data.pipeline.secrecy import Cell, Disclosure, ZoneKey, ZoneStructure
from data.pipeline.zone_arrays import ZoneArrays
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


def dominant(residences: Iterable[str], count: dict[str, int], threshold: int) -> str | None:
    """The residence that holds all but fewer than `threshold` of the households of
    `residences` (None when there is none, or nobody)."""
    total = 0
    top: tuple[int, str] | None = None
    for residence in residences:
        households = count.get(residence, 0)
        if households > 0:
            total += households
            if top is None or (households, residence) > top:
                top = (households, residence)
    if top is None:
        return None
    return top[1] if total - top[0] < threshold else None


class _View:
    """What one convention sees of one survey: the residences of its perimeter and the
    zones not hidden from it, as masks over the structure's arrays (the zone mask ends
    with the `False` that the padding index -1 reads); `dominated` are the zones whose
    remainder it can work out and finds to be in effect one residence's."""

    def __init__(
        self, structure: ZoneStructure, shown_residences: np.ndarray, shown_zones: np.ndarray
    ) -> None:
        self.structure = structure
        self.shown_residences = shown_residences
        self.shown_zones = shown_zones

    def dominated(
        self, threshold: int, zones: np.ndarray | None = None
    ) -> list[tuple[ZoneKey, str, list[str]]]:
        """The shown zones (of the mask `zones`, all when None) whose rest (the residences
        they count that neither a shown zone inside them nor the perimeter accounts for)
        is in effect one residence's: each with that residence and its rest, in zone
        order. Computed on the structure's arrays, for the residences of those zones
        only: a residence's rest is in its nearest shown zone up its path, and in its
        overlay QPV when shown."""
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
        owner = dominant_by_group(arrays, group, member, threshold)
        found = sorted((arrays.zones[z], z) for z in np.flatnonzero(owner >= 0).tolist())
        return [
            (
                zone,
                arrays.residences[owner[z]],
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


def dominant_by_group(
    arrays: ZoneArrays, group: np.ndarray, member: np.ndarray, threshold: int
) -> np.ndarray:
    """`dominant` for every zone at once: `member` residences counted in zone `group`;
    the dominant residence of each zone, -1 for none."""
    households = arrays.count[member]
    counted = households > 0
    group, member, households = group[counted], member[counted], households[counted]
    size = len(arrays.zones)
    total = np.bincount(group, households, size)
    order = np.lexsort((arrays.rank[member], households, group))  # the top one last
    last = order[np.r_[group[order][1:] != group[order][:-1], True]] if len(order) else order
    owner = np.full(size, -1, dtype=np.int64)
    dominates = total[group[last]] - households[last] < threshold
    owner[group[last][dominates]] = member[last][dominates]
    return owner


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
    view: _View,
    zone: ZoneKey,
    rest: list[str],
    count: dict[str, int],
    threshold: int,
) -> ZoneKey:
    """The zone to hide so that `zone`'s rest stops being one residence's: the smallest
    zone right inside whose own rest joins it and makes it enough, else `zone` itself."""
    members = view.structure.members
    joining = []
    for inner in view.inner(zone):
        merged = rest + [r for r in members[inner] if not view.is_shown(r)]
        if dominant(merged, count, threshold) is None:
            joining.append((sum(count.get(r, 0) for r in members[inner]), inner))
    return min(joining)[1] if joining else zone


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
    ) -> None:
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
        self.published = {year: self._published_zones(year) for year in cells}

    def run(self) -> PerimeterDecision:
        for year, cells in sorted(self.cells.items()):
            year_owners = self._owners(year)
            self._nobody(year, year_owners)
            survey = _Survey(self.structures[year], year_owners, self.published[year])
            for perimeter, residences in self._perimeters(cells).items():
                self._perimeter(year, survey, perimeter, residences)
            self.decision.owners[year] = year_owners
            self.decision.denials[year] = dict(survey.denials)
        self.decision.combined_checked = [combined_key(keys) for keys in self.combined]
        return self.decision

    def _owners(self, year: int) -> dict[ZoneKey, str]:
        """The zones whose occupation is one residence's: the others hold fewer than T
        households."""
        arrays = self.structures[year].arrays
        owner = dominant_by_group(arrays, arrays.pair_zone, arrays.pair_residence, self.threshold)
        return {
            arrays.zones[z]: arrays.residences[owner[z]]
            for z in np.flatnonzero(owner >= 0).tolist()
        }

    def _published_zones(self, year: int) -> frozenset[ZoneKey]:
        """Zones whose occupation values are published (a hidden zone has none)."""
        outcome = self.disclosures[year]
        return frozenset(
            zone for zone in self.structures[year].members if outcome.zone_is_published(*zone)
        )

    def _nobody(self, year: int, owners: dict[ZoneKey, str]) -> None:
        structure = self.structures[year]
        count = self.counts[year]
        published = self.published[year]
        nobody = np.zeros(len(structure.arrays.residences), dtype=bool)
        for _ in range(MAX_ROUNDS):
            view = _View(structure, nobody, structure.arrays.zone_mask(published - owners.keys()))
            added = False
            for zone, owner, rest in view.dominated(self.threshold):
                target = _cover(view, zone, rest, count, self.threshold)
                if target not in owners:
                    owners[target] = owner
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
        count = self.counts[year]
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
            view = _View(structure, shown_mask, seen & ~arrays.zone_mask(hidden))
            added = False
            for zone, owner, rest in view.dominated(self.threshold, near_mask):
                if owner in residences:
                    continue
                target = _cover(view, zone, rest, count, self.threshold)
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
