"""Who sees a fragility diagnosis: the occupation perimeter rule, in the store (what any
callback, crafted or not, receives)."""

from __future__ import annotations

import pytest

from callbacks.fragility import diagnostic_sections
from data.diagnostic import CLASS_ID, FLAGS_ID
from data.scope import AccessScope
from data.store.store import Store
from data.store.types import Measure

OWN, OTHER = "R_own", "R_other"
YEAR = 2024
GRANTED = frozenset({"parc", "occupation", "diagnostic"})
LANDLORD = AccessScope("C-1", "Bailleur A", "bailleur", GRANTED, bailleurs=frozenset({"A"}))
COMMUNE = AccessScope("C-2", "Commune 2", "commune", GRANTED, communes=frozenset({"59002"}))
MEL = AccessScope("C-3", "MEL", "mel", GRANTED)
NOT_GRANTED = AccessScope("C-4", "MEL", "mel", frozenset({"parc", "occupation"}))


def diagnosis_rows(scale: str, code: str, klass: float, flags: float, owner=None):
    status = "perimeter" if owner else "ok"
    return [
        (scale, code, YEAR, CLASS_ID, "diagnostic", klass, status, owner),
        (scale, code, YEAR, FLAGS_ID, "diagnostic", flags, status, owner),
        (scale, code, YEAR, "diagnostic.flag_apl", "diagnostic", 1.0, status, owner),
    ]


@pytest.fixture(scope="module")
def store(tiny_warehouse) -> Store:
    zones = [
        ("epci", "200093201", "MEL", None),
        ("commune", "59001", "Commune 1", None),
        ("commune", "59002", "Commune 2", None),
        ("iris", "590010001", "IRIS 1", "59001"),
        ("iris", "590020000", "IRIS 2", "59002"),
    ]
    residences = [
        (OWN, "Les Tilleuls", "59001", "590010001", None, "A", False, 40),
        (OTHER, "Les Chênes", "59002", "590020000", None, "B", False, 40),
    ]
    indicators = [
        *diagnosis_rows("residence", OWN, 2.0, 5.0),
        *diagnosis_rows("residence", OTHER, 1.0, 2.0),
        *diagnosis_rows("iris", "590010001", 2.0, 4.0),
        # the IRIS of one residence: its value follows that residence's rule
        *diagnosis_rows("iris", "590020000", 1.0, 2.0, owner=OTHER),
        ("epci", "200093201", YEAR, "occupation.apl_share", "occupation", 40.0, "ok", None),
    ]
    return Store(tiny_warehouse(zones, residences, indicators))


def test_a_landlord_reads_its_residence_s_class_and_not_another_s(store):
    assert store.diagnosis("residence", OWN, YEAR, LANDLORD).fragility_class.value == 2.0
    assert store.diagnosis("residence", OTHER, YEAR, LANDLORD) is None
    values = dict(
        (code, (value, status))
        for code, value, status in store.map_values("residence", CLASS_ID, YEAR, LANDLORD)
    )
    assert values == {OWN: (2.0, "ok"), OTHER: (None, "restricted")}


def test_a_zone_class_that_is_one_residence_s_follows_its_perimeter(store):
    seen = store.diagnosis("iris", "590020000", YEAR, COMMUNE)
    assert seen.fragility_class.value == 1.0
    hidden = store.diagnosis("iris", "590020000", YEAR, LANDLORD)
    assert hidden.fragility_class == Measure(None, "restricted", YEAR)
    assert all(line.flag.value is None for line in hidden.criteria)
    iris = dict(
        (code, status) for code, _, status in store.map_values("iris", CLASS_ID, YEAR, LANDLORD)
    )
    assert iris == {"590010001": "ok", "590020000": "restricted"}


def test_rankings_hold_only_what_the_scope_sees(store):
    ranked = store.fragility_ranking(store.residences_seen("200093201", LANDLORD), YEAR, LANDLORD)
    assert [item.zone.code for item in ranked] == [OWN]
    everything = store.fragility_ranking(store.residences_seen("200093201", MEL), YEAR, MEL)
    assert [item.zone.code for item in everything] == [OWN, OTHER]  # Fragile first
    iris = store.fragility_ranking(store.iris_of("200093201"), YEAR, LANDLORD)
    assert [item.zone.code for item in iris] == ["590010001"]


def test_without_the_dataset_nothing_is_read(store, tree):
    assert store.diagnosis("iris", "590010001", YEAR, NOT_GRANTED) is None
    assert store.map_values("iris", CLASS_ID, YEAR, NOT_GRANTED) == []
    assert diagnostic_sections(store, NOT_GRANTED, "commune", "59001", YEAR) == []


def test_the_sheet_of_another_landlord_s_residence_says_why(store, tree):
    sections = diagnostic_sections(store, LANDLORD, "residence", OTHER, YEAR)
    text = tree.text_of(sections[0])
    assert "ne couvre pas le diagnostic" in text and "Équilibrée" not in text
