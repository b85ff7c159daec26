"""Pinning rules and the comparison view, from small in-memory values."""

from __future__ import annotations

from dash import dcc

from data.store import Measure, ZoneRef
from layouts.compare import clean_pinned, compare_view, toggle_pinned, unpin
from layouts.ids import CompareIds
from layouts.panel_labels import COMPARE_EMPTY_TEXT, PIN_LIMIT_TEXT
from tests.test_panel_layouts import ids_of, text_of, walk

ROUBAIX = {"scale": "commune", "code": "59512"}
LILLE = {"scale": "commune", "code": "59350"}
IRIS = {"scale": "iris", "code": "595120101"}
QPV = {"scale": "qpv", "code": "QN05901M"}


def test_pinning_adds_then_a_second_click_removes() -> None:
    pinned, message = toggle_pinned([], "commune", "59512")
    assert (pinned, message) == ([ROUBAIX], None)
    pinned, message = toggle_pinned(pinned, "commune", "59512")
    assert (pinned, message) == ([], None)


def test_a_fifth_pin_is_refused_with_a_french_message() -> None:
    four = [ROUBAIX, LILLE, IRIS, QPV]
    pinned, message = toggle_pinned(four, "commune", "59128")
    assert pinned == four
    assert message == PIN_LIMIT_TEXT


def test_tampered_pins_are_dropped() -> None:
    raw = [ROUBAIX, ROUBAIX, {"scale": "residence", "code": "R1"}, {"scale": "commune"},
           "59350", {"scale": "commune", "code": "x" * 300}, LILLE, IRIS, QPV,
           {"scale": "commune", "code": "59128"}]  # fmt: skip
    assert clean_pinned(raw) == [ROUBAIX, LILLE, IRIS, QPV]
    assert clean_pinned({"scale": "commune"}) == []
    assert unpin([ROUBAIX, LILLE], "commune", "59512") == [LILLE]
    assert toggle_pinned([], "residence", "R1") == ([], None)


def zone(scale: str, code: str, name: str) -> ZoneRef:
    return ZoneRef(scale, code, name)


def test_compare_view_sets_zones_side_by_side_with_the_epci_as_reference() -> None:
    rows = [
        (zone("commune", "59512", "Roubaix"), {"parc.vacancy_rate": Measure(6.26, "ok", 2024),
                                               "parc.dwellings": Measure(23000, "ok", 2024)}),
        (zone("iris", "595120101", "Roubaix Centre"),
         {"parc.vacancy_rate": Measure(None, "secret", 2024)}),
    ]  # fmt: skip
    reference = (
        zone("epci", "200093201", "Métropole Européenne de Lille"),
        {"parc.vacancy_rate": Measure(3.0, "ok", 2024), "parc.dwellings": Measure(1e5, "ok", 2024)},
    )
    view = compare_view(rows, reference=reference, indicator_id="parc.vacancy_rate", year=2024)
    text = text_of(view)
    assert "Comparaison de 2 zones" in text
    assert "6,3\u00a0%" in text and "secret" in text and "MEL" in text
    assert "23\u00a0000" in text and "100\u00a0000" in text
    assert [i["code"] for i in ids_of(view, CompareIds.UNPIN_BUTTON_TYPE)] == ["59512", "595120101"]
    (graph,) = [node for node in walk(view) if isinstance(node, dcc.Graph)]
    bars = graph.figure["data"][0]
    assert bars["x"] == ["Roubaix", "Roubaix Centre"]
    assert bars["y"] == [6.26, None]
    assert bars["text"] == ["6,3\u00a0%", "secret"]
    assert graph.figure["layout"]["shapes"][0]["y0"] == 3.0  # the MEL reference line


def test_compare_view_without_pins_explains_how_to_pin() -> None:
    assert COMPARE_EMPTY_TEXT in text_of(
        compare_view([], reference=None, indicator_id=None, year=None)
    )
