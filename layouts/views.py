"""The portal's views: the explorer (map and sheets) and the views of their own that a theme
adds (e.g. a board, a finder), each at its own path, named in the header's navigation.

One page holds them all: the explorer stays in the page (hidden on another view, so that
its state and map survive), and a view's content is drawn by `callbacks/views.py` from the
path. Moving between views is a page load (a plain link), so each view's address is its
permalink and the back button works as everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dash import html

from layouts.ids import PageIds


@dataclass(frozen=True)
class View:
    key: str
    path: str  # below the app's prefix, e.g. "/" or "/attributions"
    label: str  # in the header's navigation
    theme: str | None = None  # a convention must grant it to open the view; None: everyone


EXPLORER = View("explorer", "/", "Carte")
FINDER_VIEW = View("finder", "/residences", "Résidences")
FILES_VIEW = View("files", "/dossiers", "Mes dossiers")
ATTRIBUTIONS_BOARD = View(
    "attributions", "/attributions", "Pilotage des attributions", theme="attributions"
)
SAVED_VIEWS = View("saved", "/vues", "Mes vues")
VIEWS: tuple[View, ...] = (EXPLORER, ATTRIBUTIONS_BOARD, FINDER_VIEW, FILES_VIEW, SAVED_VIEWS)


def view_at(pathname: str | None, prefix: str = "/", views: Iterable[View] = VIEWS) -> View | None:
    """The view served at `pathname` (the app's `prefix` removed), None for an unknown path."""
    path = pathname or prefix
    if path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    path = path.rstrip("/") or "/"
    return next((view for view in views if view.path == path), None)


def views_open_to(granted_themes: Iterable[str], views: Iterable[View] = VIEWS) -> list[View]:
    """The views a convention granting `granted_themes` may open, in navigation order."""
    granted = set(granted_themes)
    return [view for view in views if view.theme is None or view.theme in granted]


def view_nav(views: list[View], prefix: str = "/") -> html.Nav | None:
    """The header's links to the views; none when the explorer is the only one."""
    if len(views) < 2:
        return None
    links = [
        html.A(
            view.label,
            href=prefix.rstrip("/") + view.path,
            id={"type": PageIds.VIEW_LINK, "view": view.key},
            className="view-link",
        )
        for view in views
    ]
    return html.Nav(links, id=PageIds.VIEW_NAV, className="view-nav", **{"aria-label": "Vues"})


def unknown_view(prefix: str = "/") -> html.Div:
    return html.Div(
        [
            html.H1("Page introuvable", className="h4"),
            html.P("Cette adresse ne correspond à aucune vue du portail."),
            html.A("Revenir à la carte", href=prefix, className="btn btn-primary"),
        ],
        className="view-unknown",
    )


def refused_view(view: View) -> html.Div:
    return html.Div(
        [
            html.H1(view.label, className="h4"),
            html.P(
                "Votre convention ne donne pas accès à cette vue. "
                "Pour l'étendre, adressez-vous à l'administrateur du portail."
            ),
        ],
        className="view-refused",
    )
