"""The panel's tables as HTML blocks (`layouts.html_block`): the key figures of a zone or
residence, its values beside its references; a ranking's rows.

The comparison keeps its table of components (`panel_common.figures_table`): its column
headers hold the buttons that unpin a zone."""

from __future__ import annotations

from collections.abc import Sequence

from dash_extensions import Purify

from data.catalog import Indicator
from data.store.types import Measure, ZoneRef
from layouts.formatting import SECRET_TEXT, SECRET_TITLE, format_value
from layouts.html_block import Markup, element, html_block, markup
from layouts.panel_common import row_label
from layouts.panel_labels import level_name


def measure_markup(indicator: Indicator, measure: Measure, year: int | None) -> Markup:
    """The formatted value, with its vintage when it is not the selected year.

    Table cells keep only "%" as a unit so that four columns fit the panel; the other
    units are in the row label."""
    unit = indicator.unit if indicator.unit == "%" else ""
    if measure.status == "secret":
        text = element("span", SECRET_TEXT, title=SECRET_TITLE, class_="value-secret")
    elif indicator.categories and measure.status == "ok" and measure.value is not None:
        text = markup(indicator.categories[int(measure.value)])
    else:
        text = markup(format_value(measure.value, unit, indicator.decimals, measure.status))
    if measure.year is not None and year is not None and measure.year != year:
        return markup([text, element("small", f" ({measure.year})", class_="text-muted")])
    return text


def table(header: Sequence[Markup], rows: Sequence[Markup], class_name: str) -> Markup:
    """A Bootstrap table (small) of a header row's cells and body rows."""
    return element(
        "table",
        [element("thead", element("tr", header)), element("tbody", rows)],
        class_=f"table table-sm {class_name}",
    )


def figures_block(
    levels: Sequence[ZoneRef],
    measures: dict[str, Sequence[Measure]],
    indicators: Sequence[Indicator],
    *,
    year: int | None,
    highlighted: str | None = None,
) -> Purify:
    """Rows of indicators, one column per level (the zone, then its references)."""
    header = [element("th", "Indicateur", scope="col")] + [
        element("th", level_name(level.scale, level.name), scope="col", class_="text-end")
        for level in levels
    ]
    rows = [
        element(
            "tr",
            [element("th", row_label(indicator), scope="row", title=indicator.definition)]
            + [
                element("td", measure_markup(indicator, measure, year), class_="text-end")
                for measure in measures[indicator.id]
            ],
            class_="table-active" if indicator.id == highlighted else None,
        )
        for indicator in indicators
    ]
    return html_block(table(header, rows, "table-hover panel-figures"), "table-scroll")
