"""Secrecy of shares: what a published share tells of the units behind it.

A share is `100 * numerator / denominator`, and its numerator is a count: of households
(Occupation: households on APL, large families, below 40 % of the PLUS ceiling...) or of
dwellings (Parc: T1, DPE G, built before 1949...). Two channels open once the counts of
residences and zones are protected (`disclosure.py`):

- **Small counts of households.** A share whose numerator, or the count it leaves out
  (denominator minus numerator), is below the threshold describes fewer than T households:
  "3 large families", "every household but 2 receives APL". It is secret, at every scale
  (Occupation only: a count of dwellings is no count of people).
- **What a zone's share tells of its hidden residences.** A published zone share minus the
  published shares inside it gives the numerator of the hidden group. When that group has
  none, or only, of an attribute, every hidden residence in it is known to have none or
  only ("no T1", "every household receives APL"); for households, a group count below T is
  a small count again.

Each share indicator of each vintage is a table of numerators for
`share_audit.audit_share_table`, with the zone equations of the counts: a hidden numerator
must keep an interval of T integers (households) or not be exact (dwellings), and no
hidden group may be all or nothing. Where it breaches, more values of that indicator are
hidden (`ShareDiscloser._widen`), until the audit passes. Counts stay as `disclosure.py`
decided: only share values are added.

Which shares are audited (`AUDITED_SHARES`): every share of households, and the three
shares that describe how dwellings are occupied (vacancy, vacancy over three months,
move-in), audited as dwellings (never exact, never all or nothing for a hidden group).
The shares of the structure of dwellings (rooms, year built, financing, DPE) are not: the
SDES publishes them dwelling by dwelling in its open data.

The SDES also publishes the vacancy and mobility rates of every commune (its communal
tables of the RPLS), so the commune and EPCI values of the three occupancy shares are
public (`PUBLIC_SCALES`): hiding them here would hide nothing. They are never hidden to
protect a group; what they alone tell of the residences inside them (a commune at 0 %
of vacancy: none of its residences, secret ones included, has a vacant dwelling) is
public knowledge, and a breach is accepted only when the public values alone make it
(`ShareDiscloser.unprotected`); any breach the portal's own values add is protected.

Known limit: the income bands add up (below 40 % = the two first bands, the five bands =
the households with a known income); within one residence or zone, a band hidden alone is
kept from being the difference of the others by hiding a second band with it
(`_hide_band_partners`), but the audit reads the bands one by one, not as one table.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from data.pipeline.disclosure import (
    QPV_PART,
    Decision,
    Discloser,
    SecretValue,
    residence_cell,
)
from data.pipeline.share_audit import (
    Group,
    ShareAudit,
    ShareShape,
    ShareTable,
    audit_share_table,
    group_breached,
)

# The themes whose shares count people: the small-count rule applies to them.
PEOPLE_THEMES = ("occupation",)
# The shares of dwellings that describe their occupancy, not their structure.
OCCUPANCY_SHARES = (
    "parc.vacancy_rate_offered",
    "parc.vacancy_over_3_months_rate",
    "parc.move_in_rate",
)
# Counts published as they are, at residence scale, that are a share's numerator: hidden
# wherever that share is (its numerator is what the audit protects).
NUMERATOR_COUNTS = {"parc.vacant_dwellings": "parc.vacancy_rate_offered"}
# The shares the build audits by theme, None for all (see the module docstring).
AUDITED_SHARES: dict[str, tuple[str, ...] | None] = {
    "occupation": None,
    "parc": OCCUPANCY_SHARES,
}
# The scales at which the SDES publishes the occupancy shares of every zone.
PUBLIC_SCALES = ("epci", "commune")
# Income bands, and the cumulative shares made of them.
INCOME_BANDS = (
    "occupation.income_below_20",
    "occupation.income_20_40",
    "occupation.income_40_60",
    "occupation.income_60_100",
    "occupation.income_over_100",
)
CUMULATIVE_INCOME = {
    "occupation.income_below_40": INCOME_BANDS[:2],
    "occupation.income_below_60": INCOME_BANDS[:3],
}
MAX_ROUNDS = 50


@dataclass(frozen=True)
class ShareSums:
    """The numerator and denominator of one share indicator in one vintage, by audit
    cell (`residence:<id>`, `<scale>:<code>`)."""

    numerator: dict[str, float]
    denominator: dict[str, float]


# (theme, year, indicator_id) -> its sums
ShareKey = tuple[str, int, str]


@dataclass
class ShareReport:
    """The share audit's figures, for the manifest and `make data`."""

    values_checked: int = 0
    small_counts: int = 0  # hidden because they count fewer than T households
    complementary: int = 0  # hidden so that no hidden value can be worked out
    public: int = 0  # breaches that public values alone make (PUBLIC_SCALES)
    rounds: int = 0
    seconds: float = 0.0

    def manifest(self) -> dict:
        return {
            "share_values_checked": self.values_checked,
            "share_small_counts": self.small_counts,
            "share_complementary": self.complementary,
            "share_public_breaches": self.public,
            "share_rounds": self.rounds,
            "share_seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        return (
            f"audit des parts : {self.values_checked} valeurs cachées vérifiées ; "
            f"{self.small_counts} parts sur moins du seuil de ménages, {self.complementary} "
            f"compléments, {self.public} déjà connues des valeurs communales publiques ; "
            f"{self.rounds} passes, {self.seconds:.2f} s"
        )


def is_small_count(
    numerator: float | np.ndarray, denominator: float | np.ndarray, threshold: int
) -> bool | np.ndarray:
    """A share of people that counts fewer than `threshold` of them, with the attribute or
    without it (a share of nobody is `nd`, not secret); of one value, or of arrays."""
    return (denominator > 0) & ((numerator < threshold) | (denominator - numerator < threshold))


def cell_key(cell: str) -> tuple[str, str]:
    """(scale, code) of an audit cell."""
    scale, code = cell.split(":", 1)
    return scale, code


class ShareDiscloser:
    """The share values to hide, given the counts `decision` publishes."""

    def __init__(
        self,
        discloser: Discloser,
        decision: Decision,
        sums: dict[ShareKey, ShareSums],
        threshold: int,
    ) -> None:
        self.discloser = discloser
        self.decision = decision
        self.sums = sums
        self.threshold = threshold
        self.report = ShareReport()
        self.hidden: dict[ShareKey, set[str]] = defaultdict(set)
        self.audited: dict[ShareKey, ShareTable] = {}
        vintages = {(theme, year) for theme, year, _ in sums}
        self.shapes = {
            (theme, year): ShareShape(layout.structure)
            for theme, layouts in discloser.layouts.items()
            for year, layout in layouts.items()
            if (theme, year) in vintages
        }
        # Per vintage, the band and cumulative values hidden when its income bands were
        # last settled (`_hide_band_partners`).
        self._income_seen: dict[tuple[str, int], dict[ShareKey, set[str]]] = {}
        self._public_known: dict[ShareKey, frozenset[str]] = {}
        self._counted = {
            (theme, year): self._counts_published(theme, year) for theme, year in self.shapes
        }
        self._shown = {
            (theme, year): self._values_published(theme, year) for theme, year in self.shapes
        }
        # the published values at the scales where the SDES publishes the occupancy shares
        self._public_shown = {
            vintage: frozenset(c for c in shown if cell_key(c)[0] in PUBLIC_SCALES)
            for vintage, shown in self._shown.items()
        }

    def run(self) -> set[SecretValue]:
        started = time.perf_counter()
        self._hide_small_counts()
        pending = set(self.sums)
        checked: dict[ShareKey, int] = {}
        while pending:
            self.report.rounds += 1
            if self.report.rounds > MAX_ROUNDS:
                raise RuntimeError("audit des parts : trop de passes")
            changed: set[ShareKey] = set()
            for key in sorted(pending):
                table = self.table(key)
                audit = self.audit(key, table)
                checked[key] = audit.checked
                breaches = self.unprotected(key, audit)
                widened = [self._widen(key, table, audit, audit.groups[g]) for g in breaches]
                widened += [self._hide_member(key, table, zone) for zone in audit.bare_zones]
                if any(widened):
                    changed.add(key)
                elif breaches:
                    raise RuntimeError(f"audit des parts : {key} {breaches[0]} sans protection")
                else:
                    self.report.public += len(audit.breaches)
                    self.audited[key] = table
            changed |= self._hide_band_partners()
            pending = changed
        self.report.values_checked = sum(checked.values())
        self.report.seconds = time.perf_counter() - started
        return self.secret_values()

    def secret_values(self) -> set[SecretValue]:
        """The share values hidden, and the counts published as their numerators with
        them (`NUMERATOR_COUNTS`)."""
        values: set[SecretValue] = set()
        for (theme, year, indicator_id), cells in self.hidden.items():
            counts = [c for c, share in NUMERATOR_COUNTS.items() if share == indicator_id]
            zones = [cell_key(cell) for cell in cells]
            for indicator in (indicator_id, *counts):
                values.update((theme, scale, code, year, indicator) for scale, code in zones)
        return values

    def _counts_published(self, theme: str, year: int) -> dict[str, float]:
        """The published count (dwellings or households) of the cells that have one in a
        vintage: a numerator lies between 0 and it."""
        outcome = self.decision.disclosures[theme][year]
        layout = self.discloser.layouts[theme][year]
        published = {
            residence_cell(c.residence_id): float(c.count)
            for c in layout.cells
            if c.residence_id not in outcome.hidden_residences
        }
        for key, total in layout.totals.items():
            if key.startswith(QPV_PART):
                continue
            zone = cell_key(key)
            if outcome.zone_is_published(*zone):
                published[key] = total
        return published

    def _values_published(self, theme: str, year: int) -> frozenset[str]:
        """The cells whose values the count decision publishes (a hidden residence or a
        zone hidden has none)."""
        outcome = self.decision.disclosures[theme][year]
        layout = self.discloser.layouts[theme][year]
        cells = {
            residence_cell(c.residence_id)
            for c in layout.cells
            if c.residence_id not in outcome.hidden_residences
        }
        cells |= {
            key
            for key in layout.totals
            if not key.startswith(QPV_PART) and outcome.zone_is_published(*cell_key(key))
        }
        return frozenset(cells)

    def _value_published(self, key: ShareKey, cell: str) -> bool:
        return cell in self._shown[key[:2]]

    def _hide_small_counts(self) -> None:
        """Hide the published shares of people that count fewer than T of them, every
        residence and zone of a share at once (a cell outside the vintage's zones has no
        residence: no denominator)."""
        for key, sums in self.sums.items():
            if key[0] not in PEOPLE_THEMES:
                continue
            shape = self.shapes[key[:2]]
            shown = shape.masks(self._shown[key[:2]])
            small = [
                shown_cells
                & is_small_count(
                    shape.vector(sums.numerator)[part],
                    shape.vector(sums.denominator)[part],
                    self.threshold,
                )
                for part, shown_cells in enumerate((shown[0], shown[1][:-1]))
            ]
            cells = [
                *(shape.residences[r] for r in np.flatnonzero(small[0]).tolist()),
                *(shape.zones[z] for z in np.flatnonzero(small[1]).tolist()),
            ]
            self.hidden[key].update(cells)
            self.report.small_counts += len(cells)
        self._hide_band_partners()

    def table(self, key: ShareKey) -> ShareTable:
        """One share indicator in one vintage, as published."""
        sums = self.sums[key]
        return ShareTable(
            sums.numerator,
            sums.denominator,
            self._shown[key[:2]] - self.hidden[key],
            self._counted[key[:2]],
        )

    def rule_of(self, key: ShareKey) -> tuple[int, bool]:
        people = key[0] in PEOPLE_THEMES
        return (self.threshold if people else 2), people

    def audit(self, key: ShareKey, table: ShareTable) -> ShareAudit:
        rule, people = self.rule_of(key)
        return audit_share_table(self.shapes[key[:2]], table, rule, people, self.threshold)

    def public_cells(self, key: ShareKey) -> frozenset[str]:
        """The published values of `key` that the SDES publishes too (`PUBLIC_SCALES`)."""
        if key[2] not in OCCUPANCY_SHARES:
            return frozenset()
        return self._public_shown[key[:2]]

    def publicly_known(self, key: ShareKey) -> frozenset[str]:
        """The hidden residences that the public values of `key` alone pin down: the
        members of every group breached when nothing but them is published."""
        if key not in self._public_known:
            public = self.public_cells(key)
            known: set[str] = set()
            if public:
                sums = self.sums[key]
                table = ShareTable(sums.numerator, sums.denominator, public, {})
                audit = self.audit(key, table)
                for group in audit.breaches:
                    known.update(audit.groups[group].cells)
            self._public_known[key] = frozenset(known)
        return self._public_known[key]

    def unprotected(self, key: ShareKey, audit: ShareAudit) -> list[str]:
        """The breached groups of `audit` that public values alone do not make: each has
        a hidden residence that the public values leave free."""
        known = self.publicly_known(key)
        return [g for g in audit.breaches if not known.issuperset(audit.groups[g].cells)]

    def _widen(self, key: ShareKey, table: ShareTable, audit: ShareAudit, group: Group) -> bool:
        """Hide more of a breached group, what costs least first:
        - its smallest loose published residence that protects it alone, else the fewest
          of them (smallest first, among those that bring what the group lacks);
        - else the share of a zone right inside it whose hidden residences, joining the
          group, protect it (the smallest);
        - else the share of a zone right inside it that holds a published residence that
          brings what the group lacks (the smallest zone): that residence becomes loose in
          the group, and the next round hides it;
        - else the zone's own share (its group joins the zone above), unless the SDES
          publishes it (`public_cells`): then every residence that brings what the group
          lacks, else, when what it lacks lies only deeper (`_opening`), the shares of
          the zones between the group's and the smallest zone deeper inside it whose
          hidden residences, joining the group, protect it."""
        rule, people = self.rule_of(key)

        def protects(cells: tuple[str, ...]) -> bool:
            total = sum(table.numerator.get(c, 0.0) for c in cells)
            trial = Group(group.key, cells, total, ())
            return not group_breached(trial, table, rule, people, self.threshold)

        whole = sum(table.denominator.get(c, 0.0) for c in group.cells)
        short = group.total < max(rule - 1, 1)  # too little of the attribute
        full = whole - group.total < (self.threshold if people else 1)  # too little without

        def useful(cell: str) -> bool:
            """A residence that brings what the group lacks."""
            numerator = table.numerator.get(cell, 0.0)
            denominator = table.denominator.get(cell, 0.0)
            if denominator <= 0:
                return False
            if short or full:
                return (short and numerator > 0) or (full and denominator - numerator > 0)
            return True

        def size(zone: str) -> tuple[float, str]:
            return table.denominator.get(zone, 0.0), zone

        candidates = sorted(filter(useful, group.loose), key=size)
        alone = next((c for c in candidates if protects((*group.cells, c))), None)
        added: list[str] = [] if alone is None else [alone]
        if not added:
            for cell in candidates:
                added.append(cell)
                if protects((*group.cells, *added)):
                    break
            else:
                added = []
        if not added:
            members = self.shapes[key[:2]].members
            public = self.public_cells(key)
            inner = [zone for zone in audit.inner(group.key) if zone not in public]
            joining = [
                zone
                for zone in inner
                if zone in audit.groups and protects((*group.cells, *audit.groups[zone].cells))
            ]
            # a public zone is never hidden: its group takes every useful residence instead,
            # else the zones that open onto one deeper
            fallback = joining or [
                zone
                for zone in inner
                if any(m in table.published and useful(m) for m in members[zone])
            ]
            if fallback or group.key not in public:
                added = [min(fallback or [group.key], key=size)]
            else:
                added = list(candidates) or self._opening(key, audit, group, protects, size)
        fresh = [cell for cell in added if cell not in self.hidden[key]]
        self.hidden[key].update(fresh)
        self.report.complementary += len(fresh)
        return bool(fresh)

    def _opening(
        self,
        key: ShareKey,
        audit: ShareAudit,
        group: Group,
        protects: Callable[[tuple[str, ...]], bool],
        size: Callable[[str], tuple[float, str]],
    ) -> list[str]:
        """The published zones to hide so that the hidden residences of a zone deeper
        inside `group`'s join it and protect it: that zone and those between, for the
        smallest such zone (none when there is none)."""
        shape = self.shapes[key[:2]]
        public = self.public_cells(key)
        openings = []
        for zone in shape.below.get(group.key, ()):
            between = shape.up[zone][: shape.up[zone].index(group.key)]
            path = [z for z in (zone, *between) if z in audit.published]
            if zone not in path or public.intersection(path):
                continue
            joined = [c for z in path if z in audit.groups for c in audit.groups[z].cells]
            if joined and protects((*group.cells, *joined)):
                openings.append((size(zone), path))
        return min(openings)[1] if openings else []

    def _hide_member(self, key: ShareKey, table: ShareTable, zone: str) -> bool:
        """A hidden zone whose residences are all published is their sum: hide the one
        that leaves it the most room (the largest numerator)."""
        members = self.shapes[key[:2]].members[zone]
        chosen = max(members, key=lambda c: (table.numerator.get(c, 0.0), c))
        if chosen in self.hidden[key]:
            return False
        self.hidden[key].add(chosen)
        self.report.complementary += 1
        return True

    def _hide_band_partners(self) -> set[ShareKey]:
        """Within one residence or zone the income bands add up to all the households of
        known income, and the cumulative shares to their bands: a band hidden alone is the
        difference of the others. Hide with it the band that leaves the hidden pair the
        most room (the largest), and repeat with the cumulative shares until stable.

        Each rule reads one cell's values only: a cell is looked at again only once one
        of its income values was hidden since it was last."""
        changed: set[ShareKey] = set()
        years = {(t, y) for t, y, indicator in self.sums if indicator in INCOME_BANDS}
        for theme, year in sorted(years):
            bands = [(theme, year, band) for band in INCOME_BANDS]
            if not all(band in self.sums for band in bands):
                continue
            keys = [*bands, *((theme, year, c) for c in CUMULATIVE_INCOME)]
            seen = self._income_seen.setdefault((theme, year), {})
            while True:
                fresh = set().union(*(self.hidden[k] - seen.get(k, set()) for k in keys))
                if not fresh:
                    break
                for key in keys:
                    seen[key] = set(self.hidden[key])
                cells = sorted(fresh)
                changed |= self._hide_cumulative(theme, year, cells)
                changed |= self._hide_partners(bands, cells)
        return changed

    def _hide_partners(self, bands: list[ShareKey], cells: list[str]) -> set[ShareKey]:
        """A band hidden alone in a cell gets the largest other band as its partner."""
        changed: set[ShareKey] = set()
        for cell in cells:
            shown = [
                band
                for band in bands
                if cell not in self.hidden[band] and self._value_published(band, cell)
            ]
            if len(shown) == len(bands) - 1:
                partner = max(shown, key=lambda b: (self.sums[b].numerator.get(cell, 0), b))
                self.hidden[partner].add(cell)
                self.report.complementary += 1
                changed.add(partner)
        return changed

    def _hide_cumulative(self, theme: str, year: int, cells: list[str]) -> set[ShareKey]:
        """A cumulative income share is the sum of its bands: hidden with any of them, and
        when hidden alone, one of its bands (the largest) goes with it."""
        changed: set[ShareKey] = set()
        for cumulative, parts in CUMULATIVE_INCOME.items():
            target = (theme, year, cumulative)
            bands = [(theme, year, part) for part in parts]
            if target not in self.sums or not all(band in self.sums for band in bands):
                continue
            for cell in cells:
                if (
                    cell not in self.hidden[target]
                    and any(cell in self.hidden[b] for b in bands)
                    and self._value_published(target, cell)
                ):
                    self.hidden[target].add(cell)
                    self.report.complementary += 1
                    changed.add(target)
            for cell in cells:
                if cell not in self.hidden[target]:
                    continue
                shown = [b for b in bands if cell not in self.hidden[b]]
                if len(shown) == len(bands):
                    band = max(shown, key=lambda b: (self.sums[b].numerator.get(cell, 0.0), b))
                    self.hidden[band].add(cell)
                    self.report.complementary += 1
                    changed.add(band)
        return changed
