"""Accessibility aids of the pages (RGAA 4.1 / WCAG 2.1 AA): the skip links, the live
region that announces the selected zone, the French texts of the dropdowns' built-in
parts, and the text equivalent of a chart (a summary and its data table)."""

from __future__ import annotations

from typing import Any

from dash import html
from dash_extensions import Purify

from layouts.html_block import Markup, element, html_block
from layouts.ids import AccessIds, MapIds, PageIds

# Every built-in text of `dcc.Dropdown`, in French (its defaults are English).
DROPDOWN_LABELS: dict[str, str] = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionnés",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun résultat",
}
SKIP_TARGETS = (
    (MapIds.MAP, "Aller à la carte"),
    (AccessIds.TABLE_TOGGLE, "Aller au tableau de la carte"),
    (PageIds.PANEL, "Aller à la fiche"),
)
NO_SELECTION = "Aucune zone sélectionnée."


def skip_links() -> html.Nav:
    """The first tab stops of the page, shown when focused: straight to the map, to its
    table and to the selected zone's sheet."""
    return html.Nav(
        [html.A(text, href=f"#{target}", className="skip-link") for target, text in SKIP_TARGETS],
        id=AccessIds.SKIP_LINKS,
        className="skip-links",
        **{"aria-label": "Accès rapide"},
    )


def live_region() -> html.Div:
    """Read out by screen readers whenever its text changes: "Fiche ouverte : Roubaix"
    once a sheet is drawn (assets/accessibility.js, from the panel's title)."""
    return html.Div(
        NO_SELECTION,
        id=AccessIds.LIVE,
        className="visually-hidden",
        role="status",
        **{"aria-live": "polite", "aria-atomic": "true"},
    )


def _trace_values(trace: dict[str, Any]) -> list[str]:
    """The formatted values a trace shows (its hover or bar texts), else its raw y."""
    shown = trace.get("customdata") or trace.get("text")
    if isinstance(shown, list):
        return [str(value) for value in shown]
    return ["n.d." if value is None else str(value) for value in trace.get("y") or ()]


def chart_title(figure: dict[str, Any]) -> str:
    title = figure.get("layout", {}).get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


def chart_table(figure: dict[str, Any]) -> Markup | None:
    """The chart's data as a table: one row per category (x), one column per series;
    None for a chart without categories (a gauge)."""
    traces = [trace for trace in figure.get("data", ()) if trace.get("x") is not None]
    if not traces:
        return None
    categories = list(dict.fromkeys(str(x) for trace in traces for x in trace["x"]))
    columns = [
        (
            trace.get("name") or chart_title(figure) or "Valeur",
            dict(zip((str(x) for x in trace["x"]), _trace_values(trace), strict=False)),
        )
        for trace in traces
    ]
    header = element(
        "tr",
        [element("th", "", scope="col")]
        + [element("th", name, scope="col") for name, _ in columns],
    )
    rows = [
        element(
            "tr",
            [element("th", category, scope="row")]
            + [
                element("td", values.get(category, "—"), class_="text-end") for _, values in columns
            ],
        )
        for category in categories
    ]
    return element(  # no <thead>: the header row is the body's first (th scope=col)
        "table",
        [element("caption", chart_title(figure)), element("tbody", [header, *rows])],
        class_="table table-sm chart-data-table",
    )


def chart_summary(figure: dict[str, Any]) -> str:
    """One sentence a screen reader reads instead of the drawing."""
    traces = [trace for trace in figure.get("data", ()) if trace.get("x") is not None]
    title = chart_title(figure) or "Graphique"
    if not traces:
        return f"Graphique : {title}."
    names = [trace.get("name") for trace in traces if trace.get("name")]
    categories = len({str(x) for trace in traces for x in trace["x"]})
    series = f" pour {', '.join(names)}" if names else ""
    return f"Graphique : {title}{series} ({categories} valeurs, détaillées dans le tableau)."


def chart_text(figure: dict[str, Any]) -> Purify:
    """The chart's summary (the folded heading) and its data table, under the chart: one
    block of HTML (a table of components made a panel's answer twice as slow)."""
    details = element(
        "details",
        [
            element("summary", "Données du graphique", class_="chart-data-summary"),
            element("p", chart_summary(figure), class_="small chart-summary"),
            chart_table(figure),
        ],
        class_="chart-data",
    )
    return html_block(details)
