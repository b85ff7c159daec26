"""The residence finder ("Résidences"): an AG Grid table of the residences a user may
see, its column chooser and presets, its export links and the commission file form.

Pure functions: the grid's columns from the store's `FinderColumn`s, the rows as the user
reads them (French numbers, "secret", "hors périmètre", "n.d."), the view's layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote_plus

import dash_ag_grid as dag
from dash import dcc, html

from data.catalog import THEMES
from data.store.finder_types import IDENTITY, NUMBER, FinderColumn, FinderPage, FinderQuery
from layouts.finder_state import FinderState, finder_query_string
from layouts.formatting import format_value
from layouts.ids import FinderIds
from layouts.map_state import format_centre

TITLE = "Résidences"
GROUP_LABELS = {IDENTITY: "Identification", **THEMES}
SELECTION_COLUMN = "ag-Grid-SelectionColumn"
ROWS_PER_BLOCK = 100
RESIDENCE_ZOOM = 17
# What a residence's name escapes in the text of its Markdown link.
MARKDOWN_ESCAPES = str.maketrans({c: f"\\{c}" for c in "[]()\\*_`<>"})
# The columns of each preset, by field; a preset shows those the user may see. The
# "Commission" preset also shows every column of a theme no preset names (e.g. a new
# theme), so that its residence figures appear without a change here.
PRESETS: dict[str, tuple[str, ...]] = {
    "Commission": (
        "name",
        "commune",
        "qpv",
        "landlord",
        "parc__dwellings",
        "parc__t1_share",
        "parc__t2_share",
        "parc__t3_share",
        "parc__t4_share",
        "parc__t5p_share",
        "parc__vacant_dwellings",
        "parc__vacancy_rate_offered",
        "parc__move_in_rate",
        "parc__rent_per_habitable_m2",
        "occupation__apl_share",
        "occupation__single_parent",
        "diagnostic__class",
        "diagnostic__flags",
        "equipements__score_500",
        "equipements__distance_arret",
        "secrecy",
    ),
    "Patrimoine": (
        "name",
        "address",
        "commune",
        "landlord",
        "parc__dwellings",
        "construction_year",
        "parc__mean_age",
        "parc__dpe_efg_share",
        "parc__rent_per_habitable_m2",
        "parc__plai_share",
        "parc__plus_share",
        "parc__pls_share",
        "parc__vacant_dwellings",
        "parc__vacancy_rate_offered",
        "parc__vacancy_over_3_months_rate",
        "secrecy",
    ),
    "Occupation": ("name", "commune", "iris", "qpv_name", "landlord", "secrecy"),
}
DEFAULT_PRESET = "Commission"
# The themes whose columns the presets name (a theme named nowhere joins "Commission" whole).
NAMED_THEMES = frozenset({IDENTITY, "parc", "occupation", "diagnostic", "equipements"})


def preset_fields(preset: str, columns: Iterable[FinderColumn]) -> tuple[str, ...]:
    """The fields of `preset` among `columns`, in the columns' order. "Occupation" adds
    every occupation column, "Commission" every column of a theme no preset names."""
    named = set(PRESETS.get(preset, ()))
    return tuple(
        column.field
        for column in columns
        if column.field in named
        or (preset == "Occupation" and column.theme == "occupation")
        or (preset == "Commission" and column.theme not in NAMED_THEMES)
    )


def chosen_fields(state: FinderState, columns: Iterable[FinderColumn]) -> tuple[str, ...]:
    """The columns to show: those of the permalink the user may see (the name always),
    else the default preset's."""
    columns = tuple(columns)
    known = {column.field for column in columns}
    chosen = tuple(field for field in state.columns if field in known)
    if not chosen:
        return preset_fields(DEFAULT_PRESET, columns)
    return chosen if "name" in chosen else ("name", *chosen)


def _header(column: FinderColumn) -> str:
    return f"{column.label} ({column.unit})" if column.unit == "%" else column.label


def column_defs(
    columns: Iterable[FinderColumn], shown: Iterable[str], state: FinderState
) -> list[dict[str, Any]]:
    """The grid's columns grouped by theme; the name pinned left; the permalink's sort."""
    shown = set(shown)
    sort_index = {key.field: (i, key.descending) for i, key in enumerate(state.query.sort)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for column in columns:
        definition: dict[str, Any] = {
            "field": column.field,
            "headerName": _header(column),
            "headerTooltip": column.label,
            "hide": column.field not in shown,
            "sortable": True,
            "filter": "agNumberColumnFilter" if column.kind == NUMBER else "agTextColumnFilter",
            # a number column's floating filter reads "more than", a text one "contains"
            "filterParams": {
                "buttons": ["reset"],
                "maxNumConditions": 2,
                "defaultOption": "greaterThan" if column.kind == NUMBER else "contains",
            },
            "type": "rightAligned" if column.kind == NUMBER else None,
            "minWidth": 200 if column.field == "name" else 110,
        }
        if column.field == "name":
            # a link to the residence's sheet on the map (a page load, as between views)
            definition["pinned"] = "left"
            definition["cellClass"] = "finder-name"
            definition["cellRenderer"] = "markdown"
            definition["linkTarget"] = "_self"
        if column.field in sort_index:
            index, descending = sort_index[column.field]
            definition["sort"] = "desc" if descending else "asc"
            definition["sortIndex"] = index
        groups.setdefault(column.theme, []).append(
            {key: value for key, value in definition.items() if value is not None}
        )
    return [
        {"headerName": GROUP_LABELS.get(theme, theme), "children": children}
        for theme, children in groups.items()
    ]


def residence_href(prefix: str, residence_id: str, lat: float | None, lon: float | None) -> str:
    """The explorer's permalink with the residence selected and the map centred on it
    (written out: a page of the finder writes a hundred of them)."""
    href = f"{prefix}?echelle=residence&selection=residence:{quote_plus(residence_id, safe=',:')}"
    if lat is not None and lon is not None:
        href += f"&centre={format_centre(lat, lon)}&zoom={RESIDENCE_ZOOM}"
    return href


def grid_rows(page: FinderPage, prefix: str) -> list[dict[str, Any]]:
    """The page's rows as the grid shows them: numbers in French with their unit, a
    hidden value as "secret", "hors périmètre" or "n.d."."""
    numbers = [
        (column.field, _short_unit(column.unit), column.decimals)
        for column in page.columns
        if column.kind == NUMBER and column.field != "construction_year"
    ]
    texts = [
        column.field for column in page.columns if column.kind != NUMBER and column.field != "name"
    ]
    with_year = any(column.field == "construction_year" for column in page.columns)
    rows = []
    for row in page.rows:
        href = residence_href(prefix, row["residence_id"], row["lat"], row["lon"])
        shown: dict[str, Any] = {
            "residence_id": row["residence_id"],
            "name": f"[{_markdown_text(row['name'])}]({href})",
        }
        for field, unit, decimals in numbers:
            shown[field] = format_value(row[field], unit, decimals, row[f"{field}__status"])
        for field in texts:
            shown[field] = row[field]
        if with_year:
            year = row["construction_year"]
            shown["construction_year"] = (
                str(int(year))
                if year is not None
                else format_value(None, status=row["construction_year__status"])
            )
        rows.append(shown)
    return rows


def _markdown_text(text: str) -> str:
    """A residence's name as the text of a Markdown link (its brackets escaped)."""
    return text.translate(MARKDOWN_ESCAPES)


def _short_unit(unit: str) -> str:
    """Units the grid shows beside a value ("%", "€/m²"); counts go bare."""
    return unit if unit in ("%", "€/m²", "ans") else ""


def count_text(total: int) -> str:
    return f"{format_value(total)} résidence{'s' if total > 1 else ''}"


def column_options(columns: Iterable[FinderColumn]) -> list[dict[str, Any]]:
    return [
        {"label": f"{GROUP_LABELS.get(c.theme, c.theme)} — {c.label}", "value": c.field}
        for c in columns
        if c.field != "name"
    ]


def finder_view(
    columns: tuple[FinderColumn, ...],
    state: FinderState,
    *,
    zone_label: str | None,
    clear_zone_href: str,
) -> html.Div:
    """The whole view: toolbar, grid, and the commission file form below it."""
    shown = chosen_fields(state, columns)
    zone_chip = (
        html.Span(
            [f"Zone : {zone_label} ", html.A("(retirer)", href=clear_zone_href)],
            className="finder-zone badge text-bg-info",
        )
        if zone_label
        else None
    )
    toolbar = html.Div(
        [
            dcc.Input(
                id=FinderIds.QUICK,
                type="search",
                value=state.query.quick,
                placeholder="Rechercher (nom, adresse, commune, bailleur)…",
                debounce=True,
                className="form-control finder-quick",
            ),
            html.Div(
                [
                    html.Button(
                        preset,
                        id={"type": FinderIds.PRESET_TYPE, "preset": preset},
                        className="btn btn-outline-secondary btn-sm",
                    )
                    for preset in PRESETS
                ],
                className="btn-group finder-presets",
                role="group",
                **{"aria-label": "Préréglages de colonnes"},
            ),
            html.A("CSV", id=FinderIds.EXPORT_CSV, className="btn btn-outline-primary btn-sm"),
            html.A("Excel", id=FinderIds.EXPORT_XLSX, className="btn btn-outline-primary btn-sm"),
            zone_chip,
            html.Span(id=FinderIds.COUNT, className="finder-count"),
        ],
        className="finder-toolbar",
    )
    chooser = html.Details(
        [
            html.Summary("Colonnes"),
            dcc.Checklist(
                id=FinderIds.COLUMNS,
                options=column_options(columns),
                value=[field for field in shown if field != "name"],
                className="finder-columns",
                inputClassName="form-check-input",
                labelClassName="form-check-label",
            ),
        ],
        className="finder-chooser",
    )
    grid = dag.AgGrid(
        id=FinderIds.GRID,
        rowModelType="infinite",
        columnDefs=column_defs(columns, shown, state),
        defaultColDef={"resizable": True, "floatingFilter": True},
        filterModel=state.filter_model or {},
        getRowId="params.data.residence_id",
        dashGridOptions={
            "rowSelection": {"mode": "multiRow", "headerCheckbox": False},
            "selectionColumnDef": {"pinned": "left", "width": 48, "maxWidth": 48},
            "cacheBlockSize": ROWS_PER_BLOCK,
            "suppressColumnVirtualisation": True,  # a few dozen columns at most
            "maxBlocksInCache": 20,
            "infiniteInitialRowCount": ROWS_PER_BLOCK,
            "localeText": {"noRowsToShow": "Aucune résidence", "loadingOoo": "Chargement…"},
            "tooltipShowDelay": 300,
        },
        style={"height": "65vh", "width": "100%"},
        className="ag-theme-alpine finder-grid",
    )
    file_form = html.Section(
        [
            html.H2("Dossier de commission", className="h5"),
            html.P(
                "Cochez des résidences dans le tableau, donnez un titre et la date de la "
                "commission : le dossier est enregistré dans « Mes dossiers ».",
                className="text-muted small",
            ),
            html.Div(
                [
                    dcc.Input(
                        id=FinderIds.FILE_TITLE,
                        placeholder="Titre du dossier",
                        maxLength=200,
                        className="form-control finder-file-title",
                    ),
                    html.Label(
                        "Date de la commission",
                        htmlFor=FinderIds.FILE_DATE,
                        className="visually-hidden",
                    ),
                    dcc.Input(
                        id=FinderIds.FILE_DATE,
                        type="date",
                        className="form-control finder-file-date",
                    ),
                    html.Button(
                        "Créer le dossier",
                        id=FinderIds.FILE_CREATE,
                        className="btn btn-primary",
                    ),
                ],
                className="finder-file-form",
            ),
            html.Div(id=FinderIds.FILE_MESSAGE, role="status"),
        ],
        className="finder-file",
    )
    return html.Div(
        [
            html.H1(TITLE, className="h4"),
            toolbar,
            chooser,
            grid,
            file_form,
            dcc.Store(id=FinderIds.STATE, data=_place_query(state)),
            dcc.Store(id=FinderIds.PERMALINK),
            dcc.Store(id=FinderIds.PERMALINK_SINK),
            dcc.Store(id=FinderIds.QUICK_SINK),
            dcc.Store(id=FinderIds.COLUMNS_SINK),
        ],
        className="finder-view",
    )


def _place_query(state: FinderState) -> str:
    """The permalink's parts the grid does not hold (the zone and the map area), as a
    query string the callbacks parse again."""
    place = FinderQuery(zone=state.query.zone, bbox=state.query.bbox)
    return finder_query_string(FinderState(query=place))
