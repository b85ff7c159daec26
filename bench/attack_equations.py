"""The equations a signatory can write from a harvest, and the hidden counts they bound.

Families (for each vintage):
- nesting: a zone's count (dwellings or households) is the sum of its residences'
  (commune, IRIS, QPV, the EPCI), whatever of them is published;
- denominators: a share (or a mean of integers, like the age of the stock) published
  with six decimals over a hidden count is k/D for an integer k, so each leaves only the
  D that round to it (rational reconstruction); every ratio whose denominator is the
  count (learned on the zones whose count is published) intersects these sets;
- breakdowns: a zone's typology, construction period and QPV part, times its count (when
  known), is the sum of its residences' (theirs: share x dwellings when published, a
  non-negative split of their dwellings when hidden);
- a residence has at most as many surveyed households as dwellings (checked first on
  every published pair);
- occupation shares over households: share x households is a count of households, nested
  like the households (zones, and the residences of the user's perimeter).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bench.attack_harvest import OUTSIDE, SECRET, Harvest
from bench.attack_lp import INF, System
from data.catalog import CATALOG

DWELLINGS, HOUSEHOLDS = "parc.dwellings", "occupation.households"
VACANT = "parc.vacant_dwellings"
ROUNDING = 0.5e-6  # exports give shares with six decimals
BREAKDOWNS = {
    "typologie": (
        "parc.t1_share",
        "parc.t2_share",
        "parc.t3_share",
        "parc.t4_share",
        "parc.t5p_share",
    ),
    "époque": (
        "parc.built_before_1949_share",
        "parc.built_1949_1974_share",
        "parc.built_1975_1999_share",
        "parc.built_2000_plus_share",
    ),
}
QPV_PART = "parc.qpv_share"
# Each ratio a zone publishes, and what turns it into a count over its denominator: a
# share in percent, or a mean (of integers, like the age of the stock in years).
RATIOS = {
    i: 100.0 if indicator.unit == "%" else 1.0
    for i, indicator in CATALOG.items()
    if indicator.theme in ("parc", "occupation") and indicator.unit not in ("logements", "ménages")
}
ZONE_SCALES = ("commune", "iris", "qpv")


@dataclass(frozen=True)
class Bound:
    cell: str  # "<indicator>|<year>|<scale>:<code>"
    low: float
    high: float
    how: str

    @property
    def width(self) -> float:
        """The span of integer values left (a count is an integer), infinite when the
        cell is unbounded."""
        if math.isinf(self.high) or math.isinf(self.low):
            return math.inf
        return math.floor(self.high + 1e-6) - math.ceil(self.low - 1e-6)


def cell(indicator: str, year: int, scale: str, code: str) -> str:
    return f"{indicator}|{year}|{scale}:{code}"


def denominators(ratios: Iterable[tuple[float, float]], low: int, high: int) -> np.ndarray:
    """Every D in [low, high] for which each ratio (value, factor), printed with six
    decimals, is factor x k / D for an integer k."""
    candidates = np.arange(max(low, 1), max(high, 0) + 1, dtype=float)
    for value, factor in ratios:
        k = np.round(value * candidates / factor)
        candidates = candidates[np.abs(k * factor / candidates - value) <= ROUNDING + 1e-9]
    return candidates.astype(int)


class Equations:
    def __init__(self, harvest: Harvest, threshold: int = 11) -> None:
        self.h = harvest
        self.threshold = threshold
        self.derived: dict = {}  # numerators of shares: (scale, code, "n:<share>", year)
        self.members = dict(harvest.members)
        self.members["epci"] = {"epci": set(harvest.residences)}
        self.share_of_count = self._learn_denominators()
        self.households_within_dwellings = self._check_households_within_dwellings()
        self.households_within_occupied = self._check_households_within_dwellings(VACANT)
        self.recovered: dict[str, np.ndarray] = {}  # hidden zone count -> candidates

    def value(self, scale: str, code: str, indicator: str, year: int):
        key = (scale, code, indicator, year)
        return self.derived[key] if key in self.derived else self.h.values.get(key)

    def _learn_denominators(self) -> dict[str, list[str]]:
        """Per count, the ratios that are factor x k / count wherever it is published."""
        learned: dict[str, list[str]] = {}
        for count, theme in ((DWELLINGS, "parc."), (HOUSEHOLDS, "occupation.")):
            tried: dict[str, list[bool]] = defaultdict(list)
            for (scale, code, indicator, year), total in self.h.values.items():
                if indicator != count or not isinstance(total, float) or total <= 0:
                    continue
                for ratio, p in self._shares_of(scale, code, year, theme):
                    n = p * total / RATIOS[ratio]
                    slack = total * ROUNDING / RATIOS[ratio] + 1e-7
                    tried[ratio].append(abs(n - round(n)) <= slack)
            learned[count] = sorted(s for s, ok in tried.items() if len(ok) > 50 and all(ok))
        return learned

    def _shares_of(self, scale: str, code: str, year: int, theme: str):
        """The published ratios of a zone and vintage in one theme."""
        return [
            (indicator, p)
            for indicator in RATIOS
            if indicator.startswith(theme)
            and isinstance(p := self.value(scale, code, indicator, year), float)
        ]

    def _check_households_within_dwellings(self, less: str | None = None) -> bool:
        """Whether every residence's published households are at most its published
        dwellings (minus its published count `less`, the vacant ones, when given): then
        a user may take it as a rule."""
        pairs = 0
        for (scale, code, indicator, year), households in self.h.values.items():
            if indicator != HOUSEHOLDS or scale != "residence" or not isinstance(households, float):
                continue
            parc_year = self.rpls_year(year)
            dwellings = self.value(scale, code, DWELLINGS, parc_year)
            minus = self.value(scale, code, less, parc_year) if less else 0.0
            if isinstance(dwellings, float) and isinstance(minus, float):
                pairs += 1
                if households > dwellings - minus:
                    return False
        return pairs > 0

    def rpls_year(self, ops_year: int) -> int:
        years = self.h.years["parc"]
        return min(years, key=lambda y: (abs(y - ops_year), -y))

    # -- systems ---------------------------------------------------------------------

    def tree(self, system: System, count: str, year: int, least: float) -> list[str]:
        """Nesting rows of `count` in `year`; returns the hidden cells (targets)."""
        targets: list[str] = []
        present: dict[str, float | str] = {}
        for rid in self.h.residences:
            v = self.value("residence", rid, count, year)
            if v is None:
                continue
            present[rid] = v
            if v in (SECRET, OUTSIDE):
                targets.append(system.unknown(cell(count, year, "residence", rid), least))
        for scale, zones in self.members.items():
            for code, rids in zones.items():
                total = self.value(scale, code, count, year)
                if total is None:
                    continue
                terms: dict[str, float] = {}
                constant = 0.0
                for rid in rids:
                    v = present.get(rid)
                    if isinstance(v, float):
                        constant += v
                    elif v is not None:
                        terms[cell(count, year, "residence", rid)] = 1.0
                if isinstance(total, float):
                    system.equation(terms, total - constant)
                else:
                    zone = system.unknown(cell(count, year, scale, code), 0.0)
                    targets.append(zone)
                    system.equation({**terms, zone: -1.0}, -constant)
        return targets

    def zone_dwellings(self, scale: str, code: str, year: int) -> float | None:
        """A zone's dwellings, published or recovered exactly from its shares."""
        v = self.value(scale, code, DWELLINGS, year)
        if isinstance(v, float):
            return v
        found = self.recovered.get(cell(DWELLINGS, year, scale, code))
        return float(found[0]) if found is not None and len(found) == 1 else None

    def breakdowns(self, system: System, year: int) -> None:
        """Typology, construction period and QPV part of every zone whose count is known."""
        in_qpv = set().union(*self.members["qpv"].values())
        for name, shares in BREAKDOWNS.items():
            for rid in self.h.residences:
                d = self.value("residence", rid, DWELLINGS, year)
                if d in (SECRET, OUTSIDE):
                    parts = {cell(f"{name}:{s}", year, "residence", rid): 1.0 for s in shares}
                    for part in parts:
                        system.unknown(part, 0.0)
                    system.equation({**parts, cell(DWELLINGS, year, "residence", rid): -1.0}, 0)
            for scale, zones in self.members.items():
                for code, rids in zones.items():
                    total = self.zone_dwellings(scale, code, year)
                    if total is None:
                        continue
                    for share in shares:
                        p = self.value(scale, code, share, year)
                        if not isinstance(p, float):
                            continue
                        self._breakdown_row(system, year, rids, total * p / 100, share, name)
        for scale in ("epci", "commune", "iris"):
            for code, rids in self.members[scale].items():
                total = self.zone_dwellings(scale, code, year)
                p = self.value(scale, code, QPV_PART, year)
                if total is None or not isinstance(p, float):
                    continue
                self._breakdown_row(system, year, rids & in_qpv, total * p / 100, None, None)

    def _breakdown_row(self, system, year, rids, amount, share, name) -> None:
        terms: dict[str, float] = {}
        constant = 0.0
        for rid in rids:
            d = self.value("residence", rid, DWELLINGS, year)
            if isinstance(d, float):
                if share is None:
                    constant += d
                    continue
                p = self.value("residence", rid, share, year)
                if not isinstance(p, float):
                    return  # a published residence without this share: no equation
                constant += round(p * d / 100)
            elif d in (SECRET, OUTSIDE):
                key = DWELLINGS if share is None else f"{name}:{share}"
                terms[cell(key, year, "residence", rid)] = 1.0
        system.equation(terms, round(amount) - constant)

    def recover_denominators(self, bounds: dict[str, tuple[float, float]], year: int) -> int:
        """Rational reconstruction of every hidden zone count of `year` within its bounds."""
        shares = self.share_of_count[DWELLINGS]
        found = 0
        for target, (low, high) in bounds.items():
            indicator, _, place = target.split("|")
            scale, code = place.split(":", 1)
            if indicator != DWELLINGS or scale == "residence" or high == INF:
                continue
            published = [
                (p, RATIOS[s])
                for s in shares
                if isinstance(p := self.value(scale, code, s, year), float)
            ]
            if not published:
                continue
            self.recovered[target] = denominators(
                published, math.ceil(low - 1e-6), math.floor(high + 1e-6)
            )
            found += 1
        return found

    def parc_bounds(self, year: int) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
        """Bounds of every hidden dwellings count of `year`: nesting first, then the
        denominators the shares leave, then the breakdowns of the zones they pin."""
        first = System()
        targets = self.tree(first, DWELLINGS, year, least=0.0)
        bounds = first.bounds(targets)
        self.recover_denominators(bounds, year)
        second = System()
        self.tree(second, DWELLINGS, year, least=0.0)
        how = dict.fromkeys(targets, "emboîtement")
        for target, candidates in self.recovered.items():
            if f"|{year}|" in target and len(candidates):
                system_cell = second.unknown(target, float(candidates[0]), float(candidates[-1]))
                how[system_cell] = f"parts à 6 décimales : {len(candidates)} dénominateur(s)"
        self.breakdowns(second, year)
        final = second.bounds(targets)
        for target, (low, high) in final.items():
            if high - low < bounds[target][1] - bounds[target][0] - 1e-6 and how[target] == (
                "emboîtement"
            ):
                how[target] = "emboîtement + parts des zones (dénominateurs, typologie, QPV)"
        return final, how

    def occupation_bounds(
        self, year: int, dwellings: dict[str, tuple[float, float]]
    ) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
        system = System()
        targets = self.tree(system, HOUSEHOLDS, year, least=0.0)
        if self.households_within_dwellings:
            parc_year = self.rpls_year(year)
            for target in targets:
                place = target.split("|")[2]
                scale, code = place.split(":", 1)
                if scale != "residence":
                    continue
                d = self.value(scale, code, DWELLINGS, parc_year)
                vacant = self.value(scale, code, VACANT, parc_year)
                if isinstance(d, float) and self.households_within_occupied:
                    system.unknown(target, 0.0, d - (vacant if isinstance(vacant, float) else 0.0))
                elif isinstance(d, float):
                    system.unknown(target, 0.0, d)
                else:
                    high = dwellings.get(cell(DWELLINGS, parc_year, scale, code), (0, INF))[1]
                    system.unknown(target, 0.0, high)
        rule = "logements non vacants" if self.households_within_occupied else "logements"
        return system.bounds(targets), dict.fromkeys(targets, f"emboîtement (+ ménages ≤ {rule})")

    def numerators(self, share: str, year: int) -> str:
        """The households a share counts, where the share and households are published
        (exact: the share's denominator is the households); hidden where the share is."""
        indicator = f"n:{share}"
        for (scale, code, name, y), p in list(self.h.values.items()):
            if name != share or y != year:
                continue
            households = self.h.values.get((scale, code, HOUSEHOLDS, year))
            if isinstance(p, float) and isinstance(households, float):
                self.derived[(scale, code, indicator, year)] = float(round(p * households / 100))
            elif isinstance(p, float) or p in (SECRET, OUTSIDE):
                self.derived[(scale, code, indicator, year)] = p if isinstance(p, str) else SECRET
        return indicator

    def share_bounds(self, year: int, perimeter: set[str]) -> dict[str, tuple[float, float]]:
        """Bounds of the hidden numerators of the shares whose denominator is the
        households: zones, and residences of the user's own perimeter (outside it, every
        residence is hidden anyway). Each is at most its households, when published."""
        found: dict[str, tuple[float, float]] = {}
        for share in self.share_of_count[HOUSEHOLDS]:
            if RATIOS[share] != 100.0:
                continue
            indicator = self.numerators(share, year)
            system = System()
            targets = self.tree(system, indicator, year, least=0.0)
            for target in targets:
                scale, code = target.split("|")[2].split(":", 1)
                households = self.value(scale, code, HOUSEHOLDS, year)
                if isinstance(households, float):
                    system.unknown(target, 0.0, households)
            wanted = [
                t
                for t in targets
                if not t.split("|")[2].startswith("residence:") or t.split(":", 1)[1] in perimeter
            ]
            found.update(system.bounds(wanted))
        return found
