"""Which drawings a new explorer state asks for in its own round trip
(callbacks/state_drawings.py)."""

from __future__ import annotations

from dataclasses import replace

from callbacks.state_drawings import map_changed, only_indicator_changed
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


def test_only_a_new_indicator_redraws_a_part_of_the_open_sheet() -> None:
    new = replace(BEFORE, indicator="parc.vacancy_rate")
    assert only_indicator_changed(BEFORE, new)
    assert not only_indicator_changed(None, new)  # read from the URL: the sheet is whole
    assert not only_indicator_changed(BEFORE, replace(new, year=2023))  # the sheet redraws
    assert not only_indicator_changed(BEFORE, replace(new, selection=None))
    assert not only_indicator_changed(BEFORE, replace(BEFORE, scale="iris"))
