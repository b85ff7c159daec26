"""The residence sheet's "À proximité": for each family of equipment, the nearest one and
its distance, an estimated walk, and how many are within 500 m."""

from __future__ import annotations

import math
from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from data.sources.codes import EQUIPMENT_FAMILIES
from data.store.types import Nearby
from layouts.formatting import NOT_AVAILABLE_TEXT, format_value
from layouts.panel_common import section

# The walking estimate: the straight line lengthened for the streets' detours, walked at
# 4.5 km/h. A rule of thumb, not a route: the sheet says so.
DETOUR_FACTOR = 1.3
WALK_METRES_PER_MINUTE = 75.0
WALK_RULE_TEXT = (
    "Distances à vol d'oiseau entre la résidence et l'équipement (BPE de l'INSEE, arrêts "
    "du réseau GTFS). Temps à pied : estimation, distance × 1,3 pour les détours des rues, "
    "à 4,5 km/h ; ce n'est pas un itinéraire."
)
NO_EQUIPMENT_TEXT = "aucun dans les données"


def walking_minutes(distance_m: float) -> int:
    """Estimated minutes on foot for a straight-line distance (at least one)."""
    return max(1, math.ceil(distance_m * DETOUR_FACTOR / WALK_METRES_PER_MINUTE))


def format_distance(distance_m: float) -> str:
    """`350 m`, or `1,2 km` from 1 km."""
    if distance_m < 1000:
        return format_value(distance_m, "m")
    return format_value(distance_m / 1000, "km", decimals=1)


def nearest_detail(item: Nearby) -> str | None:
    """What the nearest equipment is, when the family's name does not say it: a stop's
    name, or the kind of a BPE equipment ("École primaire" for an "École élémentaire")."""
    if item.nearest_name:
        return item.nearest_name
    if item.nearest_type and item.nearest_type != EQUIPMENT_FAMILIES[item.family]:
        return item.nearest_type
    return None


def _row(item: Nearby) -> html.Tr:
    detail = nearest_detail(item)
    family = [
        EQUIPMENT_FAMILIES[item.family],
        *([html.Br(), html.Small(detail, className="text-muted")] if detail else []),
    ]
    if item.distance_m is None or math.isnan(item.distance_m):
        cells = [NO_EQUIPMENT_TEXT, NOT_AVAILABLE_TEXT]
    else:
        cells = [format_distance(item.distance_m), f"≈ {walking_minutes(item.distance_m)} min"]
    return html.Tr(
        [
            html.Th(family, scope="row"),
            *(html.Td(cell, className="text-nowrap") for cell in cells),
            html.Td(format_value(item.within_500), className="text-end"),
        ],
        className=f"proximity-row proximity-{item.family}",
    )


def proximity_section(nearby: Sequence[Nearby]) -> html.Section:
    """The table of the nearest equipment per family, with the rule of its figures."""
    header = html.Thead(
        html.Tr(
            [
                html.Th("Le plus proche"),
                html.Th("À vol d'oiseau"),
                html.Th("À pied (est.)"),
                html.Th("À moins de 500 m", className="text-end"),
            ]
        )
    )
    table = dbc.Table(
        [header, html.Tbody([_row(item) for item in nearby])],
        size="sm",
        className="proximity-table",
    )
    note = html.P(WALK_RULE_TEXT, className="text-muted small proximity-rule")
    return section("À proximité", table, note, name="proximity")
