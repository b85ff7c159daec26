"""The secrecy invariant as a checker: every published value that describes too few."""

from __future__ import annotations

from collections import defaultdict

from data.pipeline.secrecy import Cell, Disclosure

EPCI = "E"


def safe(mass: int, threshold: int) -> bool:
    return mass == 0 or mass >= threshold


def zones_of(c: Cell) -> list[tuple[str, str]]:
    zones = [("epci", c.epci), ("commune", c.commune), ("iris", c.iris)]
    return zones + ([("qpv", c.qpv)] if c.qpv else [])


def violations(cells: list[Cell], outcome: Disclosure, threshold: int) -> list[str]:
    """Every breach of the invariants (empty when the outcome is safe)."""
    found = []
    hidden = outcome.hidden_residences
    members: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for c in cells:
        for zone in zones_of(c):
            members[zone].append(c)
        if c.count < threshold and c.residence_id not in hidden:
            found.append(f"residence {c.residence_id} published with {c.count}")

    def published(zone: tuple[str, str]) -> bool:
        return zone not in outcome.secret_zones

    for zone, inside in members.items():
        if published(zone):
            mass = sum(c.count for c in inside if c.residence_id in hidden)
            if not safe(mass, threshold):
                found.append(f"{zone}: hidden residences sum to {mass}")

    def check_partition(parent: tuple[str, str], children: set[tuple[str, str]]) -> None:
        if not published(parent):
            return
        shown = {child for child in children if published(child)}
        rest = [c for c in members[parent] if not any(z in shown for z in zones_of(c))]
        total = sum(c.count for c in rest)
        mass = sum(c.count for c in rest if c.residence_id in hidden)
        if not (safe(total, threshold) and safe(mass, threshold)):
            found.append(f"{parent} minus {sorted(shown)} leaves {total} ({mass} hidden)")

    iris_of_commune: dict[str, set] = defaultdict(set)
    for c in cells:
        iris_of_commune[c.commune].add(("iris", c.iris))
    for commune, iris in iris_of_commune.items():
        check_partition(("commune", commune), iris)
    check_partition(("epci", EPCI), {("commune", c.commune) for c in cells})
    check_partition(("epci", EPCI), {("iris", c.iris) for c in cells})
    qpv_of_iris: dict[str, set] = defaultdict(set)
    for c in cells:
        qpv_of_iris[c.iris].add(c.qpv)
    for qpv in {c.qpv for c in cells if c.qpv}:
        inside = {("iris", iris) for iris, qpvs in qpv_of_iris.items() if qpvs == {qpv}}
        check_partition(("qpv", qpv), inside)
    return found
