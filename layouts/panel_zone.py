"""The panel of a zone (commune, IRIS, QPV): key figures beside its commune and the EPCI,
small charts, the evolution of the chosen indicator and the list of its residences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash_extensions import Purify

from data.catalog import CATALOG, Indicator
from data.store.types import IndicatorSeries, Measure, ResidenceItem, ZoneRef, ZoneSummary
from layouts.exports import zone_export_links
from layouts.figures_panel import LinePoint, level_color, series_figure
from layouts.formatting import format_number, format_value
from layouts.html_block import Markup, element, html_block
from layouts.html_block import select_link as select_link_markup
from layouts.ids import PanelIds
from layouts.panel_common import (
    COUNT_UNITS,
    distribution_charts,
    lazy_graph,
    row_label,
    section,
    select_link,
    shown_indicators,
)
from layouts.panel_labels import (
    KEY_FIGURES,
    PIN_TEXT,
    UNPIN_TEXT,
    ZONE_CHARTS,
    ZONE_TELLING_RESIDENCES_TEXT,
    level_name,
    scale_name,
    secret_residence_text,
)
from layouts.panel_tables import figures_block, measure_markup, table

RESIDENCE_LIST_LIMIT = 20
# A commune's IRIS ranking shows its head and tail; the rest comes on demand.
RANKING_TOP = 10
RANKING_BOTTOM = 5


def pin_look(pinned: bool) -> tuple[str, str]:
    """(label, class) of a pin button: what a click will do, filled when pinned."""
    if pinned:
        return UNPIN_TEXT, "btn btn-sm btn-primary panel-pin"
    return PIN_TEXT, "btn btn-sm btn-outline-primary panel-pin"


def pin_button(scale: str, code: str, pinned: bool) -> html.Button:
    label, class_name = pin_look(pinned)
    return html.Button(
        label,
        id={"type": PanelIds.PIN_BUTTON_TYPE, "scale": scale, "code": code},
        className=class_name,
        n_clicks=0,
    )


def year_part(scale: str, code: str, name: str, children: list[Any]) -> html.Div:
    """A part of a zone's sheet that a new year redraws (its box leaves the layout as
    it is)."""
    part_id = {"type": PanelIds.YEAR_PART_TYPE, "scale": scale, "code": code, "name": name}
    return html.Div(children, id=part_id, style={"display": "contents"})


def zone_header(summary: ZoneSummary, pinned: bool) -> html.Header:
    zone = summary.zone
    parent: list[Any] = []
    if zone.scale in ("iris", "qpv") and len(summary.levels) > 2:
        commune = summary.levels[1]
        parent = [
            html.Span(
                "Commune principale : " if zone.scale == "qpv" else "Commune : ",
                className="text-muted",
            ),
            select_link("commune", commune.code, commune.name),
        ]
    return html.Header(
        [
            dbc.Badge(scale_name(zone.scale), color="secondary"),
            html.H2(zone.name, className="panel-title"),
            html.Div(
                [html.Span(f"Code {zone.code}", className="text-muted"), *parent],
                className="panel-subtitle",
            ),
            html.Div(
                [
                    pin_button(zone.scale, zone.code, pinned),
                    html.Div(
                        id={
                            "type": PanelIds.PIN_MESSAGE_TYPE,
                            "scale": zone.scale,
                            "code": zone.code,
                        },
                        className="panel-pin-message",
                        role="status",
                    ),
                    year_part(
                        zone.scale,
                        zone.code,
                        "exports",
                        [zone_export_links(zone.scale, zone.code, summary.year)],
                    ),
                ],
                className="panel-actions",
            ),
        ],
        className="panel-header",
    )


def evolution_chart(series: IndicatorSeries | None) -> Any | None:
    """The chosen indicator over the vintages, or None when nothing is published."""
    if series is None or series.indicator_id not in CATALOG:
        return None
    if CATALOG[series.indicator_id].categories:
        return None  # a class over time: the diagnosis lists it (`panel_diagnostic`)
    if not any(point.status == "ok" for points in series.points for point in points):
        return None
    indicator = CATALOG[series.indicator_id]
    lines = [
        (
            level_name(level.scale, level.name),
            level_color(index, level.scale),
            [LinePoint(p.year, p.value, p.status) for p in points if p.year is not None],
        )
        for index, (level, points) in enumerate(zip(series.levels, series.points, strict=True))
    ]
    if indicator.unit in COUNT_UNITS:
        lines = lines[:1]  # a count of the EPCI dwarfs the zone's: compare rates only
    figure = series_figure(indicator.label, lines, unit=indicator.unit, decimals=indicator.decimals)
    return lazy_graph(figure, "evolution")


def _residence_item(
    residence: ResidenceItem, threshold: int, ranking: ResidenceRanking | None = None
) -> Markup:
    if residence.secret:
        badge = element(
            "span",
            "Secret statistique",
            class_="badge bg-secondary",
            title=secret_residence_text(threshold),
        )
    else:
        dwellings = residence.n_dwellings or 0
        noun = "logement" if dwellings == 1 else "logements"
        badge = element("span", format_value(dwellings, noun), class_="badge bg-light text-dark")
    where = [residence.bailleur_name]
    if residence.address != residence.name:
        where.insert(0, residence.address)
    value = None
    if ranking is not None and residence.residence_id in ranking.values:
        measure, indicator = ranking.values[residence.residence_id], ranking.indicator
        text = format_value(measure.value, indicator.unit, indicator.decimals, measure.status)
        value = element("strong", f" {text}", class_="panel-residence-value")
    return element(
        "li",
        [
            select_link_markup("residence", residence.residence_id, residence.name),
            value,
            " ",
            badge,
            element("div", " — ".join(where), class_="small text-muted"),
        ],
        class_="panel-residence-item",
    )


@dataclass(frozen=True)
class ResidenceRanking:
    """The residences of a list ordered by the mapped indicator (highest first, hidden
    values last), with the value each shows, and the finder's address for the zone."""

    indicator: Indicator
    values: dict[str, Measure]  # of the list's first residences, by id, in its order
    finder_href: str


def residence_list(
    residences: Sequence[ResidenceItem],
    threshold: int,
    limit: int = RESIDENCE_LIST_LIMIT,
    ranking: ResidenceRanking | None = None,
) -> list[Any]:
    """The first `limit` residences as links (by the mapped indicator when it has
    residence values, its value shown; else by name), and how many more the filter can
    reach."""
    if not residences:
        return [html.P("Aucune résidence à afficher.", className="text-muted")]
    order = "par ordre alphabétique"
    first = residences[:limit]
    if ranking is not None:
        by_id = {residence.residence_id: residence for residence in residences}
        first = [by_id[rid] for rid in ranking.values if rid in by_id][:limit]
        order = f"par « {ranking.indicator.label} » décroissant (dernier millésime)"
    shown = [_residence_item(residence, threshold, ranking) for residence in first]
    children: list[Any] = [
        html_block(element("ul", shown, class_="list-unstyled panel-residences"))
    ]
    if len(residences) > limit:
        others = len(residences) - limit
        rest = f"… {format_number(others)} autres" if others > 1 else "… 1 autre"
        children.append(
            html.P(
                f"{format_number(limit)} premières sur {format_number(len(residences))}, "
                f"{order} ; {rest} : filtrez par nom, adresse ou bailleur "
                f"pour {'les' if others > 1 else 'la'} trouver.",
                className="small text-muted panel-residences-more",
            )
        )
    if ranking is not None:
        children.append(
            html.A(
                "Ouvrir dans « Résidences » (filtres, tri, export)",
                href=ranking.finder_href,
                className="small panel-residences-finder",
            )
        )
    return children


def residences_section(
    scale: str, code: str, count: int, listing: Sequence[Any] = ()
) -> html.Section:
    """The filter and the list of a zone's residences: `listing` (`residence_list`),
    drawn with the panel, then filtered by its own callback (`callbacks.panel`)."""
    zone_id = {"scale": scale, "code": code}
    search = dcc.Input(
        id={"type": PanelIds.RESIDENCE_FILTER_TYPE, **zone_id},
        type="search",
        placeholder="Nom, adresse, bailleur",
        debounce=0.3,
        className="form-control form-control-sm panel-residence-filter",
    )
    labelled_search = html.Label(
        [html.Span("Filtrer les résidences", className="visually-hidden"), search],
        className="w-100 mb-1",
    )
    listed = html.Div(list(listing), id={"type": PanelIds.RESIDENCE_LIST_TYPE, **zone_id})
    title = f"Résidences ({format_number(count)})"
    return section(title, labelled_search, listed, name="residences")


@dataclass(frozen=True)
class RankedZone:
    rank: int  # 1 for the highest
    zone: ZoneRef
    measure: Measure


@dataclass(frozen=True)
class CutRanking:
    """The head and tail of a ranking, and how many ranked zones lie between them."""

    head: list[RankedZone]
    skipped: int
    tail: list[RankedZone]
    unpublished: int = 0

    @property
    def total(self) -> int:
        return len(self.head) + self.skipped + len(self.tail) + self.unpublished


def cut_ranking(
    ranking: Sequence[tuple[ZoneRef, Measure]],
    top: int = RANKING_TOP,
    bottom: int = RANKING_BOTTOM,
) -> CutRanking:
    """The `top` first and `bottom` last of a ranking with their ranks; whole when short.

    A cut ranks the published values only (the store puts secret and unavailable zones
    last), so that its tail shows the lowest values, and counts the others apart."""
    ranked = [RankedZone(rank, zone, measure) for rank, (zone, measure) in enumerate(ranking, 1)]
    if len(ranked) <= top + bottom:
        return CutRanking(ranked, 0, [])
    published = [item for item in ranked if item.measure.value is not None]
    unpublished = len(ranked) - len(published)
    if len(published) <= top + bottom:
        return CutRanking(published, 0, [], unpublished)
    tail = published[len(published) - bottom :]
    return CutRanking(published[:top], len(published) - top - bottom, tail, unpublished)


def _ranking_row(ranked: RankedZone, indicator: Indicator, year: int | None) -> Markup:
    zone = ranked.zone
    return element(
        "tr",
        [
            element("td", f"{format_number(ranked.rank)}.", class_="text-muted panel-rank"),
            element("td", select_link_markup(zone.scale, zone.code, zone.name)),
            element("td", measure_markup(indicator, ranked.measure, year), class_="text-end"),
        ],
    )


def _skipped_row(text: str) -> Markup:
    return element("tr", element("td", text, colspan=3, class_="text-muted panel-rank-skipped"))


def ranking_table(cut: CutRanking, indicator: Indicator, year: int | None) -> Purify:
    """The ranked IRIS as rows of links, a line counting the ones left out of a cut."""
    rows = [_ranking_row(ranked, indicator, year) for ranked in cut.head]
    if cut.skipped:
        others = f"… {format_number(cut.skipped)} {'autre' if cut.skipped == 1 else 'autres'} IRIS"
        rows.append(_skipped_row(others))
    rows.extend(_ranking_row(ranked, indicator, year) for ranked in cut.tail)
    if cut.unpublished:
        rows.append(
            _skipped_row(
                f"… {format_number(cut.unpublished)} IRIS sans valeur publiée (secret ou n.d.)"
            )
        )
    header = [
        element("th", "Rang", scope="col", class_="visually-hidden"),
        element("th", "IRIS", scope="col"),
        element("th", row_label(indicator), scope="col", class_="text-end"),
    ]
    return html_block(table(header, rows, "table-hover panel-figures"))


def full_ranking(
    indicator_id: str | None, ranking: Sequence[tuple[ZoneRef, Measure]], year: int | None
) -> list[Any]:
    """Every ranked IRIS, shown when the user asks for the whole ranking."""
    if indicator_id not in CATALOG or not ranking:
        return [html.P("Aucun IRIS à classer.", className="text-muted")]
    cut = cut_ranking(ranking, top=len(ranking), bottom=0)
    return [ranking_table(cut, CATALOG[indicator_id], year)]


def iris_ranking_section(
    indicator_id: str | None,
    ranking: Sequence[tuple[ZoneRef, Measure]],
    year: int | None,
    commune_code: str = "",
) -> html.Section | None:
    """The IRIS of a commune ranked by the chosen indicator, each a link to its panel: the
    highest and the lowest, and a button that brings the whole ranking."""
    if indicator_id not in CATALOG or len(ranking) < 2:
        return None
    cut = cut_ranking(ranking)
    children: list[Any] = [ranking_table(cut, CATALOG[indicator_id], year)]
    if cut.skipped:
        children.append(
            html.Button(
                f"Voir les {format_number(cut.total)} IRIS",
                id={"type": PanelIds.RANKING_MORE_TYPE, "code": commune_code},
                className="btn btn-sm btn-outline-secondary panel-ranking-more",
                n_clicks=0,
            )
        )
    return section(
        f"IRIS de la commune, du plus élevé au plus faible ({len(ranking)})",
        html.Div(
            children,
            id={"type": PanelIds.RANKING_TABLE_TYPE, "code": commune_code},
            className="panel-ranking",
        ),
        name="ranking",
    )


def zone_panel(
    summary: ZoneSummary,
    *,
    residence_count: int,
    series: IndicatorSeries | None,
    indicator_id: str | None,
    pinned: bool,
    ranking: Sequence[tuple[ZoneRef, Measure]] = (),
    diagnostic: Sequence[Any] = (),
    residences: Sequence[Any] = (),
) -> html.Div:
    """The whole panel of one zone (`ranking`: a commune's IRIS by the chosen indicator;
    `residence_count`: how many residences the user may see in it; `diagnostic`: the
    fragility sections, `layouts.panel_diagnostic`; `residences`: the list of its
    residences, `residence_list`)."""
    scale = summary.zone.scale
    # below the fold: drawn when scrolled to
    charts = distribution_charts(summary.levels, summary.measures, ZONE_CHARTS, lazy=True)
    profile = list(diagnostic)
    if charts:
        profile.append(section("Profil du parc et des ménages", *charts, name="charts"))
    children: list[Any] = [
        zone_header(summary, pinned),
        html.Div(
            indicator_sections(summary, series, indicator_id, ranking),
            id={"type": PanelIds.INDICATOR_PART_TYPE, "scale": scale, "code": summary.zone.code},
        ),
        year_part(scale, summary.zone.code, "profile", profile),
    ]
    if scale != "epci":
        children.append(residences_section(scale, summary.zone.code, residence_count, residences))
    return html.Div(children, className="panel panel-zone", **{"data-scale": scale})


def indicator_sections(
    summary: ZoneSummary,
    series: IndicatorSeries | None,
    indicator_id: str | None,
    ranking: Sequence[tuple[ZoneRef, Measure]] = (),
) -> list[Any]:
    """What the mapped indicator changes in a zone's panel (redrawn alone when only the
    indicator changes): the key figures with its row highlighted, its evolution, and a
    commune's IRIS ranked by it."""
    key = shown_indicators(KEY_FIGURES, summary.measures, summary.zone.scale)
    year_text = f" — {summary.year}" if summary.year else ""
    children: list[Any] = [
        section(
            f"Chiffres clés{year_text}",
            figures_block(
                summary.levels, summary.measures, key, year=summary.year, highlighted=indicator_id
            )
            if key
            else html.P("Aucun indicateur publié pour cette zone.", className="text-muted"),
            name="figures",
        )
    ]
    if any(m.status == "restricted" for row in summary.measures.values() for m in row):
        children.append(html.P(ZONE_TELLING_RESIDENCES_TEXT, className="small text-muted"))
    if (evolution := evolution_chart(series)) is not None:
        children.append(section("Évolution", evolution, name="evolution"))
    if (
        ranked := iris_ranking_section(indicator_id, ranking, summary.year, summary.zone.code)
    ) is not None:
        children.append(ranked)
    return children
