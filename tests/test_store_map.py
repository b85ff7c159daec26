"""The map's store queries on the demo warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from data.catalog import CATALOG
from data.scope import AccessScope
from data.store.store import Store

MEL = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "occupation"}))
ROUBAIX = AccessScope(
    "COM-1", "Roubaix", "commune", frozenset({"parc", "occupation"}), communes=frozenset({"59512"})
)
PARC_ONLY = AccessScope("ETAT-1", "État", "etat", frozenset({"parc"}))


def count(demo_warehouse: Path, table: str, where: str = "true") -> int:
    path = demo_warehouse / f"{table}.parquet"
    sql = f"SELECT count(*) FROM read_parquet(?) WHERE {where}"
    return duckdb.connect().execute(sql, [str(path)]).fetchone()[0]


def test_feature_collections_hold_every_zone_once(store: Store, demo_warehouse: Path) -> None:
    for scale in ("commune", "iris", "qpv"):
        expected = count(demo_warehouse, "zones", f"scale = '{scale}'")
        collection = json.loads(store.zone_features_json(scale))
        codes = [f["properties"]["code"] for f in collection["features"]]
        assert len(codes) == len(set(codes)) == expected == len(store.map_codes(scale))
        assert all(f["properties"]["scale"] == scale for f in collection["features"])
        assert all(
            f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in collection["features"]
        )
    assert len(store.map_codes("commune")) == 95


def test_features_carry_their_position_in_the_map_order(store: Store) -> None:
    """The map's styles are arrays: feature `i` must be the i-th code of `map_order`."""
    collections = {scale: store.zone_features_json(scale) for scale in ("commune", "iris", "qpv")}
    collections["residence"] = store.residence_features_json()
    for scale, text in collections.items():
        order = store.map_order(scale)
        features = json.loads(text)["features"]
        assert len(features) == len(order) > 0
        assert all(order[f["properties"]["i"]] == f["properties"]["code"] for f in features)


def test_residence_points_carry_size_and_secrecy(store: Store, demo_warehouse: Path) -> None:
    collection = json.loads(store.residence_features_json())
    features = collection["features"]
    assert len(features) == count(demo_warehouse, "residences")
    secret = {f["properties"]["code"] for f in features if f["properties"]["secret"]}
    expected_secret = count(demo_warehouse, "residences", "secret")
    assert len(secret) == expected_secret > 0
    sizes = {f["properties"]["size"] for f in features if not f["properties"]["secret"]}
    assert sizes <= {"11-49", "50-199", "200+"}
    # a size class would bound the dwellings of a secret residence: none is sent
    assert all(f["properties"]["size"] is None for f in features if f["properties"]["secret"])
    # no value of any kind rides with the points: only identity, size and secrecy
    assert set(features[0]["properties"]) == {"i", "code", "name", "size", "secret", "scale"}


def test_map_values_cover_every_zone(store: Store) -> None:
    year = store.indicator_years["parc.vacancy_rate_offered"][-1]
    for scale in ("commune", "iris", "qpv"):
        rows = store.map_values(scale, "parc.vacancy_rate_offered", year, MEL)
        assert {code for code, _, _ in rows} == store.map_codes(scale)
        assert all(status in ("ok", "secret", "nd") for _, _, status in rows)
        assert all((value is None) == (status != "ok") for _, value, status in rows)


def test_secret_residences_have_no_published_value(store: Store) -> None:
    year = store.indicator_years["parc.dwellings"][-1]
    rows = store.map_values("residence", "parc.dwellings", year, MEL)
    by_code = {code: (value, status) for code, value, status in rows}
    collection = json.loads(store.residence_features_json())
    secret_now = [
        f["properties"]["code"] for f in collection["features"] if f["properties"]["secret"]
    ]
    present = [code for code in secret_now if code in by_code]
    assert present
    assert all(by_code[code] == (None, "secret") for code in present)
    published = [v for v, s in by_code.values() if s == "ok"]
    assert min(published) >= store.secrecy_threshold


def test_a_residence_secret_now_is_secret_in_every_vintage(store: Store) -> None:
    """A residence hidden in one vintage is hidden in all (the pipeline decides it), and
    the map shows no value of any vintage for it."""
    flagged = {
        code
        for (code,) in store._cursor()
        .execute("SELECT residence_id FROM residences WHERE secret")
        .fetchall()
    }
    published = (
        store._cursor()
        .execute(
            "SELECT count(*) FROM indicators i JOIN residences r ON r.residence_id = i.code "
            "WHERE i.scale = 'residence' AND r.secret AND i.status <> 'secret'"
        )
        .fetchone()[0]
    )
    assert published == 0
    for indicator_id, years in store.indicator_years.items():
        if indicator_id.startswith("parc."):
            rows = store.map_values("residence", indicator_id, years[0], ROUBAIX)
            by_code = {code: (value, status) for code, value, status in rows}
            assert all(by_code[code] == (None, "secret") for code in flagged), indicator_id
            break


def test_occupation_is_scoped_by_the_convention(store: Store) -> None:
    indicator = next(
        i for i in CATALOG.values() if i.theme == "occupation" and "residence" in i.scales
    )
    year = store.indicator_years[indicator.id][-1]
    everything = store.map_values("residence", indicator.id, year, MEL)
    roubaix = store.map_values("residence", indicator.id, year, ROUBAIX)
    assert len(everything) == len(roubaix)
    assert not any(status == "restricted" for _, _, status in everything)
    residences = {
        code: (commune, secret)
        for code, commune, secret in store._cursor()
        .execute("SELECT residence_id, commune_code, secret FROM residences")
        .fetchall()
    }
    for code, value, status in roubaix:
        commune, secret = residences[code]
        if secret:  # secret for everyone, as in its panel
            assert (value, status) == (None, "secret")
        elif commune == "59512":
            assert status != "restricted"
        else:
            assert (value, status) == (None, "restricted")
    assert store.map_values("commune", indicator.id, year, PARC_ONLY) == []
    with pytest.raises(ValueError, match="perimeter"):
        store.shared_map_values("residence", indicator.id, year)


def test_search_finds_communes_iris_qpv_and_residences(store: Store) -> None:
    found = store.search_places("roubaix")
    assert (found[0].scale, found[0].code) == ("commune", "59512")
    assert {p.scale for p in found} >= {"commune", "iris"}
    assert store.search_places("ROUBAIX") == found  # case
    villeneuve = store.search_places("villeneuve d'ascq")
    assert villeneuve and villeneuve[0].name == "Villeneuve-d'Ascq"
    assert store.search_places("lezennes")[0].name == "Lezennes"
    assert store.search_places("x") == []  # too short
    assert store.search_places("%") == []
    assert store.search_places("%%_'") == []  # punctuation alone matches nothing
    residence = (
        store._cursor()
        .execute("SELECT residence_id, address FROM residences WHERE address IS NOT NULL LIMIT 1")
        .fetchone()
    )
    by_address = store.search_places(residence[1], limit=50)
    assert ("residence", residence[0]) in {(p.scale, p.code) for p in by_address}


def test_place_and_selection_feature(store: Store) -> None:
    roubaix = store.place("commune", "59512")
    assert roubaix is not None and roubaix.name == "Roubaix"
    assert roubaix.min_lon < roubaix.lon < roubaix.max_lon
    assert roubaix.min_lat < roubaix.lat < roubaix.max_lat
    assert store.place("commune", "00000") is None
    outline = store.selection_feature("commune", "59512")
    assert outline["geometry"]["type"] in ("Polygon", "MultiPolygon")
    residence_id = next(iter(sorted(store.map_codes("residence"))))
    point = store.selection_feature("residence", residence_id)
    assert point["geometry"]["type"] == "Point"
    assert store.selection_feature("iris", "nope") is None


def test_indicator_years_follow_the_manifest(store: Store) -> None:
    vintages = store.manifest["vintages"]
    assert store.indicator_years["parc.dwellings"] == tuple(vintages["rpls"])
    occupation = next(i.id for i in CATALOG.values() if i.theme == "occupation")
    assert set(store.indicator_years[occupation]) <= set(vintages["ops"])
