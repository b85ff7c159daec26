"""Which vintage of one source goes with a vintage of another: shared by the pipeline,
which joins them, and the store, which reads them back (without loading the pipeline)."""

from __future__ import annotations

from collections.abc import Iterable


def link_years(ops_years: Iterable[int], rpls_years: Iterable[int]) -> dict[int, int]:
    """The RPLS vintage each OPS survey year is linked to: the same year, else the
    nearest one (the later one on a tie)."""
    rpls = sorted(rpls_years)
    return (
        {year: min(rpls, key=lambda r: (abs(r - year), -r)) for year in ops_years} if rpls else {}
    )
