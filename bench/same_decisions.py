"""Do two warehouses publish exactly the same values and secrecy decisions?

    python -m bench.same_decisions BEFORE_DIR AFTER_DIR

Compares, row for row, every value and status of `indicators.parquet`,
`attributions.parquet` and `residences.parquet` (every column, the secret flag and the
size classes among them), after sorting each by its key. Prints one line per table and
exits with status 1 when any differs: a change of speed of the secrecy steps must leave
all three equal. Null or not must match exactly; floating values may differ in their last
bits only (`RELATIVE_ROUNDING`): DuckDB's parallel sums add in any order, so two builds of
the same code differ so (a mean rent per m², a centroid).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

RELATIVE_ROUNDING = 1e-9

KEYS = {
    "indicators": ["scale", "code", "year", "indicator_id"],
    "attributions": ["scale", "code", "year", "measure", "node"],
    "residences": ["residence_id"],
}


def read_sorted(directory: Path, table: str) -> pd.DataFrame:
    frame = pd.read_parquet(directory / f"{table}.parquet")
    return frame.sort_values(KEYS[table], ignore_index=True)


def differences(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """What differs between two sorted tables: columns, rows, or cells per column."""
    if list(before.columns) != list(after.columns):
        return [f"columns {list(before.columns)} != {list(after.columns)}"]
    if len(before) != len(after):
        return [f"{len(before)} rows != {len(after)} rows"]
    found = []
    for column in before.columns:
        was, now = before[column], after[column]
        if column == "hidden_from":  # lists of perimeters
            was, now = was.map(_as_tuple), now.map(_as_tuple)
        both_null = was.isna() & now.isna()
        same = both_null | (was == now).fillna(False).astype(bool)
        if pd.api.types.is_float_dtype(was) and pd.api.types.is_float_dtype(now):
            close = np.isclose(was, now, rtol=RELATIVE_ROUNDING, atol=0.0)
            rounded = ~same & close
            if rounded.any():
                print(f"  {column}: {int(rounded.sum())} rows differ by rounding only")
            same |= close
        if not same.all():
            found.append(f"{column}: {int((~same).sum())} rows differ")
    return found


def _as_tuple(value) -> tuple | None:
    return None if value is None else tuple(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    failed = False
    for table in KEYS:
        before, after = read_sorted(args.before, table), read_sorted(args.after, table)
        found = differences(before, after)
        failed |= bool(found)
        verdict = "; ".join(found) if found else "equal"
        print(f"{table}: {len(before)} rows before, {len(after)} after: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
