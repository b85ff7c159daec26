"""The bounds of hidden counts under linear equations: one HiGHS model, warm re-solves.

The red team writes each equation a user can write as a row over unknown cells (the
published cells already moved to the right-hand side), with the bounds the user knows
of each unknown; `bounds` gives each target's least and greatest value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np

INF = math.inf


@dataclass
class System:
    lower: dict[str, float] = field(default_factory=dict)
    upper: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[dict[str, float], float, float]] = field(default_factory=list)

    def unknown(self, cell: str, low: float = 0.0, high: float = INF) -> str:
        """Declare a cell (or tighten its bounds when it is known already)."""
        self.lower[cell] = max(self.lower.get(cell, -INF), low)
        self.upper[cell] = min(self.upper.get(cell, INF), high)
        return cell

    def equation(self, terms: dict[str, float], low: float, high: float | None = None) -> None:
        """sum(coefficient x cell) within [low, high] (high = low for an equality)."""
        terms = {c: a for c, a in terms.items() if a}
        if terms:
            self.rows.append((terms, low, low if high is None else high))

    def bounds(self, targets: Iterable[str]) -> dict[str, tuple[float, float]]:
        targets = [t for t in targets if t in self.lower]
        if not targets:
            return {}
        cells = sorted(self.lower)
        index = {c: i for i, c in enumerate(cells)}
        model = highspy.Highs()
        model.setOptionValue("output_flag", False)
        model.setOptionValue("simplex_strategy", 4)
        model.addVars(
            len(cells),
            np.array([self.lower[c] for c in cells], dtype=float),
            np.array([_inf(self.upper[c]) for c in cells], dtype=float),
        )
        starts, columns, values, lows, highs = [], [], [], [], []
        for terms, low, high in self.rows:
            starts.append(len(columns))
            for cell, coefficient in terms.items():
                columns.append(index[cell])
                values.append(coefficient)
            lows.append(_inf(low))
            highs.append(_inf(high))
        model.addRows(
            len(starts),
            np.array(lows, dtype=float),
            np.array(highs, dtype=float),
            len(columns),
            np.array(starts, dtype=np.int32),
            np.array(columns, dtype=np.int32),
            np.array(values, dtype=float),
        )
        found: dict[str, tuple[float, float]] = {}
        previous: int | None = None
        for target in targets:
            column = index[target]
            if previous is not None:
                model.changeColCost(previous, 0.0)
            model.changeColCost(column, 1.0)
            previous = column
            low = _optimum(model, highspy.ObjSense.kMinimize, -INF)
            high = _optimum(model, highspy.ObjSense.kMaximize, INF)
            found[target] = (low, high)
        return found


def _inf(value: float) -> float:
    if value == INF:
        return highspy.kHighsInf
    if value == -INF:
        return -highspy.kHighsInf
    return value


def _optimum(model: highspy.Highs, sense: highspy.ObjSense, unbounded: float) -> float:
    model.changeObjectiveSense(sense)
    model.run()
    status = model.getModelStatus()
    if status == highspy.HighsModelStatus.kUnbounded:
        return unbounded
    if status != highspy.HighsModelStatus.kOptimal:
        raise ValueError(f"equations inconsistent: {model.modelStatusToString(status)}")
    return model.getInfo().objective_function_value
