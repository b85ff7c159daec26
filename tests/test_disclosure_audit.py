"""The disclosure audit: hand-made cases, and an exhaustive checker written apart from it.

The checker enumerates every integer assignment of the hidden residences that agrees with
what is published (zone totals, residence bounds) and takes each hidden value's least and
greatest; the audit must find the same intervals (the systems here are small and nested,
where linear and integer reasoning agree), and after the pipeline's protection no hidden
value may keep fewer than T possible values.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.pipeline import audit
from data.pipeline.audit import Equation, Table, _moved, audit_changes, audit_table, expand
from data.pipeline.disclosure import Discloser, Layout, residence_cell, zone_cell
from data.pipeline.secrecy import Cell, Disclosure
from data.pipeline.zone_arrays import narrow_groups
from tests.support.world import build_world, rows_of

INF = math.inf


def zone_table(counts: dict[str, int | None], zones: dict[str, list[str]], totals=None, low=1):
    """A table of residences (None when hidden) and zones (their published totals)."""
    values: dict[str, float | None] = {
        r: None if v is None else float(v) for r, v in counts.items()
    }
    for zone in zones:
        values[zone] = (totals or {}).get(zone)
    return Table(
        "t", values, {z: tuple(m) for z, m in zones.items()}, {r: (low, INF) for r in counts}
    )


def test_a_hidden_residence_alone_in_a_published_zone_is_exact() -> None:
    table = zone_table({"a": None, "b": 20}, {"z": ["a", "b"]}, {"z": 25})
    (breach,) = audit_table(table, 11).breaches
    assert (breach.cell, breach.low, breach.high) == ("a", 5, 5)


def test_two_small_residences_are_narrowed_below_their_range() -> None:
    """5 + 6 = 11 hidden in a zone: each lies in 1..10, fewer than 11 values."""
    table = zone_table({"a": None, "b": None, "c": 30}, {"z": ["a", "b", "c"]}, {"z": 41})
    audit = audit_table(table, 11)
    assert {(b.cell, b.low, b.high) for b in audit.breaches} == {("a", 1, 10), ("b", 1, 10)}
    wider = zone_table({"a": None, "b": None, "c": None}, {"z": ["a", "b", "c"]}, {"z": 41})
    assert audit_table(wider, 11).breaches == []


def test_a_published_size_class_is_a_bound() -> None:
    """The finding of the issue, in Provin's shape: 13 hidden dwellings over three secret
    residences, one of them '11-49': it has 11, the two '<11' ones 1 each."""
    counts = {"small1": None, "small2": None, "gare": None, "big": 319}
    table = zone_table(counts, {"z": list(counts)}, {"z": 332})
    table.bounds.update({"small1": (1, 10), "small2": (1, 10), "gare": (11, 49)})
    found = {b.cell: (b.low, b.high) for b in audit_table(table, 11).breaches}
    assert found["gare"] == (11, 11)
    assert found["small1"] == found["small2"] == (1, 1)
    # without the classes each lies in 1..11: 11 values, as many as the threshold
    without_classes = zone_table(counts, {"z": list(counts)}, {"z": 332})
    assert audit_table(without_classes, 11).breaches == []


def test_a_hidden_zone_is_its_parent_minus_its_published_siblings() -> None:
    zones = {"commune": ["a", "b", "c", "d"], "iris1": ["a", "b"], "iris2": ["c", "d"]}
    table = zone_table({"a": None, "b": None, "c": 40, "d": 50}, zones, {"commune": 150})
    table.values["iris2"] = 90.0
    (breach,) = [b for b in audit_table(table, 11).breaches if b.cell == "iris1"]
    assert breach.low == breach.high == 60


def test_nested_and_overlapping_equations_go_through_the_linear_program() -> None:
    """A QPV across two IRIS (the shape of real contours): a + b and b + c are published,
    so is a + b + c; b is then pinned, which no single equation shows."""
    zones = {"iris1": ["a", "b"], "iris2": ["c"], "qpv": ["b", "c"], "commune": ["a", "b", "c"]}
    table = zone_table({"a": None, "b": None, "c": None}, zones)
    table.values.update({"iris1": 30.0, "qpv": 25.0, "commune": 40.0})
    found = {b.cell: (b.low, b.high) for b in audit_table(table, 11).breaches}
    assert found["b"] == (15, 15) and found["a"] == (15, 15)
    assert found["iris2"] == (10, 10)


def test_a_hidden_remainder_may_not_isolate_a_change_of_fewer_than_t_units() -> None:
    zones = {"z": ["a", "b", "c"]}
    before = zone_table({"a": None, "b": None, "c": 40}, zones, {"z": 70})
    after = zone_table({"a": None, "b": None, "c": 40}, zones, {"z": 69})
    before.name, after.name = "parc 2023", "parc 2024"
    audits = [audit_table(before, 11), audit_table(after, 11)]
    # one dwelling left b: the remainder tells it
    truth = {"parc 2023": {"a": 5, "b": 25, "c": 40}, "parc 2024": {"a": 5, "b": 24, "c": 40}}
    breaches = audit_changes(audits, 11, truth)
    assert {(b.equation, b.change) for b in breaches} == {("z", 1)}
    # 12 dwellings moved to make the same net change: it isolates nothing
    truth["parc 2024"] = {"a": 11, "b": 18, "c": 40}
    assert audit_changes(audits, 11, truth) == []
    # nothing changed: nothing to tell
    steady = zone_table({"a": None, "b": None, "c": 39}, zones, {"z": 69})
    steady.name = "parc 2024"
    truth["parc 2024"] = {"a": 5, "b": 25, "c": 39}
    assert audit_changes([audits[0], audit_table(steady, 11)], 11, truth) == []


@given(
    was=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1),
    now=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1),
    data=st.data(),
)
def test_the_units_moved_are_never_fewer_than_the_change(was, now, data) -> None:
    """What lets `audit_changes` weigh only the changes below T."""
    before_cells = data.draw(st.frozensets(st.sampled_from(sorted(was))))
    after_cells = data.draw(st.frozensets(st.sampled_from(sorted(now))))
    before = Equation("z", before_cells, float(sum(was[c] for c in before_cells)), ())
    after = Equation("z", after_cells, float(sum(now[c] for c in after_cells)), ())
    was_f = {c: float(v) for c, v in was.items()}
    now_f = {c: float(v) for c, v in now.items()}
    assert _moved(before, after, was_f, now_f) >= abs(after.total - before.total)


def test_a_change_of_t_units_or_more_is_not_weighed(monkeypatch: pytest.MonkeyPatch) -> None:
    zones = {"z": ["a", "b", "c"]}
    before = zone_table({"a": None, "b": None, "c": 40}, zones, {"z": 70})
    after = zone_table({"a": None, "b": None, "c": 40}, zones, {"z": 81})
    before.name, after.name = "parc 2023", "parc 2024"
    truth = {"parc 2023": {"a": 5, "b": 25, "c": 40}, "parc 2024": {"a": 5, "b": 36, "c": 40}}
    monkeypatch.setattr(audit, "_moved", lambda *_: pytest.fail("a change of 11 was weighed"))
    assert audit_changes([audit_table(before, 11), audit_table(after, 11)], 11, truth) == []


def test_a_new_small_hidden_residence_is_not_told_by_the_series() -> None:
    """A residence of 4 dwellings appears, hidden: the zone grows by 4."""
    zones_before = {"z": ["a", "b", "c"]}
    zones_after = {"z": ["a", "b", "c", "new"]}
    before = zone_table({"a": None, "b": None, "c": 40}, zones_before, {"z": 70})
    after = zone_table({"a": None, "b": None, "c": 40, "new": None}, zones_after, {"z": 74})
    before.name, after.name = "parc 2023", "parc 2024"
    truth = {
        "parc 2023": {"a": 5, "b": 25, "c": 40},
        "parc 2024": {"a": 5, "b": 25, "c": 40, "new": 4},
    }
    (breach,) = audit_changes([audit_table(before, 11), audit_table(after, 11)], 11, truth)
    assert (breach.equation, breach.change) == ("z", 4)


# --- the exhaustive checker


def brute_force_intervals(table: Table, ceiling: int) -> dict[str, tuple[int, int]]:
    """Every suppressed cell's least and greatest value over all integer assignments of
    the hidden residences (each within its bounds and `ceiling`) that agree with every
    published total: a search that assigns the residences one by one and drops a branch
    as soon as a total is exceeded or left short."""
    equations = table.equations

    def base(cell: str) -> list[str]:
        return [b for p in equations[cell] for b in base(p)] if cell in equations else [cell]

    hidden = [c for c, v in table.values.items() if v is None and c not in equations]
    checks = []  # (hidden members, what they must sum to)
    for zone, total in table.values.items():
        if zone in equations and total is not None:
            parts = base(zone)
            known = sum(table.values[p] for p in parts if table.values[p] is not None)
            checks.append(([p for p in parts if table.values[p] is None], total - known))
    last_of = {id(members): max((hidden.index(m) for m in members), default=-1)
               for members, _ in checks}  # fmt: skip
    found: dict[str, list[int]] = {}
    value: dict[str, int] = {}

    def search(index: int) -> None:
        if index == len(hidden):
            for cell, v in table.values.items():
                if v is None:
                    t = sum(value.get(p, table.values[p] or 0) for p in base(cell))
                    low, high = found.get(cell, [t, t])
                    found[cell] = [min(low, t), max(high, t)]
            return
        cell = hidden[index]
        low, high = table.bounds.get(cell, (0, INF))
        for v in range(int(low), int(min(high, ceiling)) + 1):
            value[cell] = v
            fine = True
            for members, total in checks:
                assigned = sum(value[m] for m in members if m in value)
                if assigned > total or (last_of[id(members)] == index and assigned != total):
                    fine = False
                    break
            if fine:
                search(index + 1)
        del value[cell]

    search(0)
    return {cell: (low, high) for cell, (low, high) in found.items()}


@st.composite
def territories(draw) -> list[Cell]:
    """One or two communes of one or two IRIS, each with one to three small residences."""
    cells = []
    for commune in range(draw(st.integers(1, 2))):
        for iris in range(draw(st.integers(1, 2))):
            for index in range(draw(st.integers(1, 3))):
                count = draw(st.integers(1, 9))
                rid = f"R{commune}{iris}{index}"
                cells.append(Cell(rid, count, "E", f"C{commune}", f"C{commune}I{iris}", None))
    return cells


def published_table(cells: list[Cell], threshold: int) -> tuple[Table, Disclosure]:
    discloser = Discloser({"parc": {2024: cells}, "occupation": {}}, {}, threshold)
    decision = discloser.run()
    (table,) = discloser.audited["parc"]
    return table, decision.disclosures["parc"][2024]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=territories(), threshold=st.integers(2, 5))
def test_after_protection_no_hidden_value_can_be_narrowed_by_exhaustive_search(cells, threshold):
    table, _ = published_table(cells, threshold)
    # beyond every published total: a value only the ceiling stops is unbounded
    ceiling = sum(c.count for c in cells) + 2 * threshold
    exact = brute_force_intervals(table, ceiling)
    suppressed = {cell for cell, value in table.values.items() if value is None}
    assert set(exact) == suppressed, "some assignment must agree with what is published"
    audited = audit_table(table, threshold)
    assert audited.breaches == []
    for cell, (low, high) in exact.items():
        assert high - low >= threshold - 1, (cell, low, high)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=territories(), threshold=st.integers(2, 5), data=st.data())
def test_the_audit_finds_what_exhaustive_search_finds(cells, threshold, data):
    """On any publication (here: residences hidden at random, totals published), a cell is
    a breach for the audit exactly when exhaustive search narrows it."""
    hidden = data.draw(st.sets(st.sampled_from([c.residence_id for c in cells]), max_size=4))
    layout = Layout("parc", 2024, cells)
    table = layout.table(Disclosure(frozenset(hidden), frozenset()), set(), {
        residence_cell(c.residence_id): (1.0, INF) for c in cells
    })  # fmt: skip
    exact = brute_force_intervals(table, sum(c.count for c in cells) + 2 * threshold)
    narrowed = {cell for cell, (low, high) in exact.items() if high - low < threshold - 1}
    assert {b.cell for b in audit_table(table, threshold).breaches} == narrowed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=territories(), data=st.data())
def test_households_are_bounded_by_the_dwellings_published_last(cells, data) -> None:
    """The bounds a Discloser updates from one dwellings table to the next are those it
    would make afresh."""
    discloser = Discloser({"parc": {2024: cells}, "occupation": {2024: cells}}, {2024: 2024}, 3)
    parc, occupation = discloser.layouts["parc"][2024], discloser.layouts["occupation"][2024]
    empty = Disclosure(frozenset(), frozenset())
    tables = [
        parc.table(Disclosure(frozenset(hidden), frozenset()), set(), {})
        for hidden in data.draw(
            st.lists(st.sets(st.sampled_from([c.residence_id for c in cells])), max_size=4)
        )
    ]
    for dwellings in [parc.table(empty, set(), {}), *tables]:
        kept = discloser._bounds(occupation, dwellings)
        fresh = Discloser({"occupation": {2024: cells}}, {}, 3)._bounds(occupation, dwellings)
        assert kept == fresh
        assert all(kept[c] == (0.0, dwellings.values[c] or INF) for c in occupation.count)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=territories(), theme=st.sampled_from(["parc", "occupation"]))
def test_a_layout_expands_its_equations_as_the_audit_would(cells, theme) -> None:
    layout = Layout(theme, 2024, cells)
    table = Table("", {**layout.count, **layout.totals}, layout.equations)
    assert list(layout.expansion.items()) == list(expand(table).items())


def test_a_planted_size_class_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publish the size class of secret residences back: the build stops."""
    from data.pipeline import build
    from data.pipeline.proof import DisclosureError

    original = build.residence_table

    def with_classes(*args, **kwargs):
        table = original(*args, **kwargs)
        table["size_class"] = "<11"
        return table

    world = [
        ("590010001", "1", "900000001", 4, 0),
        ("590010001", "2", "900000001", 5, 0),
        ("590010001", "3", "900000001", 30, 0),
        ("590020000", "1", "900000001", 40, 0),
    ]
    dwellings, households = rows_of(world)
    con, _ = build_world(11, dwellings, households)  # the honest build passes
    con.close()
    monkeypatch.setattr(build, "residence_table", with_classes)
    with pytest.raises(DisclosureError, match="déductibles"):
        build_world(11, dwellings, households)


def test_a_zone_of_one_residence_is_that_residence_s_for_access() -> None:
    world = [
        ("590010001", "1", "900000001", 30, 25),
        ("590010001", "2", "900000002", 40, 4),
        ("590010002", "3", "900000003", 40, 30),
        ("590020000", "1", "900000001", 40, 30),
        ("590020000", "2", "900000002", 40, 30),
    ]
    con, _ = build_world(11, *rows_of(world))
    try:
        rows = con.execute(
            "SELECT DISTINCT scale, code, status, residence_id FROM indicator_row "
            "WHERE theme = 'occupation' AND scale = 'iris' AND status IN ('ok', 'perimeter')"
        ).fetchall()
    finally:
        con.close()
    by_zone = {code: (status, owner) for _, code, status, owner in rows}
    # 590010001: 25 households in one residence, 4 in the other (< 11): that residence's
    assert by_zone["590010001"][0] == "perimeter" and by_zone["590010001"][1]
    # 590010002 holds one residence: its own (the commune minus it is no one's)
    assert by_zone["590010002"][0] == "perimeter"
    assert by_zone["590010002"][1] != by_zone["590010001"][1]
    assert by_zone["590020000"] == ("ok", None)


def test_the_pipeline_hides_counts_only_where_the_series_would_tell() -> None:
    """Two vintages where a hidden residence loses a dwelling: the counts that would tell
    it are hidden in one vintage, and what stays published tells nothing."""
    year_cells = {
        2023: [Cell("a", 5, "E", "C", "I1", None), Cell("b", 30, "E", "C", "I1", None),
               Cell("c", 40, "E", "C", "I2", None), Cell("d", 50, "E", "C", "I2", None),
               Cell("e", 60, "E", "D", "I3", None), Cell("f", 3, "E", "D", "I3", None),
               Cell("g", 20, "E", "D", "I3", None)],
        2024: [Cell("a", 5, "E", "C", "I1", None), Cell("b", 29, "E", "C", "I1", None),
               Cell("c", 40, "E", "C", "I2", None), Cell("d", 50, "E", "C", "I2", None),
               Cell("e", 60, "E", "D", "I3", None), Cell("f", 3, "E", "D", "I3", None),
               Cell("g", 20, "E", "D", "I3", None)],
    }  # fmt: skip
    discloser = Discloser({"parc": year_cells, "occupation": {}}, {}, 11)
    decision = discloser.run()
    forced = {(y, zone) for y, zones in discloser.forced_zones["parc"].items() for zone in zones}
    assert forced, "the change of 1 dwelling must hide a count"
    assert all(zone in decision.disclosures["parc"][y].secret_zones for y, zone in forced)
    tables = {t.name: t for t in discloser.audited["parc"]}
    before, after = tables["parc 2023"], tables["parc 2024"]
    truth = {
        f"parc {year}": {residence_cell(c.residence_id): c.count for c in cells}
        for year, cells in year_cells.items()
    }
    for zone in ("iris:I1", "commune:C", "epci:E"):
        if before.values.get(zone) is None or after.values.get(zone) is None:
            continue
        members = after.equations[zone]
        hidden = [m for m in members if after.values[m] is None]
        change = (after.values[zone] - before.values[zone]) - sum(
            after.values[m] - before.values[m] for m in members if after.values[m] is not None
        )
        moved = sum(abs(truth["parc 2024"][m] - truth["parc 2023"][m]) for m in hidden)
        assert change == 0 or moved >= 11, zone
    assert zone_cell("epci", "E") in discloser.layouts["parc"][2024].equations


def warehouse_table(con, theme: str, year: int) -> Table:
    """What a built warehouse publishes of one theme and vintage, read from its rows:
    residence and zone counts, and residence membership."""
    count_id = "parc.dwellings" if theme == "parc" else "occupation.households"
    rows = con.execute(
        "SELECT scale, code, value, status FROM indicator_row WHERE indicator_id = ? AND year = ?",
        [count_id, year],
    ).fetchall()
    zones = con.execute(
        "SELECT residence_id, epci_code, commune_code, iris_code, qpv_code FROM residence_zone"
    ).fetchall()
    values: dict[str, float | None] = {}
    for scale, code, value, status in rows:
        cell = residence_cell(code) if scale == "residence" else zone_cell(scale, code)
        values[cell] = value if status in ("ok", "perimeter") else None
    members: dict[str, list[str]] = defaultdict(list)
    for rid, *codes in zones:
        if residence_cell(rid) not in values:
            continue
        for scale, code in zip(("epci", "commune", "iris", "qpv"), codes, strict=True):
            if code is not None:
                members[zone_cell(scale, code)].append(residence_cell(rid))
    low = 1.0 if theme == "parc" else 0.0
    bounds = {cell: (low, INF) for cell in values if cell.startswith("residence:")}
    return Table(f"{theme} {year}", values, {z: tuple(m) for z, m in members.items()}, bounds)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    world=st.lists(
        st.tuples(
            st.sampled_from(["590010001", "590010002", "590020000"]),
            st.integers(1, 12),
            st.integers(0, 12),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_built_warehouse_hides_nothing_exhaustive_search_can_narrow(world):
    """Generated dwellings and households through the whole pipeline (DuckDB, secrecy,
    audit, long format): what the warehouse rows publish leaves every hidden count, of
    dwellings and of households, a range of at least T values."""
    residences = [
        (iris, str(number + 1), "900000001", dwellings, min(households, dwellings))
        for number, (iris, dwellings, households) in enumerate(world)
    ]
    threshold = 5
    con, _ = build_world(threshold, *rows_of(residences))
    try:
        for theme in ("parc", "occupation"):
            table = warehouse_table(con, theme, 2024)
            hidden = [c for c, v in table.values.items() if v is None and c not in table.equations]
            if len(hidden) > 4:
                continue
            ceiling = sum(d for *_, d, _ in residences) + 2 * threshold
            for cell, (low, high) in brute_force_intervals(table, ceiling).items():
                assert high - low >= threshold - 1, (theme, cell, low, high)
    finally:
        con.close()


def test_a_breach_that_hiding_a_residence_did_not_repair_hides_its_binding_total() -> None:
    """Widening hides the smallest loose residence of the tightest equation; when the
    breach is still there a round later (in the Nord, a QPV's count pinned by the EPCI's
    QPV part minus a neighbouring commune: each residence hidden joined both, 70 rounds
    and as many residences), the total of the equation that binds it is hidden instead."""
    cells = [
        Cell("a", 5, "E", "C", "I1", None), Cell("b", 6, "E", "C", "I1", None),
        Cell("c", 30, "E", "C", "I1", None), Cell("d", 40, "E", "C", "I2", None),
    ]  # fmt: skip
    discloser = Discloser({"parc": {2024: cells}, "occupation": {}}, {}, 11)
    layout = discloser.layouts["parc"][2024]
    table = layout.table(
        Disclosure(frozenset({"a", "b"}), frozenset()),
        set(),
        {residence_cell(c.residence_id): (1.0, INF) for c in cells},
    )
    audited = audit_table(table, 11)
    breach = next(b for b in audited.breaches if b.cell == residence_cell("a"))
    assert (breach.low, breach.high, breach.equation) == (1, 10, "iris:I1")
    discloser._widen("parc", 2024, audited, table, breach.cell, breach.equation)
    assert discloser.forced["parc"][2024] == {"c"} and not discloser.forced_zones["parc"][2024]
    discloser._widen("parc", 2024, audited, table, breach.cell, breach.equation)
    assert discloser.forced["parc"][2024] == {"c"}
    assert discloser.forced_zones["parc"][2024] == {("iris", "I1")}


def test_the_build_proof_stops_a_rate_published_over_a_hidden_count() -> None:
    """Rates k/D of a zone whose count D is hidden give D back (the red team read 231
    such counts from the exports): the proof refuses any value of the theme beside it."""
    import duckdb

    from data.pipeline.proof import DisclosureError, prove_rates_follow_counts

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE indicator_row (scale VARCHAR, code VARCHAR, year INTEGER, "
        "indicator_id VARCHAR, theme VARCHAR, value DOUBLE, status VARCHAR)"
    )
    rows = [
        ("iris", "593600302", 2024, "parc.dwellings", "parc", None, "secret"),
        ("iris", "593600302", 2024, "parc.t1_share", "parc", None, "secret"),
        ("iris", "593600302", 2024, "proximity.school_500m", "proximity", 100.0, "ok"),
        ("iris", "593600302", 2023, "parc.t1_share", "parc", 12.5, "ok"),
        ("iris", "593600302", 2023, "parc.dwellings", "parc", 96.0, "ok"),
    ]
    con.executemany("INSERT INTO indicator_row VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    prove_rates_follow_counts(con)  # other themes and other years are not the count's
    con.execute(
        "UPDATE indicator_row SET status = 'ok', value = 12.222222 "
        "WHERE year = 2024 AND indicator_id = 'parc.t1_share'"
    )
    with pytest.raises(DisclosureError, match=r"iris:593600302 2024 parc\.t1_share"):
        prove_rates_follow_counts(con)


def test_a_household_count_the_vacant_dwellings_narrow_is_a_breach() -> None:
    """A holds 8 households in 11 dwellings, 2 of them vacant (at most 9); B 52 in 60, 6
    vacant (at most 54); their IRIS publishes 60. Less the vacant dwellings, A lies in
    [6, 9] and B in [51, 54]: breaches. A's own [0, 9] is none: the stock tells it alone,
    whatever the occupation hides; a size class of dwellings (not the stock's bound of
    households) gets no such allowance."""
    bounds = {"residence:A": (0.0, 9.0), "residence:B": (0.0, 54.0)}
    equations = {"iris:I": ("residence:A", "residence:B")}
    hidden = {"residence:A": None, "residence:B": None}
    published = Table("occupation 2024", {**hidden, "iris:I": 60.0}, equations, bounds, True)
    assert {b.cell for b in audit_table(published, 11).breaches} == set(hidden)
    alone = Table("occupation 2024", {**hidden, "iris:I": None}, equations, bounds, True)
    assert audit_table(alone, 11).breaches == []
    classes = Table("parc 2024", {**hidden, "iris:I": None}, equations, bounds)
    assert [b.cell for b in audit_table(classes, 11).breaches] == ["residence:A"]


def test_the_discloser_bounds_households_by_the_dwellings_not_vacant() -> None:
    """The same residences through the Discloser: with their vacant dwellings it hides the
    IRIS's households (a user would read A within 6 to 9), without them it does not."""
    parc = [
        Cell("A", 11, "E", "C", "I", None),
        Cell("B", 60, "E", "C", "I", None),
        Cell("D", 40, "E", "C", "J", None),
    ]
    households = [
        Cell("A", 8, "E", "C", "I", None),
        Cell("B", 52, "E", "C", "I", None),
        Cell("D", 35, "E", "C", "J", None),
    ]
    vacant = {2024: {"A": 2, "B": 6}}
    for known, hides_the_iris in ((vacant, True), (None, False)):
        decision = Discloser(
            {"parc": {2024: parc}, "occupation": {2024: households}}, {2024: 2024}, 11, known
        ).run()
        occupation = decision.disclosures["occupation"][2024]
        assert (("iris", "I") in occupation.secret_zones) == hides_the_iris
        assert "A" in occupation.hidden_residences


def test_the_tree_rule_leaves_a_residence_the_range_its_stock_tells() -> None:
    """A loose group of A (at most 9 households by its stock) and B (no bound): A keeps
    [0, 9], all its own bound allows, so the group is safe. A at most 35 and B at most
    32 out of 61: A lies in [29, 35], narrowed by the group, which is not safe."""
    group = np.array([0, 0])
    safe = narrow_groups(group, np.array([9, 30]), np.array([9.0, math.inf]), 1, 11, 0)
    assert not safe.any()
    closed = narrow_groups(group, np.array([31, 30]), np.array([35.0, 32.0]), 1, 11, 0)
    assert closed.all()
