"""Occupation and the perimeter (`data/pipeline/perimeters.py`): no zone value, alone or
minus what a convention already sees, is in effect one residence's outside its
perimeter."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.pipeline import indicators
from data.pipeline.disclosure import occupied_at_most
from data.pipeline.perimeters import (
    PerimeterDecision,
    PerimeterGuard,
    read_combined_perimeters,
    told,
)
from data.pipeline.proof import DisclosureError
from data.pipeline.secrecy import Cell, Disclosure, ZoneStructure
from data.sources.errors import SourceError
from tests.support.world import build_world, rows_of

T = 11
NOTHING_HIDDEN = Disclosure(frozenset(), frozenset())


def zones_of(cell: Cell) -> list[tuple[str, str]]:
    zones = [("epci", cell.epci), ("commune", cell.commune)]
    return [*zones, ("iris", cell.iris)] if cell.iris else zones


def guard(cells: list[Cell], landlords: dict[str, str], combined=(), dwellings=None, vacant=None):
    """The guard's decision for one survey, with the zones and their residences;
    `dwellings`: each residence's published dwellings (none: no bound), `vacant` its
    vacant ones."""
    count = {c.residence_id: c.count for c in cells}
    members: dict[tuple[str, str], set[str]] = {}
    for cell in cells:
        for zone in zones_of(cell):
            members.setdefault(zone, set()).add(cell.residence_id)
    run = PerimeterGuard(
        {2024: cells},
        {2024: ZoneStructure(cells)},
        {2024: NOTHING_HIDDEN},
        landlords,
        T,
        combined,
        {
            2024: {
                rid: occupied_at_most(most, (vacant or {}).get(rid, 0), count.get(rid))
                for rid, most in (dwellings or {}).items()
            }
        },
    )
    decision = run.run()
    return members, count, decision.owners[2024], decision.denials.get(2024, {})


def test_a_landlord_cannot_take_its_residence_out_of_an_iris_and_read_the_other() -> None:
    """IRIS I holds A (landlord 1) and B (landlord 2): each landlord, knowing its own,
    would read the other's occupation in I's; then in the commune minus IRIS J."""
    cells = [
        Cell("A", 40, "E", "C", "I", None),
        Cell("B", 30, "E", "C", "I", None),
        Cell("D", 60, "E", "C", "J", None),
        Cell("F", 50, "E", "C", "J", None),
    ]
    landlords = {"A": "L1", "B": "L2", "D": "L3", "F": "L3"}
    _, _, owners, denials = guard(cells, landlords)
    assert owners == {}
    assert denials[("iris", "I")] == {"bailleur:L1", "bailleur:L2"}
    assert denials[("iris", "J")] == {"bailleur:L1", "bailleur:L2"}
    assert ("commune", "C") not in denials  # minus its own, a landlord reads two residences


def test_two_landlords_together_cannot_read_a_third_s_residence() -> None:
    """IRIS I holds A (landlord 1), B (landlord 2), X (landlord 3) and Y (5 households):
    each of landlords 1 and 2 alone takes its residence out and reads three; together
    they read X and Y, that is X's occupation. The IRIS is hidden from them together
    (and from each alone only as far as their own views need)."""
    cells = [
        Cell("A", 40, "E", "C", "I", None),
        Cell("B", 30, "E", "C", "I", None),
        Cell("X", 50, "E", "C", "I", None),
        Cell("Y", 5, "E", "C", "I", None),
        Cell("D", 60, "E", "C", "J", None),
        Cell("F", 50, "E", "C", "J", None),
    ]
    landlords = {"A": "L1", "B": "L2", "X": "L3", "Y": "L4", "D": "L3", "F": "L4"}
    together = frozenset({"bailleur:L1", "bailleur:L2"})
    _, _, _, alone = guard(cells, landlords)
    assert not alone[("iris", "I")] & together
    _, _, owners, denials = guard(cells, landlords, [together])
    assert owners == {}
    assert denials[("iris", "I")] == alone[("iris", "I")] | {"bailleur:L1+bailleur:L2"}


def test_combined_perimeters_are_read_from_the_file_the_auth_database_writes(
    tmp_path: Path,
) -> None:
    listed = tmp_path / "perimeters.json"
    assert read_combined_perimeters(listed) == []
    listed.write_text(
        json.dumps([["commune:59599", "commune:59512"], ["bailleur:1", "bailleur:2"]])
    )
    assert read_combined_perimeters(listed) == [
        frozenset({"bailleur:1", "bailleur:2"}),
        frozenset({"commune:59512", "commune:59599"}),
    ]
    listed.write_text('[["commune:59512",\n "commune:59599"]')
    with pytest.raises(SourceError, match=r"perimeters.json:2:\d+: JSON illisible"):
        read_combined_perimeters(listed)
    for wrong in ([["commune:59512"]], [["commune:59512", "bailleur:2"]], [["59512", "59599"]]):
        listed.write_text(json.dumps(wrong))
        with pytest.raises(SourceError, match="périmètre combiné invalide"):
            read_combined_perimeters(listed)


def test_a_zone_beside_one_residence_s_zone_is_restricted_to_its_perimeter() -> None:
    """IRIS I is R's alone (restricted to R's perimeter); the commune minus IRIS J would
    give it back to anyone: J is restricted to R's perimeter too."""
    cells = [
        Cell("R", 40, "E", "C", "I", None),
        Cell("D", 60, "E", "C", "J", None),
        Cell("F", 50, "E", "C", "J", None),
        Cell("G", 45, "E", "C2", "K", None),
        Cell("H", 45, "E", "C2", "K", None),
    ]
    landlords = {"R": "L1", "D": "L2", "F": "L3", "G": "L2", "H": "L3"}
    _, _, owners, _ = guard(cells, landlords)
    assert owners[("iris", "I")] == "R"
    assert owners[("iris", "J")] == "R"


# IRIS I: 119 households in three residences of three landlords; IRIS J beside it.
FULL_IRIS = [
    Cell("A", 34, "E", "C", "I", None),
    Cell("B", 37, "E", "C", "I", None),
    Cell("X", 48, "E", "C", "I", None),
    Cell("D", 60, "E", "C", "J", None),
    Cell("F", 50, "E", "C", "J", None),
]
FULL_IRIS_LANDLORDS = {"A": "L1", "B": "L2", "X": "L3", "D": "L2", "F": "L3"}


def test_a_full_iris_tells_its_residences_households_only_to_who_covers_them() -> None:
    """IRIS I's 119 households live in residences of 34, 39 and 50 dwellings: each
    residence's households are known within 4 from the published dwellings. The IRIS is
    restricted to the perimeter of its largest residence, and hidden from that
    residence's landlord, who does not cover the other two; the commune minus IRIS J
    would give I back: J is restricted too."""
    dwellings = {"A": 34.0, "B": 39.0, "X": 50.0, "D": 90.0, "F": 80.0}
    _, _, owners, denials = guard(FULL_IRIS, FULL_IRIS_LANDLORDS, dwellings=dwellings)
    assert owners[("iris", "I")] == "X"
    assert "bailleur:L3" in denials[("iris", "I")]
    assert "commune:C" not in denials[("iris", "I")]  # the commune covers all three
    assert owners[("iris", "J")] == "X"
    _, _, unbounded, _ = guard(FULL_IRIS, FULL_IRIS_LANDLORDS)
    assert ("iris", "I") not in unbounded  # without the dwellings, nothing is told


def test_vacant_dwellings_leave_no_room_for_a_household() -> None:
    """IRIS I's residences have room for 10 more households by their dwellings, but 6 of
    those dwellings are vacant: each residence's households are known within 4."""
    dwellings = {"A": 36.0, "B": 41.0, "X": 52.0, "D": 90.0, "F": 80.0}
    _, _, owners, _ = guard(FULL_IRIS, FULL_IRIS_LANDLORDS, dwellings=dwellings)
    assert ("iris", "I") not in owners
    _, _, owners, _ = guard(
        FULL_IRIS, FULL_IRIS_LANDLORDS, dwellings=dwellings, vacant={"A": 2, "B": 2, "X": 2}
    )
    assert owners[("iris", "I")] == "X"


def test_a_residence_the_stock_alone_bounds_owns_no_zone() -> None:
    """R has 11 dwellings, 2 vacant: at most 9 households, which the stock tells alone;
    the IRIS and the commune beside residences whose dwellings are hidden tell nothing
    more, and nobody's view restricts them (a landlord taking its own out of the IRIS
    would read the other with R's bound: that is its own view's business)."""
    cells = [
        Cell("R", 9, "E", "C", "I", None),
        Cell("S", 40, "E", "C", "I", None),
        Cell("W", 30, "E", "C", "I", None),
        Cell("U", 45, "E", "C", "J", None),
        Cell("V", 50, "E", "C", "J", None),
    ]
    landlords = {"R": "L1", "S": "L2", "W": "L3", "U": "L2", "V": "L3"}
    _, _, owners, _ = guard(cells, landlords, dwellings={"R": 11.0}, vacant={"R": 2})
    assert owners == {}


def test_households_are_at_most_the_dwellings_not_vacant() -> None:
    assert occupied_at_most(40.0, 5, 30) == 35.0
    assert occupied_at_most(12.0, 0, 12) == 12.0
    # a survey that counted more than that: the rule tells nothing there
    assert occupied_at_most(40.0, 5, 38) == 38.0


def test_told_reads_the_room_the_others_dwellings_leave() -> None:
    count = {"A": 34, "B": 37, "X": 48}
    assert told(count, count, {"A": 34.0, "B": 39.0, "X": 50.0}, T) == {"A", "B", "X"}
    assert told(count, count, {"A": 44.0, "B": 49.0, "X": 60.0}, T) == set()
    assert told(count, count, {"A": 34.0, "B": 39.0}, T) == set()  # X's unbounded
    assert told({"A": 40, "B": 5}.keys(), {"A": 40, "B": 5}, {}, T) == {"A"}  # dominant
    # 9 dwellings not vacant tell at most 9 households by themselves, whatever the zone:
    # A is not told by it, B (at least 30 of 39) is
    assert told({"A": 9, "B": 30}.keys(), {"A": 9, "B": 30}, {"A": 9.0}, T) == {"B"}


def visible_rests(members, owners, denials, perimeter, known, covers):
    """Every difference a perimeter can work out: a zone it sees minus any set of
    disjoint zones it sees inside it, minus the residences it knows. A combined perimeter
    is denied what any of its parts is."""
    applying = {perimeter, *perimeter.split("+")}
    seen = [
        zone
        for zone in members
        if (zone not in owners or covers(owners[zone])) and not applying & denials.get(zone, set())
    ]
    for zone in seen:
        inside = [z for z in seen if z != zone and members[z] < members[zone]]
        for size in range(len(inside) + 1):
            for chosen in itertools.combinations(inside, size):
                parts = [members[z] for z in chosen]
                if any(a & b for a, b in itertools.combinations(parts, 2)):
                    continue
                rest = members[zone] - set().union(*parts) - known
                yield zone, chosen, rest


def told_by_hand(rest: set[str], count: dict[str, int], dwellings: dict[str, float]) -> set[str]:
    """The residences of `rest` whose households its total tells within fewer than T:
    holding all but fewer than T, or bounded by the others' dwellings to an interval
    narrower than T integers and than its own dwellings tell (written out apart from the
    guard's arrays)."""
    present = {r for r in rest if count[r] > 0}
    total = sum(count[r] for r in present)
    found = set()
    for residence in present:
        others = [dwellings.get(o, math.inf) for o in present - {residence}]
        own = dwellings.get(residence, math.inf)
        low, high = max(0.0, total - sum(others)), min(total, own)
        if total - count[residence] < T or (high - low < T - 1 and (low, high) != (0.0, own)):
            found.add(residence)
    return found


@st.composite
def worlds(draw):
    cells, landlords, dwellings = [], {}, {}
    for commune in range(draw(st.integers(1, 2))):
        for iris in range(draw(st.integers(1, 3))):
            for index in range(draw(st.integers(1, 3))):
                rid = f"R{commune}{iris}{index}"
                count = draw(st.sampled_from([0, 3, 8, 15, 30]))
                cells.append(Cell(rid, count, "E", f"C{commune}", f"C{commune}I{iris}", None))
                landlords[rid] = draw(st.sampled_from(["L1", "L2", "L3"]))
                room = draw(st.sampled_from([0, 2, 6, 25, None]))  # None: dwellings hidden
                if room is not None:
                    dwellings[rid] = float(count + room)
    return cells, landlords, dwellings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds())
def test_exhaustive_differences_tell_no_perimeter_a_residence_outside_it(world) -> None:
    """Every single perimeter, and every pair of landlords or communes checked as a
    combined perimeter; the residences' published dwellings bound their households."""
    cells, landlords, dwellings = world
    commune = {c.residence_id: c.commune for c in cells}
    parts = {
        **{
            f"bailleur:{who}": {r for r, w in landlords.items() if w == who}
            for who in landlords.values()
        },
        **{
            f"commune:{code}": {r for r, c in commune.items() if c == code}
            for code in commune.values()
        },
    }
    pairs = [
        frozenset(pair)
        for pair in itertools.combinations(sorted(parts), 2)
        if len({key.split(":")[0] for key in pair}) == 1
    ]
    members, count, owners, denials = guard(cells, landlords, pairs, dwellings)
    views = [("nobody", set(), lambda owner: False)]
    for key in [*parts, *("+".join(sorted(pair)) for pair in pairs)]:
        own = set().union(*(parts[part] for part in key.split("+")))
        views.append((key, own, lambda owner, own=own: owner in own))
    for perimeter, known, covers in views:
        for zone, chosen, rest in visible_rests(members, owners, denials, perimeter, known, covers):
            outside = told_by_hand(rest, count, dwellings) - known
            assert not outside, (perimeter, zone, chosen, rest, outside)


def test_the_demo_warehouse_hides_each_landlord_what_it_could_subtract(
    demo_warehouse: Path,
) -> None:
    """In the built demo: no IRIS, commune or QPV whose households a landlord sees, minus
    that landlord's residences, leaves one published residence holding all but fewer than
    T of the rest (where every other residence's households are published)."""
    con = duckdb.connect()
    tables = {t: str(demo_warehouse / f"{t}.parquet") for t in ("residences", "indicators")}
    leaks = con.execute(
        f"""
        WITH households AS (
          SELECT i.year, i.code AS residence_id, i.value, r.bailleur_code,
            unnest([['commune', r.commune_code], ['iris', r.iris_code], ['qpv', r.qpv_code]])
              AS zone
          FROM '{tables["indicators"]}' i JOIN '{tables["residences"]}' r
            ON r.residence_id = i.code
          WHERE i.scale = 'residence' AND i.indicator_id = 'occupation.households'
        ),
        zones AS (
          SELECT scale, code, year, coalesce(hidden_from, []) AS hidden_from
          FROM '{tables["indicators"]}'
          WHERE indicator_id = 'occupation.households' AND status = 'ok'
            AND scale IN ('commune', 'iris', 'qpv')
        ),
        pairs AS (
          SELECT z.scale, z.code, z.year, own.bailleur_code AS landlord, z.hidden_from
          FROM zones z JOIN households own
            ON own.zone[1] = z.scale AND own.zone[2] = z.code AND own.year = z.year
          GROUP BY ALL
        )
        SELECT p.scale, p.code, p.year, p.landlord
        FROM pairs p JOIN households o
          ON o.zone[1] = p.scale AND o.zone[2] = p.code AND o.year = p.year
         AND o.bailleur_code <> p.landlord
        WHERE NOT list_contains(p.hidden_from, 'bailleur:' || p.landlord)
        GROUP BY ALL
        HAVING count(*) = count(o.value) AND sum(o.value) > 0
           AND sum(o.value) - max(o.value) < {T}
        """
    ).fetchall()
    assert leaks == []


def test_a_restriction_left_out_of_the_warehouse_stops_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plant a breach (the hidden-from lists are not written): the build's read-back
    proof finds the zone values published without them and the build stops."""
    residences = [
        ("590010001", "1", "900000001", 30, 30),
        ("590010001", "2", "900000002", 25, 25),
        ("590010002", "3", "900000003", 40, 40),
        ("590010002", "4", "900000003", 35, 35),
    ]
    con, _ = build_world(5, *rows_of(residences))
    denied = con.execute(
        "SELECT count(*) FROM indicator_row WHERE hidden_from IS NOT NULL"
    ).fetchone()[0]
    con.close()
    assert denied > 0
    register = indicators.register_perimeters

    def forgetful(con, decision):
        register(con, PerimeterDecision(owners=decision.owners))

    monkeypatch.setattr(indicators, "register_perimeters", forgetful)
    with pytest.raises(DisclosureError, match="périmètres"):
        build_world(5, *rows_of(residences))


def test_the_demo_epci_occupation_is_everyones(demo_warehouse: Path) -> None:
    """The EPCI is the reference column of every panel: none of its occupation values is
    restricted to a perimeter or hidden from one."""
    restricted = (
        duckdb.connect()
        .execute(
            "SELECT year, indicator_id, status FROM read_parquet(?) WHERE scale = 'epci' "
            "AND theme = 'occupation' AND (status = 'perimeter' OR hidden_from IS NOT NULL)",
            [str(demo_warehouse / "indicators.parquet")],
        )
        .fetchall()
    )
    assert restricted == []
