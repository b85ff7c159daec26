"""The indicator picker: the theme's indicators grouped by sub-theme (a heading option,
not selectable, before each group), filtered as the user types (a label's sub-theme is
part of what is searched), and the definition of the chosen indicator one click away."""

from __future__ import annotations

from collections.abc import Iterable

from dash import html

from data.catalog import CATALOG
from layouts.ids import AccessIds

# (sub-theme, the id prefixes of its indicators after the theme), in display order; an
# indicator no prefix names falls into the theme's last group, "Autres indicateurs".
SUB_THEMES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "parc": (
        ("Volume et localisation", ("dwellings", "social_share", "qpv_share")),
        ("Typologie", ("t1_", "t2_", "t3_", "t4_", "t5p_")),
        ("Âge du parc", ("mean_age", "built_")),
        ("Financement", ("plai_", "plus_", "pls_", "pli_", "before_1977")),
        ("Loyers, vacance et mobilité", ("rent_", "vacancy", "vacant_", "move_in")),
        ("Performance énergétique (DPE)", ("dpe_",)),
    ),
    "occupation": (
        ("Composition des ménages", ("households", "single_", "large_family", "newcomers")),
        ("Âge des titulaires", ("holder_",)),
        ("Ressources", ("income_", "apl_")),
        ("Emploi", ("adults_employed", "no_adult_employed")),
    ),
    "attributions": (
        ("Demande et attributions", ("pending", "allocations", "pressure", "waiting_")),
        ("Objectifs légaux", ("q1_", "q234_", "priority_")),
    ),
    "diagnostic": (
        ("Fragilité", ("class", "flags")),
        ("Critères signalés", ("flag_",)),
        ("Revenus (Filosofi)", ("poverty_", "median_")),
    ),
    "equipements": (
        ("Proximité (500 m)", ("transit_", "school_", "food_", "doctor_", "score_")),
        ("Distances", ("distance_",)),
    ),
}
OTHER_GROUP = "Autres indicateurs"
GROUP_VALUE_PREFIX = "groupe:"  # the value of a heading option, never a catalogue id


def sub_theme(indicator_id: str) -> str:
    """The sub-theme an indicator is listed under."""
    theme, _, name = indicator_id.partition(".")
    for group, prefixes in SUB_THEMES.get(theme, ()):
        if name.startswith(prefixes):
            return group
    return OTHER_GROUP


def grouped_indicator_options(indicators: Iterable[tuple[str, str]]) -> list[dict]:
    """`(id, label)` pairs → dropdown options: a disabled heading per sub-theme, then its
    indicators in catalogue order; typing a word of a sub-theme's name finds the heading
    and its indicators."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for indicator_id, label in indicators:
        groups.setdefault(sub_theme(indicator_id), []).append((indicator_id, label))
    order = [name for names in SUB_THEMES.values() for name, _ in names] + [OTHER_GROUP]
    options: list[dict] = []
    for group in sorted(groups, key=order.index):
        options.append(
            {
                "label": html.Span(group, className="indicator-group"),
                "value": f"{GROUP_VALUE_PREFIX}{group}",
                "disabled": True,
                "search": group,
            }
        )
        options.extend(
            {"label": label, "value": indicator_id, "search": f"{label} {group}"}
            for indicator_id, label in groups[group]
        )
    return options


def definition_text(indicator_id: str | None) -> str:
    indicator = CATALOG.get(indicator_id or "")
    if indicator is None:
        return "Choisissez un indicateur pour lire sa définition."
    return f"{indicator.label} : {indicator.definition} Source : {indicator.source}."


def picker_definition(indicator_id: str | None) -> html.Details:
    """ "Définition": one click (or Enter) beside the picker unfolds the chosen indicator's
    definition and source."""
    return html.Details(
        [
            html.Summary("Définition", className="definition-toggle"),
            html.P(
                definition_text(indicator_id),
                id=AccessIds.PICKER_DEFINITION_TEXT,
                className="definition-text",
            ),
        ],
        id=AccessIds.PICKER_DEFINITION,
        className="indicator-definition",
    )
