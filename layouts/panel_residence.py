"""The sheet of a residence: description, published indicators against its IRIS, commune
and EPCI, and occupation when the convention covers it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from data.catalog import CATALOG
from data.scope import OCCUPATION_GRANTED, OCCUPATION_NOT_GRANTED
from data.store.types import Nearby, ResidenceSheet, ZoneRef
from layouts.formatting import NOT_AVAILABLE_TEXT, format_value
from layouts.ids import PanelIds
from layouts.panel_common import (
    distribution_charts,
    section,
    select_link,
    shown_indicators,
)
from layouts.panel_labels import (
    KEY_FIGURES,
    OCCUPATION_NOT_GRANTED_TEXT,
    OCCUPATION_OUT_OF_PERIMETER_TEXT,
    PARC_NOT_GRANTED_TEXT,
    SIZE_CLASS_LABELS,
    ZONE_CHARTS,
    scale_name,
    secret_residence_text,
)
from layouts.panel_proximity import proximity_section
from layouts.panel_tables import figures_block

SECRET_VALUE = "secret"


def _zone_cell(zone: ZoneRef | None, missing: str) -> Any:
    return select_link(zone.scale, zone.code, zone.name) if zone else missing


def _years(sheet: ResidenceSheet) -> str:
    if sheet.first_year is None:
        return "n.d."
    if sheet.first_year == sheet.last_year:
        return str(sheet.first_year)
    return f"de {sheet.first_year} à {sheet.last_year}"


def _parc_rows(sheet: ResidenceSheet) -> list[tuple[str, Any]]:
    """The description's parc values; none when the convention does not grant the dataset."""
    if not sheet.parc_granted:
        return []
    if sheet.secret:
        return [("Logements", SECRET_VALUE), ("Année de construction", SECRET_VALUE)]
    built = str(sheet.construction_year) if sheet.construction_year else NOT_AVAILABLE_TEXT
    return [("Logements", format_value(sheet.n_dwellings)), ("Année de construction", built)]


def description(sheet: ResidenceSheet) -> html.Dl:
    rows: list[tuple[str, Any]] = [
        ("Adresse", sheet.address),
        ("Bailleur", sheet.bailleur_name),
        ("Taille", SIZE_CLASS_LABELS.get(sheet.size_class or "", SECRET_VALUE)),
        *_parc_rows(sheet),
        ("Quartier prioritaire", _zone_cell(sheet.qpv, "Hors QPV")),
        ("IRIS", _zone_cell(sheet.iris, "n.d.")),
        ("Commune", _zone_cell(sheet.commune, "n.d.")),
    ]
    if sheet.parc_granted and not sheet.secret:
        rows.append(("Présente au RPLS", _years(sheet)))
    items: list[Any] = []
    for term, value in rows:
        items.extend([html.Dt(term, className="col-5"), html.Dd(value, className="col-7")])
    return html.Dl(items, className="row panel-description")


def occupation_section(sheet: ResidenceSheet, year: int | None) -> html.Section:
    if sheet.occupation_access != OCCUPATION_GRANTED:
        text = (
            OCCUPATION_NOT_GRANTED_TEXT
            if sheet.occupation_access == OCCUPATION_NOT_GRANTED
            else OCCUPATION_OUT_OF_PERIMETER_TEXT
        )
        body: list[Any] = [dbc.Alert(text, color="secondary", className="panel-occupation-refused")]
    else:
        body = theme_figures(sheet, "occupation", year) or [
            html.P("Aucune donnée d'occupation pour cette résidence.", className="text-muted")
        ]
    return section("Occupation (enquête OPS)", *body, name="occupation")


def parc_figures(sheet: ResidenceSheet, year: int | None) -> list[Any]:
    if not sheet.parc_granted:
        return [dbc.Alert(PARC_NOT_GRANTED_TEXT, color="secondary", className="panel-parc-refused")]
    return theme_figures(sheet, "parc", year) or [
        html.P("Aucun indicateur publié.", className="text-muted")
    ]


def theme_figures(sheet: ResidenceSheet, theme: str, year: int | None) -> list[Any]:
    """The theme's key figures as a table, then its charts, against the residence's zones."""
    key = shown_indicators(
        (i for i in KEY_FIGURES if CATALOG[i].theme == theme), sheet.measures, "residence"
    )
    charts = distribution_charts(
        sheet.levels, sheet.measures, (group for group in ZONE_CHARTS if group.theme == theme)
    )
    table = figures_block(sheet.levels, sheet.measures, key, year=year) if key else None
    return [table, *charts] if table is not None else charts


def residence_panel(
    sheet: ResidenceSheet,
    *,
    year: int | None,
    threshold: int,
    nearby: Sequence[Nearby] | None = None,
    diagnostic: Any = None,
) -> html.Div:
    """The whole sheet; a secret residence shows its description and the secrecy notice
    only. `nearby`: the equipment around it, when the convention grants the theme;
    `diagnostic`: the fragility section (`layouts.panel_diagnostic`), if any."""
    header = html.Header(
        [
            dbc.Badge(scale_name("residence"), color="secondary"),
            html.H2(sheet.name, className="panel-title"),
            html.Div(sheet.address, className="panel-subtitle text-muted")
            if sheet.address != sheet.name
            else None,
            html.Div(
                [
                    html.A(
                        "Imprimer la fiche",
                        # relative to the explorer's address, below the app's prefix
                        href=f"fiche/{sheet.residence_id}/impression",
                        target="_blank",
                        className="btn btn-sm btn-outline-secondary panel-print",
                    ),
                    html.Button(
                        "Ajouter au dossier",
                        id={"type": PanelIds.FILE_PIN_TYPE, "code": sheet.residence_id},
                        className="btn btn-sm btn-outline-secondary panel-file-pin",
                    ),
                    html.Span(
                        id={"type": PanelIds.FILE_PIN_MESSAGE_TYPE, "code": sheet.residence_id},
                        className="small panel-file-pin-message",
                        role="status",
                    ),
                ],
                className="panel-actions",
            ),
        ],
        className="panel-header",
    )
    children: list[Any] = [header, description(sheet)]
    if sheet.secret:
        children.append(
            dbc.Alert(
                secret_residence_text(threshold),
                color="warning",
                className="panel-secret",
            )
        )
    else:
        year_text = f" — {year}" if year else ""
        parc = parc_figures(sheet, year)
        children.append(section(f"Parc (RPLS){year_text}", *parc, name="parc"))
        children.append(occupation_section(sheet, year))
        if diagnostic is not None:
            children.append(diagnostic)
        if nearby:
            children.append(proximity_section(nearby))
            children.extend(theme_figures(sheet, "equipements", year))
    return html.Div(children, className="panel panel-residence")
