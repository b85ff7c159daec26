"""Which drawings a new explorer state asks for in its own round trip
(callbacks/state_drawings.py)."""

from __future__ import annotations

from dataclasses import replace

from callbacks.state_drawings import map_changed, sheet_change, unchanged_layers
from layouts.map_state import Feature, ViewState

BEFORE = ViewState(
    scale="commune",
    theme="parc",
    indicator="parc.dwellings",
    year=2024,
    selection=Feature("commune", "59512"),
)


def test_the_map_is_drawn_for_a_new_view_and_left_for_a_new_selection() -> None:
    assert map_changed(None, BEFORE)  # read from the URL: drawn
    for change in ({"scale": "iris"}, {"indicator": "parc.vacancy_rate"}, {"year": 2023}):
        assert map_changed(BEFORE, replace(BEFORE, **change)), change
    assert map_changed(BEFORE, replace(BEFORE, method="jenks"))
    assert not map_changed(BEFORE, replace(BEFORE, selection=Feature("commune", "59350")))
    assert not map_changed(BEFORE, replace(BEFORE, pinned=(Feature("commune", "59350"),)))


def test_the_open_sheet_redraws_what_the_new_state_changes() -> None:
    new = replace(BEFORE, indicator="parc.vacancy_rate")
    assert sheet_change(BEFORE, new) == "indicator"
    assert sheet_change(None, new) == "whole"  # read from the URL
    assert sheet_change(BEFORE, replace(BEFORE, selection=Feature("commune", "59350"))) == "whole"
    # a new year redraws a zone's year parts, a residence's sheet whole
    assert sheet_change(BEFORE, replace(new, year=2023)) == "year"
    residence = replace(BEFORE, selection=Feature("residence", "R1"))
    assert sheet_change(residence, replace(residence, year=2023)) == "whole"
    assert sheet_change(BEFORE, replace(BEFORE, scale="iris")) is None
    assert sheet_change(replace(BEFORE, selection=None), replace(new, selection=None)) is None


def test_a_new_view_on_the_same_scale_leaves_the_other_layer() -> None:
    new = replace(BEFORE, indicator="parc.vacancy_rate")
    assert unchanged_layers(BEFORE, new) == ("residence_hideout",)
    residences = replace(BEFORE, scale="residence")
    assert unchanged_layers(residences, replace(residences, year=2023)) == ("zone_hideout",)
    assert unchanged_layers(BEFORE, residences) == ()  # a new scale: every layer is set
    assert unchanged_layers(None, new) == ()  # read from the URL
