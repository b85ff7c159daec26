"""The view "Mes vues": the user's saved views and tours, those shared in their convention,
and the form that makes a tour of views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.ids import SavedViewIds

TITLE = "Mes vues"
EMPTY_VIEWS_TEXT = (
    "Aucune vue enregistrée pour l'instant. Sur la carte, donnez un nom à la vue puis "
    "« Enregistrer la vue »."
)
EMPTY_TOURS_TEXT = (
    "Aucun parcours. Un parcours enchaîne des vues, chacune avec sa légende ; en mode "
    "présentation, les flèches du clavier passent d'une vue à l'autre."
)
CAPTIONS_LABEL = "Légendes, une ligne par vue, dans l'ordre choisi"


@dataclass(frozen=True)
class ViewItem:
    """A saved view as the list shows it."""

    id: int
    name: str
    author: str  # "vous", or the name of the colleague who shared it
    shared: bool
    own: bool  # only the author deletes
    open_href: str
    present_href: str


@dataclass(frozen=True)
class TourItem:
    """A tour as the list shows it."""

    id: int
    name: str
    author: str
    shared: bool
    own: bool
    steps: int
    present_href: str


def _delete(kind: str, item_id: int, name: str) -> html.Button:
    return html.Button(
        "Supprimer",
        id={"type": kind, "id": item_id},
        type="button",
        className="btn btn-sm btn-outline-danger",
        **{"aria-label": f"Supprimer « {name} »"},
    )


def _table(head: list[str], rows: list[html.Tr]) -> html.Table:
    return html.Table(
        [html.Thead(html.Tr([html.Th(text) for text in head])), html.Tbody(rows)],
        className="table table-sm saved-views-table",
    )


def _views_table(views: Sequence[ViewItem]) -> html.Component:
    if not views:
        return html.P(EMPTY_VIEWS_TEXT)
    rows = [
        html.Tr(
            [
                html.Td(item.name),
                html.Td(item.author),
                html.Td("oui" if item.shared else "non"),
                html.Td(
                    [
                        html.A("Ouvrir", href=item.open_href, className="btn btn-sm btn-primary"),
                        " ",
                        html.A(
                            "Présenter",
                            href=item.present_href,
                            className="btn btn-sm btn-outline-primary",
                        ),
                        " ",
                        _delete(SavedViewIds.DELETE_VIEW_TYPE, item.id, item.name)
                        if item.own
                        else None,
                    ]
                ),
            ]
        )
        for item in views
    ]
    return _table(["Vue", "Auteur", "Partagée", ""], rows)


def _tours_table(tours: Sequence[TourItem]) -> html.Component:
    if not tours:
        return html.P(EMPTY_TOURS_TEXT)
    rows = [
        html.Tr(
            [
                html.Td(item.name),
                html.Td(str(item.steps), className="text-end"),
                html.Td(item.author),
                html.Td("oui" if item.shared else "non"),
                html.Td(
                    [
                        html.A(
                            "Présenter", href=item.present_href, className="btn btn-sm btn-primary"
                        ),
                        " ",
                        _delete(SavedViewIds.DELETE_TOUR_TYPE, item.id, item.name)
                        if item.own
                        else None,
                    ]
                ),
            ]
        )
        for item in tours
    ]
    return _table(["Parcours", "Vues", "Auteur", "Partagé", ""], rows)


def saved_lists(views: Sequence[ViewItem], tours: Sequence[TourItem]) -> list:
    """The two lists, redrawn after a tour is made or something deleted."""
    return [
        html.H2("Vues enregistrées", className="h5"),
        _views_table(views),
        html.H2("Parcours", className="h5"),
        _tours_table(tours),
    ]


def view_options(views: Sequence[ViewItem]) -> list[dict[str, object]]:
    return [{"label": item.name, "value": item.id} for item in views]


def tour_form(views: Sequence[ViewItem]) -> html.Div:
    return html.Div(
        [
            html.H2("Nouveau parcours", className="h5"),
            html.Label("Nom du parcours", htmlFor=SavedViewIds.TOUR_NAME),
            dcc.Input(
                id=SavedViewIds.TOUR_NAME,
                type="text",
                maxLength=120,
                className="form-control form-control-sm",
            ),
            html.Label("Vues, dans l'ordre de la présentation", htmlFor=SavedViewIds.TOUR_VIEWS),
            dcc.Dropdown(
                id=SavedViewIds.TOUR_VIEWS,
                options=view_options(views),
                multi=True,
                placeholder="Choisir les vues…",
            ),
            html.Label(CAPTIONS_LABEL, htmlFor=SavedViewIds.TOUR_CAPTIONS),
            dcc.Textarea(id=SavedViewIds.TOUR_CAPTIONS, className="form-control form-control-sm"),
            dbc.Checkbox(
                id=SavedViewIds.TOUR_SHARED, label="Partager avec ma convention", value=False
            ),
            html.Div(
                html.Button(
                    "Créer le parcours",
                    id=SavedViewIds.TOUR_CREATE,
                    type="button",
                    className="btn btn-sm btn-primary",
                )
            ),
            html.Div(id=SavedViewIds.MESSAGE, className="tools-status", role="status"),
        ],
        className="tour-form",
    )


def saved_views_view(views: Sequence[ViewItem], tours: Sequence[TourItem]) -> html.Div:
    return html.Div(
        [
            html.H1(TITLE, className="h4"),
            html.Div(saved_lists(views, tours), id=SavedViewIds.LIST),
            tour_form(views),
        ],
        className="saved-views-view",
    )
