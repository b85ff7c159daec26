"""Breaches the red team's attack (`bench/attack.py`) found in what a signatory receives,
as regression tests of the demo warehouse read through the store (the map export's path).

Both are fixed: a zone whose count is hidden publishes none of its values of the theme;
a zone whose households its residences' published dwellings leave little room for
(a full IRIS: 123 households in residences of 34, 39 and 50 dwellings) is shown only to
who covers the residences it tells (`data.pipeline.perimeters`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.scope import AccessScope
from data.store.store import Store

THRESHOLD = 11
DWELLINGS, HOUSEHOLDS = "parc.dwellings", "occupation.households"
VACANT = "parc.vacant_dwellings"
# Ratios whose denominator is the zone's dwellings (every dwelling has a typology and a
# construction year): factor x k / D for an integer k wherever D is published; the mean
# age of the stock is a mean of whole years.
COUNT_RATIOS = {
    "parc.t1_share": 100.0,
    "parc.t2_share": 100.0,
    "parc.t3_share": 100.0,
    "parc.t4_share": 100.0,
    "parc.t5p_share": 100.0,
    "parc.built_before_1949_share": 100.0,
    "parc.built_1949_1974_share": 100.0,
    "parc.built_1975_1999_share": 100.0,
    "parc.built_2000_plus_share": 100.0,
    "parc.mean_age": 1.0,
}
EXPORT_DECIMALS = 6  # the map and zone exports print shares so
MEL = AccessScope("CONV-1", "MEL", "mel", frozenset({"parc", "occupation"}))
ROUBAIX = AccessScope(
    "CONV-2021-012",
    "Ville de Roubaix",
    "commune",
    frozenset({"parc", "occupation"}),
    communes=frozenset({"59512"}),
)


@pytest.fixture(scope="module")
def places(demo_warehouse: Path) -> pd.DataFrame:
    """Which residence lies in which zone: what the finder's zone filter tells anyone."""
    return pd.read_parquet(
        demo_warehouse / "residences.parquet",
        columns=["residence_id", "commune_code", "iris_code", "qpv_code"],
    )


def values(store: Store, scale: str, indicator: str, year: int, scope: AccessScope) -> dict:
    return {code: value for code, value, _ in store.map_values(scale, indicator, year, scope)}


def decimals(share: float) -> int:
    """The decimals a share is published with (the exports print at most six)."""
    written = repr(round(share, EXPORT_DECIMALS))
    return len(written.split(".")[1].rstrip("0")) if "." in written else 0


def denominators(ratios: list[tuple[float, float]], low: int, high: int) -> np.ndarray:
    """Every D in [low, high] for which each ratio (value, factor) rounds from factor x
    k / D, at the precision it is published with (rounded to fewer decimals still counts)."""
    candidates = np.arange(max(low, 1), high + 1, dtype=float)
    for value, factor in ratios:
        tolerance = 0.5 * 10.0 ** -max(decimals(value), 1) + 1e-9
        k = np.round(value * candidates / factor)
        candidates = candidates[np.abs(k * factor / candidates - value) <= tolerance]
    return candidates.astype(int)


def test_shares_do_not_pin_a_hidden_zone_count(store: Store, places: pd.DataFrame) -> None:
    pinned = []
    for year in store.manifest["vintages"]["rpls"]:
        residences = values(store, "residence", DWELLINGS, year, MEL)
        epci = sum(v for v in residences.values() if v is not None)
        parents = values(store, "commune", DWELLINGS, year, MEL)
        for scale, column in (("commune", "commune_code"), ("iris", "iris_code")):
            counts = values(store, scale, DWELLINGS, year, MEL)
            members = places.groupby(column)["residence_id"].apply(set)
            # what each zone holds at least: its published residences
            least = {
                code: count
                if count is not None
                else sum(residences.get(r) or 0.0 for r in members.get(code, ()))
                for code, count in counts.items()
            }
            # the rest of the zone's parent (the EPCI for a commune) after its siblings
            room: dict[str, float] = defaultdict(float)
            for code, low in least.items():
                room[code[:5] if scale == "iris" else ""] += low
            ratios = {r: values(store, scale, r, year, MEL) for r in COUNT_RATIOS}
            for code, count in counts.items():
                published = [
                    (round(v, EXPORT_DECIMALS), factor)
                    for r, factor in COUNT_RATIOS.items()
                    if (v := ratios[r].get(code)) is not None
                ]
                parent = parents.get(code[:5]) if scale == "iris" else epci
                if count is not None or not published or parent is None:
                    continue
                key = code[:5] if scale == "iris" else ""
                high = parent - room[key] + least[code]
                found = denominators(published, math.ceil(least[code]), math.floor(high))
                if len(found) and found[-1] - found[0] < THRESHOLD - 1:
                    pinned.append(f"{scale} {code} {year}: {found.tolist()}")
    assert not pinned, f"{len(pinned)} hidden zone counts pinned by their shares: {pinned[:5]}"


def test_full_zones_do_not_tell_households_outside_the_perimeter(
    store: Store, places: pd.DataFrame
) -> None:
    """As Roubaix: no commune or IRIS whose households come within T - 1 of its
    residences' published dwellings less their published vacant ones (a household lives
    in a let dwelling), with a residence outside the perimeter in it."""
    told = []
    rpls = store.manifest["vintages"]["rpls"]
    for year in store.manifest["vintages"]["ops"]:
        parc_year = min(rpls, key=lambda y: (abs(y - year), -y))
        dwellings = values(store, "residence", DWELLINGS, parc_year, ROUBAIX)
        vacant = values(store, "residence", VACANT, parc_year, ROUBAIX)
        occupied = {r: d - (vacant.get(r) or 0.0) for r, d in dwellings.items() if d is not None}
        households = dict(
            (code, status)
            for code, _, status in store.map_values("residence", HOUSEHOLDS, year, ROUBAIX)
        )
        for scale, column in (("commune", "commune_code"), ("iris", "iris_code")):
            totals = values(store, scale, HOUSEHOLDS, year, ROUBAIX)
            for code, inside in places.groupby(column)["residence_id"].apply(list).items():
                present = [r for r in inside if r in households]
                if totals.get(code) is None or not present:
                    continue
                if any(r not in occupied for r in present):
                    continue
                # every residence is within the zone's room (occupied dwellings minus
                # households)
                if sum(occupied[r] for r in present) - totals[code] >= THRESHOLD - 1:
                    continue
                outside = [r for r in present if households[r] == "restricted"]
                told += [f"{r} {year} <= {occupied[r]:g} ({scale} {code})" for r in outside]
    assert not told, f"{len(told)} households outside the perimeter narrowed: {told[:5]}"
