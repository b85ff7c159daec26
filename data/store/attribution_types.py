"""What the allocation-policy board reads from the store: plain dataclasses that layouts
import without DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.store.types import ZoneRef

# (value, status): status 'ok', 'secret', 'nd'; a count or share absent from the source
# is not in the mappings at all.
Published = tuple[float | None, str]


@dataclass(frozen=True)
class Threshold:
    """The first-quartile threshold of one year (€ per consumption unit per year)."""

    year: int
    q1: float
    median: float
    q3: float
    source: str


@dataclass(frozen=True)
class CommuneRow:
    """One line of the board's table of communes, for one year."""

    code: str
    name: str
    values: dict[str, Published]  # indicator id -> value
    counts: dict[str, Published]  # node of allocations -> count ('out:known', 'in:known')


@dataclass(frozen=True)
class AttributionBoard:
    """A zone's attributions, every year, as the convention may see them."""

    zone: ZoneRef
    years: tuple[int, ...]
    # indicator id -> year -> value
    series: dict[str, dict[int, Published]]
    # (year, measure, node) -> count; measure 'demandes' or 'attributions'
    counts: dict[tuple[int, str, str], Published]
    thresholds: dict[int, Threshold]
    communes: dict[int, tuple[CommuneRow, ...]] = field(default_factory=dict)
    landlords: dict[str, str] = field(default_factory=dict)  # SIREN -> name
    breakdowns: frozenset[str] = frozenset()  # optional ones the files give: 'landlord'…

    def value(self, indicator_id: str, year: int) -> Published | None:
        return self.series.get(indicator_id, {}).get(year)

    def count(self, year: int, measure: str, node: str) -> Published | None:
        return self.counts.get((year, measure, node))
