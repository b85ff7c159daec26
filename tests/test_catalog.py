"""The indicator catalogue: complete, consistent with the pipeline's rules, stable ids."""

from __future__ import annotations

import re

import pytest

from data.catalog import (
    CATALOG,
    RENAMED_INDICATORS,
    SCALES,
    SNE_SOURCE,
    TARGETS,
    THEMES,
    indicators_for,
    successor_of,
)
from data.pipeline import proximity
from data.pipeline.attributions import derived_from
from data.pipeline.rules import RULES, ZONE_LEVEL_RULES
from data.sources.codes import EQUIPMENT_FAMILIES

# The themes computed by `data.pipeline.rules` (the diagnosis: `data.diagnostic`).
RULE_THEMES = ("parc", "occupation")
REQUIRED = {
    "parc.dwellings",
    "parc.social_share",
    "parc.qpv_share",
    "parc.t1_share",
    "parc.t2_share",
    "parc.t3_share",
    "parc.t4_share",
    "parc.t5p_share",
    "parc.mean_age",
    "parc.plai_share",
    "parc.plus_share",
    "parc.pls_share",
    "parc.pli_share",
    "parc.rent_per_habitable_m2",
    "parc.vacancy_rate_offered",
    "parc.move_in_rate",
    "parc.vacancy_over_3_months_rate",
    "parc.dpe_efg_share",
    "parc.built_before_1949_share",
    "parc.built_1949_1974_share",
    "parc.built_1975_1999_share",
    "parc.built_2000_plus_share",
    "occupation.households",
    "occupation.single_person",
    "occupation.single_parent",
    "occupation.large_family",
    "occupation.holder_over_65",
    "occupation.income_below_20",
    "occupation.income_below_40",
    "occupation.income_below_60",
    "occupation.apl_share",
    "occupation.adults_employed",
    "occupation.newcomers",
}


SOURCES = {
    "parc": "RPLS",
    "occupation": "OPS",
    "equipements": "BPE (INSEE), arrêts GTFS du réseau ; RPLS",
    "attributions": SNE_SOURCE,
}


def test_required_indicators_are_present():
    assert set(CATALOG) >= REQUIRED


@pytest.mark.parametrize("indicator", CATALOG.values(), ids=lambda i: i.id)
def test_indicator_is_fully_described(indicator):
    assert re.fullmatch(
        r"(parc|occupation|attributions|diagnostic|equipements)\.[a-z0-9_]+", indicator.id
    )
    assert indicator.id.startswith(indicator.theme + ".")
    assert indicator.theme in THEMES
    assert indicator.label and (indicator.unit or indicator.categories)
    assert len(indicator.definition) > 30
    assert set(indicator.scales) <= set(SCALES) and indicator.scales
    if indicator.theme in SOURCES:
        assert indicator.source == SOURCES[indicator.theme]
    assert indicator.polarity in (-1, 0, 1)
    assert 0 <= indicator.decimals <= 2
    assert indicator.column == indicator.id.replace(".", "__")
    if indicator.unit == "%":
        assert "rapporté" in indicator.definition


def test_every_indicator_has_exactly_one_rule():
    """Parc and occupation are computed by the rules, equipment by the proximity step,
    attributions from the SNE counts (the diagnosis by `data.diagnostic`)."""
    ruled = {i.id for i in CATALOG.values() if i.theme in RULE_THEMES}
    assert set(RULES) | set(ZONE_LEVEL_RULES) == ruled
    assert {i.id for i in CATALOG.values() if i.theme == "equipements"} == {
        *proximity.ZONE_SHARES,
        proximity.SCORE,
        *(proximity.distance_indicator(family) for family in EQUIPMENT_FAMILIES),
    }
    attributions = {i for i in CATALOG if i.startswith("attributions.")}
    assert not set(RULES) & set(ZONE_LEVEL_RULES)
    assert not (set(RULES) | set(ZONE_LEVEL_RULES)) & attributions
    # the attributions are computed from the SNE counts each one names
    assert all(derived_from(i) for i in attributions)


def test_attribution_targets_state_their_legal_reference():
    for indicator_id, target in TARGETS.items():
        definition = CATALOG[indicator_id].definition
        assert f"au moins {target:g} %" in definition and "L441-1" in definition
    assert "Égalité et Citoyenneté" in CATALOG["attributions.q1_outside_qpv_share"].definition


def test_main_residence_share_is_for_communes_and_the_zones_above_only():
    assert CATALOG["parc.social_share"].scales == ("epci", "commune", "dep", "reg")
    assert "2,2" in CATALOG["parc.social_share"].definition
    assert CATALOG["parc.social_share"] not in indicators_for("iris")


@pytest.mark.parametrize(
    "indicator_id",
    [
        "parc.vacancy_rate_offered",
        "parc.vacancy_over_3_months_rate",
        "parc.move_in_rate",
        "parc.rent_per_habitable_m2",
        "parc.social_share",
    ],
)
def test_official_indicators_name_the_source_of_their_definition(indicator_id):
    assert "Définition SDES, RPLS au 1er janvier N" in CATALOG[indicator_id].definition


def test_social_share_says_it_is_not_the_sru_rate():
    definition = CATALOG["parc.social_share"].definition
    assert "recensement" in definition and "n'est pas le taux SRU" in definition


@pytest.mark.parametrize(("old", "new"), sorted(RENAMED_INDICATORS.items()))
def test_a_renamed_id_leads_to_its_successor_with_a_french_message(old, new):
    assert old not in CATALOG and new in CATALOG
    successor, message = successor_of(old)
    assert successor == new
    assert message is not None and CATALOG[new].label in message and "définition" in message


def test_a_current_id_has_no_successor():
    assert successor_of("parc.dwellings") == ("parc.dwellings", None)
    assert successor_of("nope") == ("nope", None)


def test_indicators_for_filters_by_scale_and_theme_in_display_order():
    residence_parc = indicators_for("residence", "parc")
    assert residence_parc[0].id == "parc.dwellings"
    assert all(i.theme == "parc" and "residence" in i.scales for i in residence_parc)
    assert "parc.qpv_share" not in {i.id for i in residence_parc}
    everything = indicators_for("commune")
    assert [i.id for i in everything] == [i.id for i in CATALOG.values() if "commune" in i.scales]
    assert indicators_for("commune", "occupation")[0].id == "occupation.households"
