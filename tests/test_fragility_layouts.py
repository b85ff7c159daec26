"""The fragility diagnosis drawn: the categorical map and its legend, the sheet's words."""

from __future__ import annotations

from data.catalog import CATALOG
from data.diagnostic import CLASS_ID, CLASS_LABELS, METHOD
from data.store.types import CriterionLine, Diagnosis, IndicatorSeries, Measure, ZoneRef
from layouts.choropleth import build_choropleth
from layouts.legend import legend_component
from layouts.palettes import ORDERED_CATEGORIES, SECRET_COLOR
from layouts.panel_common import measure_text
from layouts.panel_diagnostic import (
    change_text,
    class_text,
    diagnostic_section,
    flag_text,
    ratio_text,
)
from layouts.panel_zone import evolution_chart

ROWS = [
    ("a", 0.0, "ok"),
    ("b", 1.0, "ok"),
    ("c", 2.0, "ok"),
    ("d", 2.0, "ok"),
    ("e", None, "secret"),
    ("f", None, "restricted"),
    ("g", None, "nd"),
]


def test_the_class_map_has_three_ordered_colours_and_the_hidden_statuses(tree):
    result = build_choropleth(ROWS, CATALOG[CLASS_ID], 2024, total=8)
    assert result.palette == ORDERED_CATEGORIES
    assert [(c.label, c.count, c.color) for c in result.legend.classes] == [
        (CLASS_LABELS[0], 1, ORDERED_CATEGORIES[0]),
        (CLASS_LABELS[1], 1, ORDERED_CATEGORIES[1]),
        (CLASS_LABELS[2], 2, ORDERED_CATEGORIES[2]),
    ]
    hideout = result.hideout(["a", "b", "c", "d", "e", "f", "g", "h"])
    assert hideout["classes"] == "0122srn-"
    assert hideout["labels"][:4] == [*CLASS_LABELS, CLASS_LABELS[2]]
    assert hideout["colors"]["s"] == SECRET_COLOR
    legend = tree.text_of(legend_component(result.legend))
    assert "Méthode" in legend and "1,2 fois" in legend
    assert "Secret statistique" in legend and "Hors du périmètre" in legend


def test_a_flag_map_has_two_categories_and_the_number_of_flags_is_numeric():
    flag = CATALOG[METHOD.criteria[0].flag_id]
    result = build_choropleth([("a", 0.0, "ok"), ("b", 1.0, "ok")], flag, 2024, total=2)
    assert [c.label for c in result.legend.classes] == ["Non signalé", "Signalé"]
    assert result.hideout(["a", "b"])["classes"] == "01"
    flags = build_choropleth(
        [("a", 0.0, "ok"), ("b", 5.0, "ok")], CATALOG["diagnostic.flags"], 2024, total=2
    )
    assert flags.legend.method != "categories"


def test_a_numeric_legend_has_no_method_link(tree):
    result = build_choropleth([("a", 1.0, "ok")], CATALOG["parc.dwellings"], 2024, total=1)
    assert "Méthode" not in tree.text_of(legend_component(result.legend))


def test_class_words_and_direction_of_change():
    fragile = Measure(2.0, "ok", 2024)
    assert class_text(fragile) == "Fragile"
    assert class_text(Measure(None, "secret", 2024)) == "Secret"
    assert class_text(Measure(None, "restricted", 2024)) == "hors périmètre"
    assert class_text(Measure(None, "nd", 2024)) == "Non disponible"
    assert change_text(fragile, Measure(0.0, "ok", 2022)) == "Fragilisation : Équilibrée en 2022"
    assert change_text(Measure(1.0, "ok", 2024), fragile) == "Amélioration : Fragile en 2024"
    assert change_text(fragile, Measure(None, "secret", 2022)) is None


def line(value: Measure, reference: Measure, flag: Measure) -> CriterionLine:
    return CriterionLine(METHOD.criteria[0], value, reference, flag)


def test_ratio_and_flag_are_shown_only_from_published_values():
    shown = line(Measure(48.0, "ok", 2024), Measure(40.0, "ok", 2024), Measure(1.0, "ok", 2024))
    assert ratio_text(shown) == "1,20" and flag_text(shown.flag) == "Oui"
    hidden = line(
        Measure(None, "secret", 2024), Measure(40.0, "ok", 2024), Measure(None, "secret", 2024)
    )
    assert ratio_text(hidden) == "n.d." and flag_text(hidden.flag) == "secret"


def test_the_sheet_states_the_class_its_change_and_each_criterion(tree):
    diagnosis = Diagnosis(
        survey_year=2024,
        fragility_class=Measure(2.0, "ok", 2024),
        previous_class=Measure(1.0, "ok", 2022),
        flags=Measure(4.0, "ok", 2024),
        criteria=(
            line(Measure(48.0, "ok", 2024), Measure(40.0, "ok", 2024), Measure(1.0, "ok", 2024)),
        ),
        history=(Measure(1.0, "ok", 2022), Measure(2.0, "ok", 2024)),
    )
    text = tree.text_of(diagnostic_section(diagnosis))
    for expected in (
        "Fragile",
        "4 critère(s) signalé(s)",
        "Fragilisation : À surveiller en 2022",
        "Revenus < 40 % PLUS",
        "48,0\u00a0%",
        "40,0\u00a0%",
        "1,20",
        "Oui",
        "2022",
        "Méthode",
    ):
        assert expected in text, expected  # fmt: skip
    refused = tree.text_of(diagnostic_section(None, "Votre convention ne couvre pas"))
    assert "Votre convention ne couvre pas" in refused and "Fragile" not in refused


def test_a_class_reads_as_words_in_tables_and_has_no_line_chart():
    assert measure_text(CATALOG[CLASS_ID], Measure(1.0, "ok", 2024), 2024) == ["À surveiller"]
    zone = ZoneRef("iris", "590010001", "IRIS 1", "59001")
    series = IndicatorSeries(CLASS_ID, (zone,), ((Measure(2.0, "ok", 2024),),))
    assert evolution_chart(series) is None
