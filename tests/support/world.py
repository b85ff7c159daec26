"""A small made-up territory (three communes, IRIS, a QPV, a few residences) built
through the pipeline, for the pipeline, secrecy and disclosure tests."""

from __future__ import annotations

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from data.pipeline.build import Clock, RawInputs, assemble, create_empty_table
from data.pipeline.residences import RESIDENCE_ID_SQL

EPCI = "200000001"
L93 = 2154
RPLS_COLUMNS = (
    "year",
    "ident_int",
    "depcom",
    "libcom",
    "codepostal",
    "numvoie",
    "indrep",
    "typvoie",
    "nomvoie",
    "iris_code",
    "qpv_code",
    "x",
    "y",
    "typeconst",
    "nbpiece",
    "surfhab",
    "construct",
    "locat",
    "origine",
    "finan",
    "finanautre",
    "conv",
    "mode",
    "bail",
    "remlocdate",
    "remlocdate_reported",
    "loyerprinc",
    "surfmode",
    "dpeenergie",
    "dpeserre",
    "nomprog",
    "siren_bailleur",
    "rs_bailleur",
)


def box(x0: float, x1: float) -> shapely.Polygon:
    return shapely.box(x0, 0, x1, 1000)


def communes_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["59001", "59002"],
            "name": ["Alpha", "Beta"],
            "population": [22000, 2200],
            "epci_code": EPCI,
            "epci_name": "Métropole Test",
        },
        geometry=[box(0, 2000), box(2000, 3000)],
        crs=L93,
    )


def iris_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code_iris": ["590010001", "590010002", "590020000"],
            "insee_com": ["59001", "59001", "59002"],
            "nom_com": ["Alpha", "Alpha", "Beta"],
            "nom_iris": ["Alpha Ouest", "Alpha Est", "Beta"],
            "typ_iris": ["H", "H", "Z"],
        },
        geometry=[box(0, 1000), box(1000, 2000), box(2000, 3000)],
        crs=L93,
    )


def qpv_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code_qp": ["QN059001M"], "lib_qp": ["Quartier Ouest"], "insee_com": ["59001"]},
        geometry=[box(0, 1000)],
        crs=L93,
    )


def dwelling(
    year,
    ident,
    siren,
    depcom,
    numvoie,
    nomvoie,
    iris,
    xy,
    nbpiece,
    construct,
    finan,
    mode,
    bail,
    rent,
    surf,
    dpe,
    remlocdate=None,
) -> dict:
    return {
        "year": year,
        "ident_int": ident,
        "depcom": depcom,
        "libcom": {"59001": "Alpha", "59002": "Beta"}[depcom],
        "codepostal": "59000",
        "numvoie": numvoie,
        "indrep": None,
        "typvoie": "RUE",
        "nomvoie": nomvoie,
        "iris_code": iris,
        "qpv_code": None,
        "x": xy[0],
        "y": xy[1],
        "typeconst": "C",
        "nbpiece": nbpiece,
        "surfhab": surf,
        "construct": construct,
        "locat": construct,
        "origine": "1",
        "finan": finan,
        "finanautre": None,
        "conv": "1",
        "mode": mode,
        "bail": bail,
        "remlocdate": pd.Timestamp(remlocdate) if remlocdate else None,
        "remlocdate_reported": True,
        "loyerprinc": rent,
        "surfmode": surf,
        "dpeenergie": dpe,
        "dpeserre": dpe,
        "nomprog": None,
        "siren_bailleur": siren,
        "rs_bailleur": f"Bailleur {siren[-1]}",
    }


R1 = ("900000001", "59001", "1", "Haute", "590010001", (500, 500))
R2 = ("900000002", "59001", "2", "Basse", "590010002", (1500, 500))
R3 = ("900000001", "59002", "3", "Verte", "590020000", (2500, 500))
DWELLINGS = [
    dwelling(2024, "d1", *R1, 1, 1960, "50", "1", 2023, 300.0, 30.0, "E"),
    dwelling(2024, "d2", *R1, 3, 1960, "49", "1", 2020, 400.0, 50.0, "C"),
    dwelling(2024, "d3", *R1, 5, 1960, "52", "2", None, None, 60.0, None, "2023-08-01"),
    dwelling(2024, "d4", *R1, None, None, "99", "1", 2023, None, 40.0, "G"),
    dwelling(2024, "d5", *R2, 2, 2005, "53", "1", 2019, 600.0, 50.0, "A"),
    dwelling(2024, "d6", *R2, 4, 1940, "12", "3", None, None, 70.0, "B"),
    dwelling(2024, "d7", *R3, 2, 1980, "50", "1", 2023, 500.0, 50.0, "D"),
    dwelling(2023, "d5", *R2, 2, 2005, "53", "1", 2019, 600.0, 50.0, "A"),
]
# (siren, ident, depcom, compo, children, age, income band, apl, adults, employed, moved in)
HOUSEHOLDS = [
    ("900000001", "d1", "59001", "1", 0, 70, "1", True, 1, 0, 2023),
    ("900000001", "d2", "59001", "4", 3, 40, "3", False, 1, 1, 2015),
    ("900000001", "d4", "59001", "3", 1, 64, "9", None, 2, 1, 2022),
    ("900000002", "d5", "59001", "2", 0, 65, "5", True, 2, 2, 2021),
    ("900000002", "zz", "59001", "1", 0, 30, "1", True, 1, 1, 2024),
]


def load_world(
    con: duckdb.DuckDBPyConnection, dwellings: list[dict], households: list[tuple]
) -> None:
    create_empty_table(con, "rpls")
    create_empty_table(con, "ops")
    create_empty_table(con, "census")
    create_empty_table(con, "bpe")
    create_empty_table(con, "stops")
    con.execute("INSERT INTO census VALUES (2021, '59001', 8000.0)")  # 59002: no census row
    frame = pd.DataFrame(dwellings, columns=list(RPLS_COLUMNS))
    con.register("rpls_rows", frame)
    con.execute("INSERT INTO rpls SELECT * FROM rpls_rows")
    for siren, ident, depcom, compo, kids, age, band, apl, adults, employed, entry in households:
        con.execute(
            "INSERT INTO ops VALUES (2024, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
            [siren, ident, depcom, compo, kids, age, band, apl, adults, employed, entry],
        )


def build_world(threshold: int, dwellings=DWELLINGS, households=HOUSEHOLDS, ops_years=(2024,)):
    con = duckdb.connect()
    load_world(con, dwellings, households)
    raw = RawInputs(
        iris=iris_frame(),
        qpv=qpv_frame(),
        vintages={
            "rpls": sorted({d["year"] for d in dwellings}),
            "ops": list(ops_years),
            "sne": [],
            "filosofi": [],
            "bpe": [],
        },
    )
    built = assemble(con, raw, communes_frame(), threshold, Clock(lambda _: None))
    return con, built


def residence_id(siren: str, depcom: str, numvoie: str, nomvoie: str) -> str:
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT {RESIDENCE_ID_SQL} FROM (SELECT ? AS siren_bailleur, ? AS depcom, "
            "? AS numvoie, NULL AS indrep, 'RUE' AS typvoie, ? AS nomvoie)",
            [siren, depcom, numvoie, nomvoie],
        ).fetchone()[0]


# IRIS -> (commune, x range of the IRIS box, in the QPV)
IRIS = {
    "590010001": ("59001", 0, True),
    "590010002": ("59001", 1000, False),
    "590020000": ("59002", 2000, False),
}


def rows_of(residences):
    dwellings, households = [], []
    for iris, number, landlord, n_dwellings, n_households in residences:
        commune, x0, _ = IRIS[iris]
        key = (landlord, commune, number, f"Rue {iris}", iris, (x0 + 100 + 50 * int(number), 500))
        for index in range(n_dwellings):
            ident = f"{iris}-{number}-{landlord}-{index}"
            dwellings.append(
                dwelling(2024, ident, *key, 3, 1970, "50", "1", 2020, 400.0, 60.0, "D")
            )
            if index < n_households:
                households.append((landlord, ident, commune, "1", 0, 50, "2", True, 1, 1, 2015))
    return dwellings, households
