"""Secrecy of shares (`data/pipeline/shares.py`, `share_audit.py`): small counts of
households are secret, and what published shares leave of a hidden one is never exact,
never narrower than T households, and never all or nothing for a hidden group."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.catalog import CATALOG
from data.pipeline import shares as shares_module
from data.pipeline.disclosure import Discloser, residence_cell, zone_cell
from data.pipeline.proof import DisclosureError
from data.pipeline.secrecy import Cell, ZoneStructure
from data.pipeline.share_audit import ShareShape, ShareTable, audit_share_table
from data.pipeline.shares import ShareDiscloser, ShareSums, is_small_count
from data.store.types import Measure
from layouts.formatting import SECRET_TITLE
from layouts.panel_common import measure_text
from tests.support.world import build_world, rows_of

INF = float("inf")
T = 11


def shape_of(cells: list[Cell]) -> ShareShape:
    return ShareShape(ZoneStructure(cells))


def sums_of(cells: list[Cell], numerators: dict[str, float]) -> ShareSums:
    """Numerators and denominators (the residence's units) of residences and their zones."""
    numerator: dict[str, float] = {}
    denominator: dict[str, float] = {}
    for cell in cells:
        rid = residence_cell(cell.residence_id)
        zones = [("epci", cell.epci), ("commune", cell.commune)]
        zones += [(s, c) for s, c in (("iris", cell.iris), ("qpv", cell.qpv)) if c is not None]
        for key in (rid, *(zone_cell(*z) for z in zones)):
            numerator[key] = numerator.get(key, 0.0) + numerators[cell.residence_id]
            denominator[key] = denominator.get(key, 0.0) + cell.count
    return ShareSums(numerator, denominator)


def table(cells, numerators, hidden, counted=()) -> ShareTable:
    sums = sums_of(cells, numerators)
    published = frozenset(c for c in sums.numerator if c not in hidden)
    upper = {c: sums.denominator[c] for c in counted}
    return ShareTable(sums.numerator, sums.denominator, published, upper)


IRIS = [
    Cell("A", 20, "E", "C", "I", None),
    Cell("B", 15, "E", "C", "I", None),
    Cell("C", 5, "E", "C", "I", None),
]
OTHER_IRIS = [Cell("D", 30, "E", "C", "J", None), Cell("F", 25, "E", "C", "J", None)]
HIDDEN_BC = {"residence:B", "residence:C"}


def test_a_hidden_group_with_none_of_an_attribute_is_caught() -> None:
    shares = table(IRIS, {"A": 3, "B": 0, "C": 0}, HIDDEN_BC)
    audit = audit_share_table(shape_of(IRIS), shares, 2, False, T)
    assert "iris:I" in audit.breaches
    # with some of it in the group, neither B nor C is known
    shares = table(IRIS, {"A": 3, "B": 2, "C": 0}, HIDDEN_BC)
    assert "iris:I" not in audit_share_table(shape_of(IRIS), shares, 2, False, T).breaches


def test_a_hidden_group_with_all_of_an_attribute_is_caught() -> None:
    shares = table(IRIS, {"A": 3, "B": 15, "C": 5}, HIDDEN_BC)
    assert "iris:I" in audit_share_table(shape_of(IRIS), shares, 2, False, T).breaches
    shares = table(IRIS, {"A": 3, "B": 15, "C": 4}, HIDDEN_BC)
    assert "iris:I" not in audit_share_table(shape_of(IRIS), shares, 2, False, T).breaches


def test_a_group_of_households_must_leave_out_and_hold_t_of_them() -> None:
    households = [Cell("A", 40, "E", "C", "I", None), *IRIS[1:]]
    people = {"A": 12, "B": 6, "C": 2}  # the group holds 8 of 20: fewer than T
    shares = table(households, people, HIDDEN_BC)
    assert audit_share_table(shape_of(households), shares, T, True, T).breaches == ["iris:I"]
    left_out = {"A": 12, "B": 12, "C": 2}  # 14 of 20: 6 left out
    shares = table(households, left_out, HIDDEN_BC)
    assert audit_share_table(shape_of(households), shares, T, True, T).breaches == ["iris:I"]
    balanced = {"A": 12, "B": 8, "C": 4}  # 12 of 20 in, 8 out... still fewer than T out
    shares = table(households, balanced, HIDDEN_BC)
    assert audit_share_table(shape_of(households), shares, T, True, T).breaches == ["iris:I"]
    wide = [Cell("A", 40, "E", "C", "I", None), Cell("B", 25, "E", "C", "I", None), IRIS[2]]
    shares = table(wide, {"A": 12, "B": 12, "C": 3}, HIDDEN_BC)  # 15 in, 15 out
    assert audit_share_table(shape_of(wide), shares, T, True, T).breaches == []


def test_a_hidden_zone_of_published_residences_is_their_sum() -> None:
    cells = IRIS + OTHER_IRIS
    shares = table(cells, {"A": 3, "B": 4, "C": 1, "D": 5, "F": 6}, {"iris:J"})
    audit = audit_share_table(shape_of(cells), shares, 2, False, T)
    assert audit.bare_zones == ["iris:J"]


def test_an_overlapping_qpv_pins_a_value_through_the_linear_program() -> None:
    """Each IRIS alone leaves its hidden pair a range (I: B + C = 4, J: D + E = 5); the QPV
    across them (B + D = 9) leaves C + E nothing: both are exactly 0."""
    cells = [
        Cell("A", 20, "E", "C", "I", None),
        Cell("B", 15, "E", "C", "I", "Q"),
        Cell("C", 5, "E", "C", "I", None),
        Cell("D", 30, "E", "C", "J", "Q"),
        Cell("E", 5, "E", "C", "J", None),
        Cell("F", 25, "E", "C", "J", None),
        Cell("G", 25, "E", "C2", "K", "Q"),
    ]
    numerators = {"A": 3, "B": 4, "C": 0, "D": 5, "E": 0, "F": 6, "G": 7}
    hidden = {f"residence:{r}" for r in "BCDE"}
    shape = shape_of(cells)
    assert (shape.overlay >= 0).any()  # the QPV spans two communes: an equation across groups
    counted = [residence_cell(c.residence_id) for c in cells]
    alone = table(cells, numerators, hidden | {"qpv:Q"}, counted)
    assert not audit_share_table(shape, alone, 2, False, T).breaches
    crossed = table(cells, numerators, hidden, counted)
    assert audit_share_table(shape, crossed, 2, False, T).breaches


def test_small_counts_of_households_are_secret_and_their_zone_cannot_give_them_back() -> None:
    assert is_small_count(3, 40, T) and is_small_count(35, 40, T) and is_small_count(0, 8, T)
    assert not is_small_count(12, 40, T) and not is_small_count(0, 0, T)
    households = [
        Cell("A", 40, "E", "C", "I", None),
        Cell("B", 30, "E", "C", "I", None),
        Cell("D", 60, "E", "C", "J", None),
        Cell("F", 50, "E", "C", "J", None),
    ]
    discloser = Discloser({"parc": {}, "occupation": {2024: households}}, {}, T)
    decision = discloser.run()
    numerators = {"A": 3, "B": 14, "D": 25, "F": 20}
    key = ("occupation", 2024, "occupation.large_family")
    shares = ShareDiscloser(discloser, decision, {key: sums_of(households, numerators)}, T)
    hidden = {f"{scale}:{code}" for _, scale, code, _, _ in shares.run()}
    assert "residence:A" in hidden  # 3 large families
    assert hidden - {"residence:A"}  # and one more value, or IRIS I minus B gives A back
    assert_no_narrow_value(shares, key)


def assert_no_narrow_value(shares: ShareDiscloser, key, public_knowledge=frozenset()) -> None:
    """Exhaustive search over the hidden residences' numerators (each from 0 to its
    published count, or unbounded when its count is hidden, as far as the published totals
    allow): every hidden numerator of a residence or zone keeps a range of `rule` values,
    and no hidden residence is pinned to nothing or to all of its units, but those that
    `public_knowledge` names (pinned by public values alone)."""
    audited = shares.audited[key]
    shape = shares.shapes[key[:2]]
    rule, _ = shares.rule_of(key)
    hidden = [c for c in shape.residences if c not in audited.published]
    known = {c: audited.numerator[c] for c in shape.residences if c in audited.published}
    checks = []  # (hidden members, what they add up to)
    for zone, members in shape.members.items():
        if zone in audited.published:
            rest = audited.numerator[zone] - sum(known.get(m, 0.0) for m in members)
            checks.append(([m for m in members if m not in known], rest))
    last = {id(m): max((hidden.index(c) for c in m), default=-1) for m, _ in checks}
    # beyond every published total: a value only the ceiling stops is unbounded
    ceiling = sum(audited.denominator[c] for c in shape.residences) + rule
    seen: dict[str, set[float]] = {c: set() for c in [*hidden, *shape.members]}
    value: dict[str, float] = {}

    def search(index: int) -> None:
        if index == len(hidden):
            for cell in hidden:
                seen[cell].add(value[cell])
            for zone, members in shape.members.items():
                seen[zone].add(sum(value.get(m, known.get(m, 0.0)) for m in members))
            return
        cell = hidden[index]
        for v in range(int(min(audited.upper.get(cell, INF), ceiling)) + 1):
            value[cell] = v
            if all(
                sum(value.get(m, 0.0) for m in members) <= total
                and (last[id(members)] != index or sum(value[m] for m in members) == total)
                for members, total in checks
            ):
                search(index + 1)
        del value[cell]

    search(0)
    for cell, values in seen.items():
        if cell in audited.published or audited.denominator.get(cell, 0) <= 0:
            continue
        if cell in public_knowledge or (
            cell in shape.members and public_knowledge.issuperset(shape.members[cell])
        ):
            continue
        assert max(values) - min(values) >= rule - 1, (key, cell, sorted(values))
        if cell in hidden:
            assert values != {0.0} and values != {audited.denominator[cell]}, (cell, values)


@st.composite
def worlds(draw):
    """One commune of one or two IRIS with two or three residences each, some small, and
    how many of their units have an attribute."""
    cells, numerators = [], {}
    for iris in range(draw(st.integers(1, 2))):
        for index in range(draw(st.integers(2, 3))):
            count = draw(st.sampled_from([3, 6, 12, 14]))
            rid = f"R{iris}{index}"
            cells.append(Cell(rid, count, "E", "C", f"I{iris}", None))
            numerators[rid] = draw(st.integers(0, count))
    return cells, numerators


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), theme=st.sampled_from(["parc", "occupation"]))
def test_after_protection_exhaustive_search_finds_no_narrow_share(world, theme) -> None:
    cells, numerators = world
    threshold = 5
    discloser = Discloser({"parc": {}, "occupation": {}, theme: {2024: cells}}, {}, threshold)
    decision = discloser.run()
    key = (theme, 2024, f"{theme}.attribute")
    shares = ShareDiscloser(discloser, decision, {key: sums_of(cells, numerators)}, threshold)
    shares.run()
    hidden = [
        c for c in shares.shapes[key[:2]].residences if c not in shares.audited[key].published
    ]
    if len(hidden) <= 5:
        assert_no_narrow_value(shares, key)


def test_a_built_warehouse_never_shows_all_or_none_of_the_households() -> None:
    """Through the whole pipeline: households that all share every attribute (all single,
    all on APL...) have their count published, and every share of them secret: "100 %"
    or "0 %" would describe each of them."""
    residences = [
        ("590010001", "1", "900000001", 30, 30),
        ("590010001", "2", "900000001", 25, 25),
        ("590010002", "3", "900000001", 40, 40),
    ]
    con, _ = build_world(5, *rows_of(residences))
    try:
        statuses = dict(
            con.execute(
                "SELECT indicator_id = 'occupation.households', list(DISTINCT status) "
                "FROM indicator_row WHERE theme = 'occupation' AND scale <> 'epci' "
                "AND status <> 'nd' GROUP BY 1"
            ).fetchall()
        )
        assert "secret" not in statuses[True] and statuses[False] == ["secret"]
    finally:
        con.close()


def test_a_share_published_back_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant a breach (the share decision forgets one value it hid): the build's read-back
    proof finds it and the build stops."""
    run = shares_module.ShareDiscloser.run

    def forgetful(self):
        hidden = run(self)
        for cells in self.hidden.values():
            if cells:
                cells.pop()
                return self.secret_values()
        return hidden

    monkeypatch.setattr(shares_module.ShareDiscloser, "run", forgetful)
    residences = [
        ("590010001", "1", "900000001", 30, 30),
        ("590010001", "2", "900000001", 4, 4),
        ("590010002", "3", "900000001", 40, 40),
    ]
    with pytest.raises(DisclosureError):
        build_world(5, *rows_of(residences))


def test_a_hidden_value_says_why_on_hover() -> None:
    indicator = CATALOG["occupation.large_family"]
    (span,) = measure_text(indicator, Measure(None, "secret", 2024), 2024)
    assert span.children == "secret" and span.title == SECRET_TITLE
    (text,) = measure_text(indicator, Measure(12.5, "ok", 2024), 2024)
    assert text == "12,5\u00a0%"


def test_a_group_of_one_open_ended_residence_is_bounded_by_the_others_counts() -> None:
    """A's count of households is unknown (no upper bound), B's is published (25): what
    the group's 30 leave A lies in 5..30, wide enough; and in 29..30 with 1 for B."""
    from data.pipeline.share_audit import Group, group_breached

    cells = ("residence:A", "residence:B")
    table = ShareTable(
        {"residence:A": 20.0, "residence:B": 10.0},
        {"residence:A": 40.0, "residence:B": 25.0},
        frozenset(),
        {"residence:B": 25.0},
    )
    assert not group_breached(Group("iris:I", cells, 30.0, ()), table, T, False, T)
    narrow = ShareTable(table.numerator, table.denominator, frozenset(), {"residence:B": 1.0})
    assert group_breached(Group("iris:I", cells, 30.0, ()), narrow, T, False, T)
