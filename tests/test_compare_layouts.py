"""The comparison view, from small in-memory values."""

from __future__ import annotations

from dash import dcc

from data.store.types import Measure, ZoneRef
from layouts.compare import compare_view
from layouts.ids import CompareIds
from layouts.panel_labels import COMPARE_EMPTY_TEXT
from tests.conftest import ComponentTree


def zone(scale: str, code: str, name: str) -> ZoneRef:
    return ZoneRef(scale, code, name)


def test_compare_view_sets_zones_side_by_side_with_the_epci_as_reference(
    tree: ComponentTree,
) -> None:
    rows = [
        (zone("commune", "59512", "Roubaix"),
         {"parc.vacancy_rate_offered": Measure(6.26, "ok", 2024),
          "parc.dwellings": Measure(23000, "ok", 2024)}),
        (zone("iris", "595120101", "Roubaix Centre"),
         {"parc.vacancy_rate_offered": Measure(None, "secret", 2024)}),
    ]  # fmt: skip
    reference = (
        zone("epci", "200093201", "Métropole Européenne de Lille"),
        {
            "parc.vacancy_rate_offered": Measure(3.0, "ok", 2024),
            "parc.dwellings": Measure(1e5, "ok", 2024),
        },
    )
    view = compare_view(
        rows, reference=reference, indicator_id="parc.vacancy_rate_offered", year=2024
    )
    text = tree.text_of(view)
    assert "Comparaison de 2 zones" in text
    assert "6,3\u00a0%" in text and "secret" in text and "MEL" in text
    assert "23\u00a0000" in text and "100\u00a0000" in text
    assert [i["code"] for i in tree.ids_of(view, CompareIds.UNPIN_BUTTON_TYPE)] == [
        "59512",
        "595120101",
    ]
    (graph,) = [node for node in tree.walk(view) if isinstance(node, dcc.Graph)]
    bars = graph.figure["data"][0]
    assert bars["x"] == ["Roubaix", "Roubaix Centre"]
    assert bars["y"] == [6.26, None]
    assert bars["text"] == ["6,3\u00a0%", "secret"]
    assert graph.figure["layout"]["shapes"][0]["y0"] == 3.0  # the MEL reference line


def test_compare_view_without_pins_explains_how_to_pin(tree: ComponentTree) -> None:
    assert COMPARE_EMPTY_TEXT in tree.text_of(
        compare_view([], reference=None, indicator_id=None, year=None)
    )
