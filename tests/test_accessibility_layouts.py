"""The accessibility aids' pure parts: the map's table rows (hidden values as on the map),
the indicator picker's groups, the charts' text equivalent, the French dropdown texts,
the skip links and the live region."""

from __future__ import annotations

from dash import dcc, html

from data.catalog import CATALOG
from layouts.accessibility import (
    DROPDOWN_LABELS,
    chart_summary,
    chart_text,
    live_region,
    skip_links,
)
from layouts.choropleth import build_choropleth
from layouts.controls import ControlsInit, controls_bar
from layouts.figures_panel import Bar, BarSeries, distribution_figure
from layouts.indicator_picker import (
    GROUP_VALUE_PREFIX,
    OTHER_GROUP,
    grouped_indicator_options,
    sub_theme,
)
from layouts.legend import legend_component
from layouts.map_table import table_data, table_rows

VACANCY = CATALOG["parc.vacancy_rate_offered"]
ROWS = [("a", 2.0, "ok"), ("b", 9.5, "ok"), ("c", None, "secret"), ("d", None, "restricted")]


def test_table_rows_show_hidden_values_as_the_map_does() -> None:
    result = build_choropleth(ROWS, VACANCY, 2024, total=5, k=2)
    names = {"a": "Anstaing", "b": "Baisieux", "c": "Comines", "d": "Deûlémont"}
    values = {code: value for code, value, _ in ROWS}
    rows = table_rows("commune", ["a", "b", "c", "d", "e"], names, result, values)
    shown = {row.code: (row.name, row.value, row.value_key) for row in rows}
    assert shown["a"][1] == result.labels["a"] and shown["a"][2] == 2.0
    assert shown["c"] == ("Comines", "secret", None)
    assert shown["d"] == ("Deûlémont", "hors périmètre", None)
    assert shown["e"] == ("e", "Pas de donnée cette année", None)
    assert rows[1].class_label == result.legend.classes[1].label


def test_the_table_data_holds_what_each_row_shows_and_opens() -> None:
    result = build_choropleth(ROWS, VACANCY, 2024, total=4, k=2)
    rows = table_rows("iris", ["a", "c"], {"a": "Alma Gare 1"}, result, {"a": 2.0})
    data = table_data("Taux de vacance — 2024", rows)
    assert data["caption"].startswith("Taux de vacance — 2024 — 2 lignes")
    assert [label for _, label in data["columns"]] == ["Nom", "Valeur", "Classe de la carte"]
    assert data["rows"] == [
        ["iris", "a", "Alma Gare 1", result.labels["a"], 2.0, result.legend.classes[0].label],
        ["iris", "c", "c", "secret", None, ""],
    ]


def test_every_indicator_falls_in_a_named_sub_theme() -> None:
    assert OTHER_GROUP not in {sub_theme(indicator_id) for indicator_id in CATALOG}


def test_picker_options_are_grouped_with_disabled_headings() -> None:
    theme = [(i.id, i.label) for i in CATALOG.values() if i.theme == "parc"]
    options = grouped_indicator_options(theme)
    headings = [o for o in options if o.get("disabled")]
    assert all(o["value"].startswith(GROUP_VALUE_PREFIX) for o in headings)
    assert [o["search"] for o in headings][:2] == ["Volume et localisation", "Typologie"]
    indicators = [o["value"] for o in options if not o.get("disabled")]
    assert sorted(indicators) == sorted(i for i, _ in theme)
    t1 = next(o for o in options if o["value"] == "parc.t1_share")
    assert t1["search"] == "Part de T1 Typologie"


def test_a_chart_has_a_summary_and_its_data_table(tree) -> None:
    figure = distribution_figure(
        "Typologie",
        ["T1", "T2"],
        [
            BarSeries("Roubaix", (Bar(10.0), Bar(None, "secret"))),
            BarSeries("MEL", (Bar(8.0), Bar(20.0))),
        ],
    )
    assert chart_summary(figure) == (
        "Graphique : Typologie pour Roubaix, MEL (2 valeurs, détaillées dans le tableau)."
    )
    assert tree.texts(chart_text(figure)) == [
        "Données du graphique",
        chart_summary(figure),
        "Typologie",
        "Roubaix",
        "MEL",
        "T1",
        "10,0\u00a0%",
        "8,0\u00a0%",
        "T2",
        "secret",
        "20,0\u00a0%",
    ]


def test_every_dropdown_of_the_explorer_speaks_french(tree) -> None:
    init = ControlsInit("commune", "parc", [], "parc.dwellings", [], 2024, [])
    dropdowns = [node for node in tree.walk(controls_bar(init)) if isinstance(node, dcc.Dropdown)]
    assert len(dropdowns) == 5
    assert all(d.labels == DROPDOWN_LABELS for d in dropdowns)
    assert DROPDOWN_LABELS["search"] == "Rechercher"
    assert DROPDOWN_LABELS["no_options_found"] == "Aucun résultat"


def test_skip_links_lead_to_the_map_its_table_and_the_sheet(tree) -> None:
    links = [node for node in tree.walk(skip_links()) if isinstance(node, html.A)]
    assert [link.href for link in links] == ["#map", "#map-table-toggle", "#panel"]
    live = live_region()
    assert live.role == "status" and tree.text_of(live) == "Aucune zone sélectionnée."


def test_the_legend_gives_the_definition_in_one_click(tree) -> None:
    result = build_choropleth(ROWS, VACANCY, 2024, total=4, k=2)
    legend = legend_component(result.legend)
    details = [node for node in tree.walk(legend) if getattr(node, "tag", None) == "details"]
    definition = next(d for d in details if "legend-definition" in d.className)
    assert tree.texts(definition) == ["Définition", VACANCY.definition]
