"""What an export holds, as the user sees it on screen: the finder's rows with its shown
columns, a zone's figures (key figures and the charts' data), the map's values. Pure
functions from the store's answers to `ExportTable`s (written by `layouts/export_files.py`).

A hidden value is never a number: "s" when secret, "hors périmètre" outside the
convention's perimeter, empty when not available.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dash import html

from data.catalog import CATALOG, THEMES
from data.store.finder_types import NUMBER, FinderColumn, FinderPage
from data.store.types import MapValue, ZoneSummary
from layouts.export_files import SECRET_CELL, Cell, ExportTable
from layouts.panel_labels import level_name

RESTRICTED_CELL = "hors périmètre"


@dataclass(frozen=True)
class ExportContext:
    """Who exports, when, from which warehouse: the sheet "À lire"."""

    notice: str  # "Diffusion restreinte — convention … — partner — date"
    convention: str
    partner: str
    day: str  # French date
    vintages: Mapping[str, Sequence[int]]
    threshold: int
    demo: bool


def export_cell(value: float | None, status: str) -> Cell:
    """A value as exported: the number when shown, "s" when secret, "hors périmètre"
    outside the convention's perimeter, empty when not available."""
    if status == "secret":
        return SECRET_CELL
    if status == "restricted":
        return RESTRICTED_CELL
    return value if status == "ok" and value is not None else None


def about_lines(context: ExportContext, content: str) -> tuple[tuple[str, str], ...]:
    """The sheet "À lire": notice, convention, date, content, sources, secrecy rule."""
    sources = "; ".join(
        f"{name.upper()} {', '.join(str(year) for year in years)}"
        for name, years in context.vintages.items()
        if years
    )
    lines = [
        ("Avertissement", context.notice),
        ("Usage", "Diffusion restreinte aux signataires de la convention ; ne pas rediffuser."),
        ("Convention", f"{context.convention} — {context.partner}"),
        ("Date de l'export", context.day),
        ("Contenu", content),
        ("Sources et millésimes", sources or "n.d."),
        (
            "Secret statistique",
            f"Une valeur portant sur moins de {context.threshold} logements ou ménages, ou "
            "qui permettrait d'en déduire une autre valeur cachée, n'est pas diffusée : "
            f"elle est notée « {SECRET_CELL} ».",
        ),
        (
            "Hors périmètre",
            f"« {RESTRICTED_CELL} » : valeur d'occupation d'une résidence que votre "
            "convention ne couvre pas, ou valeur de zone qui la donnerait (seule ou moins "
            "les résidences de votre périmètre).",
        ),
    ]
    if context.demo:
        lines.append(("Données", "Données de démonstration, fictives."))
    return tuple(lines)


def _header(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


def finder_export(
    page: FinderPage, shown: Sequence[FinderColumn], search: str, context: ExportContext
) -> ExportTable:
    """The finder's rows as filtered and sorted, with the columns shown on screen."""
    rows = [
        (
            row["residence_id"],
            *(
                export_cell(row[c.field], row[f"{c.field}__status"])
                if c.kind == NUMBER
                else row[c.field]
                for c in shown
            ),
        )
        for row in page.rows
    ]
    headers = ("Identifiant", *(_header(c.label, c.unit) for c in shown))
    content = f"Résidences (moteur de recherche), {len(rows)} lignes ; filtre : {search or 'aucun'}"
    return ExportTable("Résidences", headers, rows, about_lines(context, content))


def zone_export(summary: ZoneSummary, context: ExportContext) -> ExportTable:
    """A zone's figures beside its commune and the EPCI, at their latest vintage."""
    rows: list[tuple[Cell, ...]] = []
    for indicator_id, measures in summary.measures.items():
        indicator = CATALOG.get(indicator_id)
        if indicator is None:
            continue
        years = [m.year for m in measures if m.year is not None]
        rows.append(
            (
                THEMES.get(indicator.theme, indicator.theme),
                indicator.label,
                indicator.unit,
                max(years) if years else None,
                *(export_cell(m.value, m.status) for m in measures),
            )
        )
    headers = (
        "Thème",
        "Indicateur",
        "Unité",
        "Millésime",
        *(level_name(level.scale, level.name) for level in summary.levels),
    )
    zone = summary.zone
    content = (
        f"Chiffres de la zone {level_name(zone.scale, zone.name)} ({zone.code}), {len(rows)} lignes"
    )
    return ExportTable("Zone", headers, rows, about_lines(context, content))


def map_export(
    values: Sequence[MapValue],
    names: Mapping[str, str],
    scale: str,
    indicator_id: str,
    year: int,
    context: ExportContext,
) -> ExportTable:
    """The map's values of one indicator and vintage at one scale, as the user sees them."""
    indicator = CATALOG[indicator_id]
    rows = sorted(
        ((code, names.get(code, ""), export_cell(value, status)) for code, value, status in values),
        key=lambda row: (str(row[1]), row[0]),
    )
    headers = ("Code", "Nom", f"{_header(indicator.label, indicator.unit)} {year}")
    content = f"Carte : {indicator.label}, {year}, échelle {scale}, {len(rows)} lignes"
    return ExportTable("Carte", headers, rows, about_lines(context, content))


def export_links(path: str, what: str, query: str = "") -> html.Div:
    """ "Exporter : CSV · Excel" for an export route at `path` (relative to the explorer's
    address, below the app's prefix)."""
    return html.Div(
        [
            html.Span("Exporter : ", className="text-muted"),
            html.A("CSV", href=f"{path}.csv{query}", className="export-link"),
            " · ",
            html.A("Excel", href=f"{path}.xlsx{query}", className="export-link"),
        ],
        className=f"export-links export-links-{what} small",
    )


def zone_export_links(scale: str, code: str, year: int | None) -> html.Div:
    """A zone's figures and charts' data as the panel shows them."""
    query = f"?annee={year}" if year is not None else ""
    return export_links(f"export/zone/{scale}/{code}", "zone", query)


def map_export_links(scale: str, indicator_id: str, year: int) -> html.Div:
    """The map's values at its current scale, indicator and vintage."""
    return export_links(f"export/carte/{scale}/{indicator_id}/{year}", "map")
