"""Every indicator against a tiny hand-made world whose answers were worked out by hand.

The world (Lambert-93 metres): EPCI 200000001 = commune A 59001 (x 0-2000, population
22 000, IRIS A1 590010001 on x 0-1000 which is also QPV QN059001M, IRIS A2 590010002 on
x 1000-2000) + commune B 59002 (x 2000-3000, population 2 200, one IRIS 590020000).
Secrecy threshold 1 here, so that nothing is hidden (secrecy is tested elsewhere).

RPLS 2024 (year of the vintage N = 2024):
  R1 = landlord 900000001, "1 RUE Haute", 59001, at (500, 500) -> IRIS A1, QPV
    d1 NBPIECE 1, built 1960, FINAN 50 PLUS, let, BAIL 2023, rent 300 / 30 m², DPE E
    d2 NBPIECE 3, built 1960, FINAN 49 PLAI, let, BAIL 2020, rent 400 / 50 m², DPE C
    d3 NBPIECE 5, built 1960, FINAN 52 PLS, vacant (MODE 2) since 08/2023, DPE unknown
    d4 NBPIECE ?, built ?,   FINAN 99 (unknown), let, BAIL 2023, no rent, DPE G
  R2 = landlord 900000002, "2 RUE Basse", 59001, at (1500, 500) -> IRIS A2
    d5 NBPIECE 2, built 2005, FINAN 53 PLI, let, BAIL 2019, rent 600 / 50 m², DPE A
    d6 NBPIECE 4, built 1940, FINAN 12 HLM/O, empty (MODE 3), DPE B
  R3 = landlord 900000001, "3 RUE Verte", 59002, at (2500, 500) -> IRIS 590020000
    d7 NBPIECE 2, built 1980, FINAN 50 PLUS, let, BAIL 2023, rent 500 / 50 m², DPE D
RPLS 2023: only d5 (so R2 is present from 2023).
OPS 2024: h1 -> d1, h2 -> d2, h3 -> d4, h4 -> d5, h5 -> no dwelling (left out).
Census 2021: 8 000 main residences in A; B is not in the file (population / 2.2).
LOCAT = the year built (unknown for d4).
"""

from __future__ import annotations

import pandas as pd
import pytest

from data.pipeline.residences import size_class, street_address
from data.sources.errors import SourceError
from data.vintages import link_years
from tests.support.world import DWELLINGS, EPCI, R1, R2, R3, build_world, residence_id


@pytest.fixture(scope="module")
def world():
    con, built = build_world(threshold=0)  # no secrecy: every hand-computed value is shown
    yield con, built
    con.close()


def value(con, scale: str, code: str, indicator: str, year: int = 2024):
    row = con.execute(
        "SELECT value, status FROM indicator_row WHERE scale = ? AND code = ? AND year = ? "
        "AND indicator_id = ?",
        [scale, code, year, indicator],
    ).fetchone()
    assert row is not None, (scale, code, indicator)
    return row[0] if row[1] == "ok" else row[1]


ID1, ID2, ID3 = (residence_id(s, d, n, v) for s, d, n, v, *_ in (R1, R2, R3))

# (scale, code, indicator, expected) worked out by hand from the module docstring.
PARC_EXPECTED = [
    ("residence", ID1, "parc.dwellings", 4),
    ("residence", ID1, "parc.t1_share", 100 / 3),  # d1 of d1,d2,d3 (d4 unknown)
    ("residence", ID1, "parc.t3_share", 100 / 3),
    ("residence", ID1, "parc.t5p_share", 100 / 3),
    ("residence", ID1, "parc.t2_share", 0.0),
    ("residence", ID1, "parc.mean_age", 64.0),  # 2024 - 1960, d4 unknown
    ("residence", ID1, "parc.built_1949_1974_share", 100.0),
    ("residence", ID1, "parc.plai_share", 100 / 3),  # FINAN 99 left out: 3 known
    ("residence", ID1, "parc.plus_share", 100 / 3),
    ("residence", ID1, "parc.pls_share", 100 / 3),
    ("residence", ID1, "parc.pli_share", 0.0),
    ("residence", ID1, "parc.rent_per_habitable_m2", 8.75),  # (300 + 400) / (30 + 50)
    ("residence", ID1, "parc.vacancy_rate_offered", 25.0),  # d3 of 4 offered
    ("residence", ID1, "parc.vacancy_over_3_months_rate", 25.0),  # d3 vacant since 08/2023
    ("residence", ID1, "parc.move_in_rate", 100 / 3),  # d1 of d1, d2, d3 (d4: LOCAT unknown)
    ("residence", ID1, "parc.dpe_efg_share", 200 / 3),  # E, G of E, C, G
    ("residence", ID1, "parc.dpe_c_share", 100 / 3),
    ("residence", ID2, "parc.dwellings", 2),
    ("residence", ID2, "parc.mean_age", 51.5),  # (19 + 84) / 2
    ("residence", ID2, "parc.built_before_1949_share", 50.0),
    ("residence", ID2, "parc.built_2000_plus_share", 50.0),
    ("residence", ID2, "parc.pli_share", 50.0),
    ("residence", ID2, "parc.before_1977_financing_share", 50.0),
    ("residence", ID2, "parc.rent_per_habitable_m2", 12.0),
    ("residence", ID2, "parc.vacancy_rate_offered", 0.0),  # MODE 3 is outside the base
    ("residence", ID2, "parc.move_in_rate", 0.0),
    ("residence", ID2, "parc.dpe_efg_share", 0.0),
    ("residence", ID2, "parc.dwellings", 1, 2023),
    ("commune", "59001", "parc.dwellings", 6),
    ("commune", "59001", "parc.t1_share", 20.0),  # d1 of 5 known
    ("commune", "59001", "parc.t2_share", 20.0),
    ("commune", "59001", "parc.mean_age", 59.0),  # (3*64 + 19 + 84) / 5
    ("commune", "59001", "parc.rent_per_habitable_m2", 10.0),  # 1300 / 130
    ("commune", "59001", "parc.vacancy_rate_offered", 20.0),  # d3 of 5 (d6 MODE 3 out)
    ("commune", "59001", "parc.move_in_rate", 25.0),  # d1 of d1, d2, d3, d5
    ("commune", "59001", "parc.qpv_share", 200 / 3),  # R1's 4 of 6
    ("commune", "59001", "parc.social_share", 0.075),  # 6 / 8000 census main residences
    ("commune", "59001", "parc.dwellings", 1, 2023),
    ("commune", "59002", "parc.dwellings", 1),
    ("commune", "59002", "parc.dwellings", 0, 2023),  # no dwelling yet: 0, not nd
    ("commune", "59002", "parc.rent_per_habitable_m2", "nd", 2023),
    ("commune", "59002", "parc.social_share", 0.1),  # not in the census: 1 / (2200 / 2.2)
    ("commune", "59002", "parc.move_in_rate", 100.0),
    ("epci", EPCI, "parc.dwellings", 7),
    ("epci", EPCI, "parc.social_share", 7 / 9000 * 100),  # 8000 + 1000 main residences
    ("epci", EPCI, "parc.qpv_share", 400 / 7),
    ("epci", EPCI, "parc.dpe_efg_share", 200 / 6),  # E, G of 6 diagnosed
    ("iris", "590010001", "parc.dwellings", 4),
    ("iris", "590010002", "parc.rent_per_habitable_m2", 12.0),
    ("qpv", "QN059001M", "parc.dwellings", 4),
    ("qpv", "QN059001M", "parc.vacancy_rate_offered", 25.0),
]

OCCUPATION_EXPECTED = [
    ("residence", ID1, "occupation.households", 3),
    ("residence", ID1, "occupation.single_person", 100 / 3),
    ("residence", ID1, "occupation.single_parent", 100 / 3),
    ("residence", ID1, "occupation.large_family", 100 / 3),  # h2 has 3 children
    ("residence", ID1, "occupation.holder_over_65", 100 / 3),  # 70 yes, 40 and 64 no
    ("residence", ID1, "occupation.income_below_20", 50.0),  # band 9 left out: h1, h2
    ("residence", ID1, "occupation.income_below_40", 50.0),
    ("residence", ID1, "occupation.income_below_60", 100.0),
    ("residence", ID1, "occupation.income_40_60", 50.0),
    ("residence", ID1, "occupation.apl_share", 50.0),  # h3 unknown
    ("residence", ID1, "occupation.adults_employed", 50.0),  # (0+1+1) / (1+1+2)
    ("residence", ID1, "occupation.newcomers", 200 / 3),  # 2023, 2022 >= 2022
    ("residence", ID2, "occupation.households", 1),
    ("residence", ID2, "occupation.holder_over_65", 100.0),  # 65 counts
    ("residence", ID2, "occupation.income_over_100", 100.0),
    ("residence", ID2, "occupation.newcomers", 0.0),  # 2021 < 2022
    ("residence", ID3, "occupation.households", 0),
    ("commune", "59001", "occupation.households", 4),  # h5 matches no dwelling
    ("commune", "59001", "occupation.single_person", 25.0),
    ("commune", "59001", "occupation.holder_over_65", 50.0),
    ("commune", "59001", "occupation.income_below_20", 100 / 3),
    ("commune", "59001", "occupation.income_60_100", 0.0),
    ("commune", "59001", "occupation.apl_share", 200 / 3),
    ("commune", "59001", "occupation.adults_employed", 400 / 6),
    ("commune", "59001", "occupation.newcomers", 50.0),
    ("commune", "59002", "occupation.households", 0),
    ("commune", "59002", "occupation.apl_share", "nd"),
    ("qpv", "QN059001M", "occupation.households", 3),
    ("epci", EPCI, "occupation.large_family", 25.0),
]


@pytest.mark.parametrize("case", PARC_EXPECTED + OCCUPATION_EXPECTED, ids=repr)
def test_indicator_matches_hand_computed_value(world, case):
    con, _ = world
    scale, code, indicator, expected, *year = case
    got = value(con, scale, code, indicator, *year)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got == pytest.approx(expected)


def test_every_catalogue_indicator_has_a_row_per_zone_and_vintage(world):
    con, _ = world
    from data.catalog import CATALOG

    rows = dict(
        con.execute(
            "SELECT indicator_id, count(*) FROM indicator_row WHERE scale <> 'residence' GROUP BY 1"
        ).fetchall()
    )
    zones_per_scale = {"epci": 1, "commune": 2, "iris": 3, "qpv": 1, "dep": 0, "reg": 0}
    # the world has no SNE file: attributions are tested in test_attributions_pipeline.py
    for indicator in CATALOG.values():
        if indicator.theme in ("diagnostic", "attributions"):
            continue  # tests/test_fragility_pipeline.py, tests/test_attributions_pipeline.py
        years = 2 if indicator.theme == "parc" else 1
        expected = years * sum(zones_per_scale[s] for s in indicator.scales if s != "residence")
        assert rows.get(indicator.id, 0) == expected, indicator.id
    duplicates = con.execute(
        "SELECT count(*) FROM (SELECT scale, code, year, indicator_id FROM indicator_row "
        "GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    assert duplicates == 0


def test_residence_rows_exist_only_in_vintages_where_present(world):
    con, _ = world
    years = con.execute(
        "SELECT code, list(DISTINCT year ORDER BY year) FROM indicator_row "
        "WHERE scale = 'residence' AND theme = 'parc' GROUP BY code"
    ).fetchall()
    assert dict(years) == {ID1: [2024], ID2: [2023, 2024], ID3: [2024]}


def test_unmatched_households_are_counted(world):
    _, built = world
    assert built.counts["ops_unmatched"] == 1
    assert built.counts["rpls_in_epci"] == 8


def test_communes_missing_from_the_census_are_estimated_and_listed(world):
    _, built = world
    assert built.estimated_main_residences == ["59002"]


def test_residence_table(world):
    _, built = world
    table = built.residences.set_index("residence_id")
    assert table.loc[ID1, "iris_code"] == "590010001"
    assert table.loc[ID1, "qpv_code"] == "QN059001M"
    assert pd.isna(table.loc[ID2, "qpv_code"])
    assert table.loc[ID2, "first_year"] == 2023 and table.loc[ID2, "last_year"] == 2024
    assert table.loc[ID1, "address"] == "1 rue Haute, 59000 Alpha"
    assert table.loc[ID1, "name"] == "1 rue Haute, 59000 Alpha"
    assert table.loc[ID1, "size_class"] == "<11"
    assert table.loc[ID1, "parc__rent_per_habitable_m2"] == pytest.approx(8.75)
    assert table.loc[ID1, "n_dwellings"] == 4  # threshold 1: nothing is secret
    assert table.loc[ID1, "lon"] == pytest.approx(table.loc[ID1, "lon"])
    assert "parc__social_share" not in table.columns


def test_link_years_prefers_same_year_then_nearest_later():
    assert link_years([2018, 2020, 2024], range(2019, 2025)) == {2018: 2019, 2020: 2020, 2024: 2024}
    assert link_years([2021], [2020, 2022]) == {2021: 2022}
    assert link_years([2020], []) == {}


@pytest.mark.parametrize(
    ("n", "label"),
    [
        (1, "<11"),
        (10, "<11"),
        (11, "11-49"),
        (49, "11-49"),
        (50, "50-199"),
        (199, "50-199"),
        (200, "200+"),
    ],
)
def test_size_class(n, label):
    assert size_class(n) == label


def test_street_address_expands_codes():
    row = pd.Series(
        {
            "numvoie": "12",
            "indrep": "B",
            "typvoie": "RUE",
            "nomvoie": "Jean Lebas",
            "codepostal": "59100",
            "libcom": "Roubaix",
        }
    )
    assert street_address(row) == "12 bis rue Jean Lebas, 59100 Roubaix"
    row = pd.Series(
        {
            "numvoie": None,
            "indrep": None,
            "typvoie": "AV",
            "nomvoie": "Kennedy",
            "codepostal": "59000",
            "libcom": "Lille",
        }
    )
    assert street_address(row) == "avenue Kennedy, 59000 Lille"


def test_no_dwelling_in_the_epci_is_a_data_error():
    outside = [{**DWELLINGS[0], "depcom": "62001"}]
    with pytest.raises(SourceError, match="aucun logement dans les communes"):
        build_world(threshold=11, dwellings=outside, households=[])
