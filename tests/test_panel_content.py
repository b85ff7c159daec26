"""What the panel and compare callbacks build for a selection, on the demo warehouse,
with a scope given directly (the callbacks take it from the session)."""

from __future__ import annotations

import pytest
from dash import html

from callbacks.compare import compare_content
from callbacks.panel import clean_year, indicator_part, panel_content, ranking_content
from data.scope import AccessScope
from data.store.store import Store
from layouts.ids import PanelIds
from layouts.map_state import Feature
from layouts.panel_labels import (
    NO_SELECTION_TEXT,
    OCCUPATION_OUT_OF_PERIMETER_TEXT,
    UNKNOWN_SELECTION_TEXT,
)
from tests.conftest import ComponentTree

BOTH = frozenset({"parc", "occupation"})
MEL = AccessScope("CONV-2021-001", "MEL", "mel", BOTH)
CAPINGHEM = AccessScope("CONV-2021-011", "Capinghem", "commune", BOTH, frozenset({"59128"}))
FINDER = "/residences"


def first_residence(store: Store, where: str) -> str:
    sql = f"SELECT residence_id FROM residences WHERE {where} ORDER BY residence_id LIMIT 1"
    return store._cursor().execute(sql).fetchone()[0]


def test_year_falls_back_to_the_latest_vintage(store: Store) -> None:
    latest = store.manifest["vintages"]["rpls"][-1]
    assert clean_year("2021", store) == 2021
    assert clean_year("drop table", store) == clean_year(1200, store) == latest


def test_nothing_or_something_unknown_selected(tree: ComponentTree, store: Store) -> None:
    assert NO_SELECTION_TEXT in tree.text_of(
        panel_content(store, MEL, None, None, None, [], finder_path=FINDER).children
    )
    unknown = panel_content(
        store, MEL, Feature("commune", "00000"), None, 2024, [], finder_path=FINDER
    )
    assert UNKNOWN_SELECTION_TEXT in tree.text_of(unknown.children)
    assert unknown.residence_viewed is None


def test_zone_panel_marks_a_pinned_zone(tree: ComponentTree, store: Store) -> None:
    pinned = [Feature("commune", "59512")]
    content = panel_content(
        store, MEL, pinned[0], "parc.vacancy_rate_offered", 2024, pinned, finder_path=FINDER
    )
    text = tree.text_of(content.children)
    assert "Roubaix" in text and "Retirer de la comparaison" in text
    assert content.residence_viewed is None


def test_residence_sheet_outside_the_perimeter_is_refused_and_reported_viewed(
    tree: ComponentTree,
    store: Store,
) -> None:
    outside = first_residence(store, "NOT secret AND commune_code <> '59128'")
    content = panel_content(
        store, CAPINGHEM, Feature("residence", outside), None, 2024, [], finder_path=FINDER
    )
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in tree.text_of(content.children)
    assert "Ménages enquêtés" not in tree.text_of(content.children)
    assert content.residence_viewed == outside


def test_compare_sets_the_epci_apart_as_reference(tree: ComponentTree, store: Store) -> None:
    pinned = [Feature("commune", "59350"), Feature("commune", "59512")]
    view = compare_content(store, MEL, pinned, "parc.vacancy_rate_offered", 2024)
    text = tree.text_of(view)
    assert "Comparaison de 2 zones" in text
    assert text.index("Lille") < text.index("Roubaix") < text.index("MEL")


def test_roubaix_panel_cuts_its_ranking_and_the_button_brings_all_of_it(
    tree: ComponentTree, store: Store
) -> None:
    roubaix = Feature("commune", "59512")
    ranking = store.iris_ranking("59512", "parc.vacancy_rate_offered", 2024, MEL)
    assert len(ranking) > 15
    panel = panel_content(
        store, MEL, roubaix, "parc.vacancy_rate_offered", 2024, [], finder_path=FINDER
    ).children
    (section,) = [node for node in tree.walk(panel) if "panel-section-ranking" in str(
        getattr(node, "className", ""))]  # fmt: skip
    published = [zone for zone, measure in ranking if measure.value is not None]
    unpublished = len(ranking) - len(published)
    assert unpublished > 0, "the demo Roubaix has IRIS without a published vacancy rate"
    assert len(tree.ids_of(section, PanelIds.SELECT_LINK_TYPE)) == 15
    assert f"… {len(published) - 15} autres IRIS" in tree.text_of(section)
    assert f"… {unpublished} IRIS sans valeur publiée" in tree.text_of(section)
    assert tree.ids_of(section, PanelIds.RANKING_MORE_TYPE) == [
        {"type": PanelIds.RANKING_MORE_TYPE, "code": "59512"}
    ]

    full = html.Div(ranking_content(store, MEL, "59512", "parc.vacancy_rate_offered", 2024))
    assert [i["code"] for i in tree.ids_of(full, PanelIds.SELECT_LINK_TYPE)] == [
        zone.code for zone, _ in ranking
    ]
    assert f"{len(ranking)}." in tree.text_of(full) and "autres IRIS" not in tree.text_of(full)


@pytest.mark.parametrize(
    ("code", "indicator"),
    [
        ("x" * 300, "parc.vacancy_rate_offered"),
        ({"$ne": 1}, "parc.vacancy_rate_offered"),
        ("59512", None),
    ],
)
def test_full_ranking_of_a_tampered_request_is_an_empty_hint(
    tree: ComponentTree, store: Store, code: object, indicator: str | None
) -> None:
    content = html.Div(ranking_content(store, MEL, code, indicator, 2024))
    assert "Aucun IRIS" in tree.text_of(content) and not tree.ids_of(
        content, PanelIds.SELECT_LINK_TYPE
    )


def test_a_new_indicator_redraws_only_the_part_of_the_panel_it_changes(
    tree: ComponentTree, store: Store
) -> None:
    """The zone's panel holds the figures of the mapped indicator in one part, which the
    indicator's callback redraws alone: same content as the whole panel would have."""
    roubaix = Feature("commune", "59512")
    whole = panel_content(
        store, MEL, roubaix, "parc.vacancy_rate_offered", 2024, [], finder_path=FINDER
    ).children
    (part,) = [
        node
        for node in tree.walk(whole)
        if isinstance(getattr(node, "id", None), dict)
        and node.id.get("type") == PanelIds.INDICATOR_PART_TYPE
    ]
    assert part.id == {"type": PanelIds.INDICATOR_PART_TYPE, "scale": "commune", "code": "59512"}
    alone = indicator_part(store, MEL, roubaix, "parc.vacancy_rate_offered", 2024)
    assert tree.text_of(alone) == tree.text_of(part.children)
    assert "IRIS de la commune" in tree.text_of(alone)
    other = tree.text_of(indicator_part(store, MEL, roubaix, "parc.dwellings", 2024))
    assert other != tree.text_of(alone)
    # the charts of the zone's profile and its residences stay outside the part
    assert "Profil du parc" in tree.text_of(whole) and "Profil du parc" not in other
    assert indicator_part(store, MEL, Feature("commune", "00000"), "parc.dwellings", 2024) is None
