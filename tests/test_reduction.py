"""`Reduction` reduces each version of a table's remainders as `audit.reduce` would.

Random remainders over a few cells (nested or not, some empty, some with equal cells),
changed from one version to the next (cells, totals and published parts changed, keys
added and dropped): every version's reduction, and its order, must be `audit.reduce`'s.
A reduction that does not reduce again the equations around a changed one is caught.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.pipeline import reduction as reduction_module
from data.pipeline.audit import Equation, reduce
from data.pipeline.reduction import Reduction

CELLS = [f"c{i}" for i in range(8)]
KEYS = [f"k{i}" for i in range(8)]


@st.composite
def remainders(draw) -> dict[str, Equation]:
    keys = draw(st.sets(st.sampled_from(KEYS)))
    return {
        key: Equation(
            key,
            frozenset(draw(st.sets(st.sampled_from(CELLS), max_size=6))),
            float(draw(st.integers(0, 30))),
            tuple(sorted(draw(st.sets(st.sampled_from(["p0", "p1", "p2"]))))),
        )
        for key in sorted(keys)
    }


def first_difference(versions: list[dict[str, Equation]]) -> int | None:
    kept = Reduction()
    for position, version in enumerate(versions):
        got = kept(version)
        want = reduce(version)
        if got != want or list(got) != list(want):
            return position
    return None


@settings(max_examples=300, deadline=None)
@given(versions=st.lists(remainders(), min_size=1, max_size=6))
def test_every_version_is_reduced_as_a_fresh_reduction_would(
    versions: list[dict[str, Equation]],
) -> None:
    assert first_difference(versions) is None


def test_a_reduction_that_forgets_the_equations_around_a_change_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new equation inside an unchanged one: the outer one must be reduced again."""
    outer = Equation("k3", frozenset({"c0", "c1", "c2"}), 9.0, ())
    inner = Equation("k1", frozenset({"c0"}), 2.0, ())
    versions = [{"k3": outer}, {"k1": inner, "k3": outer}]
    assert first_difference(versions) is None
    relate = Reduction._relate
    monkeypatch.setattr(
        reduction_module.Reduction, "_relate", lambda self, key: relate(self, key) & {key}
    )
    assert first_difference(versions) == 1
