"""The allocation-policy board ("Pilotage des attributions"): pure functions from the
store's `AttributionBoard` to the component tree. Every chart has its data table; every
number goes through `layouts.formatting`.

The board's state is its query string (`?zone=commune:59350&annee=2024`): the view's
permalink, read when the view is drawn and written to the permalink link on each change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from data.catalog import CATALOG, TARGETS
from data.sources.codes import SNE_ANCIENNETE, SNE_MOTIF, SNE_RESERVATAIRE, SNE_TYPOLOGIE
from data.store.attribution_types import AttributionBoard, CommuneRow, Published
from data.store.types import ZoneRef
from layouts.accessibility import DROPDOWN_LABELS
from layouts.attributions_figures import (
    ALLOCATION_COLOR,
    DEMAND_COLOR,
    MISSED_COLOR,
    Target,
    bullet,
    grouped_bars,
    trends,
)
from layouts.formatting import NBSP, format_value
from layouts.map_state import Feature, ViewState, to_query
from layouts.panel_common import graph

TITLE = "Pilotage des attributions"
MAP_INDICATOR = "attributions.q1_outside_qpv_share"
PENDING, ALLOCATED = "demandes", "attributions"
HOLDERS = tuple(SNE_RESERVATAIRE)


class BoardIds:
    ZONE = "attributions-zone"
    YEAR = "attributions-year"
    BODY = "attributions-body"
    PERMALINK = "attributions-permalink"
    COMMUNES = "attributions-communes"


@dataclass(frozen=True)
class BoardState:
    scale: str
    code: str
    year: int | None

    @property
    def zone(self) -> str:
        return f"{self.scale}:{self.code}"


def parse_board_query(search: str, default: BoardState) -> BoardState:
    """The state a board permalink names; the default for anything missing or malformed
    (the store then says whether the zone exists)."""
    query = parse_qs((search or "").lstrip("?"))
    scale, _, code = (query.get("zone", [""])[0]).partition(":")
    year = query.get("annee", [""])[0]
    if scale not in ("epci", "commune") or not (code.isascii() and code.isalnum()):
        scale, code = default.scale, default.code
    return BoardState(scale, code, int(year) if year.isdigit() else default.year)


def board_query(state: BoardState) -> str:
    params = [("zone", state.zone)]
    if state.year is not None:
        params.append(("annee", str(state.year)))
    return "?" + urlencode(params, safe=":")


def explorer_link(code: str, year: int, prefix: str) -> str:
    """The explorer's permalink with this commune selected on the attributions theme."""
    state = ViewState(
        scale="commune",
        theme="attributions",
        indicator=MAP_INDICATOR,
        year=year,
        selection=Feature("commune", code),
    )
    return prefix.rstrip("/") + "/" + to_query(state)


# --- formatting --------------------------------------------------------------------------


def shown(published: Published | None, unit: str = "", decimals: int = 0) -> str:
    if published is None:
        return format_value(None, status="nd")
    value, status = published
    return format_value(value, unit, decimals, status)


def plotted(published: Published | None) -> float | None:
    if published is None:
        return None
    value, status = published
    return value if status == "ok" else None


def markdown_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def data_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], name: str) -> html.Div:
    """The data behind a chart, as an accessible table (Markdown: one component, not one
    per cell, which keeps a board's redraw light)."""
    lines = [
        "| " + " | ".join(markdown_cell(h) or " " for h in headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in rows),
    ]
    return html.Div(
        dcc.Markdown("\n".join(lines)),
        className=f"table-scroll board-table board-table-{name}",
    )


def section(title: str, *children: Any, name: str) -> html.Section:
    return html.Section(
        [html.H2(title, className="h5 board-section-title"), *children],
        className=f"board-section board-section-{name}",
    )


def unavailable(text: str) -> html.P:
    return html.P(text, className="text-muted board-unavailable")


# --- the targets -------------------------------------------------------------------------


def holder_label(holder: str) -> str:
    return SNE_RESERVATAIRE[holder]


def targets_of(board: AttributionBoard, year: int) -> list[Target]:
    """The legal targets of the zone in `year`: the two quartile rules, and for the EPCI
    the priority publics of each reservation holder."""
    ids = [
        ("attributions.q1_outside_qpv_share", "out:known", "attributions hors QPV"),
        ("attributions.q234_inside_qpv_share", "in:known", "attributions en QPV"),
    ]
    if board.zone.scale == "epci":
        ids += [
            (f"attributions.priority_share_{h}", f"holder:{h}", "attributions du contingent")
            for h in HOLDERS
        ]
    targets = []
    for indicator_id, node, allocations_label in ids:
        published = board.value(indicator_id, year)
        if published is None:
            continue
        value, status = published
        allocations = board.count(year, ALLOCATED, node)
        targets.append(
            Target(
                indicator_id,
                CATALOG[indicator_id].label,
                value,
                status,
                TARGETS.get(indicator_id),
                plotted(board.value(indicator_id, year - 1)),
                plotted(allocations),
                f"{shown(allocations)} {allocations_label} (quartile renseigné)"
                if node.endswith("known")
                else f"{shown(allocations)} {allocations_label}",
            )
        )
    return targets


def target_block(target: Target) -> html.Div:
    reached = {True: "atteint", False: "non atteint", None: ""}[target.reached]
    objective = (
        f"objectif ≥{NBSP}{format_value(target.target, '%')}"
        if target.target is not None
        else "sans objectif légal"
    )
    header = html.Div(
        [
            html.Span(target.label, className="board-target-label"),
            html.Span(f" — {objective}", className="board-target-objective"),
            html.Span(
                f" — {reached}",
                className=f"board-target-status board-target-{reached.replace(' ', '-')}",
            )
            if reached
            else None,
        ]
    )
    if target.status != "ok" or target.value is None:
        body: Any = html.P(
            format_value(target.value, "%", 1, target.status), className="board-target-secret"
        )
    else:
        body = graph(bullet(target), f"bullet-{target.indicator_id.split('.')[-1]}")
    return html.Div(
        [header, body, html.Small(f"sur {target.allocations_label}", className="text-muted")],
        className="board-target",
        **{"data-indicator": target.indicator_id},
    )


def targets_section(board: AttributionBoard, year: int) -> html.Section:
    targets = targets_of(board, year)
    rows = [
        [
            t.label,
            format_value(t.value, "%", 1, t.status),
            format_value(t.target, "%") if t.target is not None else "—",
            format_value(t.last_year, "%", 1, "ok" if t.last_year is not None else "nd"),
            t.allocations_label,
            {True: "oui", False: "non", None: "—"}[t.reached],
        ]
        for t in targets
    ]
    note = (
        unavailable(
            "Les parts par réservataire (publics prioritaires) sont publiées pour l'EPCI "
            "seulement : par commune, la plupart des contingents comptent moins de "
            "11 attributions."
        )
        if board.zone.scale != "epci"
        else None
    )
    return section(
        f"Objectifs légaux d'attribution en {year}",
        html.Div([target_block(t) for t in targets], className="board-targets"),
        note,
        data_table(
            ["Objectif", "Valeur", "Cible", f"En {year - 1}", "Attributions", "Atteint"],
            rows,
            "targets",
        ),
        name="targets",
    )


# --- trends, breakdowns, typology, threshold ---------------------------------------------


def trends_section(board: AttributionBoard) -> html.Section:
    years = board.years
    pending = [board.value("attributions.pending", y) for y in years]
    allocations = [board.value("attributions.allocations", y) for y in years]
    pressure = [board.value("attributions.pressure", y) for y in years]
    figure = trends(
        years,
        [plotted(p) for p in pending],
        [plotted(a) for a in allocations],
        [plotted(p) for p in pressure],
    )
    rows = [
        [str(y), shown(p), shown(a), shown(r, decimals=1)]
        for y, p, a, r in zip(years, pending, allocations, pressure, strict=True)
    ]
    return section(
        f"Demande et attributions, {years[0]}–{years[-1]}" if years else "Demande et attributions",
        graph(figure, "trends"),
        data_table(["Année", "Demandes au 31/12", "Attributions", "Pression"], rows, "trends"),
        name="trends",
    )


def share_of(board: AttributionBoard, year: int, numerator: str, denominator: str) -> Published:
    """A share (percent) of two published allocation counts: secret if either is."""
    num, den = board.count(year, ALLOCATED, numerator), board.count(year, ALLOCATED, denominator)
    if num is None and den is not None and den[1] == "ok":
        num = (0.0, "ok")  # no allocation of that kind in the source
    if num is None or den is None:
        return (None, "nd")
    if "secret" in (num[1], den[1]):
        return (None, "secret")
    return (100.0 * num[0] / den[0], "ok") if den[0] else (None, "nd")


def holders_section(board: AttributionBoard, year: int) -> html.Section:
    if board.zone.scale != "epci":
        return section(
            "Contribution des réservataires et des bailleurs",
            unavailable(
                "Publiée pour l'EPCI seulement (contingents de moins de 11 attributions par "
                "commune) : choisissez l'EPCI pour la voir."
            ),
            name="holders",
        )
    labels = [holder_label(h) for h in HOLDERS]
    q1 = [share_of(board, year, f"holder:{h}:out:Q1", f"holder:{h}:out:known") for h in HOLDERS]
    prio = [share_of(board, year, f"holder:{h}:prio", f"holder:{h}") for h in HOLDERS]
    figure = grouped_bars(
        labels,
        [
            ("1er quartile hors QPV", [plotted(v) for v in q1], MISSED_COLOR),
            ("Publics prioritaires", [plotted(v) for v in prio], ALLOCATION_COLOR),
        ],
        target=25.0,
    )
    rows = [
        [
            label,
            shown(board.count(year, ALLOCATED, f"holder:{h}")),
            shown(board.count(year, ALLOCATED, f"holder:{h}:out:known")),
            shown(q, "%", 1),
            shown(p, "%", 1),
        ]
        for h, label, q, p in zip(HOLDERS, labels, q1, prio, strict=True)
    ]
    return section(
        "Contribution des réservataires aux objectifs",
        html.P(
            "Part du 1er quartile dans les attributions hors QPV de chaque contingent, et "
            "part des publics prioritaires (ligne : 25 %).",
            className="text-muted",
        ),
        graph(figure, "holders"),
        data_table(
            [
                "Réservataire",
                "Attributions",
                "dont hors QPV (quartile renseigné)",
                "1er quartile hors QPV",
                "Publics prioritaires",
            ],
            rows,
            "holders",
        ),
        landlords_block(board, year),
        name="holders",
    )


def landlords_block(board: AttributionBoard, year: int) -> html.Div:
    if "landlord" not in board.breakdowns:
        return unavailable("Bailleurs : données non fournies (colonne SIREN_BAILLEUR absente).")
    sirens = sorted(
        {
            node.split(":")[1]
            for (y, m, node) in board.counts
            if y == year and m == ALLOCATED and node.startswith("landlord:")
        }
    )
    rows = []
    for siren in sirens:
        share = share_of(board, year, f"landlord:{siren}:out:Q1", f"landlord:{siren}:out:known")
        rows.append(
            (
                board.landlords.get(siren, siren),
                board.count(year, ALLOCATED, f"landlord:{siren}"),
                board.count(year, ALLOCATED, f"landlord:{siren}:out:known"),
                share,
            )
        )
    rows.sort(key=lambda r: -(plotted(r[1]) or 0))
    return html.Div(
        [
            html.H3("Par bailleur (logement attribué)", className="h6"),
            graph(
                grouped_bars(
                    [r[0] for r in rows],
                    [("1er quartile hors QPV", [plotted(r[3]) for r in rows], MISSED_COLOR)],
                    target=25.0,
                    height=60 + 28 * len(rows),
                ),
                "landlords",
            ),
            data_table(
                [
                    "Bailleur",
                    "Attributions",
                    "dont hors QPV (quartile renseigné)",
                    "1er quartile hors QPV",
                ],
                [[n, shown(a), shown(o), shown(s, "%", 1)] for n, a, o, s in rows],
                "landlords",
            ),
        ]
    )


def typology_section(board: AttributionBoard, year: int) -> html.Section:
    demand = [board.count(year, PENDING, f"typology:{t}") for t in SNE_TYPOLOGIE]
    supply = [board.count(year, ALLOCATED, f"typology:{t}") for t in SNE_TYPOLOGIE]
    if all(d is None for d in demand) and all(s is None for s in supply):
        return section(
            "Demande et attributions par typologie",
            unavailable(
                "Non publiée pour cette commune : moins de 110 demandes ou attributions "
                "(la plupart des typologies seraient sous le seuil)."
            ),
            name="typology",
        )
    totals = [plotted(board.count(year, m, "total")) for m in (PENDING, ALLOCATED)]

    def shares(counts: list[Published | None], total: float | None) -> list[float | None]:
        return [
            100.0 * v / total if (v := plotted(c)) is not None and total else None for c in counts
        ]

    figure = grouped_bars(
        list(SNE_TYPOLOGIE),
        [
            ("Demandes", shares(demand, totals[0]), DEMAND_COLOR),
            ("Attributions", shares(supply, totals[1]), ALLOCATION_COLOR),
        ],
    )
    rows = []
    for typology, d, s in zip(SNE_TYPOLOGIE, demand, supply, strict=True):
        pressure = (plotted(d) / plotted(s), "ok") if plotted(d) and plotted(s) else None
        if d and s and "secret" in (d[1], s[1]):
            pressure = (None, "secret")
        rows.append([typology, shown(d), shown(s), shown(pressure, decimals=1)])
    return section(
        f"Demande et attributions par typologie en {year}",
        html.P(
            "Répartition des demandes en attente et des attributions par taille de logement "
            "(en % de chacune) : un écart signale un parc qui ne répond pas à la demande.",
            className="text-muted",
        ),
        graph(figure, "typology"),
        data_table(["Typologie", "Demandes", "Attributions", "Pression"], rows, "typology"),
        name="typology",
    )


def threshold_section(board: AttributionBoard, year: int) -> html.Section:
    threshold = board.thresholds.get(year)
    if threshold is None:
        known = ", ".join(str(y) for y in sorted(board.thresholds)) or "aucune"
        body: list[Any] = [
            unavailable(
                f"Seuil du 1er quartile non disponible pour {year} : aucune source publique "
                f"confirmée dans la table de référence (années disponibles : {known})."
            )
        ]
    else:
        body = [
            html.P(
                [
                    "Un demandeur appartient au 1er quartile en ",
                    html.Strong(str(year)),
                    " si ses ressources sont inférieures à ",
                    html.Strong(format_value(threshold.q1, "€")),
                    " par an et par unité de consommation, soit ",
                    html.Strong(format_value(threshold.q1 / 12, "€")),
                    " par mois.",
                ],
                className="board-threshold",
            ),
            data_table(
                ["", "Par an", "Par mois"],
                [
                    [label, format_value(v, "€"), format_value(v / 12, "€")]
                    for label, v in (
                        ("1er quartile", threshold.q1),
                        ("Médiane", threshold.median),
                        ("3e quartile", threshold.q3),
                    )
                ],
                "threshold",
            ),
            html.Small(f"Source : {threshold.source}", className="text-muted"),
        ]
    return section("Seuil du 1er quartile (contexte)", *body, name="threshold")


def pending_profile_section(board: AttributionBoard, year: int) -> html.Section:
    """The pending applications by main reason and by age, where the files give them."""
    blocks = []
    for name, codes, title in (
        ("motif", SNE_MOTIF, "Motif principal"),
        ("seniority", SNE_ANCIENNETE, "Ancienneté"),
    ):
        if name not in board.breakdowns:
            blocks.append(unavailable(f"{title} : données non fournies."))
            continue
        rows = [
            [label, shown(board.count(year, PENDING, f"{name}:{code}"))]
            for code, label in codes.items()
        ]
        blocks.append(data_table([title, "Demandes"], rows, name))
    return section(f"Demandes en attente au 31/12/{year}", *blocks, name="pending")


# --- communes ------------------------------------------------------------------------------

COMMUNE_COLUMNS = (
    ("attributions.pending", "Demandes", 0),
    ("attributions.allocations", "Attributions", 0),
    ("attributions.pressure", "Pression", 1),
    ("attributions.q1_outside_qpv_share", "1er quartile hors QPV (%)", 1),
    ("out:known", "Attrib. hors QPV", 0),
    ("attributions.q234_inside_qpv_share", "Quartiles 2-4 en QPV (%)", 1),
    ("in:known", "Attrib. en QPV", 0),
    ("attributions.waiting_months", "Délai médian (mois)", 1),
)


def column_field(key: str) -> str:
    return key.replace(".", "_").replace(":", "_")


def commune_record(row: CommuneRow, year: int, prefix: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": row.code,
        "commune": row.name,
        "carte": f"[Voir sur la carte]({explorer_link(row.code, year, prefix)})",
    }
    for key, _, _ in COMMUNE_COLUMNS:
        value, status = (row.counts if ":" in key else row.values).get(key, (None, "nd"))
        record[column_field(key)] = value if status == "ok" else None
        record[column_field(key) + "_status"] = status
    return record


def value_formatter(key: str, decimals: int) -> dict[str, str]:
    status = f"params.data.{column_field(key)}_status"
    return {
        "function": f"params.value == null ? ({status} == 'secret' ? 'secret' : 'n.d.') : "
        f"params.value.toLocaleString('fr-FR', {{minimumFractionDigits: {decimals}, "
        f"maximumFractionDigits: {decimals}}})"
    }


def communes_section(board: AttributionBoard, year: int, prefix: str) -> html.Section:
    rows = board.communes.get(year, ())
    columns: list[dict[str, Any]] = [
        {"field": "commune", "headerName": "Commune", "pinned": "left", "minWidth": 170},
        *(
            {
                "field": column_field(key),
                "headerName": label,
                "type": "numericColumn",
                "valueFormatter": value_formatter(key, decimals),
            }
            for key, label, decimals in COMMUNE_COLUMNS
        ),
        {"field": "carte", "headerName": "Carte", "cellRenderer": "markdown", "sortable": False},
    ]
    return section(
        f"Les communes en {year}",
        html.P(
            "Cliquez sur un en-tête pour trier ; « Voir sur la carte » ouvre la carte sur la "
            "commune, thème Attributions.",
            className="text-muted",
        ),
        dag.AgGrid(
            id=BoardIds.COMMUNES,
            rowData=[commune_record(row, year, prefix) for row in rows],
            columnDefs=columns,
            defaultColDef={"sortable": True, "resizable": True, "minWidth": 110},
            columnSize="autoSize",
            dashGridOptions={"domLayout": "autoHeight", "suppressColumnVirtualisation": True},
            className="ag-theme-alpine board-communes",
            style={"height": None},
        ),
        name="communes",
    )


# --- the page ------------------------------------------------------------------------------


def board_body(board: AttributionBoard, year: int, prefix: str) -> list[Any]:
    return [
        targets_section(board, year),
        trends_section(board),
        holders_section(board, year),
        typology_section(board, year),
        pending_profile_section(board, year),
        threshold_section(board, year),
        communes_section(board, year, prefix),
    ]


def zone_options(board: AttributionBoard, epcis: Sequence[ZoneRef]) -> list[dict]:
    """Every EPCI of the territory (its legal targets are set per EPCI), then the
    communes of the board's."""
    communes = board.communes.get(board.years[-1], ()) if board.years else ()
    return [
        *({"label": f"{epci.name} (EPCI)", "value": f"epci:{epci.code}"} for epci in epcis),
        *({"label": row.name, "value": f"commune:{row.code}"} for row in communes),
    ]


def board_page(
    board: AttributionBoard,
    state: BoardState,
    options: list[dict],
    prefix: str,
) -> html.Div:
    """The whole view: title, zone and year, permalink, then the sections."""
    year = state.year if state.year in board.years else board.years[-1]
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Territoire", html_for=BoardIds.ZONE),
                    dcc.Dropdown(
                        id=BoardIds.ZONE,
                        options=options,
                        value=state.zone,
                        clearable=False,
                        labels=DROPDOWN_LABELS,
                    ),
                ],
                md=6,
            ),
            dbc.Col(
                [
                    dbc.Label("Année", html_for=BoardIds.YEAR),
                    dcc.Dropdown(
                        id=BoardIds.YEAR,
                        options=[{"label": str(y), "value": y} for y in reversed(board.years)],
                        value=year,
                        clearable=False,
                        labels=DROPDOWN_LABELS,
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                html.A(
                    "Lien permanent",
                    id=BoardIds.PERMALINK,
                    href=board_query(BoardState(state.scale, state.code, year)),
                    className="btn btn-outline-secondary btn-sm",
                ),
                md=2,
                className="align-self-end",
            ),
        ],
        className="g-2 board-controls",
    )
    return html.Div(
        [
            html.H1(TITLE, className="h4"),
            controls,
            html.Div(board_body(board, year, prefix), id=BoardIds.BODY),
        ],
        className="attributions-board",
    )


def no_data(zone: str) -> html.Div:
    return html.Div(
        [html.H1(TITLE, className="h4"), unavailable(f"Aucune donnée d'attribution pour {zone}.")],
        className="attributions-board",
    )
