"""The map's table equivalent ("Tableau"): the mapped values of the current view as a
sortable table whose rows open the sheets, for keyboard and screen-reader users (the
map's shapes are not tab stops).

The rows come from the choropleth the map is drawn from, so a value hidden on the map
(secret, not available, outside the convention's perimeter) is hidden here with the same
words as everywhere else. The browser draws the table from
`table_data` (assets/accessibility.js), sorts it, and opens a row's sheet as a click on
the shape it stands for would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from layouts.choropleth import NO_ROW_LABEL, Choropleth
from layouts.formatting import NOT_AVAILABLE_TEXT, RESTRICTED_TEXT, SECRET_TEXT
from layouts.ids import AccessIds

TOGGLE_LABEL = "Tableau"
STATUS_TEXTS = {"secret": SECRET_TEXT, "nd": NOT_AVAILABLE_TEXT, "restricted": RESTRICTED_TEXT}
COLUMNS = (("name", "Nom"), ("value", "Valeur"), ("class", "Classe de la carte"))


@dataclass(frozen=True)
class TableRow:
    """One feature of the map: its name, shown value, class and the sort keys."""

    scale: str
    code: str
    name: str
    value: str
    value_key: float | None  # the published value; None (hidden) sorts last
    class_label: str


def table_rows(
    scale: str,
    order: Sequence[str],
    names: Mapping[str, str],
    result: Choropleth,
    values: Mapping[str, float | None],
) -> list[TableRow]:
    """A row per feature drawn at `scale`, in the map's order; `values` are the published
    values the map was classified from (the sort key of a classed feature); a hidden
    value shows its status text and sorts after every published one."""
    class_labels = [cls.label for cls in result.legend.classes]
    rows = []
    for code in order:
        classed = code in result.classes
        status = result.statuses.get(code)
        rows.append(
            TableRow(
                scale=scale,
                code=code,
                name=names.get(code, code),
                value=result.labels[code]
                if classed
                else STATUS_TEXTS.get(status or "", NO_ROW_LABEL),
                value_key=values.get(code) if classed else None,
                class_label=class_labels[result.classes[code]] if classed else "",
            )
        )
    return rows


def table_toggle() -> html.Button:
    return html.Button(
        TOGGLE_LABEL,
        id=AccessIds.TABLE_TOGGLE,
        n_clicks=0,
        type="button",
        className="btn btn-light btn-sm map-table-toggle",
        title="Afficher les valeurs de la carte sous forme de tableau",
        **{"aria-expanded": "false", "aria-controls": AccessIds.TABLE},
    )


def table_container() -> html.Div:
    """Where the table is drawn when the toggle opens it (hidden until then), and the
    rows it is drawn from: thousands of residences are too many components for Dash to
    render, so the browser builds the table's elements itself."""
    return html.Div(
        [
            html.Div(id=AccessIds.TABLE, className="map-table", hidden=True),
            dcc.Store(id=AccessIds.TABLE_DATA),
            dcc.Store(id=AccessIds.TABLE_VIEW),
        ]
    )


def table_data(title: str, rows: Sequence[TableRow]) -> dict[str, Any]:
    """What the browser draws the table from: its caption, column headers (key, label)
    and one `[scale, code, name, value, sort key, class]` list per row (a hidden value's
    sort key is null: it sorts last)."""
    return {
        "caption": f"{title} — {len(rows)} lignes ; Entrée sur un nom ouvre sa fiche",
        "columns": [list(column) for column in COLUMNS],
        "rows": [
            [row.scale, row.code, row.name, row.value, row.value_key, row.class_label]
            for row in rows
        ],
    }
