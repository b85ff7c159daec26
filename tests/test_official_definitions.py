"""Reconciliation with the official definitions (SDES, "Le parc locatif social au 1er
janvier N"): a small RPLS file in the real format whose published figures are worked out
by hand, read by the real reader and built by the real pipeline.

Commune 59999 (population 500; census 2021: 40 main residences), RPLS 2024, one landlord:

    dwelling MODE LOCAT BAIL     REMLOCDATE LOYERPRINC SURFHAB SURFMODE
    d01      1    2000  03/2023  -          350        70      75     move in 2023
    d02      1    2000  06/2015  -          300        60      62
    d03      1    2000  11/2023  -          250        50      50     move in 2023
    d04      1    2023  09/2023  -          480        80      85     first let 2023
    d05      1    2010  12/2022  -          9999       45      45     rent n/a
    d06      2    2000  -        10/2023    320        64      64     vacant 3 months
    d07      2    2000  -        08/2023    280        56      56     vacant 5 months
    d08      2    2023  -        02/2023    300        60      60     vacant 11 months
    d09      3    1990  -        -          9999       70      70     empty for works
    d10      4    1990  -        -          9999       40      40     association

- vacancy: vacant (d06, d07, d08) / offered for rent, MODE 1 or 2 (d01-d08) = 3 / 8
- vacancy of more than three months: d07, d08 (d06 is exactly 3 months) / 8 = 2 / 8
- mobility: offered for rent for at least a year (LOCAT before 2023: d01, d02, d03, d05,
  d06, d07) = 6; moves in 2023 among them: d01, d03 = 2 / 6
- rent per m²: let with a rent (d01-d04): (350 + 300 + 250 + 480) / (70 + 60 + 50 + 80)
  = 1380 / 260 (a mean of ratios would give 5.25, the SURFMODE 1380 / 272 = 5.07)
- social housing share: 10 dwellings / 40 main residences = 25 %
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import geopandas as gpd
import pytest
import shapely

from data.pipeline.build import Clock, RawInputs, assemble, create_empty_table
from data.sources import census, rpls

L93 = 2154
HEADER = (
    "IDENT_INT;DEPCOM;LIBCOM;CODEPOSTAL;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;PLG_IRIS;QPV;X;Y;"
    "TYPECONST;NBPIECE;SURFHAB;CONSTRUCT;LOCAT;ORIGINE;FINAN;FINANAUTRE;CONV;MODE;BAIL;"
    "REMLOCDATE;LOYERPRINC;MODESURF;SURFMODE;DPEENERGIE;DPESERRE;NOMPROG;SIREN_BAILLEUR;"
    "RS_BAILLEUR"
)
# (ident, MODE, LOCAT, BAIL, REMLOCDATE, LOYERPRINC, SURFHAB, SURFMODE)
DWELLINGS = [
    ("d01", "1", "2000", "03/2023", "", "350", "70", "75"),
    ("d02", "1", "2000", "06/2015", "", "300", "60", "62"),
    ("d03", "1", "2000", "11/2023", "", "250", "50", "50"),
    ("d04", "1", "2023", "09/2023", "", "480", "80", "85"),
    ("d05", "1", "2010", "12/2022", "", "9999", "45", "45"),
    ("d06", "2", "2000", "", "10/2023", "320", "64", "64"),
    ("d07", "2", "2000", "", "08/2023", "280", "56", "56"),
    ("d08", "2", "2023", "", "02/2023", "300", "60", "60"),
    ("d09", "3", "1990", "", "", "9999", "70", "70"),
    ("d10", "4", "1990", "", "", "9999", "40", "40"),
]
EXPECTED = {
    "parc.vacancy_rate_offered": 100 * 3 / 8,
    "parc.vacancy_over_3_months_rate": 100 * 2 / 8,
    "parc.move_in_rate": 100 * 2 / 6,
    "parc.rent_per_habitable_m2": 1380 / 260,
    "parc.social_share": 100 * 10 / 40,
    "parc.dwellings": 10,
}


def rpls_line(ident, mode, locat, bail, remloc, rent, surfhab, surfmode) -> str:
    built = str(min(int(locat), 2023))
    return (
        f"{ident};59999;Testville;59000;1;;RUE;DES ESSAIS;0000;;704000.0;7059000.0;C;3;"
        f"{surfhab};{built};{locat};1;50;;1;{mode};{bail};{remloc};{rent};1;{surfmode};D;D;"
        ";900000001;Bailleur Test"
    )


def write_raw(raw: Path, header: str = HEADER, census_rp: str = "40") -> Path:
    (raw / "rpls").mkdir(parents=True)
    lines = [header] + [rpls_line(*dwelling) for dwelling in DWELLINGS]
    if "REMLOCDATE" not in header:
        lines = [header] + [
            ";".join(part for i, part in enumerate(line.split(";")) if i != 23)
            for line in lines[1:]
        ]
    (raw / "rpls" / "RPLS_2024.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    (raw / "recensement").mkdir()
    (raw / "recensement" / "base-cc-logement-2021.CSV").write_text(
        f'CODGEO;P21_LOG;P21_RP;P21_RSECOCC;P21_LOGVAC\n"59999";46.5;{census_rp};0.5;6\n'
        '"59998";120.25;100.12345;4;16.12655\n'
    )
    return raw


def build(raw: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    rpls.load(con, [raw / "rpls" / "RPLS_2024.csv"])
    census.load(con, [raw / "recensement" / "base-cc-logement-2021.CSV"])
    create_empty_table(con, "ops")
    create_empty_table(con, "bpe")
    create_empty_table(con, "stops")
    area = shapely.box(703_000, 7_058_000, 705_000, 7_060_000)
    communes = gpd.GeoDataFrame(
        {
            "code": ["59999"],
            "name": ["Testville"],
            "population": [500],
            "epci_code": "200000009",
            "epci_name": "EPCI Test",
        },
        geometry=[area],
        crs=L93,
    )
    iris = gpd.GeoDataFrame(
        {
            "code_iris": ["599990000"],
            "insee_com": ["59999"],
            "nom_com": ["Testville"],
            "nom_iris": ["Testville"],
            "typ_iris": ["Z"],
        },
        geometry=[area],
        crs=L93,
    )
    qpv = gpd.GeoDataFrame(
        {"code_qp": ["QN059999M"], "lib_qp": ["Ailleurs"], "insee_com": ["59999"]},
        geometry=[shapely.box(704_800, 7_058_000, 705_000, 7_058_200)],
        crs=L93,
    )
    vintages = {"rpls": [2024], "ops": [], "sne": [], "filosofi": [], "bpe": []}
    raw_inputs = RawInputs(iris=iris, qpv=qpv, vintages=vintages)
    assemble(con, raw_inputs, communes, 0, Clock(lambda _: None))
    return con


def published(con: duckdb.DuckDBPyConnection, scale: str, code: str) -> dict[str, object]:
    rows = con.execute(
        "SELECT indicator_id, value, status FROM indicator_row "
        "WHERE scale = ? AND code = ? AND year = 2024",
        [scale, code],
    ).fetchall()
    return {indicator: value if status == "ok" else status for indicator, value, status in rows}


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    con = build(write_raw(tmp_path_factory.mktemp("official")))
    yield con
    con.close()


@pytest.mark.parametrize(("scale", "code"), [("commune", "59999"), ("epci", "200000009")])
@pytest.mark.parametrize("indicator_id", sorted(EXPECTED))
def test_published_figure_is_the_official_one(official, scale, code, indicator_id):
    assert published(official, scale, code)[indicator_id] == pytest.approx(EXPECTED[indicator_id])


def test_rpls_months_are_read_as_the_real_format_gives_them(official):
    rows = official.execute(
        "SELECT ident_int, bail, remlocdate FROM rpls WHERE ident_int IN ('d01', 'd07') ORDER BY 1"
    ).fetchall()
    assert [(i, b, str(r)) for i, b, r in rows] == [
        ("d01", 2023, "None"),
        ("d07", None, "2023-08-01"),
    ]


def test_without_remlocdate_structural_vacancy_is_not_available(tmp_path):
    header = HEADER.replace("REMLOCDATE;", "")
    con = build(write_raw(tmp_path, header=header))
    figures = published(con, "commune", "59999")
    assert figures["parc.vacancy_over_3_months_rate"] == "nd"
    assert figures["parc.vacancy_rate_offered"] == pytest.approx(100 * 3 / 8)


def test_a_commune_missing_from_the_census_falls_back_to_the_population_estimate(tmp_path):
    raw = write_raw(tmp_path)
    path = raw / "recensement" / "base-cc-logement-2021.CSV"
    path.write_text("CODGEO;P21_RP\n59998;100\n")
    con = build(raw)
    assert published(con, "commune", "59999")["parc.social_share"] == pytest.approx(
        100 * 10 / (500 / 2.2)
    )


def test_a_bad_remlocdate_is_refused_at_its_line(tmp_path):
    raw = write_raw(tmp_path)
    path = raw / "rpls" / "RPLS_2024.csv"
    path.write_text(path.read_text(encoding="cp1252").replace("08/2023", "13/2023"))
    with pytest.raises(Exception, match=r"REMLOCDATE.*13/2023|13/2023.*MM/AAAA"):
        rpls.load(duckdb.connect(), [path])
