"""The demo sized by its territory: social dwellings per commune from the commune table
alone (no row generated), and landlords per region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.demo.landlords import DEMO_LANDLORDS, landlord_names, landlord_shares
from data.demo.sizing import MAX_SHARE, social_dwellings, social_share
from data.reference.extract import read_national_table

MEL, DUNKERQUE = "200093201", "245900428"


@pytest.fixture(scope="module")
def france() -> pd.DataFrame:
    return read_national_table()


def test_every_commune_of_france_holds_a_share_between_0_and_60_percent(france) -> None:
    share = social_share(france)
    assert share.between(0.0, MAX_SHARE).all()
    assert share.index.equals(pd.Index(france["code"]))


def test_france_adds_up_to_the_rpls_order_of_magnitude(france) -> None:
    total = social_dwellings(france).sum()
    assert 5_400_000 * 0.9 <= total <= 5_400_000 * 1.1
    assert social_dwellings(france, scale=0.5).sum() == pytest.approx(total / 2)


def test_villages_hold_almost_none_and_cities_about_a_quarter(france) -> None:
    share = social_share(france).to_numpy()
    population = france["population"].to_numpy()
    assert share[population < 500].max() < 0.05
    assert np.median(share[population >= 100_000]) > 0.2


@pytest.mark.parametrize(
    ("epci", "low", "high"), [(MEL, 120_000, 135_000), (DUNKERQUE, 15_000, 30_000)]
)
def test_an_epci_looks_like_itself(france, epci: str, low: int, high: int) -> None:
    communes = france[france["epci_code"] == epci]
    total = social_dwellings(communes).sum()
    assert low <= total <= high
    assert social_share(communes).max() < 0.35  # Dunkerque's communes got 150-180 % before


def test_poverty_moves_dwellings_between_communes_not_the_total(france) -> None:
    communes = france[france["epci_code"] == MEL].copy()
    rng = np.random.default_rng(7)
    communes["poverty"] = rng.uniform(3.0, 58.0, len(communes))
    plain, tilted = social_dwellings(communes.drop(columns="poverty")), social_dwellings(communes)
    assert social_share(communes).between(0.0, MAX_SHARE).all()
    assert tilted.sum() == pytest.approx(plain.sum(), rel=0.03)
    poorest, richest = communes["poverty"].idxmax(), communes["poverty"].idxmin()
    code = communes["code"]
    assert (
        tilted[code[poorest]] / plain[code[poorest]]
        > 1
        > (tilted[code[richest]] / plain[code[richest]])
    )


def communes_of(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"code": code, "dep_code": dep, "dep_name": f"Dép {dep}", "reg_code": reg,
             "reg_name": f"Région {reg}"}
            for code, dep, reg in rows
        ]
    )  # fmt: skip


def test_landlords_are_those_of_each_commune_s_region_and_departement() -> None:
    communes = communes_of(("59350", "59", "32"), ("13055", "13", "93"), ("2A004", "2A", "94"))
    shares = landlord_shares(communes)
    names = landlord_names(communes)
    mel = shares.loc["59350"]
    assert set(mel[mel > 0].index) == {siren for siren, _, _ in DEMO_LANDLORDS}
    marseille = shares.loc["13055"]
    assert {names[s] for s in marseille[marseille > 0].index} >= {
        "Dép 13 Habitat",
        "Habitat Région 93",
        "CDC Habitat",
    }
    assert shares.sum(axis=1).round(6).eq(1.0).all()
    assert all(len(siren) == 9 and siren.isdigit() for siren in shares.columns)
    assert shares.columns.is_unique and set(shares.columns) == set(names)
