"""The allocations board (« Pilotage des attributions ») as the browser gets it, and the
equations over its tables.

The board comes through the view's Dash callback (`/_dash-update-component`, with the
CSRF cookie Dash sends back as a header), for the EPCI and each commune, every year. Read:
the communes' table (AG Grid rows: demands, allocations, allocations out of / in QPV with
a known quartile, and the shares of the legal targets, unrounded), the EPCI's tables by
reservation holder and by landlord, and each zone's tables by typology, main reason and
seniority of the demand. Equations: every column of the communes is the EPCI's; the
landlords and the reservation holders add up to the EPCI; a zone's breakdown adds up to
its total where every fully published zone shows it does; a share times its base is a
count (first quartile out of QPV, quartiles 2-4 in QPV).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bench.attack_harvest import Harvester
from bench.attack_lp import INF, System

SECRET, UNKNOWN = "s", None
# communes' table columns -> family
GRID_COLUMNS = {
    "attributions_pending": "demandes",
    "attributions_allocations": "attributions",
    "out_known": "hors_qpv",
    "in_known": "en_qpv",
}
SHARE_COLUMNS = {  # share column -> (family of the count, family of the base)
    "attributions_q1_outside_qpv_share": ("q1_hors_qpv", "hors_qpv"),
    "attributions_q234_inside_qpv_share": ("q234_en_qpv", "en_qpv"),
}
BREAKDOWNS = {
    "Typologie": ("demandes", "attributions"),
    "Motif principal": ("demandes",),
    "Ancienneté": ("demandes",),
}
GROUPS = {"Réservataire": "réservataire", "Bailleur": "bailleur"}
Cell = tuple[str, int, str]  # family, year, zone ("epci" or a commune code)


@dataclass
class Board:
    cells: dict[Cell, float | str | None] = field(default_factory=dict)
    parts: dict[tuple[str, int, str], list[Cell]] = field(default_factory=dict)
    requests: int = 0


def number(text: str) -> float | str | None:
    text = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if text == "secret":
        return SECRET
    match = re.fullmatch(r"(-?[\d]+(?:,\d+)?)%?", text)
    return float(match.group(1).replace(",", ".")) if match else UNKNOWN


def walk(node: Any, found: list) -> list:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "rowData" and isinstance(value, list):
                found.append(("rows", value))
            elif isinstance(value, str) and value.startswith("|") and "|---" in value:
                found.append(("table", value))
            elif key == "figure" and isinstance(value, dict):
                found.append(("figure", value))
            elif isinstance(value, dict | list):
                walk(value, found)
    elif isinstance(node, list):
        for value in node:
            walk(value, found)
    return found


def markdown(table: str) -> tuple[list[str], list[list[str]]]:
    lines = [line.strip().strip("|").split("|") for line in table.strip().splitlines()]
    return [c.strip() for c in lines[0]], [[c.strip() for c in row] for row in lines[2:]]


class BoardHarvester:
    def __init__(self, harvester: Harvester) -> None:
        self.h = harvester
        self.board = Board()
        self.h.get("tableau attributions", "/attributions")

    def view(self, zone: str, year: int) -> Any:
        self.board.requests += 1
        self.h.harvest.requests["tableau attributions"] += 1
        answer = self.h.session.post(
            self.h.base + "/_dash-update-component",
            json={
                "output": "view-content.children",
                "outputs": {"id": "view-content", "property": "children"},
                "inputs": [{"id": "view-path", "property": "data", "value": "/attributions"}],
                "state": [
                    {"id": "url", "property": "search", "value": f"?zone={zone}&annee={year}"}
                ],
                "changedPropIds": ["view-path.data"],
            },
            headers={"X-CSRFToken": self.h.session.cookies.get("_csrf_token", "")},
            timeout=60,
        )
        answer.raise_for_status()
        return answer.json()

    def put(self, cell: Cell, value: float | str | None) -> None:
        self.board.cells[cell] = value
        self.h.harvest.cells["tableau attributions"] += 1

    def run(self, epci: str, years: list[int]) -> Board:
        for year in years:
            found = walk(self.view(f"epci:{epci}", year), [])
            self.shares: dict[str, float] = {}
            self.gauges: list = []
            for kind, content in sorted(found, key=lambda f: f[0] != "figure"):
                if kind == "rows" and content and "commune" in content[0]:
                    self.grid(content, year)
                elif kind == "table":
                    self.table(content, year, "epci")
                elif kind == "figure":
                    self.targets(content, year)
            for family, base in SHARE_COLUMNS.values():
                share = self.shares.get(family)
                count = self.board.cells.get((base, year, "epci"))
                if share is not None and isinstance(count, float):
                    self.put((family, year, "epci"), round(share * count / 100, 6))
            for code in self.h.harvest.zones["commune"]:
                for kind, content in walk(self.view(f"commune:{code}", year), []):
                    if kind == "table":
                        self.table(content, year, code)
        return self.board

    def grid(self, rows: list[dict], year: int) -> None:
        for row in rows:
            code = row["code"]
            for column, family in GRID_COLUMNS.items():
                self.put((family, year, code), _status(row, column))
            for column, (family, base) in SHARE_COLUMNS.items():
                share, count = _status(row, column), self.board.cells.get((base, year, code))
                if isinstance(share, float) and isinstance(count, float):
                    self.put((family, year, code), round(share * count / 100, 6))
                elif share == SECRET:
                    self.put((family, year, code), SECRET)

    def targets(self, figure: dict, year: int) -> None:
        """The EPCI's gauges (the legal targets' shares) and bars, unrounded."""
        traces = figure.get("data", [])
        self.gauges += [t.get("value") for t in traces if t.get("type") == "indicator"]
        # the first two gauges are the legal targets, in the communes' table's order
        for (family, _), share in zip(SHARE_COLUMNS.values(), self.gauges, strict=False):
            if isinstance(share, float):
                self.shares[family] = share
        for trace in traces:
            if trace.get("type") == "bar" and trace.get("name") == "1er quartile hors QPV":
                for label, share in zip(trace.get("y") or [], trace.get("x") or [], strict=False):
                    if isinstance(share, float):
                        self.shares[f"q1:{label}"] = share

    def table(self, text: str, year: int, zone: str) -> None:
        header, rows = markdown(text)
        first = header[0]
        if first == "Objectif":
            for row in rows:
                count = number(row[4].split(" attributions")[0]) if len(row) > 4 else UNKNOWN
                if row[0].startswith("Attributions hors QPV"):
                    self.put(("hors_qpv", year, zone), count)
                elif row[0].startswith("Attributions en QPV"):
                    self.put(("en_qpv", year, zone), count)
        elif first == "Année" and zone == "epci":
            for row in rows:
                y = int(row[0])
                self.put(("demandes", y, "epci"), number(row[1]))
                self.put(("attributions", y, "epci"), number(row[2]))
        elif first in BREAKDOWNS:
            for row in rows:
                for family, text_value in zip(BREAKDOWNS[first], row[1:], strict=False):
                    self.put((f"{family}:{first}:{row[0]}", year, zone), number(text_value))
        elif first in GROUPS and zone == "epci":
            for row in rows:
                name = f"{GROUPS[first]}:{row[0]}"
                self.put((f"attributions:{name}", year, zone), number(row[1]))
                self.put((f"hors_qpv:{name}", year, zone), number(row[2]))
                share, base = number(row[3]), number(row[2])
                exact = self.shares.get(f"q1:{row[0]}")  # the bar's unrounded share
                q1 = f"q1_hors_qpv:{name}"
                if share == SECRET:
                    self.put((q1, year, zone), SECRET)
                elif exact is not None and isinstance(base, float):
                    self.put((q1, year, zone), round(exact * base / 100, 6))
                elif isinstance(share, float) and isinstance(base, float):
                    # one decimal in the table: the count is within its rounding
                    self.put((q1, year, zone), (share * base / 100, 0.05 * base / 100))


def _status(row: dict, column: str) -> float | str | None:
    value = row.get(column)
    if value is not None:
        return float(value)
    return SECRET if row.get(f"{column}_status") == "secret" else UNKNOWN


def board_bounds(board: Board, years: list[int]) -> dict[Cell, tuple[float, float]]:
    """Bounds of every secret cell of the board under its equations."""
    system, targets = board_system(board, years)
    return {tuple(t.split("|")): b for t, b in system.bounds(targets).items()}


def board_system(board: Board, years: list[int]) -> tuple[System, list[str]]:
    system = System()
    targets = []

    def term(cell: Cell, terms: dict[str, float], sign: float) -> float:
        """Adds the cell to `terms` when unknown; returns its known value (else 0)."""
        value = board.cells.get(cell, UNKNOWN)
        if isinstance(value, float):
            return value
        if isinstance(value, tuple):  # a rounded count: an unknown within its rounding
            name = system.unknown(
                "|".join(map(str, cell)), value[0] - value[1], value[0] + value[1]
            )
        else:
            name = system.unknown("|".join(map(str, cell)), 0.0)
            if value == SECRET and name not in targets:
                targets.append(name)
        terms[name] = terms.get(name, 0.0) + sign
        return 0.0

    def add(total: Cell, parts: list[Cell]) -> None:
        terms: dict[str, float] = {}
        constant = -term(total, terms, -1.0)
        for part in parts:
            constant += term(part, terms, 1.0)
        system.equation(terms, -constant)

    families = defaultdict(set)
    for family, year, zone in board.cells:
        families[(family, year)].add(zone)
    # a commune whose table is not published still holds its part of the EPCI's
    every_commune = {z for (_, _, z) in board.cells if z != "epci"}
    for (family, year), zones in families.items():
        communes = [(family, year, z) for z in sorted(every_commune)]
        if "epci" in zones and communes and family.count(":") in (0, 2):
            add((family, year, "epci"), communes)
    for (family, year), zones in families.items():
        if family.count(":") != 2:
            continue
        total, breakdown, _ = family.split(":")
        for zone in zones:
            parts = [
                (f, year, zone)
                for (f, y) in families
                if y == year and f.startswith(f"{total}:{breakdown}:") and zone in families[(f, y)]
            ]
            if family == min(f for f, _, _ in parts) and _sums_up(board, total, breakdown):
                add((total, year, zone), parts)
        # hors QPV + en QPV (known quartile) <= attributions; a quartile's part <= its base
    for (family, year), zones in families.items():
        for zone in zones if family in ("q1_hors_qpv", "q234_en_qpv") else ():
            base = "hors_qpv" if family == "q1_hors_qpv" else "en_qpv"
            terms: dict[str, float] = {}
            constant = term((family, year, zone), terms, 1.0) - term(
                (base, year, zone), terms, -1.0
            )
            system.equation(terms, -INF, -constant)
    for year in years:
        for base in ("attributions", "hors_qpv", "q1_hors_qpv"):
            for group in GROUPS.values():
                parts = [
                    (f, y, z)
                    for (f, y, z) in board.cells
                    if y == year and z == "epci" and f.startswith(f"{base}:{group}:")
                ]
                if parts:
                    add((base, year, "epci"), parts)
    return system, targets


def _sums_up(board: Board, total: str, breakdown: str) -> bool:
    """Whether every zone whose breakdown is wholly published adds up to its total."""
    sums: dict[tuple[int, str], list] = defaultdict(list)
    for (family, year, zone), value in board.cells.items():
        if family.startswith(f"{total}:{breakdown}:"):
            sums[(year, zone)].append(value)
    checked = 0
    for (year, zone), values in sums.items():
        whole = board.cells.get((total, year, zone))
        if isinstance(whole, float) and all(isinstance(v, float) for v in values):
            checked += 1
            if abs(sum(values) - whole) > 0.5:
                return False
    return checked > 0
