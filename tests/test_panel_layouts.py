"""The zone panel and the residence sheet, built from small in-memory values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import plotly
from dash import dcc, html

from data.catalog import CATALOG
from data.scope import OCCUPATION_GRANTED, OCCUPATION_NOT_GRANTED, OCCUPATION_OUT_OF_PERIMETER
from data.store.types import (
    IndicatorSeries,
    Measure,
    ResidenceItem,
    ResidenceSheet,
    ZoneRef,
    ZoneSummary,
)
from layouts.figures_panel import EPCI_COLOR, ZONE_COLORS
from layouts.ids import PanelIds
from layouts.panel_labels import (
    OCCUPATION_NOT_GRANTED_TEXT,
    OCCUPATION_OUT_OF_PERIMETER_TEXT,
    PARC_NOT_GRANTED_TEXT,
    PIN_TEXT,
    UNPIN_TEXT,
    secret_residence_text,
)
from layouts.panel_residence import residence_panel
from layouts.panel_zone import (
    cut_ranking,
    full_ranking,
    ranking_table,
    residence_list,
    zone_panel,
)
from tests.conftest import ComponentTree

IRIS = ZoneRef("iris", "595120101", "Roubaix Centre", "59512")
COMMUNE = ZoneRef("commune", "59512", "Roubaix", "59512")
EPCI = ZoneRef("epci", "200093201", "Métropole Européenne de Lille")
RESIDENCE = ZoneRef("residence", "R1", "Les Acacias", "59512")


def ok(value: float, year: int = 2024) -> Measure:
    return Measure(value, "ok", year)


def summary(**measures: tuple[Measure, ...]) -> ZoneSummary:
    return ZoneSummary(
        zone=IRIS,
        levels=(IRIS, COMMUNE, EPCI),
        year=2024,
        measures={key.replace("__", "."): value for key, value in measures.items()},
    )


def test_zone_panel_sets_each_key_figure_beside_its_commune_and_the_epci(
    tree: ComponentTree,
) -> None:
    panel = zone_panel(
        summary(
            parc__dwellings=(ok(1234), ok(23456), ok(123456)),
            parc__vacancy_rate_offered=(
                ok(4.56),
                Measure(None, "secret", 2024),
                Measure(None, "nd", None),
            ),
            occupation__single_person=(ok(41.0, 2022), ok(38.0, 2022), ok(36.5, 2022)),
            parc__rent_per_habitable_m2=(ok(5.5), ok(6.25), ok(6.01)),
        ),
        residence_count=0,
        series=None,
        indicator_id="parc.vacancy_rate_offered",
        pinned=False,
    )
    text = tree.text_of(panel)
    assert "Roubaix Centre" in text and "IRIS" in text
    assert "Logements sociaux" in text and "1\u00a0234" in text and "123\u00a0456" in text
    assert "4,6\u00a0%" in text and "secret" in text and "n.d." in text
    assert " (2022)" in text  # occupation comes from an older survey vintage
    assert (
        "Loyer moyen au m² de surface habitable (€/m²)" in text and "5,50 " in text
    )  # unit once, in the label
    assert "MEL" in text  # the EPCI column under its short name
    assert tree.ids_of(panel, PanelIds.PIN_BUTTON_TYPE) == [
        {"type": PanelIds.PIN_BUTTON_TYPE, "scale": "iris", "code": "595120101"}
    ]
    assert PIN_TEXT in text and UNPIN_TEXT not in text
    assert {"type": PanelIds.SELECT_LINK_TYPE, "scale": "commune", "code": "59512"} in tree.ids_of(
        panel, PanelIds.SELECT_LINK_TYPE
    )


def lazy_charts(tree: ComponentTree, panel: Any) -> list[dict[str, Any]]:
    """The props of the charts the browser draws when they come into view."""
    return [
        json.loads(getattr(node, "data-graph"))
        for node in tree.walk(panel)
        if isinstance(getattr(node, "id", None), dict)
        and node.id.get("type") == PanelIds.LAZY_CHART_TYPE
    ]


def test_zone_panel_draws_the_charts_the_catalogue_feeds(tree: ComponentTree) -> None:
    typology = {f"parc__t{n}_share": (ok(10.0 * n), ok(20.0), ok(20.0)) for n in (1, 2, 3, 4)}
    panel = zone_panel(
        summary(
            **typology,
            parc__t5p_share=(Measure(None, "secret", 2024), ok(20.0), ok(20.0)),
            parc__vacancy_rate_offered=(ok(4.0), ok(3.0), ok(2.0)),
        ),
        residence_count=0,
        series=IndicatorSeries(
            "parc.vacancy_rate_offered",
            (IRIS, COMMUNE, EPCI),
            ((ok(3.0, 2023), ok(4.0)), (ok(2.0, 2023), ok(3.0)), (ok(2.0, 2023), ok(2.0))),
        ),
        indicator_id="parc.vacancy_rate_offered",
        pinned=True,
    )
    # every chart of a zone's sheet is drawn by the browser when it comes into view
    assert not [node for node in tree.walk(panel) if isinstance(node, dcc.Graph)]
    lazy = lazy_charts(tree, panel)
    titles = [graph["figure"]["layout"]["title"]["text"] for graph in lazy]
    assert titles == ["Taux de vacance", "Typologie"]
    assert lazy[1]["className"] == "panel-graph panel-graph-typologie"
    typology_figure = lazy[1]["figure"]
    assert typology_figure["data"][0]["x"] == ["T1", "T2", "T3", "T4", "T5+"]
    assert typology_figure["data"][0]["y"] == [10.0, 20.0, 30.0, 40.0, None]
    assert typology_figure["data"][0]["customdata"][4] == "secret"
    assert [trace["name"] for trace in typology_figure["data"]] == [
        "Roubaix Centre",
        "Roubaix",
        "MEL",
    ]
    assert [trace["marker"]["color"] for trace in typology_figure["data"]] == [
        ZONE_COLORS[0],
        ZONE_COLORS[1],
        EPCI_COLOR,
    ]
    evolution = lazy[0]["figure"]
    assert evolution["data"][0]["y"] == [3.0, 4.0]
    assert evolution["layout"]["separators"] == ", "
    assert UNPIN_TEXT in tree.text_of(panel)


def served_plotly_locales() -> set[str]:
    """The plotly locales a browser gets: those of plotly's bundle and of the app's assets."""
    bundles = [
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
        *(Path(__file__).parents[1] / "assets").rglob("*.js"),
    ]
    pattern = r'moduleType:"locale",name:"([\w-]+)"'
    return {name for bundle in bundles for name in re.findall(pattern, bundle.read_text())}


def test_panel_graphs_ask_only_for_served_locales_and_keep_french_separators(
    tree: ComponentTree,
) -> None:
    panel = zone_panel(
        summary(parc__vacancy_rate_offered=(ok(4.0), ok(3.0), ok(2.0))),
        residence_count=0,
        series=IndicatorSeries(
            "parc.vacancy_rate_offered", (IRIS, COMMUNE, EPCI), ((ok(4.0),), (ok(3.0),), (ok(2.0),))
        ),
        indicator_id="parc.vacancy_rate_offered",
        pinned=False,
    )
    graphs = lazy_charts(tree, panel)
    assert graphs
    locales = served_plotly_locales()
    for graph in graphs:
        assert graph["config"].get("locale", "en") in locales
        assert graph["figure"]["layout"]["separators"] == ", "


def test_zone_panel_counts_residences_and_draws_their_list(tree: ComponentTree) -> None:
    panel = zone_panel(
        summary(parc__dwellings=(ok(130), ok(1000), ok(9000))),
        residence_count=2,
        series=None,
        indicator_id=None,
        pinned=False,
        residences=[html.P("Aucune résidence à afficher.")],
    )
    text = tree.text_of(panel)
    zone_id = {"scale": "iris", "code": IRIS.code}
    assert "Résidences (2)" in text and "Aucune résidence à afficher." in text
    assert tree.ids_of(panel, PanelIds.RESIDENCE_LIST_TYPE) == [
        {"type": PanelIds.RESIDENCE_LIST_TYPE, **zone_id}
    ]
    assert tree.ids_of(panel, PanelIds.SELECT_LINK_TYPE) == [
        {"type": PanelIds.SELECT_LINK_TYPE, "scale": "commune", "code": "59512"}
    ]


def test_residence_list_links_each_residence_and_flags_secret_ones(tree: ComponentTree) -> None:
    residences = [
        ResidenceItem("R1", "Les Acacias", "1 rue A, Roubaix", "Bailleur A", "50-199", False, 120),
        ResidenceItem("R2", "Le Bosquet", "2 rue B, Roubaix", "Bailleur B", "<11", True, None),
    ]
    listing = html.Div(residence_list(residences, 11))
    text = tree.text_of(listing)
    assert "120\u00a0logements" in text and "Secret statistique" in text
    links = tree.ids_of(listing, PanelIds.SELECT_LINK_TYPE)
    assert {"type": PanelIds.SELECT_LINK_TYPE, "scale": "residence", "code": "R1"} in links
    assert {"type": PanelIds.SELECT_LINK_TYPE, "scale": "residence", "code": "R2"} in links


def sheet(**changes: Any) -> ResidenceSheet:
    values = {
        "residence_id": "R1",
        "name": "Les Acacias",
        "address": "12 bis rue Jean Lebas, 59100 Roubaix",
        "commune": COMMUNE,
        "iris": IRIS,
        "qpv": None,
        "bailleur_code": "900000002",
        "bailleur_name": "Vilogia",
        "size_class": "50-199",
        "secret": False,
        "n_dwellings": 120,
        "construction_year": 1968,
        "first_year": 2019,
        "last_year": 2024,
        "levels": (RESIDENCE, IRIS, COMMUNE, EPCI),
        "measures": {
            "parc.vacancy_rate_offered": (ok(5.0), ok(4.0), ok(3.0), ok(2.0)),
            "occupation.single_person": (
                ok(44.0, 2022),
                ok(41.0, 2022),
                ok(38.0, 2022),
                ok(36.0, 2022),
            ),
        },
        "occupation_access": OCCUPATION_GRANTED,
        "parc_granted": True,
    }
    return ResidenceSheet(**{**values, **changes})


def test_residence_sheet_shows_description_and_indicators_against_its_zones(
    tree: ComponentTree,
) -> None:
    text = tree.text_of(residence_panel(sheet(), year=2024, threshold=11))
    expected_texts = (
        "12 bis rue Jean Lebas", "Vilogia", "De 50 à 199 logements", "1968", "Hors QPV",
        "de 2019 à 2024", "5,0\u00a0%", "44,0\u00a0%", "Résidence",
    )  # fmt: skip
    for expected in expected_texts:
        assert expected in text, expected
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT not in text


def test_residence_sheet_outside_the_perimeter_says_so_and_shows_no_occupation(
    tree: ComponentTree,
) -> None:
    measures = {"parc.vacancy_rate_offered": (ok(5.0), ok(4.0), ok(3.0), ok(2.0))}
    refused = sheet(measures=measures, occupation_access=OCCUPATION_OUT_OF_PERIMETER)
    text = tree.text_of(residence_panel(refused, year=2024, threshold=11))
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in text
    assert "Part de personnes seules" not in text
    not_granted = sheet(measures=measures, occupation_access=OCCUPATION_NOT_GRANTED)
    assert OCCUPATION_NOT_GRANTED_TEXT in tree.text_of(
        residence_panel(not_granted, year=2024, threshold=11)
    )


def test_secret_residence_shows_the_secrecy_notice_and_no_values(tree: ComponentTree) -> None:
    secret = sheet(secret=True, n_dwellings=None, construction_year=None, measures={},
                   size_class=None)  # fmt: skip
    panel = residence_panel(secret, year=2024, threshold=11)
    text = tree.text_of(panel)
    assert secret_residence_text(11) in text
    # no size class: it would bound the dwellings of a secret residence
    assert "Taille secret" in text and "Moins de 11 logements" not in text
    assert "%" not in text and "1968" not in text
    assert "Présente au RPLS" not in text and "2019" not in text
    assert not [node for node in tree.walk(panel) if isinstance(node, dcc.Graph)]


def ranking_section_of(tree: ComponentTree, ranking: list[tuple[ZoneRef, Measure]]) -> Any:
    """The ranking section of Roubaix's panel for the vacancy rate."""
    commune_summary = ZoneSummary(
        zone=COMMUNE,
        levels=(COMMUNE, EPCI),
        year=2024,
        measures={"parc.vacancy_rate_offered": (ok(4.0), ok(3.0))},
    )
    panel = zone_panel(
        commune_summary,
        residence_count=0,
        series=None,
        indicator_id="parc.vacancy_rate_offered",
        pinned=False,
        ranking=ranking,
    )
    (section,) = [node for node in tree.walk(panel) if "panel-section-ranking" in str(
        getattr(node, "className", ""))]  # fmt: skip
    return section


def test_commune_panel_ranks_its_iris_by_the_chosen_indicator(tree: ComponentTree) -> None:
    ranking = [
        (ZoneRef("iris", "595120102", "Épeule 2"), ok(7.26)),
        (IRIS, ok(5.0)),
        (ZoneRef("iris", "595120103", "Alma 3"), Measure(None, "secret", 2024)),
    ]
    section = ranking_section_of(tree, ranking)
    text = tree.text_of(section)
    assert text.index("Épeule 2") < text.index("Roubaix Centre") < text.index("Alma 3")
    assert "7,3\u00a0%" in text and "secret" in text
    assert [i["code"] for i in tree.ids_of(section, PanelIds.SELECT_LINK_TYPE)] == [
        "595120102", "595120101", "595120103"]  # fmt: skip


def iris_ranking(count: int) -> list[tuple[ZoneRef, Measure]]:
    """`count` IRIS of Roubaix, highest first."""
    return [
        (ZoneRef("iris", f"59512{n:04d}", f"IRIS {n}"), ok(100.0 - n)) for n in range(1, count + 1)
    ]


def test_cut_ranking_keeps_the_ten_highest_and_five_lowest_with_their_ranks() -> None:
    cut = cut_ranking(iris_ranking(116))
    assert [ranked.rank for ranked in cut.head] == list(range(1, 11))
    assert [ranked.rank for ranked in cut.tail] == [112, 113, 114, 115, 116]
    assert cut.tail[0].zone.name == "IRIS 112"
    assert cut.skipped == 101 and cut.total == 116
    short = cut_ranking(iris_ranking(15))
    assert [ranked.rank for ranked in short.head] == list(range(1, 16))
    assert short.skipped == 0 and short.tail == []


def test_cut_ranking_tail_holds_the_lowest_published_values_not_the_secret_ones(
    tree: ComponentTree,
) -> None:
    published = iris_ranking(30)
    hidden = [(ZoneRef("iris", f"59512{n:04d}", f"IRIS {n}"), Measure(None, "secret", 2024))
              for n in range(31, 38)]  # fmt: skip
    cut = cut_ranking(published + hidden)
    assert [ranked.rank for ranked in cut.tail] == [26, 27, 28, 29, 30]
    assert all(ranked.measure.value is not None for ranked in cut.head + cut.tail)
    assert cut.skipped == 15 and cut.unpublished == 7 and cut.total == 37
    text = tree.text_of(html.Div(ranking_table(cut, CATALOG["parc.vacancy_rate_offered"], 2024)))
    assert "… 15 autres IRIS" in text
    assert "… 7 IRIS sans valeur publiée (secret ou n.d.)" in text
    assert text.index("30.") < text.index("sans valeur publiée")


def test_commune_panel_shows_a_cut_ranking_and_a_button_for_all_of_it(tree: ComponentTree) -> None:
    section = ranking_section_of(tree, iris_ranking(116))
    text = tree.text_of(section)
    assert "(116)" in text
    assert text.index("10.") < text.index("… 101 autres IRIS") < text.index("112.")
    assert "11." not in text.split("… 101")[0] and "111." not in text
    links = [i["code"] for i in tree.ids_of(section, PanelIds.SELECT_LINK_TYPE)]
    assert links == [f"59512{n:04d}" for n in (*range(1, 11), *range(112, 117))]
    (more,) = [node for node in tree.walk(section) if getattr(node, "id", None) == {
        "type": PanelIds.RANKING_MORE_TYPE, "code": "59512"}]  # fmt: skip
    assert more.children == "Voir les 116 IRIS"
    assert tree.ids_of(section, PanelIds.RANKING_TABLE_TYPE) == [
        {"type": PanelIds.RANKING_TABLE_TYPE, "code": "59512"}
    ]


def test_full_ranking_lists_every_iris_with_its_rank(tree: ComponentTree) -> None:
    table = html.Div(full_ranking("parc.vacancy_rate_offered", iris_ranking(116), 2024))
    assert len(tree.ids_of(table, PanelIds.SELECT_LINK_TYPE)) == 116
    text = tree.text_of(table)
    assert "autres IRIS" not in text
    assert text.index("IRIS 1 ") < text.index("58.") < text.index("116.")
    assert "Aucun IRIS" in tree.text_of(html.Div(full_ranking(None, [], 2024)))


def test_long_residence_lists_are_cut_with_a_hint_to_filter(tree: ComponentTree) -> None:
    items = [
        ResidenceItem(f"R{n}", f"Résidence {n}", f"{n} rue A", "Bailleur", "11-49", False, 20)
        for n in range(5)
    ]
    listing = html.Div(residence_list(items, 11, limit=2))
    assert len(tree.ids_of(listing, PanelIds.SELECT_LINK_TYPE)) == 2
    assert "2 premières sur 5" in tree.text_of(listing)
    assert "… 3 autres : filtrez" in tree.text_of(listing)
    assert "… 1 autre : filtrez" in tree.text_of(html.Div(residence_list(items, 11, limit=4)))
    assert "premières" not in tree.text_of(html.Div(residence_list(items, 11, limit=5)))


def test_residence_sheet_without_the_parc_dataset_shows_no_parc_value(tree: ComponentTree) -> None:
    occupation = {"occupation.single_person": sheet().measures["occupation.single_person"]}
    no_parc = sheet(parc_granted=False, n_dwellings=None, construction_year=None,
                    first_year=None, last_year=None, measures=occupation)  # fmt: skip
    text = tree.text_of(residence_panel(no_parc, year=2024, threshold=11))
    assert PARC_NOT_GRANTED_TEXT in text
    assert "Vilogia" in text and "12 bis rue Jean Lebas" in text and "44,0\u00a0%" in text
    for hidden in ("Logements", "Année de construction", "Présente au RPLS", "n.d."):
        assert hidden not in text, hidden
    assert PARC_NOT_GRANTED_TEXT not in tree.text_of(
        residence_panel(sheet(), year=2024, threshold=11)
    )
