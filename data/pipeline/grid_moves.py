"""Solutions of a grid's published equations found without a linear program: the true
counts, with counts moved between base cells so that every published cell keeps its own
and no base cell goes below 0 (`grid_secrecy.Solutions.move`). Each is a solution, so the
values it gives a hidden cell lie in that cell's interval: a hidden cell they spread over
T values needs no linear program. Two kinds of moves:

- classes: base cells in exactly the same published cells can trade counts freely. A
  hidden cell holding some but not all of a class's base cells takes in the others'
  counts, or gives its own away; over all its classes at once (they share no base cell).
- rectangles: in a breakdown crossing parts of communes with categories, the base cells
  (p1, l1), (p1, l2), (p2, l1), (p2, l2) take t more, t less, t less and t more. That
  leaves every published cell as it is when each holds as many of them on both sides
  (a commune's category hidden with its sibling category, in two communes: the EPCI's
  categories and the communes' totals keep their counts). Candidates are drawn around
  the base cells of the hidden cells still narrow, with a few partner parts per category
  (those with the most counts, among the base cells some hidden cell holds), and each is
  checked on the published cells before it counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

PARTNERS = 3  # partner parts tried per category, the largest first


@dataclass(frozen=True)
class Axes:
    """Each base cell's part of a commune and category (by column), and the column of
    every (part, category), -1 where the grid has no such base cell."""

    part: np.ndarray
    category: np.ndarray
    column: np.ndarray  # parts x categories

    @classmethod
    def of(cls, names: list[str], axes: dict[str, tuple[str, str]]) -> Axes | None:
        """From the (part, category) of each base cell name, None when some has none."""
        if not names or any(name not in axes for name in names):
            return None
        parts = {p: i for i, p in enumerate(sorted({axes[n][0] for n in names}))}
        categories = {c: i for i, c in enumerate(sorted({axes[n][1] for n in names}))}
        part = np.array([parts[axes[n][0]] for n in names], dtype=np.int64)
        category = np.array([categories[axes[n][1]] for n in names], dtype=np.int64)
        column = np.full((len(parts), len(categories)), -1, dtype=np.int64)
        column[part, category] = np.arange(len(names))
        return cls(part, category, column)


def class_moves(
    incidence: sparse.csc_matrix,
    truth: np.ndarray,
    rows: np.ndarray,
    classes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """For each hidden row of `rows`: how much its count rises and falls by class moves
    (`classes`: each base cell's class)."""
    size = np.bincount(classes)
    total = np.bincount(classes, weights=truth)
    # each (hidden cell, class) it meets: how many of the class's base cells, which count
    inside = sparse.coo_matrix(incidence[rows])
    pair = inside.row.astype(np.int64) * len(size) + classes[inside.col]
    pairs, where = np.unique(pair, return_inverse=True)
    members = np.bincount(where, minlength=len(pairs))
    mass = np.bincount(where, weights=truth[inside.col], minlength=len(pairs))
    cell, group = pairs // len(size), pairs % len(size)
    split = members < size[group]
    rise = np.bincount(cell[split], (total[group] - mass)[split], minlength=len(rows))
    fall = np.bincount(cell[split], mass[split], minlength=len(rows))
    return rise, fall


def rectangle_moves(
    by_row: sparse.csr_matrix,
    truth: np.ndarray,
    rows: np.ndarray,
    narrow: np.ndarray,
    weight: np.ndarray,
    axes: Axes,
) -> tuple[np.ndarray, np.ndarray]:
    """For each hidden row of `rows` (of `by_row`, the incidence by row): the most its
    count rises and falls by one valid rectangle around the base cells of the `narrow`
    rows (0 without one). `weight`: each base cell's sum of its published cells' weights,
    equal on both sides of a valid rectangle; those equal are checked cell by cell."""
    none = np.zeros(len(rows))
    corners = np.unique(by_row[narrow].indices)
    held = np.zeros(len(truth), dtype=bool)
    held[by_row[rows].indices] = True
    partners = _partners(axes, truth, held)
    # (p1, l1) and (p1, l2) for every other category l2 of the part
    categories = axes.column.shape[1]
    first = np.repeat(corners, categories)
    other = np.tile(np.arange(categories), len(corners))
    second = axes.column[axes.part[first], other]
    keep = (second >= 0) & (other != axes.category[first])
    first, second, other = first[keep], second[keep], other[keep]
    # partner parts p2: the largest of either category
    choices = np.concatenate([partners[axes.category[first]], partners[other]], axis=1)
    first, second, other = (np.repeat(a, choices.shape[1]) for a in (first, second, other))
    part = choices.ravel()
    keep = (part >= 0) & (part != axes.part[first])
    first, second, other, part = first[keep], second[keep], other[keep], part[keep]
    third = axes.column[part, axes.category[first]]
    fourth = axes.column[part, other]
    keep = (third >= 0) & (fourth >= 0)
    first, second, third, fourth = first[keep], second[keep], third[keep], fourth[keep]
    balance = weight[first] - weight[second] - weight[third] + weight[fourth]
    keep = np.abs(balance) < 1e-9
    corners4 = _distinct(np.stack([first, second, third, fourth], axis=1)[keep])
    if not len(corners4):
        return none, none
    size, count = len(truth), len(corners4)
    moves = sparse.csc_matrix(
        (
            np.tile([1.0, -1.0, -1.0, 1.0], count),
            (corners4.ravel(), np.repeat(np.arange(count), 4)),
        ),
        shape=(size, count),
    )
    published = np.ones(by_row.shape[0], dtype=bool)
    published[rows] = False
    changed = sparse.csc_matrix(by_row[published] @ moves)
    changed.eliminate_zeros()
    valid = np.flatnonzero(np.diff(changed.indptr) == 0)  # no published cell changes
    if not len(valid):
        return none, none
    counts = truth[corners4[valid]]
    up = np.minimum(counts[:, 1], counts[:, 2])  # t at most: the cells that lose it
    down = np.minimum(counts[:, 0], counts[:, 3])
    # each hidden cell's change by each valid rectangle (sparse), at t = up and t = -down
    hidden = sparse.coo_matrix(by_row[rows] @ moves[:, valid])
    raised, lowered = hidden.data * up[hidden.col], -hidden.data * down[hidden.col]
    rise, fall = np.zeros(len(rows)), np.zeros(len(rows))  # t = 0: the true counts
    np.maximum.at(rise, hidden.row, np.maximum(raised, lowered))
    np.maximum.at(fall, hidden.row, -np.minimum(raised, lowered))
    return rise, fall


def _distinct(rows: np.ndarray) -> np.ndarray:
    """The distinct rows of an integer array, sorted."""
    rows = rows[np.lexsort(rows.T[::-1])]
    fresh = np.ones(len(rows), dtype=bool)
    fresh[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    return rows[fresh]


def _partners(axes: Axes, truth: np.ndarray, held: np.ndarray) -> np.ndarray:
    """For each category, the parts whose base cell of it some hidden cell holds, the
    largest counts first (PARTNERS + 1 of them, the one more for the corner's own part;
    -1 pads)."""
    column = axes.column
    present = column >= 0
    present[present] = held[column[present]]
    score = np.where(present, truth[np.maximum(column, 0)], -np.inf)
    best = np.argsort(-score, axis=0, kind="stable")[: PARTNERS + 1]  # parts x categories
    chosen = np.where(np.take_along_axis(present, best, axis=0), best, -1)
    return chosen.T
