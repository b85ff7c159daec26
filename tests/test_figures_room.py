"""The panel's charts come with margins that hold their labels and legend
(`layouts.figures_panel.with_room`): plotly then draws them once, not twice."""

from __future__ import annotations

from layouts.figures_panel import (
    Bar,
    BarSeries,
    LinePoint,
    compare_bar_figure,
    distribution_figure,
    series_figure,
)


def margins(figure: dict) -> tuple[int, int]:
    margin = figure["layout"]["margin"]
    return margin["l"], margin["b"]


def line(name: str, values: list[float | None], status: str = "ok") -> tuple:
    points = [LinePoint(2018 + i, v, status if v is None else "ok") for i, v in enumerate(values)]
    return (name, "#0072B2", points)


def test_the_left_margin_holds_the_widest_y_label() -> None:
    small = series_figure("Taux", [line("Roubaix", [4.5, 5.0])], unit="%", decimals=1)
    counts = series_figure("Logements", [line("Roubaix", [30_000, 31_000])], unit="", decimals=0)
    large = series_figure("Logements", [line("MEL", [130_968, 131_000])], unit="", decimals=0)
    assert margins(small)[0] < margins(counts)[0] < margins(large)[0]
    # "131 000": seven characters at about 6.5 px, and the tick's padding
    assert 55 <= margins(large)[0] <= 62


def test_hidden_values_take_no_room() -> None:
    hidden = series_figure(
        "Logements", [line("Roubaix", [12.0, None, None], status="secret")], unit="", decimals=0
    )
    assert (
        margins(hidden)[0]
        == margins(series_figure("Logements", [line("Roubaix", [12.0])], unit="", decimals=0))[0]
    )


def test_the_bottom_margin_holds_the_legend_when_there_is_one() -> None:
    one = distribution_figure("Typologie", ["T1", "T2"], [BarSeries("Roubaix", (Bar(10), Bar(20)))])
    two = distribution_figure(
        "Typologie",
        ["T1", "T2"],
        [BarSeries("Roubaix", (Bar(10), Bar(20))), BarSeries("MEL", (Bar(12), Bar(18)))],
    )
    compared = compare_bar_figure(
        "Taux", [("Roubaix", Bar(45.5)), ("Lille", Bar(30.0))], unit="%", decimals=1
    )
    assert margins(two)[1] > margins(one)[1] == margins(compared)[1]
    assert two["layout"]["yaxis"]["automargin"]  # kept for labels longer than foreseen
