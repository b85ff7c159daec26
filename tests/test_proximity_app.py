"""Proximity in the app: the equipment route, the store's answers and the sheet's section."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from data.scope import AccessScope
from data.sources.codes import EQUIPMENT_FAMILIES
from data.store.types import Nearby
from layouts.panel_proximity import (
    WALK_RULE_TEXT,
    format_distance,
    proximity_section,
    walking_minutes,
)

ADMIN = "mel-admin@atlas-demo.fr"
EVERYTHING = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "occupation", "equipements"}))
WITHOUT_EQUIPMENT = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "occupation"}))


def first_residence(warehouse: Path, secret: bool) -> str:
    return (
        duckdb.connect()
        .execute(
            "SELECT residence_id FROM read_parquet(?) WHERE secret = ? "
            "ORDER BY residence_id LIMIT 1",
            [str(warehouse / "residences.parquet"), secret],
        )
        .fetchall()[0][0]
    )


def test_equipment_points_are_refused_without_a_session(auth_app) -> None:
    response = auth_app.server.test_client().get("/carte/equipements/arret.geojson")
    assert response.status_code in (302, 401) and b"Feature" not in response.data


def test_equipment_points_of_a_family_are_served_compressed(logged_in_client, auth_app) -> None:
    client = logged_in_client(auth_app, ADMIN)
    response = client.get(
        "/carte/equipements/pharmacie.geojson", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    features = json.loads(gzip.decompress(response.data))["features"]
    assert len(features) > 100
    assert {f["properties"]["type"] for f in features} == {"Pharmacie"}
    assert all(f["properties"]["commune"] for f in features)
    stops = json.loads(client.get("/carte/equipements/arret.geojson").data)["features"]
    assert all(f["properties"]["name"] for f in stops)
    assert client.get("/carte/equipements/piscine.geojson").status_code == 404


def test_a_published_residence_has_every_family_nearby(store, demo_warehouse: Path) -> None:
    nearby = store.nearby(first_residence(demo_warehouse, secret=False), EVERYTHING)
    assert [item.family for item in nearby] == list(EQUIPMENT_FAMILIES)
    stop = nearby[list(EQUIPMENT_FAMILIES).index("arret")]
    assert stop.distance_m >= 0 and stop.within_1000 >= stop.within_500 >= 0


def test_nothing_nearby_for_a_secret_residence_or_without_the_dataset(
    store, demo_warehouse: Path
) -> None:
    assert store.nearby(first_residence(demo_warehouse, secret=True), EVERYTHING) is None
    published = first_residence(demo_warehouse, secret=False)
    assert store.nearby(published, WITHOUT_EQUIPMENT) is None


def test_equipment_values_need_the_dataset(store) -> None:
    year = store.indicator_years["equipements.score_500"][-1]
    assert store.map_values("commune", "equipements.score_500", year, WITHOUT_EQUIPMENT) == []
    values = store.map_values("commune", "equipements.score_500", year, EVERYTHING)
    scores = [value for _, value, status in values if status == "ok"]
    assert scores and all(0 <= score <= 10 for score in scores)


@pytest.mark.parametrize(
    ("distance", "minutes"), [(0, 1), (100, 2), (500, 9), (1000, 18), (2000, 35)]
)
def test_walking_minutes_follow_the_stated_rule(distance: float, minutes: int) -> None:
    # distance x 1.3 at 75 m a minute (4.5 km/h), rounded up
    assert walking_minutes(distance) == minutes


def test_distances_are_written_in_metres_then_kilometres() -> None:
    assert format_distance(350) == "350\u00a0m"
    assert format_distance(1250) == "1,3\u00a0km"


def test_the_section_shows_each_family_with_its_distance(tree) -> None:
    nearby = [
        Nearby("elementaire", 732.0, None, "École primaire", 0, 2),
        Nearby("arret", 139.0, "Rue de Verdun", "Arrêt de transport en commun (GTFS)", 3, 9),
        Nearby("gare", None, None, None, 0, 0),
    ]
    text = tree.text_of(proximity_section(nearby))
    for expected in (
        "École élémentaire",
        "École primaire",
        "732\u00a0m",
        "≈ 13 min",
        "Rue de Verdun",
        "139\u00a0m",
        "aucun dans les données",
        WALK_RULE_TEXT,
    ):
        assert expected in text
