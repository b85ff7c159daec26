"""`audit_changes` finds what weighing every pair of vintages one by one finds.

Random series of hidden remainders (a few keys, in some of three to four vintages, with
totals close to each other and random true counts): the breaches, in their order, must
be those of the plain loop over every key and every pair of vintages (the reference
below, the audit as it was first written).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from data.pipeline.audit import EPSILON, ChangeBreach, Equation, TableAudit, _moved, audit_changes

CELLS = ["a", "b", "c", "d"]
THRESHOLD = 5


def reference(
    audits: list[TableAudit], threshold: int, truth: dict[str, dict[str, float]]
) -> list[ChangeBreach]:
    found: dict[tuple[str, str], ChangeBreach] = {}
    for kind in ("equations", "remainders"):
        series: dict[str, dict[str, Equation]] = defaultdict(dict)
        for audit in audits:
            for key, equation in getattr(audit, kind).items():
                series[key][audit.name] = equation
        for key, by_table in series.items():
            if len(by_table) < 2 or not any(e.cells for e in by_table.values()):
                continue
            pairs = []
            for first, second in itertools.combinations(sorted(by_table), 2):
                before, after = by_table[first], by_table[second]
                change = after.total - before.total
                if (
                    EPSILON < abs(change) < threshold - EPSILON
                    and _moved(before, after, truth[first], truth[second]) < threshold - EPSILON
                ):
                    pairs.append((first, second, change))
            while pairs:
                involved: dict[str, int] = defaultdict(int)
                for first, second, _ in pairs:
                    involved[first] += 1
                    involved[second] += 1
                most = max(involved.values())
                worst = min(name for name in involved if involved[name] == most)
                change = min(abs(c) for f, s, c in pairs if worst in (f, s))
                partners = tuple(f if s == worst else s for f, s, _ in pairs if worst in (f, s))
                found[(worst, key)] = ChangeBreach(
                    worst, key, change, kind == "equations", partners
                )
                pairs = [p for p in pairs if worst not in p[:2]]
    return list(found.values())


def equations(draw, keys: list[str]) -> dict[str, Equation]:
    return {
        key: Equation(
            key,
            frozenset(draw(st.sets(st.sampled_from(CELLS)))),
            float(draw(st.integers(10, 18))) + draw(st.sampled_from([0.0, 0.5])),
            (),
        )
        for key in keys
    }


@st.composite
def series(draw) -> tuple[list[TableAudit], dict[str, dict[str, float]]]:
    names = [f"parc {year}" for year in draw(st.sets(st.integers(2018, 2024), min_size=2))]
    audits, truth = [], {}
    for name in draw(st.permutations(names)):
        present = sorted(draw(st.sets(st.sampled_from(["k1", "k2", "k3"]))))
        audits.append(
            TableAudit(
                name,
                0,
                [],
                equations(draw, present),
                equations(draw, sorted(draw(st.sets(st.sampled_from(["k1", "k4"]))))),
            )
        )
        truth[name] = {cell: float(draw(st.integers(0, 8))) for cell in CELLS}
    return audits, truth


@settings(max_examples=300, deadline=None)
@given(case=series())
def test_the_changes_found_are_those_of_every_pair_weighed_one_by_one(case) -> None:
    audits, truth = case
    assert audit_changes(audits, THRESHOLD, truth) == reference(audits, THRESHOLD, truth)


def test_a_change_between_two_vintages_hides_the_earlier_total() -> None:
    """One pair: either vintage's total would break it; the earlier is hidden, since users
    read the latest first."""
    audits = [
        TableAudit(name, 0, [], {"k1": Equation("k1", frozenset({"a"}), total, ())}, {})
        for name, total in (("parc 2024", 13.0), ("parc 2023", 10.0))
    ]
    truth = {"parc 2023": {"a": 10.0}, "parc 2024": {"a": 13.0}}
    (breach,) = audit_changes(audits, THRESHOLD, truth)
    assert (breach.table, breach.partners, breach.change) == ("parc 2023", ("parc 2024",), 3.0)
