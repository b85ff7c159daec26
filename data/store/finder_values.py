"""The finder's columns held in memory, one array each, to take a page's rows by position."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from data.store.finder_types import NUMBER, FinderColumn


class FinderValues:
    """Every residence's value of every finder column, from one read of the `finder` table
    (`arrays`: DuckDB's `fetchnumpy`, a NULL is a masked entry). Each column is kept as its
    plain values and the positions of its NULLs: taking a page from a masked array costs
    ten times more."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._values = {field: np.ma.getdata(array) for field, array in arrays.items()}
        self._nulls = {
            field: np.ma.getmaskarray(array)
            for field, array in arrays.items()
            if np.ma.is_masked(array)
        }
        self._position = {code: index for index, code in enumerate(arrays["residence_id"])}

    def rows(self, residence_ids: Sequence[str], columns: Sequence[FinderColumn]) -> list[dict]:
        """The rows of `residence_ids`, in that order: id, place, and each column's value
        (None for NULL) and, for a number, its status."""
        positions = np.fromiter(
            (self._position[code] for code in residence_ids), dtype=np.intp, count=-1
        )
        fields = ["residence_id", "lon", "lat"]
        for column in columns:
            fields.append(column.field)
            if column.kind == NUMBER:
                fields.append(f"{column.field}__status")
        values: list[list[Any]] = [self._column(field, positions) for field in fields]
        return [dict(zip(fields, row, strict=True)) for row in zip(*values, strict=True)]

    def _column(self, field: str, positions: np.ndarray) -> list[Any]:
        taken = self._values[field][positions].tolist()
        nulls = self._nulls.get(field)
        if nulls is not None:
            for index in np.flatnonzero(nulls[positions]).tolist():
                taken[index] = None
        return taken
