"""The store of a territory of several EPCIs and départements: the map adds their
scales, search finds them, their panels compare nothing above them, the map opens
on the finest readable scale and a landlord's board on the EPCI of most of its dwellings.
The MEL's store is as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from callbacks.attributions_board import default_state
from callbacks.compare import reference_epci
from callbacks.explorer_state import state_context
from data.catalog import MAP_SCALES
from data.scope import AccessScope
from data.store.store import Store
from layouts.attributions_board import BoardState

SECOND_EPCI = "245900428"
STATE = AccessScope("N", "État", "etat", frozenset({"parc"}))


@pytest.fixture(scope="module")
def split_store(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The demo warehouse with its communes from 59500 on in a second EPCI, and two
    départements of their own (their values as a build would publish them)."""
    out = tmp_path_factory.mktemp("split") / "warehouse"
    shutil.copytree(demo_warehouse, out)
    zones = str(out / "zones.parquet")
    duckdb.execute(
        f"""
        COPY (
          SELECT * REPLACE (CASE WHEN commune_code >= '59500' THEN '{SECOND_EPCI}'
                                 ELSE epci_code END AS epci_code)
          FROM read_parquet('{zones}')
          UNION ALL
          SELECT * REPLACE ('{SECOND_EPCI}' AS code, 'CU de Dunkerque' AS name,
                            '{SECOND_EPCI}' AS epci_code)
          FROM read_parquet('{zones}') WHERE scale = 'epci'
          UNION ALL
          SELECT * REPLACE ('dep' AS scale, d.code AS code, d.name AS name, NULL AS epci_code)
          FROM read_parquet('{zones}'),
               (VALUES ('59', 'Nord'), ('62', 'Pas-de-Calais')) AS d(code, name)
          WHERE scale = 'epci'
        ) TO '{zones}' (FORMAT parquet)
        """
    )
    return Store(out)


def test_the_mel_keeps_its_scales(store: Store) -> None:
    assert store.map_scales == MAP_SCALES
    assert store.default_map_scale == "commune"
    assert {place.scale for place in store.search_places("Métropole")} <= {"residence"}


def test_several_epcis_and_departements_are_scales_of_the_map(split_store: Store) -> None:
    assert split_store.map_scales == ("dep", "epci", *MAP_SCALES)
    assert split_store.default_map_scale == "commune"  # 95 communes: readable
    found = [(place.scale, place.code) for place in split_store.search_places("Dunkerque")]
    assert ("epci", SECOND_EPCI) in found
    assert ("dep", "62") in [(p.scale, p.code) for p in split_store.search_places("Pas-de")]


def test_a_departement_panel_stands_alone(split_store: Store) -> None:
    summary = split_store.zone_summary("dep", "59", None, STATE)
    assert summary is not None
    assert [level.scale for level in summary.levels] == ["dep"]
    commune = split_store.zone_summary("commune", "59512", None, STATE)
    assert [(level.scale, level.code) for level in commune.levels] == [
        ("commune", "59512"),
        ("epci", SECOND_EPCI),
    ]


def test_pinned_zones_are_compared_with_the_epci_they_all_lie_in(
    store: Store, split_store: Store
) -> None:
    assert reference_epci(store, [("commune", "59512"), ("commune", "59350")]) == store.epci
    second = split_store.zone_ref("epci", SECOND_EPCI)
    assert reference_epci(split_store, [("commune", "59512"), ("commune", "59508")]) == second
    assert reference_epci(split_store, [("commune", "59512"), ("commune", "59350")]) is None
    assert reference_epci(split_store, [("dep", "59"), ("dep", "62")]) is None


def test_a_landlords_board_opens_on_the_epci_of_most_of_its_dwellings(
    store: Store, split_store: Store
) -> None:
    residences = split_store._cursor().execute("SELECT * FROM residences").df()
    residences["epci"] = residences["commune_code"].map(split_store._commune_epci)
    dwellings = residences.groupby(["bailleur_code", "epci"])["n_dwellings"].sum().unstack()
    assert set(dwellings.idxmax(axis=1)) == {store.epci.code, SECOND_EPCI}  # both occur
    for bailleur, epci in dwellings.idxmax(axis=1).items():
        landlord = AccessScope("B", bailleur, "bailleur", frozenset(), bailleurs={bailleur})
        assert default_state(split_store, landlord) == BoardState("epci", epci, None)
        assert default_state(store, landlord) == BoardState("epci", store.epci.code, None)
    assert default_state(split_store, STATE).code == store.epci.code


def test_a_permalinks_limits_are_the_territorys(store: Store) -> None:
    context = state_context(store, STATE)
    assert context.extent == store.territory_box is not None
    assert context.min_zoom == 8  # the MEL: as before
