"""Secrecy decided and proved: the tree rules of `secrecy.py`, then the disclosure audit of
`audit.py` over what would be published, hiding more until the audit passes.

What the audit sees, for every vintage of both themes: the count of dwellings (Parc) or
households (Occupation) of every zone and residence, the QPV part of every zone (its
'part des logements situés en QPV' times its dwellings), and what a user knows without
any equation: a residence drawn on the map has at least one dwelling, and at most as
many households as its published dwellings less its vacant ones (a household lives in a
let dwelling; the vacant ones are taken as known even where their count is not
published: a bound tighter than any user's). What that bound tells alone comes from the
stock, which hiding households cannot change: a household count is narrowed only beyond
it (`Table.stock_bounds`). Where a hidden value comes out too narrow,
the smallest published residence of the equation that binds it is hidden, else that
equation's total (the count of the zone, in that vintage only: its rates and shares stay
published). For Parc the time series are audited too (`audit.audit_changes`).

Two rules keep the series consistent: a residence whose dwellings are hidden in one
vintage is hidden in every vintage (its earlier or later values would tell the hidden
ones), and the occupation of a residence whose dwellings are hidden is hidden too
(its households bound its dwellings). Occupation is decided survey by survey: each OPS
survey counts the households who answered it, not a stock that carries over.
"""

from __future__ import annotations

import functools
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from data.pipeline.audit import (
    INFINITY,
    ChangeBreach,
    Table,
    TableAudit,
    audit_changes,
)
from data.pipeline.audit_rounds import TableRounds
from data.pipeline.secrecy import Cell, Disclosure, ZoneKey, ZoneStructure, protect

THEMES = ("parc", "occupation")
MINIMUM_UNITS = {"parc": 1, "occupation": 0}
QPV_SHARE = "parc.qpv_share"
QPV_PART = "qpv_part"
AUDITED_CHANGES = ("parc",)

# (theme, scale, code, year, indicator_id): one value hidden, the others of its zone kept.
SecretValue = tuple[str, str, str, int, str]


RESIDENCE_PREFIX = "residence:"


def residence_cell(residence_id: str) -> str:
    return f"{RESIDENCE_PREFIX}{residence_id}"


def occupied_at_most(dwellings: float, vacant: int, households: float | None) -> float:
    """What a user knows a residence's households are at most: its dwellings less its
    vacant ones, never below the households a survey counted there (where it counted
    more, the rule does not hold for that residence and says nothing)."""
    return float(max(dwellings - vacant, households or 0.0))


def zone_cell(scale: str, code: str) -> str:
    return f"{scale}:{code}"


def qpv_part_cell(scale: str, code: str) -> str:
    return f"{QPV_PART}:{scale}:{code}"


def zones_of(cell: Cell) -> list[ZoneKey]:
    zones = [("epci", cell.epci), ("commune", cell.commune)]
    if cell.iris is not None:
        zones.append(("iris", cell.iris))
    if cell.qpv is not None:
        zones.append(("qpv", cell.qpv))
    return zones


class Layout:
    """The equations of one theme and vintage, whatever is hidden: each zone (and its QPV
    part) as the sum of its residences, with the totals they add up to."""

    def __init__(self, theme: str, year: int, cells: list[Cell]) -> None:
        self.theme = theme
        self.year = year
        self.cells = cells
        self.structure = ZoneStructure(cells)
        # each residence's audit cell, id and count, in the order of `cells`
        self.residences = [
            (residence_cell(c.residence_id), c.residence_id, float(c.count)) for c in cells
        ]
        self.count = {name: count for name, _, count in self.residences}
        members: dict[str, list[str]] = defaultdict(list)
        qpv_members: dict[str, list[str]] = defaultdict(list)
        for cell, (rid, _, _) in zip(cells, self.residences, strict=True):
            for scale, code in zones_of(cell):
                members[zone_cell(scale, code)].append(rid)
                if theme == "parc" and cell.qpv is not None:
                    qpv_members[qpv_part_cell(scale, code)].append(rid)
        self.equations = {k: tuple(v) for k, v in {**members, **qpv_members}.items()}
        self.totals = {
            key: sum(self.count[r] for r in parts) for key, parts in self.equations.items()
        }
        # `audit.expand` of these equations: their parts are all residences
        self.expansion = {**{rid: (rid,) for rid in self.count}, **self.equations}
        # every cell with its value, as published when nothing is hidden (what `table`
        # starts from, in the order of its cells)
        self.unhidden: dict[str, float | None] = {
            **{name: count for name, _, count in self.residences},
            **self.totals,
        }

    def table(
        self,
        disclosure: Disclosure,
        secret_values: set[SecretValue],
        bounds: dict[str, tuple[float, float]],
    ) -> Table:
        """What is published once `disclosure` is applied, as the audit reads it: every
        cell, hidden ones None, but the QPV part of a zone whose count or QPV share is
        secret (not published at all). Made from `unhidden` by what is hidden only."""
        values = dict(self.unhidden)
        equations = dict(self.equations)
        for rid in disclosure.hidden_residences:
            if (name := residence_cell(rid)) in values:
                values[name] = None
        unpublished_parts = []
        for scale, code in disclosure.secret_zones:
            if (key := zone_cell(scale, code)) in values:
                values[key] = None
            unpublished_parts.append(qpv_part_cell(scale, code))
        unpublished_parts += [
            qpv_part_cell(scale, code)
            for theme, scale, code, year, indicator in secret_values
            if (theme, year, indicator) == (self.theme, self.year, QPV_SHARE)
        ]
        for key in unpublished_parts:
            values.pop(key, None)
            equations.pop(key, None)
        return Table(
            f"{self.theme} {self.year}", values, equations, bounds, self.theme == "occupation"
        )


@dataclass
class AuditReport:
    """The audit's figures, for the manifest and `make data`."""

    cells_checked: int = 0
    # theme -> (residences of the latest vintage, below the threshold, hidden in all)
    residences: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    zone_counts_added: int = 0
    qpv_shares_added: int = 0
    rounds: int = 0
    seconds: float = 0.0  # rules and audit together
    rules_seconds: float = 0.0  # the first pass of the tree rules alone

    def manifest(self) -> dict:
        return {
            "cells_checked": self.cells_checked,
            "cells_protected": self.cells_checked,
            "residences_latest": {
                theme: {"all": total, "below_threshold": small, "hidden": hidden}
                for theme, (total, small, hidden) in self.residences.items()
            },
            "complementary_zone_counts": self.zone_counts_added,
            "complementary_qpv_shares": self.qpv_shares_added,
            "rounds": self.rounds,
            "seconds": round(self.seconds, 3),
            "rules_seconds": round(self.rules_seconds, 3),
        }

    def summary(self) -> str:
        hidden = ", ".join(
            f"{theme} {hidden}/{total} dont {small} sous le seuil"
            for theme, (total, small, hidden) in self.residences.items()
        )
        return (
            f"audit : {self.cells_checked} valeurs cachées vérifiées, aucune déductible à moins "
            f"du seuil ; résidences cachées ({hidden}) ; compléments : "
            f"{self.zone_counts_added} effectifs de zone, {self.qpv_shares_added} parts en QPV ; "
            f"{self.rounds} passes, {self.seconds:.2f} s"
        )


@dataclass
class Decision:
    """What must not be published: per theme and vintage, the hidden residences and
    zones (`secret_zones`, each with every value of the theme: a rate over a hidden count
    would give it back, k/D for several k pins D), and single values (`secret_values`)."""

    disclosures: dict[str, dict[int, Disclosure]]
    secret_values: set[SecretValue]
    report: AuditReport


class Discloser:
    """Protection, then audit and more protection until the audit passes."""

    def __init__(
        self,
        cells: dict[str, dict[int, list[Cell]]],
        links: dict[int, int],
        threshold: int,
        vacant: dict[int, dict[str, int]] | None = None,
    ) -> None:
        """`vacant`: each residence's vacant dwellings by RPLS vintage (none: households
        are bounded by the dwellings alone)."""
        self.threshold = threshold
        self.links = links
        self.vacant = vacant or {}
        self.layouts = {
            theme: {
                year: Layout(theme, year, c) for year, c in sorted(cells.get(theme, {}).items())
            }
            for theme in THEMES
        }
        self.forced: dict[str, dict[int, set[str]]] = {t: defaultdict(set) for t in THEMES}
        self.forced_zones: dict[str, dict[int, set[ZoneKey]]] = {
            t: defaultdict(set) for t in THEMES
        }
        self.secret_values: set[SecretValue] = set()
        self.report = AuditReport()
        self.audited: dict[str, list[Table]] = {}
        self._protected: dict[tuple, Disclosure] = {}
        self._audits: dict[str, tuple[Table, TableAudit]] = {}
        self._rounds: dict[str, TableRounds] = {}
        self._solved: dict[tuple, object] = {}
        self._tables: dict[tuple[str, int], tuple[Disclosure, frozenset, Table | None, Table]] = {}
        self._known: dict[tuple[str, int], tuple[Table | None, dict]] = {}
        self._widened: Counter[tuple[str, int, str]] = Counter()

    def protect_all(self) -> dict[str, dict[int, Disclosure]]:
        parc_layouts = self.layouts["parc"]
        hidden = set().union(*self.forced["parc"].values())
        while True:  # a residence hidden in one vintage is hidden in all
            parc = {
                year: self._protect("parc", layout, hidden, dict)
                for year, layout in parc_layouts.items()
            }
            union = set().union(*(o.hidden_residences for o in parc.values()))
            if union <= hidden:
                break
            hidden |= union
        occupation = {
            year: self._protect(
                "occupation",
                layout,
                hidden | self.forced["occupation"][year],
                functools.partial(self._published_dwellings, year, parc, hidden),
            )
            for year, layout in self.layouts["occupation"].items()
        }
        return {"parc": parc, "occupation": occupation}

    def _protect(
        self,
        theme: str,
        layout: Layout,
        hidden: set[str],
        upper: Callable[[], dict[str, float]],
    ) -> Disclosure:
        """`protect` for one vintage, run again only when what it is given has changed
        (later rounds of the audit change a few vintages); `upper` makes the bounds of
        `protect` then only."""
        present = frozenset(hidden & layout.structure.count.keys())
        zones = frozenset(self.forced_zones[theme][layout.year])
        key = (theme, layout.year, present, zones)
        if key not in self._protected:
            self._protected[key] = protect(
                layout.structure, self.threshold, present, zones, MINIMUM_UNITS[theme], upper()
            )
        return self._protected[key]

    def households_bounds(self, parc: dict[int, Disclosure]) -> dict[int, dict[str, float]]:
        """Per survey, what each residence's households are known to be at most
        (`_published_dwellings`) once the RPLS vintages are decided."""
        hidden = set().union(*(outcome.hidden_residences for outcome in parc.values()))
        return {
            year: self._published_dwellings(year, parc, hidden)
            for year in self.layouts["occupation"]
        }

    def _published_dwellings(
        self, ops_year: int, parc: dict[int, Disclosure], hidden: set[str]
    ) -> dict[str, float]:
        """What a user knows each residence's households are at most in a survey: its
        published dwellings in the RPLS vintage linked to it, less its vacant ones
        (`occupied_at_most`)."""
        year = self.links.get(ops_year)
        if year not in parc:
            return {}
        households = self.layouts["occupation"][ops_year].count
        vacant = self.vacant.get(year, {})
        return {
            c.residence_id: occupied_at_most(
                c.count,
                vacant.get(c.residence_id, 0),
                households.get(residence_cell(c.residence_id)),
            )
            for c in self.layouts["parc"][year].cells
            if c.residence_id not in hidden
        }

    def tables(self, decided: dict[str, dict[int, Disclosure]]) -> dict[str, list[Table]]:
        tables: dict[str, list[Table]] = {}
        dwellings: dict[int, Table] = {}
        for year, layout in self.layouts["parc"].items():
            table = self._table(layout, decided["parc"][year], None)
            dwellings[year] = table
            tables.setdefault("parc", []).append(table)
        for year, layout in self.layouts["occupation"].items():
            published = dwellings.get(self.links.get(year, -1))
            table = self._table(layout, decided["occupation"][year], published)
            tables.setdefault("occupation", []).append(table)
        return tables

    def _table(self, layout: Layout, disclosure: Disclosure, dwellings: Table | None) -> Table:
        """`layout.table`, made again only when what it reads has changed since the last
        round: its disclosure (`_protect` keeps one object per outcome), its hidden QPV
        parts, and for households the published dwellings that bound them."""
        qpv = frozenset(
            value
            for value in self.secret_values
            if value[0] == layout.theme and value[3] == layout.year and value[4] == QPV_SHARE
        )
        cached = self._tables.get((layout.theme, layout.year))
        if cached is not None and cached[:3] == (disclosure, qpv, dwellings):
            return cached[3]
        table = layout.table(disclosure, self.secret_values, self._bounds(layout, dwellings))
        self._tables[(layout.theme, layout.year)] = (disclosure, qpv, dwellings, table)
        return table

    def _bounds(self, layout: Layout, dwellings: Table | None) -> dict[str, tuple[float, float]]:
        """What a user knows of each residence of `layout` without any equation: made again
        only when the published dwellings that bound households have changed (one dict
        shared by the versions of a table, which `audit_rounds.changed_cells` then skips)."""
        cached = self._known.get((layout.theme, layout.year))
        if cached is not None and cached[0] is dwellings:
            return cached[1]
        published = {} if dwellings is None else dwellings.values
        vacant = self.vacant.get(self.links.get(layout.year, -1), {})

        def households(rid: str) -> tuple[float, float]:
            if (most := published.get(rid)) is None:
                return 0.0, INFINITY
            vacant_here = vacant.get(rid.removeprefix(RESIDENCE_PREFIX), 0)
            return 0.0, occupied_at_most(most, vacant_here, layout.count[rid])

        if layout.theme == "parc":
            bounds = {rid: (1.0, INFINITY) for rid in layout.count}
        elif cached is not None and cached[0] is not None and dwellings is not None:
            # the last bounds, with those of the residences whose dwellings changed
            bounds = dict(cached[1])
            for rid, _ in cached[0].values.items() ^ published.items():
                if rid in bounds:
                    bounds[rid] = households(rid)
        else:
            bounds = {rid: households(rid) for rid in layout.count}
        self._known[(layout.theme, layout.year)] = (dwellings, bounds)
        return bounds

    def audit(
        self, tables: dict[str, list[Table]]
    ) -> dict[str, tuple[list[TableAudit], list[ChangeBreach]]]:
        result = {}
        for theme, theme_tables in tables.items():
            layouts = list(self.layouts[theme].values())
            audits = [
                self._audit(table, layout)
                for table, layout in zip(theme_tables, layouts, strict=True)
            ]
            changes = (
                audit_changes(audits, self.threshold, self.truth(theme))
                if theme in AUDITED_CHANGES
                else []
            )
            result[theme] = (audits, changes)
        return result

    def truth(self, theme: str) -> dict[str, dict[str, float]]:
        """The true count of every residence, by table name (what the change audit weighs
        a published change against)."""
        return {f"{theme} {year}": layout.count for year, layout in self.layouts[theme].items()}

    def _audit(self, table: Table, layout: Layout) -> TableAudit:
        """The table's audit, run again only when the table has changed since the last
        round, and then only over what the change touched (`TableRounds`)."""
        previous = self._audits.get(table.name)
        if previous is not None and previous[0] == table:
            return previous[1]
        if table.name not in self._rounds:
            self._rounds[table.name] = TableRounds(layout.equations, layout.expansion)
        audit = self._rounds[table.name].audit(table, self.threshold, self._solved)
        self._audits[table.name] = (table, audit)
        return audit

    def run(self) -> Decision:
        started = time.perf_counter()
        while True:
            self.report.rounds += 1
            decided = self.protect_all()
            if self.report.rounds == 1:
                self.report.rules_seconds = time.perf_counter() - started
            tables = self.tables(decided)
            audits = self.audit(tables)
            if not any(
                changes or any(a.breaches for a in group) for group, changes in audits.values()
            ):
                self.audited = tables
                break
            before = self._forced_size()
            for theme, (group, changes) in audits.items():
                self._repair(theme, group, changes, tables[theme])
            if self._forced_size() == before:
                raise RuntimeError("disclosure audit: breaches that hiding more cannot repair")
        self.report.cells_checked = sum(a.checked for group, _ in audits.values() for a in group)
        for theme, by_year in decided.items():
            if by_year:
                year = max(by_year)
                cells = self.layouts[theme][year].cells
                small = sum(c.count < self.threshold for c in cells)
                self.report.residences[theme] = (
                    len(cells),
                    small,
                    len(by_year[year].hidden_residences),
                )
        self.report.seconds = time.perf_counter() - started
        return Decision(decided, set(self.secret_values), self.report)

    def _forced_size(self) -> int:
        return (
            sum(len(s) for by_year in self.forced.values() for s in by_year.values())
            + sum(len(s) for by_year in self.forced_zones.values() for s in by_year.values())
            + len(self.secret_values)
        )

    def _repair(
        self, theme: str, group: list[TableAudit], changes: list[ChangeBreach], tables: list[Table]
    ) -> None:
        years = list(self.layouts[theme])
        by_name = {
            audit.name: (audit, table, year)
            for audit, table, year in zip(group, tables, years, strict=True)
        }
        for audit, table, year in by_name.values():
            for breach in audit.breaches:
                self._widen(theme, year, audit, table, breach.cell, breach.equation)
        for change in changes:
            audit, table, year = by_name[change.table]
            equation = (audit.equations if change.reduced else audit.remainders)[change.equation]
            partners = [int(name.split(" ")[1]) for name in change.partners]
            mover = self._mover(theme, year, partners, equation.loose_published)
            if mover is not None:
                self.forced[theme][year].add(mover)
                continue
            sibling = None
            if change.reduced:
                sibling = self._sibling(theme, year, audit, table, change.equation, equation.cells)
            self._hide_total(theme, year, sibling or change.equation)
            if sibling is None:
                self._complement(theme, year, audit, table, change.equation)

    def _complement(self, theme: str, year: int, audit: TableAudit, table: Table, key: str) -> None:
        """A zone count just hidden is its parent minus its published siblings: when the
        parent's remainder holds nothing else, hide a sibling at once (the next round's
        audit would ask for it)."""
        hidden = audit.remainders[key].cells if key in audit.remainders else frozenset()
        if not hidden or key.startswith(f"{QPV_PART}:"):
            return
        parents = [e for e in audit.remainders.values() if hidden < e.cells]
        if not parents:
            return
        parent = min(parents, key=lambda e: (len(e.cells), e.key))
        if not audit.equations.get(parent.key, parent).cells - hidden:
            sibling = self._sibling(theme, year, audit, table, parent.key, hidden)
            if sibling is not None:
                self._hide_total(theme, year, sibling)

    def _mover(
        self, theme: str, year: int, partners: list[int], candidates: tuple[str, ...]
    ) -> str | None:
        """A published residence of a remainder that moved by at least T units between
        `year` and each of the `partners` vintages (built, demolished or grown): hidden with
        the others, it makes each of those changes the work of at least T units. The
        smallest such residence: hiding it costs less than hiding a zone's dwellings in a
        vintage (what a user reads first of a commune)."""
        counts = {y: layout.count for y, layout in self.layouts[theme].items()}
        now = counts[year]
        movers = [
            cell
            for cell in candidates
            if cell.startswith("residence:")
            and all(
                abs(now.get(cell, 0.0) - counts[partner].get(cell, 0.0)) >= self.threshold
                for partner in partners
            )
        ]
        if not movers:
            return None
        return min(movers, key=lambda c: (now.get(c, 0.0), c)).split(":", 1)[1]

    def _widen(
        self, theme: str, year: int, audit: TableAudit, table: Table, cell: str, key: str | None
    ) -> None:
        """Widen the interval of `cell` (a residence, or a hidden total), looking at the
        reduced equations over its hidden residences:
        - a hidden total made only of published values: hide its smallest residence;
        - an equation that holds only residences of the cell pins part of it down: hide a
          published sub-total of that equation's zone beside the cell (its hidden
          residences join the equation), else the equation's total;
        - else the equations also hold other residences but leave too little room: hide
          the smallest loose published residence of the tightest, else its total; when the
          breach is still there in a later round (the residence hidden joined the other
          equations that pin the cell too), hide the total of the equation binding it."""
        layout = self.layouts[theme][year]
        hidden = frozenset(
            p for p in layout.expansion.get(cell, (cell,)) if table.values.get(p) is None
        )
        if not hidden:
            self._hide_residence(theme, year, layout.expansion[cell])
            return
        touching = [e for e in audit.equations.values() if e.cells & hidden]
        if not touching:
            raise RuntimeError(f"disclosure audit ({audit.name}): {cell} is bounded too narrowly")
        inside = [e for e in touching if e.cells <= hidden]
        if inside:
            pinning = min(inside, key=lambda e: (len(audit.remainders[e.key].cells), e.key))
            sibling = self._sibling(theme, year, audit, table, pinning.key, hidden)
            self._hide_total(theme, year, sibling or pinning.key)
            return
        self._widened[(theme, year, cell)] += 1
        if self._widened[(theme, year, cell)] > 1 and key is not None:
            self._hide_total(theme, year, key)
            return
        tightest = min(touching, key=lambda e: (len(e.cells), e.key))
        if tightest.loose_published:
            self._hide_residence(theme, year, tightest.loose_published)
        else:
            self._hide_total(theme, year, tightest.key)

    def _sibling(
        self, theme: str, year: int, audit: TableAudit, table: Table, key: str, hidden: frozenset
    ) -> str | None:
        """A published total directly inside `key`'s zone (in no other one inside it),
        outside `hidden`, whose hidden residences leave a range of T (the smallest), else
        the one with the most room."""
        zone = audit.remainders[key].cells
        inner = [
            other
            for other in audit.remainders.values()
            if other.key != key and other.cells and other.cells <= zone
        ]
        count = self.layouts[theme][year].count
        candidates = []
        for other in inner:
            if other.cells & hidden or any(other.cells < wider.cells for wider in inner):
                continue
            room = sum(count[c] - table.bounds.get(c, (0.0, INFINITY))[0] for c in other.cells)
            tight = room < self.threshold - 1
            candidates.append((tight, -room if tight else len(other.cells), other.key))
        return min(candidates)[2] if candidates else None

    def _hide_residence(self, theme: str, year: int, candidates: tuple[str, ...]) -> None:
        count = self.layouts[theme][year].count
        smallest = min(candidates, key=lambda c: (count.get(c, 0), c))
        self.forced[theme][year].add(smallest.split(":", 1)[1])

    def _hide_total(self, theme: str, year: int, key: str) -> None:
        """Hide the count of a zone (or its QPV part) in one vintage."""
        if key.startswith(f"{QPV_PART}:"):
            _, scale, code = key.split(":", 2)
            value = (theme, scale, code, year, QPV_SHARE)
            if value not in self.secret_values:
                self.secret_values.add(value)
                self.report.qpv_shares_added += 1
            return
        scale, code = key.split(":", 1)
        if (scale, code) not in self.forced_zones[theme][year]:
            self.forced_zones[theme][year].add((scale, code))
            self.report.zone_counts_added += 1
