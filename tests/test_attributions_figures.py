"""The board's figures: a value not published has no bar and says so in its place."""

from __future__ import annotations

from layouts.attributions_figures import NOT_PUBLISHED, grouped_bars


def test_a_value_not_published_is_written_where_its_bar_would_be() -> None:
    figure = grouped_bars(
        ["Bailleur A", "Bailleur B", "Bailleur C"],
        [
            ("1er quartile", [17.3, None, 20.0], "#d55e00"),
            ("Prioritaires", [None, 5.0, 9.0], "#0072b2"),
        ],
    )
    notes = figure["layout"]["annotations"]
    assert [note["text"] for note in notes] == [NOT_PUBLISHED, NOT_PUBLISHED]
    # B's first-quartile bar: the upper half of row 1; A's priority bar: the lower half of row 0
    assert [round(note["y"], 2) for note in notes] == [0.8, 0.2] and notes[0]["x"] == 0
    assert [trace["x"] for trace in figure["data"]] == [[17.3, None, 20.0], [None, 5.0, 9.0]]


def test_a_figure_with_every_value_published_has_no_note() -> None:
    figure = grouped_bars(["T1", "T2"], [("Demandes", [18.0, 30.5], "#e69f00")])
    assert figure["layout"]["annotations"] == []
