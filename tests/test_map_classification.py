import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layouts.classification import (
    JENKS_MAX_VALUES,
    class_breaks,
    class_count,
    class_index,
    class_indices,
    equal_breaks,
    jenks_breaks,
    quantile_breaks,
)
from layouts.palettes import YLGNBU, sequential

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def within_class_ssd(data: list[float], edges: list[float]) -> float:
    total = 0.0
    for i in range(len(edges) - 1):
        members = [v for v in data if class_index(v, edges) == i]
        if members:
            mean = sum(members) / len(members)
            total += sum((v - mean) ** 2 for v in members)
    return total


def brute_force_best_ssd(data: list[float], k: int) -> float:
    data = sorted(data)
    n = len(data)
    best = float("inf")
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = [0, *cuts, n]
        cost = 0.0
        for a, b in itertools.pairwise(bounds):
            part = data[a:b]
            mean = sum(part) / len(part)
            cost += sum((v - mean) ** 2 for v in part)
        best = min(best, cost)
    return best


def test_quantiles_split_counts_evenly() -> None:
    values = list(range(1, 101))
    edges = quantile_breaks(values, 4)
    assert edges[0] == 1 and edges[-1] == 100
    counts = np.bincount([class_index(v, edges) for v in values])
    assert counts.tolist() == [25, 25, 25, 25]


def test_equal_intervals_have_equal_width() -> None:
    edges = equal_breaks([0, 3, 10], 5)
    assert edges == [0, 2, 4, 6, 8, 10]


def test_jenks_finds_obvious_clusters() -> None:
    values = [1, 2, 3, 10, 11, 12, 30, 31, 32]
    assert jenks_breaks(values, 3) == [1, 3, 12, 32]


def test_jenks_on_textbook_example() -> None:
    # Jenks' classic illustration: two tight groups and one outlier.
    assert jenks_breaks([4, 5, 9, 10], 2) == [4, 5, 10]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=3, max_size=8), st.integers(2, 3))
def test_jenks_is_optimal_on_small_inputs(values: list[int], k: int) -> None:
    data = [float(v) for v in values]
    edges = jenks_breaks(data, k)
    if len(set(data)) <= k:
        assert edges == sorted(set(data))
        return
    assert within_class_ssd(data, edges) == pytest.approx(brute_force_best_ssd(data, k), abs=1e-6)


def test_jenks_samples_large_inputs_and_keeps_extremes() -> None:
    rng = np.random.default_rng(4)
    low, high = rng.normal(10, 1, 3000), rng.normal(50, 2, 3000)
    values = np.concatenate([low, high]).tolist()
    assert len(values) > JENKS_MAX_VALUES
    edges = jenks_breaks(values, 2)
    assert edges[0] == min(values) and edges[-1] == max(values)
    # the break sits in the gap: every high value above it, nearly all low ones below
    assert all(class_index(v, edges) == 1 for v in high)
    assert sum(class_index(v, edges) == 0 for v in low) >= 0.99 * len(low)


@pytest.mark.parametrize("method", ["quantile", "equal", "jenks"])
def test_breaks_of_empty_and_constant_values(method: str) -> None:
    assert class_breaks([], method) == []
    assert class_breaks([None, float("nan")], method) == []  # type: ignore[list-item]
    assert class_breaks([7.0, 7.0, 7.0], method) == [7.0]
    assert class_count([7.0]) == 1


def test_unknown_method_and_bad_count_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown classification"):
        class_breaks([1.0], "kmeans")
    with pytest.raises(ValueError, match="at least 1"):
        class_breaks([1.0], "quantile", 0)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(finite, min_size=1, max_size=60),
    st.sampled_from(["quantile", "equal", "jenks"]),
    st.integers(1, 7),
)
def test_breaks_cover_every_value_in_at_most_k_classes(
    values: list[float], method: str, k: int
) -> None:
    edges = class_breaks(values, method, k)
    assert edges[0] == min(values) and edges[-1] == max(values)
    assert all(a < b for a, b in itertools.pairwise(edges[1:]))
    assert edges[0] <= edges[1] if len(edges) > 1 else True
    assert class_count(edges) <= k
    for value in values:
        index = class_index(value, edges)
        assert 0 <= index < class_count(edges)
        if len(edges) > 1:
            assert edges[index] <= value <= edges[index + 1]


def test_class_index_at_edges() -> None:
    edges = [0.0, 10.0, 20.0]
    assert class_index(0.0, edges) == 0
    assert class_index(10.0, edges) == 0
    assert class_index(10.5, edges) == 1
    assert class_index(25.0, edges) == 1
    assert class_index(-3.0, edges) == 0


def test_palettes_are_colorbrewer_and_reversed_for_favourable() -> None:
    assert sequential(5) == list(YLGNBU[5])
    assert sequential(5, polarity=-1) == list(YLGNBU[5])
    assert sequential(5, polarity=1) == list(reversed(YLGNBU[5]))
    assert len(sequential(1)) == 1 and len(sequential(2)) == 2
    with pytest.raises(ValueError):
        sequential(0)
    with pytest.raises(ValueError):
        sequential(8)


@given(
    st.lists(finite, min_size=1, max_size=60),
    st.sampled_from(["quantile", "equal", "jenks"]),
    st.integers(1, 7),
)
def test_class_indices_agree_with_class_index(values: list[float], method: str, k: int) -> None:
    edges = class_breaks(values, method, k)
    probes = [*values, *edges, min(values) - 1, max(values) + 1]
    assert class_indices(probes, edges) == [class_index(v, edges) for v in probes]
