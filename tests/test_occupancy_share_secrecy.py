"""Secrecy of the shares that describe how dwellings are occupied (vacancy, vacancy over
three months, move-in): audited as dwellings, with the commune and EPCI values public
(the SDES publishes them), and the count of vacant dwellings hidden with the vacancy rate
of its residence."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from data.pipeline import shares as shares_module
from data.pipeline.disclosure import Discloser
from data.pipeline.proof import DisclosureError
from data.pipeline.secrecy import Cell
from data.pipeline.shares import OCCUPANCY_SHARES, ShareDiscloser
from tests.support.world import IRIS, build_world, dwelling
from tests.test_share_secrecy import assert_no_narrow_value, sums_of, worlds

T = 11
VACANCY = "parc.vacancy_rate_offered"
KEY = ("parc", 2024, VACANCY)
CELLS = [
    Cell("A", 20, "E", "C", "I", None),
    Cell("B", 15, "E", "C", "I", None),
    Cell("S", 5, "E", "C", "I", None),  # secret: fewer than T dwellings
    Cell("D", 30, "E", "C", "J", None),
    Cell("F", 25, "E", "C", "J", None),
]


def protect(numerators: dict[str, int], cells=CELLS, threshold=T) -> ShareDiscloser:
    discloser = Discloser({"parc": {2024: cells}, "occupation": {}}, {}, threshold)
    decision = discloser.run()
    shares = ShareDiscloser(discloser, decision, {KEY: sums_of(cells, numerators)}, threshold)
    shares.run()
    return shares


def test_a_commune_without_vacancy_keeps_its_public_rate() -> None:
    """0 % in the commune: none of its residences has a vacant dwelling, secret ones
    included. The SDES publishes that rate; it stays, and so does what it implies."""
    shares = protect({"A": 0, "B": 0, "S": 0, "D": 0, "F": 0})
    published = shares.audited[KEY].published
    assert {"commune:C", "epci:E", "iris:I", "iris:J"} <= published
    assert "residence:S" in shares.publicly_known(KEY)
    assert shares.report.public > 0 and shares.report.complementary == 0


def test_an_iris_without_vacancy_in_a_commune_with_some_is_protected() -> None:
    """IRIS I at 0 % would tell that the secret residence S has no vacant dwelling, which
    the public commune rate does not: more is hidden, and S keeps a range."""
    shares = protect({"A": 0, "B": 0, "S": 0, "D": 3, "F": 2})
    assert "residence:S" not in shares.publicly_known(KEY)
    assert "commune:C" in shares.audited[KEY].published  # public: never hidden
    assert shares.report.complementary > 0
    assert_no_narrow_value(shares, KEY)


def test_a_public_commune_opens_the_zones_that_hold_its_vacancy_deeper() -> None:
    """The Nord's case (commune 59271, vacancy over three months, 2023): the commune's
    hidden residences S0 and F have no vacant dwelling, its public rate is not 0 %, and
    its one vacant dwelling lies in the secret S1, in IRIS I inside QPV Q: no residence
    of the commune's own group nor right inside it brings a vacant dwelling. Q and I are
    hidden together, so that S1 joins the commune's group."""
    cells = [
        Cell("A", 20, "E", "C", "I", "Q"),
        Cell("B", 15, "E", "C", "I", "Q"),
        Cell("S1", 5, "E", "C", "I", "Q"),
        Cell("S0", 5, "E", "C", None, None),
        Cell("D", 30, "E", "C", None, None),
        Cell("F", 25, "E", "C", None, None),
    ]
    shares = protect({"A": 0, "B": 0, "S1": 1, "S0": 0, "D": 0, "F": 0}, cells)
    published = shares.audited[KEY].published
    assert "commune:C" in published
    assert {"qpv:Q", "iris:I"}.isdisjoint(published)
    assert {"residence:A", "residence:D"} <= published
    assert_no_narrow_value(shares, KEY, shares.publicly_known(KEY))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds())
def test_after_protection_only_public_values_pin_a_hidden_occupancy_share(world) -> None:
    cells, numerators = world
    shares = protect(numerators, cells, threshold=5)
    assert {c for c in shares.public_cells(KEY)} <= shares.audited[KEY].published
    hidden = [
        c for c in shares.shapes[KEY[:2]].residences if c not in shares.audited[KEY].published
    ]
    if len(hidden) <= 5:
        assert_no_narrow_value(shares, KEY, shares.publicly_known(KEY))


def _vacancy_world() -> list[dict]:
    """IRIS 590010001: 30 and 25 dwellings and the secret S (5), none vacant; IRIS
    590010002: B (40, two vacant). The IRIS at 0 % would tell that S has no vacant
    dwelling, which the commune's rate does not: B's vacancy is what protects S."""
    rows = []
    for iris, number, count, vacant in (
        ("590010001", "1", 30, 0),
        ("590010001", "2", 25, 0),
        ("590010001", "3", 5, 0),
        ("590010002", "4", 40, 2),
    ):
        commune, x0, _ = IRIS[iris]
        key = (
            "900000001",
            commune,
            number,
            f"Rue {iris}",
            iris,
            (x0 + 100 + 50 * int(number), 500),
        )
        for index in range(count):
            mode = "2" if index < vacant else "1"
            bail = None if mode == "2" else 2020
            rows.append(
                dwelling(2024, f"{iris}-{number}-{index}", *key, 3, 1970, "50", mode, bail,
                         400.0, 60.0, "D")
            )  # fmt: skip
    return rows


def _residence_statuses(con, indicator_id: str) -> dict[float, str]:
    """The status of `indicator_id` per residence, by the residence's dwelling count."""
    return dict(
        con.execute(
            """
            SELECT d.value, v.status FROM indicator_row d JOIN indicator_row v
              ON v.scale = d.scale AND v.code = d.code AND v.year = d.year
            WHERE d.scale = 'residence' AND d.indicator_id = 'parc.dwellings'
              AND v.indicator_id = ? AND d.status = 'ok'
            """,
            [indicator_id],
        ).fetchall()
    )


def test_the_count_of_vacant_dwellings_is_hidden_with_the_vacancy_rate() -> None:
    con, _ = build_world(T, _vacancy_world(), [])
    try:
        assert VACANCY in OCCUPANCY_SHARES
        assert _residence_statuses(con, VACANCY)[40.0] == "secret"  # B protects S
        assert _residence_statuses(con, "parc.vacant_dwellings")[40.0] == "secret"
        assert _residence_statuses(con, "parc.vacant_dwellings")[30.0] == "ok"
    finally:
        con.close()


def test_a_count_published_beside_its_hidden_share_stops_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shares_module, "NUMERATOR_COUNTS", {})
    with pytest.raises(DisclosureError, match="numérateur"):
        build_world(T, _vacancy_world(), [])
