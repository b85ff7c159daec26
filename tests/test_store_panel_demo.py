"""The panel's store queries on the demo warehouse (`make data`)."""

from __future__ import annotations

import gc

from data.catalog import CATALOG
from data.scope import OCCUPATION_GRANTED, OCCUPATION_OUT_OF_PERIMETER, AccessScope
from data.store.store import Store

BOTH = frozenset({"parc", "occupation"})
MEL = AccessScope("CONV-2021-001", "MEL", "mel", BOTH)
CAPINGHEM = AccessScope("CONV-2021-011", "Capinghem", "commune", BOTH, frozenset({"59128"}))


def test_every_residence_is_listed_in_exactly_one_commune(store: Store) -> None:
    communes = store._cursor().execute("SELECT code FROM zones WHERE scale = 'commune'").fetchall()
    listed = [
        item.residence_id
        for (code,) in communes
        for item in store.residences_in_zone("commune", code, MEL)
    ]
    total = store.manifest["row_counts"]["residences"]
    assert len(listed) == len(set(listed)) == total


def test_rows_read_at_start_are_those_a_query_per_zone_returns(store: Store) -> None:
    zones = store._cursor().execute(
        "SELECT scale, code FROM zones WHERE scale <> 'iris' OR code LIKE '59350%'"
    )
    for scale, code in zones.fetchall():
        assert store._zone_rows.get((scale, code), ()) == store._read_code_rows(scale, code), code


def test_rows_read_at_start_leave_the_garbage_collector_alone(store: Store) -> None:
    rows = store._zone_rows[("commune", "59350")]
    gc.collect()
    assert rows and not gc.is_tracked(rows) and not gc.is_tracked(rows[0])


def test_residences_read_at_start_are_those_of_the_zone_by_name(store: Store) -> None:
    for scale, column, code in (
        ("commune", "commune_code", "59350"),
        ("iris", "iris_code", "593500702"),
        ("qpv", "qpv_code", "QN059007M"),
    ):
        expected = store._cursor().execute(
            f"SELECT residence_id FROM residences WHERE {column} = ? "
            "ORDER BY name, address, residence_id",
            [code],
        )
        listed = [item.residence_id for item in store.residences_in_zone(scale, code, MEL)]
        assert listed == [row[0] for row in expected.fetchall()], code


def test_commune_summary_sits_beside_the_epci_with_sane_values(store: Store) -> None:
    summary = store.zone_summary("commune", "59512", 2024, MEL)
    assert [level.scale for level in summary.levels] == ["commune", "epci"]
    assert summary.zone.name == "Roubaix"
    roubaix, mel = summary.measures["parc.dwellings"]
    assert roubaix.status == mel.status == "ok"
    assert 0 < roubaix.value < mel.value
    for indicator_id, measures in summary.measures.items():
        unit = CATALOG[indicator_id].unit
        for measure in measures:
            assert measure.year is None or measure.year <= 2024
            if unit == "%" and measure.status == "ok":
                assert 0 <= measure.value <= 100, indicator_id


def test_iris_summary_has_its_commune_between_it_and_the_epci(store: Store) -> None:
    code = (
        store._cursor()
        .execute("SELECT code FROM zones WHERE scale = 'iris' AND commune_code = '59512' LIMIT 1")
        .fetchone()[0]
    )
    summary = store.zone_summary("iris", code, 2024, CAPINGHEM)
    assert [level.code for level in summary.levels] == [code, "59512", "200093201"]
    assert any(key.startswith("occupation.") for key in summary.measures)


def test_occupation_vintages_are_the_latest_survey_up_to_the_year(store: Store) -> None:
    summary = store.zone_summary("commune", "59350", 2023, MEL)
    survey_years = store.manifest["vintages"]["ops"]
    latest = max(year for year in survey_years if year <= 2023)
    assert summary.measures["occupation.single_person"][0].year == latest


def test_series_covers_every_rpls_vintage(store: Store) -> None:
    series = store.indicator_series("commune", "59350", "parc.vacancy_rate_offered", MEL)
    assert [m.year for m in series.points[0]] == store.manifest["vintages"]["rpls"]
    assert [level.scale for level in series.levels] == ["commune", "epci"]


def test_secret_residences_return_no_values(store: Store) -> None:
    (secret_id,) = (
        store._cursor()
        .execute("SELECT residence_id FROM residences WHERE secret LIMIT 1")
        .fetchone()
    )
    sheet = store.residence_sheet(secret_id, 2024, MEL)
    assert sheet.secret and sheet.measures == {} and sheet.n_dwellings is None
    assert (sheet.first_year, sheet.last_year) == (None, None)


def test_commune_user_reads_occupation_only_inside_its_commune(store: Store) -> None:
    inside, outside = (
        store._cursor()
        .execute(
            f"SELECT residence_id FROM residences WHERE NOT secret AND commune_code {op} '59128'"
            " ORDER BY residence_id LIMIT 1"
        )
        .fetchone()[0]
        for op in ("=", "<>")
    )
    granted = store.residence_sheet(inside, 2024, CAPINGHEM)
    refused = store.residence_sheet(outside, 2024, CAPINGHEM)
    assert granted.occupation_access == OCCUPATION_GRANTED
    assert refused.occupation_access == OCCUPATION_OUT_OF_PERIMETER
    assert not [key for key in refused.measures if key.startswith("occupation.")]
    assert [level.scale for level in refused.levels] == ["residence", "iris", "commune", "epci"]


def test_residence_filter_matches_name_address_or_landlord(store: Store) -> None:
    everything = store.residences_in_zone("commune", "59350", MEL)
    landlord = everything[0].bailleur_name
    by_landlord = store.residences_in_zone("commune", "59350", MEL, landlord.upper())
    assert by_landlord and all(item.bailleur_name == landlord for item in by_landlord)
    assert store.residences_in_zone("commune", "59350", MEL, "zzz-nowhere") == []


def test_compare_rows_on_pinned_communes(store: Store) -> None:
    rows = store.compare_rows([("commune", "59350"), ("commune", "59512")], 2024, MEL)
    assert [zone.name for zone, _ in rows] == ["Lille", "Roubaix"]
    assert all(values["parc.dwellings"].status == "ok" for _, values in rows)


def test_iris_ranking_lists_every_iris_of_the_commune_highest_first(store: Store) -> None:
    ranking = store.iris_ranking("59512", "parc.vacancy_rate_offered", 2024, MEL)
    (count,) = (
        store._cursor()
        .execute("SELECT count(*) FROM zones WHERE scale = 'iris' AND commune_code = '59512'")
        .fetchone()
    )
    assert len(ranking) == count > 1
    published = [measure.value for _, measure in ranking if measure.status == "ok"]
    assert published == sorted(published, reverse=True)
    hidden = [measure.status for _, measure in ranking[len(published) :]]
    assert all(status != "ok" for status in hidden)
    parc_only = AccessScope("CONV-2", "État", "etat", frozenset({"parc"}))
    assert store.iris_ranking("59512", "occupation.single_person", 2024, parc_only) == []


def test_an_unsplit_commune_is_not_shown_twice(store: Store) -> None:
    (rid,) = (
        store._cursor()
        .execute(
            "SELECT residence_id FROM residences"
            " WHERE NOT secret AND iris_code LIKE '%0000' LIMIT 1"
        )
        .fetchone()
    )
    sheet = store.residence_sheet(rid, 2024, MEL)
    assert [level.scale for level in sheet.levels] == ["residence", "commune", "epci"]
    assert sheet.iris is not None  # still named and linked in the description
    summary = store.zone_summary("iris", sheet.iris.code, 2024, MEL)
    assert [level.scale for level in summary.levels] == ["iris", "epci"]
