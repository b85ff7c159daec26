"""Class breaks of a choropleth: quantiles, equal intervals, natural breaks (Jenks).

Every method returns the class edges `[e0, e1, ..., ek]` with `e0` the minimum and `ek`
the maximum of the values, strictly increasing except that `e0 == e1` is allowed (a
first class of one value); ties collapse classes, so there may be fewer than asked.
Class 0 is `[e0, e1]`, class i > 0 is `]e[i], e[i+1]]` (see `class_index`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

METHODS = ("quantile", "equal", "jenks")
DEFAULT_METHOD = "quantile"
DEFAULT_CLASS_COUNT = 5
# Fisher-Jenks is O(k·n²): above this many values it runs on evenly spaced order
# statistics of the sorted values (min and max kept), as mapclassify's sampled variant
# (which takes 10 % of them). 400 keeps a restyle of the MEL's IRIS or residences near
# 5 ms when no cache holds the view yet; 800 took 22 ms.
JENKS_MAX_VALUES = 400


def _clean(values: Sequence[float]) -> np.ndarray:
    array = np.asarray([v for v in values if v is not None], dtype=float)
    return np.sort(array[np.isfinite(array)])


def _strictly_increasing(edges: Sequence[float]) -> list[float]:
    """Drop repeated edges, except that the first class may hold a single value
    (`[e0, e0]`, then `]e0, e2]`...), which keeps e.g. a mass of zeros apart."""
    result: list[float] = []
    for edge in edges:
        edge = float(edge)
        if not result or edge > result[-1] or (len(result) == 1 and edge == result[0]):
            result.append(edge)
    if len(result) == 2 and result[0] == result[1]:
        return result[:1]
    return result


def quantile_breaks(values: Sequence[float], k: int = DEFAULT_CLASS_COUNT) -> list[float]:
    """Edges so that each class holds about the same number of values."""
    data = _clean(values)
    if data.size == 0:
        return []
    edges = np.quantile(data, np.linspace(0, 1, k + 1), method="linear")
    return _strictly_increasing([data[0], *edges[1:-1], data[-1]])


def equal_breaks(values: Sequence[float], k: int = DEFAULT_CLASS_COUNT) -> list[float]:
    """Edges splitting [min, max] into `k` intervals of equal width."""
    data = _clean(values)
    if data.size == 0:
        return []
    low, high = float(data[0]), float(data[-1])
    if low == high:
        return [low]
    return _strictly_increasing([low + (high - low) * i / k for i in range(k)] + [high])


def _fisher_jenks_upper_indices(data: np.ndarray, k: int) -> list[int]:
    """Indices (into sorted `data`) of the last value of each class, by exact dynamic
    programming minimising the within-class sum of squared deviations (Fisher 1958,
    the algorithm behind Jenks natural breaks)."""
    n = data.size
    s1 = np.concatenate([[0.0], np.cumsum(data)])
    s2 = np.concatenate([[0.0], np.cumsum(data * data)])
    # a class covers data[start:end]: rows are starts (0..n-1), columns ends (1..n)
    counts = np.arange(1, n + 1, dtype=float)[None, :] - np.arange(n, dtype=float)[:, None]
    sums = s1[None, 1:] - s1[:n, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = (s2[None, 1:] - s2[:n, None]) - sums * sums / counts
    cost[counts <= 0] = np.inf
    np.maximum(cost, 0.0, out=cost)
    # best[c][end]: least cost of splitting data[:end] into c + 1 classes.
    best = np.full((k, n + 1), np.inf)
    choice = np.zeros((k, n + 1), dtype=int)
    best[0, 1:] = cost[0, :]
    for c in range(1, k):
        # the last class starts at `start` >= c; the first `start` values form c classes
        candidates = best[c - 1, :n][:, None] + cost  # [start, end-1]
        candidates[:c, :] = np.inf
        best[c, 1:] = candidates.min(axis=0)
        choice[c, 1:] = candidates.argmin(axis=0)
    uppers: list[int] = []
    end = n
    for c in range(k - 1, -1, -1):
        uppers.append(end - 1)
        end = choice[c, end] if c > 0 else 0
    return sorted(uppers)


def jenks_breaks(values: Sequence[float], k: int = DEFAULT_CLASS_COUNT) -> list[float]:
    """Natural breaks: edges minimising the variance within classes."""
    data = _clean(values)
    if data.size == 0:
        return []
    unique = np.unique(data)
    if unique.size <= k:
        return _strictly_increasing(unique.tolist())
    if data.size > JENKS_MAX_VALUES:
        positions = np.linspace(0, data.size - 1, JENKS_MAX_VALUES).round().astype(int)
        data = data[positions]
    uppers = _fisher_jenks_upper_indices(data, k)
    return _strictly_increasing([data[0], *(data[i] for i in uppers)])


def class_breaks(
    values: Sequence[float], method: str = DEFAULT_METHOD, k: int = DEFAULT_CLASS_COUNT
) -> list[float]:
    """Edges by the named method ('quantile', 'equal', 'jenks')."""
    if k < 1:
        raise ValueError(f"class count must be at least 1, got {k}")
    if method == "quantile":
        return quantile_breaks(values, k)
    if method == "equal":
        return equal_breaks(values, k)
    if method == "jenks":
        return jenks_breaks(values, k)
    raise ValueError(f"unknown classification method {method!r}; expected one of {METHODS}")


def class_count(edges: Sequence[float]) -> int:
    """Number of classes the edges describe (a single edge is one class)."""
    return max(len(edges) - 1, 1) if edges else 0


def class_indices(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """`class_index` of each value, in one pass (a map classifies thousands)."""
    if len(edges) < 2:
        return [0] * len(values)
    found = np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float))
    return np.clip(found - 1, 0, len(edges) - 2).tolist()


def class_index(value: float, edges: Sequence[float]) -> int:
    """The class of `value`: 0 for `[e0, e1]`, i for `]e[i], e[i+1]]`; clamped at both ends.
    (The reference of `class_indices`, which the map uses.)"""
    if len(edges) < 2:
        return 0
    index = bisect.bisect_left(edges, value) - 1
    return min(max(index, 0), len(edges) - 2)
