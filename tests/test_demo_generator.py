"""The demo generator: geography, stock and file layouts (one small run per session)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from data.demo.__main__ import main
from data.demo.generator import generate
from data.demo.names import STREET_TYPES
from data.demo.output import atomic_directory
from data.reference.extract import reference_path
from data.sources.codes import bpe_types
from data.territory import MEL, recorded

SCALE = 0.2
RPLS_KEY = ["SIREN_BAILLEUR", "DEPCOM", "NUMVOIE", "INDREP", "TYPVOIE", "NOMVOIE"]
# Columns as listed in data/sources/README.md, in order.
EXPECTED_COLUMNS = {
    "rpls/RPLS_2022.csv": [
        "IDENT_INT",
        "DEPCOM",
        "LIBCOM",
        "CODEPOSTAL",
        "NUMVOIE",
        "INDREP",
        "TYPVOIE",
        "NOMVOIE",
        "PLG_IRIS",
        "QPV",
        "X",
        "Y",
        "TYPECONST",
        "NBPIECE",
        "SURFHAB",
        "CONSTRUCT",
        "LOCAT",
        "ORIGINE",
        "FINAN",
        "FINANAUTRE",
        "CONV",
        "MODE",
        "BAIL",
        "REMLOCDATE",
        "LOYERPRINC",
        "SURFMODE",
        "DPEENERGIE",
        "DPESERRE",
        "NOMPROG",
        "SIREN_BAILLEUR",
        "RS_BAILLEUR",
    ],
    "ops/OPS_2022.csv": [
        "SIREN_BAILLEUR",
        "IDENT_INT",
        "DEPCOM",
        "COMPO",
        "NB_ENFANTS",
        "NB_OCCUPANTS",
        "AGE_TITULAIRE",
        "TRANCHE_REVENU",
        "APL",
        "NB_ADULTES",
        "NB_ADULTES_EMPLOI",
        "ANNEE_ENTREE",
    ],
    "sne/SNE_2022.csv": [
        "DEPCOM",
        "ANNEE",
        "INDICATEUR",
        "TYPOLOGIE",
        "QUARTILE",
        "QPV",
        "RESERVATAIRE",
        "PUBLIC_PRIORITAIRE",
        "NOMBRE",
        "DELAI_MEDIAN_MOIS",
        "SIREN_BAILLEUR",
        "CODE_QPV",
        "MOTIF",
        "ANCIENNETE_MOIS",
    ],
    "filosofi/BASE_TD_FILO_IRIS_21_DISP.csv": [
        "IRIS",
        "LIBIRIS",
        "COM",
        "LIBCOM",
        "DISP_MED21",
        "DISP_TP6021",
        "DISP_Q121",
        "DISP_Q321",
        "DISP_D121",
        "DISP_D921",
        "DISP_RD21",
        "DISP_GI21",
        "DISP_PPMINI21",
    ],
    "bpe/BPE_2024.csv": [
        "DEPCOM",
        "DCIRIS",
        "AN",
        "TYPEQU",
        "LAMBERT_X",
        "LAMBERT_Y",
        "QUALITE_XY",
    ],
    "gtfs/stops.txt": ["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"],
    "recensement/base-cc-logement-2021.CSV": [
        "CODGEO",
        "P21_LOG",
        "P21_RP",
        "P21_RSECOCC",
        "P21_LOGVAC",
    ],
}


def read(raw: Path, name: str) -> pd.DataFrame:
    sep = "," if name.endswith(".txt") else ";"
    return pd.read_csv(raw / name, sep=sep, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "raw"
    generate(out, MEL, seed=2021, scale=SCALE, log=lambda _: None)
    return out


@pytest.fixture(scope="session")
def communes() -> gpd.GeoDataFrame:
    return gpd.read_file(reference_path(MEL)).to_crs("EPSG:2154").set_index("code")


@pytest.fixture(scope="session")
def iris(raw: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(raw / "geo" / "iris.gpkg", layer="iris")


@pytest.fixture(scope="session")
def rpls(raw: Path) -> dict[int, pd.DataFrame]:
    return {year: read(raw, f"rpls/RPLS_{year}.csv") for year in range(2019, 2025)}


def test_layout_and_markers(raw: Path) -> None:
    expected = {f"rpls/RPLS_{y}.csv" for y in range(2019, 2025)}
    expected |= {f"ops/OPS_{y}.csv" for y in (2018, 2020, 2022, 2024)}
    expected |= {f"sne/SNE_{y}.csv" for y in range(2019, 2025)}
    expected |= {
        "geo/iris.gpkg",
        "geo/qpv.geojson",
        "bpe/BPE_2024.csv",
        "gtfs/stops.txt",
        "filosofi/BASE_TD_FILO_IRIS_21_DISP.csv",
        "recensement/base-cc-logement-2021.CSV",
        "demo.json",
        "territory.json",
        ".complete",
    }
    written = {str(p.relative_to(raw)) for p in raw.rglob("*") if p.is_file()}
    assert written == expected
    demo = json.loads((raw / "demo.json").read_text())
    assert demo["seed"] == 2021 and demo["territory"] == "epci:200093201" and demo["scale"] == SCALE
    assert demo["vintages"]["ops"] == [2018, 2020, 2022, 2024]
    assert recorded(raw) == MEL
    assert json.loads((raw / "territory.json").read_text())["name"] == (
        "Métropole Européenne de Lille"
    )
    assert not [p for p in raw.parent.iterdir() if p.name.startswith(".raw")]


@pytest.mark.parametrize("name", sorted(EXPECTED_COLUMNS))
def test_columns_exactly_as_readme(raw: Path, name: str) -> None:
    assert list(read(raw, name).columns) == EXPECTED_COLUMNS[name]


def test_iris_layer_columns_and_crs(iris: gpd.GeoDataFrame) -> None:
    assert iris.crs.to_epsg() == 2154
    assert list(iris.columns) == [
        "CODE_IRIS",
        "INSEE_COM",
        "NOM_COM",
        "IRIS",
        "NOM_IRIS",
        "TYP_IRIS",
        "geometry",
    ]
    assert (iris["CODE_IRIS"] == iris["INSEE_COM"] + iris["IRIS"]).all()
    assert iris["CODE_IRIS"].str.fullmatch(r"\d{9}").all()
    assert iris["CODE_IRIS"].is_unique
    lille = iris.loc[iris["INSEE_COM"] == "59350", "NOM_IRIS"]
    assert lille.str.startswith("Wazemmes").any() and lille.str.startswith("Moulins").any()


def test_iris_cover_each_commune_exactly(
    iris: gpd.GeoDataFrame, communes: gpd.GeoDataFrame
) -> None:
    area_sum = iris.geometry.area.groupby(iris["INSEE_COM"]).sum()
    assert set(area_sum.index) == set(communes.index)
    commune_area = communes.geometry.area.loc[area_sum.index]
    assert np.allclose(area_sum, commune_area, rtol=1e-9)
    union = iris.dissolve("INSEE_COM").geometry
    difference = union.symmetric_difference(communes.geometry.loc[union.index]).area
    assert (difference < 1.0).all()


def test_small_communes_have_one_z_iris(iris: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> None:
    per_commune = iris.groupby("INSEE_COM")
    for code, population in communes["population"].items():
        rows = per_commune.get_group(code)
        if population < 10_000:
            assert list(rows["CODE_IRIS"]) == [f"{code}0000"]
            assert list(rows["TYP_IRIS"]) == ["Z"]
        else:
            assert len(rows) == pytest.approx(population / 2_000, rel=0.2, abs=1)
            assert "Z" not in set(rows["TYP_IRIS"])
            assert (rows["TYP_IRIS"] == "H").mean() > 0.8


def test_qpv_are_unions_of_iris_in_large_communes(
    raw: Path, iris: gpd.GeoDataFrame, communes: gpd.GeoDataFrame
) -> None:
    qpv = gpd.read_file(raw / "geo" / "qpv.geojson")
    assert qpv.crs.to_epsg() == 4326
    assert 25 <= len(qpv) <= 30
    assert qpv["code_qp"].str.fullmatch(r"QN059\d{3}M").all() and qpv["code_qp"].is_unique
    assert {"Roubaix", "Tourcoing", "Lille"} <= set(qpv["lib_com"])
    assert {"Alma Gare", "La Bourgogne", "Lille-Sud"} <= set(qpv["lib_qp"])
    qpv = qpv.to_crs(2154)
    for row in qpv.itertuples():
        assert communes.loc[row.insee_com, "population"] >= 15_000
        inside = iris[iris.geometry.intersection(row.geometry).area > 0.5 * iris.geometry.area]
        assert len(inside) >= 1 and set(inside["INSEE_COM"]) == {row.insee_com}
        assert (
            shapely.union_all(inside.geometry.to_numpy()).symmetric_difference(row.geometry).area
            < 1.0
        )
        assert shapely.is_valid(row.geometry)


def test_every_dwelling_lies_inside_its_iris(
    rpls: dict[int, pd.DataFrame], iris: gpd.GeoDataFrame
) -> None:
    polygons = iris.set_index("CODE_IRIS").geometry
    for frame in rpls.values():
        codes = frame["DEPCOM"] + frame["PLG_IRIS"]
        x, y = frame["X"].astype(float).to_numpy(), frame["Y"].astype(float).to_numpy()
        inside = np.zeros(len(frame), dtype=bool)
        for code, rows in codes.groupby(codes).indices.items():
            inside[rows] = shapely.contains_xy(polygons.loc[code], x[rows], y[rows])
        assert inside.all(), frame[~inside].head()


def test_rpls_qpv_column_matches_qpv_contours(raw: Path, rpls: dict[int, pd.DataFrame]) -> None:
    qpv = gpd.read_file(raw / "geo" / "qpv.geojson").to_crs(2154).set_index("code_qp")
    frame = rpls[2024]
    in_qpv = frame[frame["QPV"] != ""]
    assert 0.2 < len(in_qpv) / len(frame) < 0.5
    for code, rows in in_qpv.groupby("QPV"):
        xy = rows[["X", "Y"]].astype(float).to_numpy()
        assert shapely.contains_xy(qpv.geometry.loc[code], xy[:, 0], xy[:, 1]).all()
    outside = frame[frame["QPV"] == ""][["X", "Y"]].astype(float).to_numpy()
    union = shapely.union_all(qpv.geometry.to_numpy())
    assert not shapely.contains_xy(union, outside[:, 0], outside[:, 1]).any()


def test_residences_size_mix(rpls: dict[int, pd.DataFrame]) -> None:
    for frame in rpls.values():
        sizes = frame.groupby(RPLS_KEY).size()
        assert 0.15 <= (sizes < 11).mean() <= 0.25
        # One residence = one landlord at one address, in one IRIS with one programme.
        per_residence = frame.groupby(RPLS_KEY)[["PLG_IRIS", "NOMPROG", "CONSTRUCT"]].nunique()
        assert (per_residence == 1).all().all()


def test_a_commune_names_each_programme_once(rpls: dict[int, pd.DataFrame]) -> None:
    programmes = rpls[2024].groupby(RPLS_KEY)["NOMPROG"].first().reset_index()
    named = programmes[programmes["NOMPROG"] != ""]
    assert not named.duplicated(["DEPCOM", "NOMPROG"]).any()


def test_addresses_are_plausible(rpls: dict[int, pd.DataFrame]) -> None:
    frame = rpls[2024]
    assert frame["CODEPOSTAL"].str.fullmatch(r"59\d{3}").all()
    assert (frame.groupby("DEPCOM")["CODEPOSTAL"].nunique() == 1).all()
    assert frame["TYPVOIE"].isin(list(STREET_TYPES)).all()
    assert frame["NUMVOIE"].str.fullmatch(r"[1-9]\d{0,2}").all()
    assert frame["INDREP"].isin(["", "B", "T"]).all()
    assert (frame["NOMPROG"] != "").mean() > 0.8


def test_social_share_follows_poverty(
    rpls: dict[int, pd.DataFrame], communes: gpd.GeoDataFrame
) -> None:
    dwellings = rpls[2024].groupby("DEPCOM").size() / SCALE
    share = dwellings / (communes["population"] / 2.2)
    assert share["59512"] > 0.3  # Roubaix
    assert share["59090"] < 0.12  # Bondues
    assert share["59512"] > share["59350"] > share["59378"]  # Roubaix > Lille > Marcq
    assert 0.85 * 125_000 < dwellings.sum() < 1.15 * 125_000


def test_stock_older_cheaper_and_more_vacant_in_qpv(rpls: dict[int, pd.DataFrame]) -> None:
    frame = rpls[2024]
    qpv = frame["QPV"] != ""
    construct = frame["CONSTRUCT"].astype(int)
    assert construct[qpv].mean() < construct[~qpv].mean() - 5
    vacant = frame["MODE"] == "2"
    assert vacant[qpv].mean() > vacant[~qpv].mean()
    assert 0.01 < vacant.mean() < 0.06
    let = frame[frame["MODE"] == "1"]
    rent = let["LOYERPRINC"].astype(float) / let["SURFMODE"].astype(float)
    assert 5.0 < rent.median() < 9.0
    assert rent[let["QPV"] != ""].mean() < rent[let["QPV"] == ""].mean()
    assert (frame.loc[frame["MODE"] != "1", "LOYERPRINC"] == "9999").all()
    assert (frame.loc[frame["MODE"] != "1", "BAIL"] == "").all()
    assert let["BAIL"].str.fullmatch(r"(0[1-9]|1[0-2])/(19|20)[0-9]{2}").all()
    mobility = (let["BAIL"].str[3:] == "2023").mean()
    assert 0.05 < mobility < 0.13
    # REMLOCDATE: a month (MM/AAAA) for vacant dwellings only, on or before 1 January.
    assert (frame.loc[frame["MODE"] != "2", "REMLOCDATE"] == "").all()
    start = frame.loc[vacant, "REMLOCDATE"]
    assert start.str.fullmatch(r"(0[1-9]|1[0-2])/20[0-9]{2}").all()
    months = 2024 * 12 - (start.str[3:].astype(int) * 12 + start.str[:2].astype(int) - 1)
    assert months.min() >= 0 and 0.25 < (months > 3).mean() < 0.6


def test_census_gives_main_residences_of_every_commune(
    raw: Path, communes: gpd.GeoDataFrame
) -> None:
    census = read(raw, "recensement/base-cc-logement-2021.CSV").set_index("CODGEO")
    assert set(census.index) == set(communes.index)
    persons = communes["population"] / census["P21_RP"].astype(float)
    assert persons.between(1.8, 2.7).all()
    assert (census["P21_LOG"].astype(float) > census["P21_RP"].astype(float)).all()


def test_dwellings_are_stable_and_change_between_vintages(rpls: dict[int, pd.DataFrame]) -> None:
    first, last = rpls[2019], rpls[2024]
    static = ["DEPCOM", "NUMVOIE", "NOMVOIE", "CONSTRUCT", "NBPIECE", "SURFHAB", "FINAN"]
    both = first.merge(last, on=["SIREN_BAILLEUR", "IDENT_INT"], suffixes=("_a", "_b"))
    assert len(both) > 0.9 * len(first)
    for column in static:
        assert (both[f"{column}_a"] == both[f"{column}_b"]).all(), column
    new = last[~last["IDENT_INT"].isin(first["IDENT_INT"])]
    gone = first[~first["IDENT_INT"].isin(last["IDENT_INT"])]
    assert len(new) > 0 and len(gone) > 0
    assert (new["CONSTRUCT"].astype(int) >= 2018).all()
    assert set(gone["TYPECONST"]) >= {"I"}  # sales of individual houses


def test_ops_households_are_the_let_dwellings(raw: Path, rpls: dict[int, pd.DataFrame]) -> None:
    ops = read(raw, "ops/OPS_2022.csv")
    let = rpls[2022][rpls[2022]["MODE"] == "1"]
    assert sorted(ops["IDENT_INT"]) == sorted(let["IDENT_INT"])
    joined = ops.merge(let[["IDENT_INT", "QPV", "BAIL"]], on="IDENT_INT")
    assert (joined["ANNEE_ENTREE"] == joined["BAIL"].str[3:]).all()
    numbers = joined[["NB_ENFANTS", "NB_OCCUPANTS", "NB_ADULTES", "NB_ADULTES_EMPLOI"]].astype(int)
    assert (numbers["NB_OCCUPANTS"] == numbers["NB_ADULTES"] + numbers["NB_ENFANTS"]).all()
    assert (numbers["NB_ADULTES_EMPLOI"] <= numbers["NB_ADULTES"]).all()
    qpv = joined["QPV"] != ""
    poor = joined["TRANCHE_REVENU"] == "1"
    assert poor[qpv].mean() > poor[~qpv].mean() + 0.05
    single_parent = joined["COMPO"] == "4"
    assert single_parent[qpv].mean() > single_parent[~qpv].mean()
    assert len(read(raw, "ops/OPS_2018.csv")) > 0


def test_sne_totals_and_targets(raw: Path) -> None:
    sne = read(raw, "sne/SNE_2022.csv")
    sne["NOMBRE"] = sne["NOMBRE"].astype(int)
    totals = sne.groupby("INDICATEUR")["NOMBRE"].sum() / SCALE
    assert 50_000 < totals["demandes"] < 62_000
    assert 7_500 < totals["attributions"] < 10_500
    allocations = sne[sne["INDICATEUR"] == "attributions"]
    outside = allocations[allocations["QPV"] == "0"]
    q1_share = outside.loc[outside["QUARTILE"] == "Q1", "NOMBRE"].sum() / outside["NOMBRE"].sum()
    assert 0.15 < q1_share < 0.25
    assert (allocations["DELAI_MEDIAN_MOIS"] != "").all()
    assert (sne.loc[sne["INDICATEUR"] == "demandes", "DELAI_MEDIAN_MOIS"] == "").all()
    assert (sne["NOMBRE"] > 0).all()
    pending = sne[sne["INDICATEUR"] == "demandes"]
    assert (pending["MOTIF"] != "").all() and (pending["ANCIENNETE_MOIS"] != "").all()
    assert (allocations["SIREN_BAILLEUR"] != "").all()
    assert (outside["CODE_QPV"] == "").all()
    inside = allocations[allocations["QPV"] == "1"]
    assert (inside["CODE_QPV"] != "").mean() > 0.95


def test_sne_pressure_is_highest_in_lille_and_the_south_east(raw: Path) -> None:
    sne = read(raw, "sne/SNE_2024.csv")
    sne["NOMBRE"] = sne["NOMBRE"].astype(int)
    by = sne.pivot_table(index="DEPCOM", columns="INDICATEUR", values="NOMBRE", aggfunc="sum")
    pressure = by["demandes"].sum() / by["attributions"].sum()
    assert by.loc["59350", "demandes"] / by.loc["59350", "attributions"] > 1.3 * pressure
    assert by.loc["59512", "demandes"] / by.loc["59512", "attributions"] < pressure


def test_filosofi_uses_decimal_comma_and_secrecy_marks(raw: Path, iris: gpd.GeoDataFrame) -> None:
    filo = read(raw, "filosofi/BASE_TD_FILO_IRIS_21_DISP.csv")
    assert sorted(filo["IRIS"]) == sorted(iris["CODE_IRIS"])
    assert filo["DISP_TP6021"].str.contains(",").any()
    assert (filo["DISP_TP6021"] == "ns").any()
    published = filo[(filo["DISP_TP6021"] != "ns") & (filo["DISP_MED21"] != "ns")]
    rate = published["DISP_TP6021"].str.replace(",", ".").astype(float)
    median = published["DISP_MED21"].astype(float)
    assert np.corrcoef(rate, median)[0, 1] < -0.8


def test_bpe_and_stops_are_inside_the_epci(raw: Path, communes: gpd.GeoDataFrame) -> None:
    area = shapely.union_all(communes.geometry.to_numpy()).buffer(50)
    bpe = read(raw, "bpe/BPE_2024.csv")
    assert 500 < len(bpe) / 1 < 6_000
    assert bpe["TYPEQU"].isin(list(bpe_types(2024))).all()
    xy = bpe[["LAMBERT_X", "LAMBERT_Y"]].astype(float).to_numpy()
    assert shapely.contains_xy(area, xy[:, 0], xy[:, 1]).all()
    stops = read(raw, "gtfs/stops.txt")
    assert 300 < len(stops) < 2_500 and stops["stop_id"].is_unique
    points = gpd.GeoSeries(
        gpd.points_from_xy(stops["stop_lon"].astype(float), stops["stop_lat"].astype(float)),
        crs=4326,
    ).to_crs(2154)
    assert shapely.contains_xy(area.buffer(500), points.x, points.y).all()


def test_same_seed_same_bytes(raw: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, MEL, seed=2021, scale=SCALE, log=lambda _: None)
    for name in ("rpls/RPLS_2022.csv", "ops/OPS_2020.csv", "sne/SNE_2021.csv", "bpe/BPE_2024.csv"):
        assert (again / name).read_bytes() == (raw / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, MEL, seed=7, scale=SCALE, log=lambda _: None)
    assert (other / "rpls/RPLS_2022.csv").read_bytes() != (raw / "rpls/RPLS_2022.csv").read_bytes()


def test_failed_run_leaves_previous_directory(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_directory(out) as work:
        (work / "half.csv").write_text("x")
        raise RuntimeError("interrupted")
    assert [p.name for p in tmp_path.iterdir()] == ["raw"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_leftovers_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    dead = tmp_path / ".raw.tmp-999999999"  # no such process
    dead.mkdir()
    with atomic_directory(out) as work:
        (work / "file.csv").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_cli_reports_unknown_epci_without_traceback(tmp_path: Path, capsys) -> None:
    assert main(["--epci", "999999999", "--out", str(tmp_path / "raw")]) == 2
    assert "999999999" in capsys.readouterr().err
    assert main(["--scale", "0", "--out", str(tmp_path / "raw")]) == 2
    assert main(["--territory", "dep:75", "--out", str(tmp_path / "raw")]) == 2
    assert "--territory dep:75" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()


def test_cli_refuses_a_territory_it_cannot_read(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--territory", "commune:59350", "--out", str(tmp_path / "raw")])
    assert "attendu epci:200093201, dep:59, reg:32 ou fr" in capsys.readouterr().err
