"""The proximity step on a hand-made set: three residences (one secret) and a few
equipments at known straight-line distances (Lambert-93 metres)."""

from __future__ import annotations

import duckdb
import geopandas as gpd
import pandas as pd
import pytest

from data.pipeline import proximity
from data.pipeline.build import create_empty_table
from data.pipeline.proof import DisclosureError

EPCI = "200093201"
EPCI_OF = pd.Series(EPCI, index=["59001", "59002"])  # commune -> its EPCI
# Lambert-93 positions
A = (700_000.0, 7_060_000.0)
B = (701_000.0, 7_060_000.0)
SECRET = (700_100.0, 7_060_000.0)
BPE_2024 = [
    ("C107", 700_240.0, 7_060_320.0),  # maternelle: 400 m from A, 824.6 m from B
    ("D265", 701_000.0, 7_060_600.0),  # GP: 600 m from B, 1 166.2 m from A
    ("D307", 700_000.0, 7_059_100.0),  # pharmacy since 2024: 900 m from A
    ("C101", 700_000.0, 7_060_010.0),  # a code of the older list: not read in 2024
]
STOP = (700_000.0, 7_060_150.0)  # 150 m from A, 1 011.2 m from B


def lonlat(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    series = gpd.GeoSeries(gpd.points_from_xy(*zip(*points, strict=True)), crs=2154)
    wgs84 = series.to_crs(4326)
    return list(zip(wgs84.x, wgs84.y, strict=True))


def residences(with_secret: bool = True, secret_at: tuple[float, float] = SECRET) -> pd.DataFrame:
    rows = [("A", A, 100, False), ("B", B, 20, False)]
    if with_secret:
        rows.append(("S", secret_at, None, True))
    positions = lonlat([position for _, position, _, _ in rows])
    return pd.DataFrame(
        {
            "residence_id": [rid for rid, *_ in rows],
            "commune_code": "59001",
            "iris_code": "590010000",
            "qpv_code": None,
            "lon": [lon for lon, _ in positions],
            "lat": [lat for _, lat in positions],
            "secret": [secret for *_, secret in rows],
            "n_dwellings": pd.array([n for _, _, n, _ in rows], dtype="Int32"),
            "last_year": 2024,
        }
    )


ZONES = pd.DataFrame(
    {
        "scale": ["epci", "commune", "commune", "iris"],
        "code": [EPCI, "59001", "59002", "590010000"],
        "name": ["MEL", "Testville", "Videville", "Testville"],
    }
)


def connection(bpe: list[tuple[str, float, float]], year: int = 2024) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_empty_table(con, "bpe")
    create_empty_table(con, "stops")
    con.executemany(
        "INSERT INTO bpe VALUES (?, '59001', '590010000', ?, ?, ?)",
        [(year, code, x, y) for code, x, y in bpe],
    )
    ((lon, lat),) = lonlat([STOP])
    con.execute("INSERT INTO stops VALUES ('S1', 'Gare routière', ?, ?)", [lon, lat])
    return con


@pytest.fixture(scope="module")
def computed() -> proximity.Proximity:
    return proximity.compute(connection(BPE_2024), residences(), ZONES, EPCI_OF)


def nearby_of(computed: proximity.Proximity, rid: str, family: str) -> dict:
    rows = computed.nearby[(computed.nearby["residence_id"] == rid)]
    return rows[rows["family"] == family].iloc[0].to_dict()


@pytest.mark.parametrize(
    ("rid", "family", "distance", "within_500", "within_1000"),
    [
        ("A", "maternelle", 400, 1, 1),
        ("B", "maternelle", 825, 0, 1),
        ("A", "medecin", 1166, 0, 0),
        ("B", "medecin", 600, 0, 1),
        ("A", "pharmacie", 900, 0, 1),
        ("A", "arret", 150, 1, 1),
        ("B", "arret", 1011, 0, 0),
    ],
)
def test_nearest_distance_and_counts(
    computed: proximity.Proximity,
    rid: str,
    family: str,
    distance: int,
    within_500: int,
    within_1000: int,
) -> None:
    row = nearby_of(computed, rid, family)
    assert row["distance_m"] == pytest.approx(distance, abs=1)
    assert (row["within_500"], row["within_1000"]) == (within_500, within_1000)


def test_nearest_names_its_type_and_a_stop_its_name(computed: proximity.Proximity) -> None:
    assert nearby_of(computed, "A", "maternelle")["nearest_type"] == "École maternelle"
    assert nearby_of(computed, "A", "arret")["nearest_name"] == "Gare routière"


def test_a_family_without_equipment_has_no_distance(computed: proximity.Proximity) -> None:
    row = nearby_of(computed, "A", "gare")
    assert pd.isna(row["distance_m"]) and row["within_1000"] == 0


def test_a_code_of_the_older_list_is_not_read_in_a_2024_file(
    computed: proximity.Proximity,
) -> None:
    # C101 (maternelle before 2024) sits 10 m from A: not an equipment of the 2024 list
    assert nearby_of(computed, "A", "maternelle")["distance_m"] == pytest.approx(400, abs=1)
    assert set(computed.equipments["family"]) == {"maternelle", "medecin", "pharmacie", "arret"}


def test_a_secret_residence_has_no_figure(computed: proximity.Proximity) -> None:
    assert "S" not in set(computed.nearby["residence_id"])
    rows = computed.indicator_rows
    secret = rows[(rows["scale"] == "residence") & (rows["code"] == "S")]
    assert len(secret) == 11  # the score and the ten distances
    assert (secret["status"] == "secret").all() and secret["value"].isna().all()


def zone_value(computed: proximity.Proximity, scale: str, code: str, indicator: str):
    rows = computed.indicator_rows
    row = rows[
        (rows["scale"] == scale) & (rows["code"] == code) & (rows["indicator_id"] == indicator)
    ]
    return row.iloc[0]["value"], row.iloc[0]["status"]


@pytest.mark.parametrize(
    "scale, code", [("commune", "59001"), ("epci", EPCI), ("iris", "590010000")]
)
def test_zone_shares_and_score_are_dwelling_weighted(
    computed: proximity.Proximity, scale: str, code: str
) -> None:
    # A (100 dwellings) has a stop and a maternelle within 500 m, B (20) nothing.
    share = 100 * 100 / 120
    assert zone_value(computed, scale, code, "equipements.transit_500_share")[0] == pytest.approx(
        share
    )
    assert zone_value(computed, scale, code, "equipements.school_500_share")[0] == pytest.approx(
        share
    )
    assert zone_value(computed, scale, code, "equipements.doctor_500_share")[0] == 0
    assert zone_value(computed, scale, code, "equipements.score_500")[0] == pytest.approx(
        2 * 100 / 120
    )


def test_a_zone_without_published_residence_has_no_value(computed: proximity.Proximity) -> None:
    value, status = zone_value(computed, "commune", "59002", "equipements.score_500")
    assert pd.isna(value) and status == "nd"


def test_residence_values_are_its_score_and_distances(computed: proximity.Proximity) -> None:
    assert zone_value(computed, "residence", "A", "equipements.score_500") == (2, "ok")
    value, _ = zone_value(computed, "residence", "B", "equipements.distance_medecin")
    assert value == pytest.approx(600, abs=1)


@pytest.mark.parametrize("secret_at", [SECRET, (701_000.0, 7_060_590.0), None])
def test_zone_values_do_not_depend_on_the_secret_residence(
    computed: proximity.Proximity, secret_at
) -> None:
    """Wherever the secret residence is, or without it, the published zone values are the
    same: they are functions of published values only."""
    frame = residences(with_secret=secret_at is not None, secret_at=secret_at or SECRET)
    again = proximity.compute(connection(BPE_2024), frame, ZONES, EPCI_OF)
    zones = ["epci", "commune", "iris"]
    before = computed.indicator_rows[computed.indicator_rows["scale"].isin(zones)]
    after = again.indicator_rows[again.indicator_rows["scale"].isin(zones)]
    pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True))


def test_an_older_vintage_is_read_with_its_own_code_list() -> None:
    older = [
        ("C101", 700_240.0, 7_060_320.0),  # maternelle before 2024
        ("D201", 701_000.0, 7_060_600.0),  # médecin omnipraticien
        ("D301", 700_000.0, 7_059_100.0),  # pharmacie
        ("D307", 700_000.0, 7_060_010.0),  # not a pharmacy before 2024
    ]
    result = proximity.compute(connection(older, year=2021), residences(), ZONES, EPCI_OF)
    assert result.bpe_vintage == 2021
    assert nearby_of(result, "A", "maternelle")["distance_m"] == pytest.approx(400, abs=1)
    assert nearby_of(result, "B", "medecin")["distance_m"] == pytest.approx(600, abs=1)
    assert nearby_of(result, "A", "pharmacie")["distance_m"] == pytest.approx(900, abs=1)


def warehouse_rows(computed: proximity.Proximity) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE indicator_row (scale VARCHAR, code VARCHAR, year INTEGER,"
        " indicator_id VARCHAR, theme VARCHAR, value DOUBLE, status VARCHAR,"
        " residence_id VARCHAR, hidden_from VARCHAR[])"
    )
    proximity.append_indicator_rows(con, computed.indicator_rows)
    return con


def test_the_long_format_is_sorted_once_the_theme_joins_it(
    computed: proximity.Proximity,
) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE indicator_row AS SELECT * FROM (VALUES "
        "('iris', '590090101', 2024, 'parc.dwellings', 'parc', 12.0, 'ok', NULL, NULL), "
        "('commune', '59009', 2024, 'parc.dwellings', 'parc', 40.0, 'ok', NULL, NULL), "
        "('commune', '59009', 2023, 'parc.dwellings', 'parc', 38.0, 'ok', NULL, NULL)) "
        "AS t(scale, code, year, indicator_id, theme, value, status, residence_id, hidden_from)"
    )
    con.execute("ALTER TABLE indicator_row ALTER hidden_from TYPE VARCHAR[]")
    proximity.append_indicator_rows(con, computed.indicator_rows)
    keys = con.execute("SELECT scale, indicator_id, year, code FROM indicator_row").fetchall()
    assert len(keys) == 3 + len(computed.indicator_rows)
    assert keys == sorted(keys)


def test_the_build_proof_passes_on_the_computed_rows(computed: proximity.Proximity) -> None:
    frame = residences().assign(epci_code=EPCI)
    proximity.prove(warehouse_rows(computed), frame, computed.nearby)


@pytest.mark.parametrize(
    "planted",
    [
        "UPDATE indicator_row SET value = 120 WHERE code = 'S'",  # a secret residence's
        "UPDATE indicator_row SET value = 90 WHERE code = '59001'"  # not from published ones
        " AND indicator_id = 'equipements.transit_500_share'",
    ],
)
def test_the_build_proof_catches_a_planted_value(
    computed: proximity.Proximity, planted: str
) -> None:
    con = warehouse_rows(computed)
    con.execute(planted)
    with pytest.raises(DisclosureError):
        proximity.prove(con, residences().assign(epci_code=EPCI), computed.nearby)
