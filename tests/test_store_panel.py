"""The panel's store queries, on a tiny crafted warehouse with known values."""

from __future__ import annotations

import json

import pytest

from data.scope import (
    OCCUPATION_GRANTED,
    OCCUPATION_NOT_GRANTED,
    OCCUPATION_OUT_OF_PERIMETER,
    AccessScope,
)
from data.store.store import Store

EPCI = ("epci", "200093201", "Métropole Européenne de Lille", None)
ZONES = [
    EPCI,
    ("commune", "59512", "Roubaix", "59512"),
    ("commune", "59128", "Capinghem", "59128"),
    ("iris", "595120101", "Roubaix Centre", "59512"),
    ("qpv", "QN05901M", "Quartier test", "59512"),
]
# residence_id, name, commune, iris, qpv, bailleur, secret, dwellings
RESIDENCES = [
    ("RA", "Les Acacias", "59512", "595120101", "QN05901M", "900000002", False, 40),
    ("RB", "Le Bosquet", "59512", "595120101", None, "900000001", True, None),
    ("RC", "La Cour", "59128", None, None, "900000001", False, 12),
]
INDICATORS = [
    # scale, code, year, indicator_id, theme, value, status
    ("epci", "200093201", 2023, "parc.vacancy_rate_offered", "parc", 2.0, "ok"),
    ("epci", "200093201", 2024, "parc.vacancy_rate_offered", "parc", 2.5, "ok"),
    ("commune", "59512", 2023, "parc.vacancy_rate_offered", "parc", 3.0, "ok"),
    ("commune", "59512", 2024, "parc.vacancy_rate_offered", "parc", 3.5, "ok"),
    ("iris", "595120101", 2023, "parc.vacancy_rate_offered", "parc", None, "secret"),
    ("iris", "595120101", 2024, "parc.vacancy_rate_offered", "parc", 4.5, "ok"),
    ("iris", "595120101", 2022, "occupation.single_person", "occupation", 41.0, "ok"),
    ("iris", "595120101", 2022, "parc.dwellings", "parc", 60.0, "ok"),
    ("commune", "59512", 2022, "occupation.single_person", "occupation", 38.0, "ok"),
    ("residence", "RA", 2024, "parc.vacancy_rate_offered", "parc", 5.0, "ok"),
    ("residence", "RA", 2022, "occupation.single_person", "occupation", 44.0, "ok"),
    ("residence", "RC", 2022, "occupation.single_person", "occupation", 30.0, "ok"),
    # the QPV's households are in effect those of Les Acacias: its value follows RA's rule
    ("qpv", "QN05901M", 2022, "occupation.single_person", "occupation", 44.0, "perimeter"),
]
OWNER = {("qpv", "QN05901M", 2022): "RA"}
# Landlord 900000001 could take its own residences out of the IRIS and read another's.
HIDDEN = {("iris", "595120101", 2022): ["bailleur:900000001"]}
BOTH = frozenset({"parc", "occupation"})
CAPINGHEM = AccessScope("CONV-11", "Capinghem", "commune", BOTH, communes=frozenset({"59128"}))
ALL = AccessScope("CONV-1", "MEL", "mel", BOTH)
PARC_ONLY = AccessScope("CONV-2", "État", "etat", frozenset({"parc"}))
LANDLORD_1 = AccessScope(
    "CONV-21", "Bailleur 1", "bailleur", BOTH, bailleurs=frozenset({"900000001"})
)
LANDLORD_2 = AccessScope(
    "CONV-22", "Bailleur 2", "bailleur", BOTH, bailleurs=frozenset({"900000002"})
)
OCCUPATION_ONLY = AccessScope(
    "CONV-3", "Capinghem", "commune", frozenset({"occupation"}), communes=frozenset({"59128"})
)


@pytest.fixture(scope="module")
def store(tiny_warehouse) -> Store:
    return Store(
        tiny_warehouse(
            ZONES,
            RESIDENCES,
            [
                (*row, OWNER.get(row[:3]), HIDDEN.get(row[:3]) if row[4] == "occupation" else None)
                for row in INDICATORS
            ],
        )
    )


def test_zone_summary_puts_the_zone_beside_its_commune_and_the_epci(store: Store) -> None:
    summary = store.zone_summary("iris", "595120101", 2024, ALL)
    assert [level.code for level in summary.levels] == ["595120101", "59512", "200093201"]
    assert [m.value for m in summary.measures["parc.vacancy_rate_offered"]] == [4.5, 3.5, 2.5]


def test_zone_summary_takes_the_latest_vintage_up_to_the_year(store: Store) -> None:
    summary = store.zone_summary("iris", "595120101", 2023, ALL)
    iris, commune, epci = summary.measures["parc.vacancy_rate_offered"]
    assert (iris.value, iris.status, iris.year) == (None, "secret", 2023)
    assert (commune.value, epci.value) == (3.0, 2.0)
    occupation = summary.measures["occupation.single_person"]
    assert [(m.value, m.year) for m in occupation] == [(41.0, 2022), (38.0, 2022), (None, None)]
    assert occupation[2].status == "nd"


def test_zone_summary_leaves_out_datasets_the_convention_does_not_grant(store: Store) -> None:
    summary = store.zone_summary("commune", "59512", None, PARC_ONLY)
    assert [level.scale for level in summary.levels] == ["commune", "epci"]
    assert set(summary.measures) == {"parc.vacancy_rate_offered"}


def test_unknown_zone_gives_none(store: Store) -> None:
    assert store.zone_summary("commune", "99999", 2024, ALL) is None
    assert store.zone_summary("residence", "RA", 2024, ALL) is None
    assert store.residence_sheet("nope", 2024, ALL) is None


def test_residences_in_zone_lists_secret_ones_flagged(store: Store) -> None:
    items = store.residences_in_zone("iris", "595120101", CAPINGHEM)
    assert [(i.residence_id, i.secret, i.n_dwellings) for i in items] == [
        ("RB", True, None),
        ("RA", False, 40),
    ]
    assert [i.residence_id for i in store.residences_in_zone("qpv", "QN05901M", ALL)] == ["RA"]
    assert store.residences_in_zone("epci", "200093201", ALL) == []


def test_residence_sheet_inside_the_perimeter_has_occupation(store: Store) -> None:
    sheet = store.residence_sheet("RC", 2024, CAPINGHEM)
    assert sheet.occupation_access == OCCUPATION_GRANTED
    assert sheet.measures["occupation.single_person"][0].value == 30.0


def test_residence_sheet_outside_the_perimeter_holds_no_occupation(store: Store) -> None:
    sheet = store.residence_sheet("RA", 2024, CAPINGHEM)
    assert sheet.occupation_access == OCCUPATION_OUT_OF_PERIMETER
    assert not any(key.startswith("occupation.") for key in sheet.measures)
    assert [level.scale for level in sheet.levels] == ["residence", "iris", "commune", "epci"]
    assert [m.value for m in sheet.measures["parc.vacancy_rate_offered"]] == [5.0, 4.5, 3.5, 2.5]
    assert sheet.qpv.name == "Quartier test"


def test_residence_sheet_without_the_occupation_dataset(store: Store) -> None:
    sheet = store.residence_sheet("RA", 2024, PARC_ONLY)
    assert sheet.occupation_access == OCCUPATION_NOT_GRANTED
    assert not any(key.startswith("occupation.") for key in sheet.measures)


def test_residence_sheet_without_the_parc_dataset_keeps_identification_only(
    store: Store,
) -> None:
    sheet = store.residence_sheet("RC", 2024, OCCUPATION_ONLY)
    assert (sheet.name, sheet.address, sheet.bailleur_name, sheet.commune.name) == (
        "La Cour", "1 rue La Cour", "Bailleur 900000001", "Capinghem")  # fmt: skip
    assert not sheet.parc_granted
    parc_values = (sheet.n_dwellings, sheet.construction_year, sheet.first_year, sheet.last_year)
    assert parc_values == (None, None, None, None)
    assert not any(key.startswith("parc.") for key in sheet.measures)
    assert sheet.measures["occupation.single_person"][0].value == 30.0
    granted = store.residence_sheet("RC", 2024, CAPINGHEM)
    assert granted.parc_granted
    assert (granted.n_dwellings, granted.construction_year, granted.first_year) == (12, 1970, 2019)


def test_secret_residence_sheet_has_no_values(store: Store) -> None:
    sheet = store.residence_sheet("RB", 2024, ALL)
    assert sheet.secret
    assert sheet.measures == {}
    assert (sheet.n_dwellings, sheet.construction_year) == (None, None)
    assert (sheet.first_year, sheet.last_year) == (None, None)


def test_indicator_series_covers_every_vintage_of_each_level(store: Store) -> None:
    series = store.indicator_series("iris", "595120101", "parc.vacancy_rate_offered", ALL)
    assert [[(m.year, m.value) for m in level] for level in series.points] == [
        [(2023, None), (2024, 4.5)],
        [(2023, 3.0), (2024, 3.5)],
        [(2023, 2.0), (2024, 2.5)],
    ]
    occupation = "occupation.single_person"
    hidden = store.indicator_series("iris", "595120101", occupation, PARC_ONLY)
    assert hidden.points == ((), (), ())


def test_compare_rows_keep_the_pinned_order_and_drop_unknown_zones(store: Store) -> None:
    rows = store.compare_rows(
        [("commune", "59512"), ("commune", "00000"), ("iris", "595120101"), ("commune", "59512")],
        2024,
        ALL,
    )
    assert [(ref.code, values["parc.vacancy_rate_offered"].value) for ref, values in rows] == [
        ("59512", 3.5),
        ("595120101", 4.5),
    ]


def test_a_zone_value_of_one_residence_follows_that_residence_rule(store: Store) -> None:
    indicator = "occupation.single_person"
    inside = store.zone_summary("qpv", "QN05901M", 2022, ALL).measures[indicator][0]
    assert (inside.value, inside.status) == (44.0, "ok")
    outside = store.zone_summary("qpv", "QN05901M", 2022, CAPINGHEM).measures[indicator][0]
    assert (outside.value, outside.status) == (None, "restricted")
    series = store.indicator_series("qpv", "QN05901M", indicator, CAPINGHEM)
    assert all(point.value is None for point in series.points[0])
    assert store.map_values("qpv", indicator, 2022, CAPINGHEM) == [("QN05901M", None, "restricted")]
    assert store.map_values("qpv", indicator, 2022, ALL) == [("QN05901M", 44.0, "ok")]
    assert store.depends_on_perimeter("qpv", indicator, 2022)
    with pytest.raises(ValueError):
        store.shared_map_values("qpv", indicator, 2022)
    compared = dict(store.compare_rows([("qpv", "QN05901M")], 2022, CAPINGHEM))
    assert all(m.value is None for m in compared.values() for m in m.values())


def test_a_zone_value_hidden_from_a_perimeter_is_restricted_for_it_alone(store: Store) -> None:
    indicator = "occupation.single_person"
    for scope, shown in ((LANDLORD_1, False), (LANDLORD_2, True), (ALL, True), (CAPINGHEM, True)):
        (iris, *_) = store.zone_summary("iris", "595120101", 2022, scope).measures[indicator]
        expected = (41.0, "ok") if shown else (None, "restricted")
        assert (iris.value, iris.status) == expected, scope.partner_name
        assert store.map_values("iris", indicator, 2022, scope) == [("595120101", *expected)]
    assert store.depends_on_perimeter("iris", indicator, 2022)
    with pytest.raises(ValueError):
        store.shared_map_values("iris", indicator, 2022)
    # the same zone's other themes and vintages are not hidden
    same_year = store.zone_summary("iris", "595120101", 2022, LANDLORD_1).measures
    assert (same_year["parc.dwellings"][0].value, same_year["parc.dwellings"][0].status) == (
        60.0,
        "ok",
    )
    later = store.zone_summary("iris", "595120101", 2024, LANDLORD_1).measures
    assert later["parc.vacancy_rate_offered"][0].value == 4.5


def combined_store(tiny_warehouse, checked: list[str]) -> Store:
    """The same tiny warehouse, built with these combined perimeters checked (and the
    IRIS's 2022 occupation hidden from the first)."""
    directory = tiny_warehouse(
        ZONES,
        RESIDENCES,
        [
            (*row, None, checked[:1] if row[:3] == ("iris", "595120101", 2022) else None)
            for row in INDICATORS
            if row[6] != "perimeter"
        ],
    )
    manifest = directory / "manifest.json"
    manifest.write_text(
        json.dumps({"demo": True, "disclosure_audit": {"perimeters_checked": checked}})
    )
    return Store(directory)


ROUBAIX_AND_CAPINGHEM = AccessScope(
    "CONV-12", "Roubaix et Capinghem", "commune", BOTH, communes=frozenset({"59512", "59128"})
)


def test_a_perimeter_of_several_communes_the_build_did_not_check_sees_no_zone_occupation(
    tiny_warehouse,
) -> None:
    """Together two communes can take more residences out of a zone than each alone: until
    the build has checked their combined perimeter, their zone occupation values are
    restricted (their stock is not, nor their residences' occupation)."""
    assert ROUBAIX_AND_CAPINGHEM.combined_perimeter == "commune:59128+commune:59512"
    store = combined_store(tiny_warehouse, ["commune:59000+commune:59999"])
    indicator = "occupation.single_person"
    assert not store.perimeter_checked(ROUBAIX_AND_CAPINGHEM)
    assert store.perimeter_checked(CAPINGHEM)
    commune = store.zone_summary("commune", "59512", 2022, ROUBAIX_AND_CAPINGHEM)
    assert (commune.measures[indicator][0].value, commune.measures[indicator][0].status) == (
        None,
        "restricted",
    )
    later = store.zone_summary("commune", "59512", 2024, ROUBAIX_AND_CAPINGHEM)
    assert later.measures["parc.vacancy_rate_offered"][0].value == 3.5
    assert store.map_values("commune", indicator, 2022, ROUBAIX_AND_CAPINGHEM) == [
        ("59512", None, "restricted")
    ]
    assert store.depends_on_perimeter("commune", indicator, 2022, ROUBAIX_AND_CAPINGHEM)
    assert not store.depends_on_perimeter("commune", indicator, 2022, CAPINGHEM)
    assert store.map_values("commune", indicator, 2022, CAPINGHEM) == [("59512", 38.0, "ok")]
    sheet = store.residence_sheet("RA", 2022, ROUBAIX_AND_CAPINGHEM)
    own, *levels = sheet.measures[indicator]
    assert (own.value, own.status) == (44.0, "ok")
    assert all(level.value is None for level in levels)


def test_a_checked_combined_perimeter_sees_what_the_build_left_it(tiny_warehouse) -> None:
    checked = ROUBAIX_AND_CAPINGHEM.combined_perimeter
    store = combined_store(tiny_warehouse, [checked])
    indicator = "occupation.single_person"
    assert store.perimeter_checked(ROUBAIX_AND_CAPINGHEM)
    assert store.map_values("commune", indicator, 2022, ROUBAIX_AND_CAPINGHEM) == [
        ("59512", 38.0, "ok")
    ]
    # the IRIS's value the build hid from the combined perimeter, and from it alone
    assert store.map_values("iris", indicator, 2022, ROUBAIX_AND_CAPINGHEM) == [
        ("595120101", None, "restricted")
    ]
    assert store.map_values("iris", indicator, 2022, CAPINGHEM) == [("595120101", 41.0, "ok")]
