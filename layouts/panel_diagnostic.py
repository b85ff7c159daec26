"""The fragility diagnosis in a sheet: the class in words and its change, each criterion
with its value, the EPCI's, their ratio and whether it is flagged, the class over the
surveys; and the ranking of IRIS, QPV and residences by fragility."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from data.catalog import CATALOG
from data.diagnostic import CLASS_LABELS, METHOD, method_text
from data.store.types import CriterionLine, Diagnosis, Measure, RankedFragility
from layouts.formatting import NOT_AVAILABLE_TEXT, RESTRICTED_TEXT, format_number, format_value
from layouts.html_block import Markup, element, html_block, markup, select_link
from layouts.palettes import ORDERED_CATEGORIES
from layouts.panel_common import section
from layouts.panel_tables import table

DIAGNOSTIC_OUT_OF_PERIMETER_TEXT = (
    "Votre convention ne couvre pas le diagnostic de fragilité de cette résidence."
)
SECRET_CLASS_TEXT = "Secret"
NOT_AVAILABLE_CLASS_TEXT = "Non disponible"
RANKING_LIMIT = 10
WORSE_TEXT = "fragilisation"
BETTER_TEXT = "amélioration"
STABLE_TEXT = "stable"


def class_text(measure: Measure) -> str:
    """A class in words: its label, "Secret", "hors périmètre" or "Non disponible"."""
    if measure.status == "secret":
        return SECRET_CLASS_TEXT
    if measure.status == "restricted":
        return RESTRICTED_TEXT
    if measure.value is None:
        return NOT_AVAILABLE_CLASS_TEXT
    return CLASS_LABELS[int(measure.value)]


def class_badge(measure: Measure) -> Markup:
    """The class as a badge in its map colour (its class name says which)."""
    if measure.value is None:
        return element(
            "span",
            class_text(measure),
            class_="badge bg-secondary diagnostic-class diagnostic-class-none",
        )
    code = int(measure.value)
    return element(
        "span",
        class_text(measure),
        class_=f"badge text-dark diagnostic-class diagnostic-class-{code}",
        style=f"background-color: {ORDERED_CATEGORIES[code]}",
    )


def change_text(current: Measure, previous: Measure | None) -> str | None:
    """The change since the survey before: "fragilisation", "amélioration" or "stable"
    with the previous class; None when either class is not published."""
    if previous is None or current.value is None or previous.value is None:
        return None
    if current.value > previous.value:
        direction = WORSE_TEXT
    elif current.value < previous.value:
        direction = BETTER_TEXT
    else:
        direction = STABLE_TEXT
    return f"{direction.capitalize()} : {class_text(previous)} en {previous.year}"


def ratio_text(line: CriterionLine) -> str:
    """The value over the EPCI's, "1,35" (n.d. when either is not shown)."""
    value, reference = line.value.value, line.reference.value
    shown = line.value.status in ("ok", "perimeter") and line.reference.status == "ok"
    if not shown or value is None or not reference:
        return NOT_AVAILABLE_TEXT
    return format_number(value / reference, 2)


def flag_text(flag: Measure) -> str:
    if flag.status == "secret":
        return "secret"
    if flag.status == "restricted":
        return RESTRICTED_TEXT
    if flag.value is None:
        return NOT_AVAILABLE_TEXT
    return "Oui" if flag.value == 1 else "Non"


def _value(measure: Measure, indicator_id: str) -> str:
    indicator = CATALOG[indicator_id]
    return format_value(measure.value, indicator.unit, indicator.decimals, measure.status)


def criteria_table(diagnosis: Diagnosis) -> Markup:
    header = [
        element("th", "Critère", scope="col"),
        *(
            element("th", title, scope="col", class_="text-end")
            for title in ("Valeur", "EPCI", "Rapport", "Signalé")
        ),
    ]
    rows = [
        element(
            "tr",
            [
                element(
                    "th",
                    line.criterion.label,
                    scope="row",
                    title=CATALOG[line.criterion.indicator_id].definition,
                ),
                element("td", _value(line.value, line.criterion.indicator_id), class_="text-end"),
                element(
                    "td", _value(line.reference, line.criterion.indicator_id), class_="text-end"
                ),
                element("td", ratio_text(line), class_="text-end"),
                element("td", flag_text(line.flag), class_="text-end diagnostic-flag"),
            ],
            class_="table-warning" if line.flag.value == 1 else None,
            data_criterion=line.criterion.name,
        )
        for line in diagnosis.criteria
    ]
    return element("div", table(header, rows, "diagnostic-table"), class_="table-scroll")


def history_list(history: Sequence[Measure]) -> Markup:
    return element(
        "ol",
        [
            element("li", [f"{measure.year} : ", class_badge(measure)])
            for measure in history
            if measure.year is not None
        ],
        class_="list-inline diagnostic-history",
    )


def method_details() -> Markup:
    """The method in French, folded: what the "Méthode" link opens."""
    return element(
        "details",
        [
            element("summary", "Méthode", class_="diagnostic-method-link"),
            *(element("p", paragraph, class_="small") for paragraph in method_text(METHOD)),
        ],
        class_="diagnostic-method",
    )


def diagnostic_section(diagnosis: Diagnosis | None, refusal: str | None = None) -> html.Section:
    """The diagnosis of a zone or residence for its survey, or the refusal sentence."""
    if diagnosis is None:
        body: list[Any] = [
            dbc.Alert(refusal, color="secondary", className="panel-diagnostic-refused")
            if refusal
            else html.P("Aucun diagnostic publié.", className="text-muted")
        ]
        return section("Diagnostic de fragilité", *body, name="diagnostic")
    flags = diagnosis.flags
    flags_text = (
        f"{format_number(flags.value)} critère(s) signalé(s) sur {len(diagnosis.criteria)}"
        if flags.value is not None
        else "nombre de critères signalés : secret (un critère est caché)"
    )
    change = change_text(diagnosis.fragility_class, diagnosis.previous_class)
    body = [
        element(
            "p",
            [
                f"Enquête OPS {diagnosis.survey_year} : ",
                class_badge(diagnosis.fragility_class),
                element("span", f" — {flags_text}", class_="small"),
            ],
            class_="diagnostic-summary",
        ),
        element("p", change, class_="small diagnostic-change") if change else None,
        criteria_table(diagnosis),
        element(
            "div",
            [
                element("span", "Classe par enquête : ", class_="small"),
                history_list(diagnosis.history),
            ],
        ),
        method_details(),
    ]
    return section(
        f"Diagnostic de fragilité — {diagnosis.survey_year}",
        html_block(markup(body)),
        name="diagnostic",
    )


def _ranking_rows(ranking: Sequence[RankedFragility]) -> list[Markup]:
    return [
        element(
            "tr",
            [
                element("td", f"{rank}.", class_="text-muted panel-rank"),
                element("td", select_link(item.zone.scale, item.zone.code, item.zone.name)),
                element("td", class_badge(item.fragility_class)),
                element(
                    "td",
                    format_value(item.flags.value, "", 0, item.flags.status),
                    class_="text-end",
                ),
            ],
        )
        for rank, item in enumerate(ranking[:RANKING_LIMIT], 1)
    ]


def ranking_table(title: str, ranking: Sequence[RankedFragility]) -> Markup:
    """The most fragile first, as links; the count of the others."""
    if not ranking:
        return element(
            "div",
            [
                element("h4", title, class_="h6"),
                element("p", "Aucune classe publiée.", class_="small text-muted"),
            ],
        )
    header = [
        element("th", "Rang", scope="col", class_="visually-hidden"),
        element("th", "Nom", scope="col"),
        element("th", "Classe", scope="col"),
        element("th", "Critères", scope="col", class_="text-end"),
    ]
    more = len(ranking) - RANKING_LIMIT
    return element(
        "div",
        [
            element("h4", f"{title} ({format_number(len(ranking))})", class_="h6"),
            table(header, _ranking_rows(ranking), "diagnostic-table"),
            element("p", f"… et {format_number(more)} de plus", class_="small text-muted")
            if more > 0
            else None,
        ],
        class_="diagnostic-ranking",
    )


def fragility_ranking_section(
    iris: Sequence[RankedFragility],
    qpv: Sequence[RankedFragility],
    residences: Sequence[RankedFragility],
) -> html.Section:
    """The IRIS, the QPV and the residences of the user's perimeter, the most fragile
    first (class, then number of flags)."""
    return section(
        "Classement par fragilité",
        html_block(
            markup(
                [
                    ranking_table("IRIS", iris),
                    ranking_table("Quartiers prioritaires", qpv),
                    ranking_table("Résidences de votre périmètre", residences),
                ]
            )
        ),
        name="fragility-ranking",
    )
