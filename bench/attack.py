"""Red team: recover hidden values from what a signatory's browser receives.

    python -m bench.attack [--base http://127.0.0.1:8091] [--user EMAIL ...]
                           [--truth DIR] [--years 2024 ...]

For each user (default: a commune and a landlord of the demo), logs in through the login
form, harvests every value the portal serves over HTTP (`bench/attack_harvest.py`), prints
how many it read per endpoint, then writes the equations a user can write
(`bench/attack_equations.py`) and bounds every hidden count with HiGHS. A hidden count is
breached when it comes out exact or narrower than the threshold allows (integer bounds
`high - low < threshold - 1`, the auditor's own test). It also checks the perimeter (no
residence's occupation outside the user's commune or landlord) and that one cell reads
the same in every export.

`--truth` names a warehouse built from the same raw files with `--threshold 1` (nothing
hidden): it is read only to confirm a breach and to drop cells that hold no value (a
residence not yet built in a vintage); without it, breaches are printed unconfirmed.
Exit status 1 when any confirmed breach is found.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.attack_board import BoardHarvester, board_bounds
from bench.attack_equations import DWELLINGS, HOUSEHOLDS, Bound, Equations
from bench.attack_harvest import OUTSIDE, Harvest, Harvester

USERS = ("roubaix@atlas-demo.fr", "vilogia@atlas-demo.fr")
EPCI = "200093201"  # the MEL: the board's EPCI


@dataclass(frozen=True)
class Breach:
    user: str
    bound: Bound
    truth: float | None
    kind: str

    def line(self) -> str:
        b = self.bound
        span = f"{b.low:g}" if b.high - b.low < 1e-6 else f"[{b.low:g}, {b.high:g}]"
        truth = "?" if self.truth is None else f"{self.truth:g}"
        return f"  {self.kind:<10} {b.cell:<52} = {span:<14} (vrai {truth}) — {b.how}"


def truth_table(directory: Path | None) -> dict[str, float] | None:
    """Every count of the unprotected build, and each occupation share's households."""
    if directory is None:
        return None
    frame = pd.read_parquet(
        directory / "indicators.parquet",
        columns=["scale", "code", "year", "indicator_id", "value"],
        filters=[("theme", "in", ["parc", "occupation"])],
    ).dropna(subset=["value"])
    frame["code"] = frame["code"].where(frame["scale"] != "epci", "epci")
    place = frame["scale"] + ":" + frame["code"]
    frame["cell"] = frame["indicator_id"] + "|" + frame["year"].astype(str) + "|" + place
    counts = frame[frame["indicator_id"].isin([DWELLINGS, HOUSEHOLDS])]
    truth = dict(zip(counts["cell"], counts["value"], strict=True))
    households = frame[frame["indicator_id"] == HOUSEHOLDS].set_index(["scale", "code", "year"])
    shares = frame[frame["indicator_id"].str.startswith("occupation.")].join(
        households["value"].rename("households"), on=["scale", "code", "year"]
    )
    shares = shares.dropna(subset=["households"])
    numerators = (shares["value"] * shares["households"] / 100).round()
    truth.update(zip("n:" + shares["cell"], numerators, strict=True))
    return truth


def perimeter_of(harvest: Harvest) -> set[str]:
    """The residences of the user's perimeter: those of the one commune (or landlord)
    every residence whose occupation the user reads belongs to."""
    rows = {r["Identifiant"]: r for r in harvest.finder}
    seen = [
        rows[code]
        for (scale, code, indicator, _), v in harvest.values.items()
        if scale == "residence"
        and indicator == HOUSEHOLDS
        and isinstance(v, float)
        and code in rows
    ]
    for column in ("Commune", "Bailleur"):
        names = {r[column] for r in seen}
        if len(names) == 1:
            return {rid for rid, r in rows.items() if r[column] in names}
    return set()


def bounds_of(equations: Equations, years: list[int] | None) -> list[Bound]:
    found: list[Bound] = []
    dwellings: dict[str, tuple[float, float]] = {}
    for year in equations.h.years["parc"]:
        if years and year not in years:
            continue
        bounds, how = equations.parc_bounds(year)
        dwellings.update(bounds)
        found += [Bound(c, lo, hi, how[c]) for c, (lo, hi) in bounds.items()]
    for year in equations.h.years["occupation"]:
        if years and equations.rpls_year(year) not in years:
            continue
        bounds, how = equations.occupation_bounds(year, dwellings)
        found += [Bound(c, lo, hi, how[c]) for c, (lo, hi) in bounds.items()]
        shares = equations.share_bounds(year, perimeter_of(equations.h))
        found += [Bound(c, lo, hi, "parts × ménages, emboîtées") for c, (lo, hi) in shares.items()]
    return found


def breaches(
    user: str, harvest: Harvest, found: list[Bound], truth: dict[str, float] | None, limit: int
) -> list[Breach]:
    out = []
    for bound in found:
        if bound.width >= limit:
            continue
        indicator, year, place = bound.cell.split("|")
        scale, code = place.split(":", 1)
        real = None if truth is None else truth.get(bound.cell)
        if truth is not None and (real is None or (real == 0 and bound.high < 0.5)):
            continue  # no value there (a residence outside its years): nothing hidden
        status = harvest.values.get((scale, code, indicator, int(year)))
        kind = "hors-périm" if status == OUTSIDE else "secret"
        out.append(Breach(user, bound, real, f"{'exact' if bound.width == 0 else 'étroit'}/{kind}"))
    return out


def perimeter_leaks(harvest: Harvest) -> list[str]:
    """Residences whose occupation this user reads: they should share one commune (a
    commune's convention) or one landlord (a landlord's)."""
    seen = {
        code
        for (scale, code, indicator, _), v in harvest.values.items()
        if scale == "residence" and indicator.startswith("occupation.") and isinstance(v, float)
    }
    rows = [r for r in harvest.finder if r["Identifiant"] in seen]
    communes = Counter(r["Commune"] for r in rows)
    landlords = Counter(r["Bailleur"] for r in rows)
    if len(communes) <= 1 or len(landlords) <= 1:
        return []
    return [f"  occupation lue pour {len(rows)} résidences de {dict(communes)} / {dict(landlords)}"]


def finder_mismatches(harvest: Harvest) -> list[str]:
    """A residence's latest dwellings that one export hides and the other shows (a value
    of an earlier vintage in the finder, for a residence gone since, is not a leak)."""
    year = max(harvest.years["parc"])
    out = []
    for row in harvest.finder:
        shown = row.get("Logements sociaux (logements)", "")
        mapped = harvest.values.get(("residence", row["Identifiant"], DWELLINGS, year))
        if (shown == "s") != (mapped == "s") and mapped is not None:
            out.append(f"  {row['Identifiant']}: recherche {shown!r}, carte {mapped!r}")
    return out


def board_breaches(harvester: Harvester, limit: int) -> list[str]:
    """The allocations board's secret cells narrowed below the threshold (for a user
    granted the theme; unconfirmed: the truth of the board's cells is not read)."""
    harvest = harvester.harvest
    if not any(k[2].startswith("attributions.") for k in harvest.values):
        return []
    years = harvest.years["attributions"]
    board = BoardHarvester(harvester).run(EPCI, years)
    bounds = board_bounds(board, years)
    secret = sum(1 for v in board.cells.values() if v == "s")
    print(
        f"  tableau des attributions : {len(board.cells)} cellules, {secret} secrètes, "
        f"{len(bounds)} bornées"
    )
    return [
        f"  étroit/attributions {'|'.join(cell)} = [{low:g}, {high:g}]"
        for cell, (low, high) in bounds.items()
        if math.floor(high + 1e-6) - math.ceil(low - 1e-6) < limit
    ]


def attack(base: str, user: str, truth: dict[str, float] | None, years, limit: int) -> int:
    started = time.perf_counter()
    harvester = Harvester(base, user)
    harvest = harvester.run()
    print(f"\n== {user}: récolte en {time.perf_counter() - started:.1f} s")
    for family in sorted(harvest.requests):
        requests, cells = harvest.requests[family], harvest.cells[family]
        print(f"  {family:<20} {requests:>6} requêtes {cells:>8} valeurs")
    kinds = Counter(
        (
            k[2].split(".")[0],
            "secret" if v == "s" else "hors périmètre" if v == OUTSIDE else "publié",
        )
        for k, v in harvest.values.items()
        if isinstance(v, float | str)
    )
    print(
        "  cellules distinctes : "
        + ", ".join(f"{t}/{s} {n}" for (t, s), n in sorted(kinds.items()))
    )
    equations = Equations(harvest, threshold=limit + 1)
    print(
        f"  parts de dénominateur connu : {len(equations.share_of_count[DWELLINGS])} (parc), "
        f"{len(equations.share_of_count[HOUSEHOLDS])} (occupation); "
        f"ménages ≤ logements vérifié : {equations.households_within_dwellings}, "
        f"≤ logements non vacants : {equations.households_within_occupied}"
    )
    started = time.perf_counter()
    found = bounds_of(equations, years)
    print(f"  {len(found)} cellules cachées bornées en {time.perf_counter() - started:.1f} s")
    found_breaches = breaches(user, harvest, found, truth, limit)
    others = board_breaches(harvester, limit)
    others += perimeter_leaks(harvest) + finder_mismatches(harvest)
    others += [f"  {k}: {a!r} != {b!r} ({f})" for k, a, b, f in harvest.conflicts]
    print(f"  brèches : {len(found_breaches) or 'aucune'}")
    by_how = Counter((b.kind, b.bound.how) for b in found_breaches)
    for (kind, how), n in sorted(by_how.items()):
        print(f"    {n:>4} {kind} par {how}")
    for breach in found_breaches:
        print(breach.line())
    print(f"  tableau des attributions, périmètre, incohérences : {len(others) or 'aucune'}")
    for line in others[:50]:
        print(line)
    return len(found_breaches) + len(others)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8091")
    parser.add_argument("--user", action="append", dest="users")
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--years", type=int, nargs="*")
    parser.add_argument("--threshold", type=int, default=11)
    args = parser.parse_args(argv)
    truth = truth_table(args.truth)
    total = 0
    for user in args.users or USERS:
        total += attack(args.base, user, truth, args.years, args.threshold - 1)
    print(f"\nbrèches et incohérences : {total or 'aucune'}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
