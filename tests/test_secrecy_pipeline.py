"""Secrecy through the whole pipeline: generated dwellings and households in the tiny world
of `test_pipeline_indicators`, built with DuckDB, audited on the indicator rows."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.pipeline.secrecy import Cell, Disclosure
from tests.support.secrecy import violations
from tests.support.world import EPCI, IRIS, build_world, residence_id, rows_of

THRESHOLD = 11


@st.composite
def worlds(draw) -> list[tuple[str, str, str, int, int]]:
    """Residences as (iris, numvoie, landlord, dwellings, households)."""
    residences = []
    for iris in IRIS:
        for number in range(draw(st.integers(0, 4))):
            dwellings = draw(st.one_of(st.integers(1, 12), st.integers(1, 40)))
            households = draw(st.integers(0, dwellings))
            landlord = draw(st.sampled_from(["900000001", "900000002"]))
            residences.append((iris, str(number + 1), landlord, dwellings, households))
    return residences


def cells_of(residences, theme: str) -> list[Cell]:
    cells = []
    for iris, number, landlord, n_dwellings, n_households in residences:
        commune, _, in_qpv = IRIS[iris]
        rid = residence_id(landlord, commune, number, f"Rue {iris}")
        count = n_dwellings if theme == "parc" else n_households
        cells.append(Cell(rid, count, EPCI, commune, iris, "QN059001M" if in_qpv else None))
    return cells


def disclosure(con, indicator_id: str) -> Disclosure:
    rows = con.execute(
        "SELECT scale, code FROM indicator_row WHERE indicator_id = ? AND status = 'secret'",
        [indicator_id],
    ).fetchall()
    return Disclosure(
        frozenset(code for scale, code in rows if scale == "residence"),
        frozenset((scale, code) for scale, code in rows if scale != "residence"),
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(residences=worlds())
def test_built_indicators_respect_secrecy_for_dwellings_and_households(residences):
    dwellings, households = rows_of(residences)
    if not dwellings:
        return
    con, built = build_world(THRESHOLD, dwellings, households)
    try:
        parc = disclosure(con, "parc.dwellings")
        occupation = disclosure(con, "occupation.households")
        assert violations(cells_of(residences, "parc"), parc, THRESHOLD) == []
        assert violations(cells_of(residences, "occupation"), occupation, THRESHOLD) == []
        assert parc.hidden_residences <= occupation.hidden_residences
        leaked = con.execute(
            "SELECT count(*) FROM indicator_row "
            "WHERE status NOT IN ('ok', 'perimeter') AND value IS NOT NULL"
        ).fetchone()[0]
        assert leaked == 0
        table = built.residences
        secret = table[table["secret"]]
        assert set(secret["residence_id"]) == set(parc.hidden_residences)
        values = [c for c in table.columns if c.startswith("parc__")] + ["n_dwellings"]
        assert secret[values].isna().all().all()
    finally:
        con.close()
