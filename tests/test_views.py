"""The portal's views: which view a path names, who may open it, what the page shows."""

from __future__ import annotations

import json

import pytest

from callbacks.views import RENDERERS, view_content
from data.scope import AccessScope
from layouts.ids import PageIds
from layouts.views import EXPLORER, View, view_at, view_nav, views_open_to
from tests.support.dash_requests import post_callback

BOARD = View("board", "/tableau", "Tableau", theme="attributions")
WITH_BOARD = (EXPLORER, BOARD)  # the mechanism alone, whatever views the portal has


@pytest.mark.parametrize(
    ("pathname", "prefix", "expected"),
    [
        ("/", "/", EXPLORER),
        (None, "/", EXPLORER),
        ("/tableau", "/", BOARD),
        ("/tableau/", "/", BOARD),
        ("/atlas/tableau", "/atlas/", BOARD),
        ("/atlas/", "/atlas/", EXPLORER),
        ("/autre", "/", None),
    ],
)
def test_a_path_names_its_view_below_the_prefix(pathname, prefix, expected) -> None:
    assert view_at(pathname, prefix, WITH_BOARD) == expected


def test_a_themed_view_is_open_only_to_conventions_granting_its_theme() -> None:
    assert views_open_to(("parc", "attributions"), WITH_BOARD) == [EXPLORER, BOARD]
    assert views_open_to(("parc", "occupation"), WITH_BOARD) == [EXPLORER]


def test_the_navigation_links_each_view_and_is_absent_with_the_explorer_alone(tree) -> None:
    assert view_nav([EXPLORER]) is None
    nav = view_nav([EXPLORER, BOARD], "/atlas/")
    assert [(link.children, link.href) for link in nav.children] == [
        ("Carte", "/atlas/"),
        ("Tableau", "/atlas/tableau"),
    ]


def test_the_content_follows_the_scope_from_the_session(monkeypatch, tree) -> None:
    monkeypatch.setitem(RENDERERS, "board", lambda store, scope, search: f"tableau {search}")
    granted = AccessScope("N", "État", "etat", frozenset({"parc", "attributions"}))
    refused = AccessScope("N", "État", "etat", frozenset({"parc"}))
    assert view_content(None, granted, "/tableau", "?annee=2024", "/", WITH_BOARD) == (
        "tableau ?annee=2024"
    )
    assert "ne donne pas accès" in tree.text_of(
        view_content(None, refused, "/tableau", "", "/", WITH_BOARD)
    )
    assert view_content(None, granted, "/", "", "/", WITH_BOARD) is None
    assert "Page introuvable" in tree.text_of(
        view_content(None, granted, "/x", "", "/", WITH_BOARD)
    )


def test_an_unknown_path_says_so_through_the_app(auth_app, logged_in_client) -> None:
    client = logged_in_client(auth_app, "roubaix@atlas-demo.fr")
    assert client.get("/nulle-part").status_code == 200
    response = post_callback(
        client,
        [(PageIds.VIEW, "children")],
        [(PageIds.VIEW_PATH, "data", "/nulle-part")],
        [(PageIds.URL, "search", "")],
    )
    assert response.status_code == 200
    assert "Page introuvable" in json.dumps(response.get_json(), ensure_ascii=False)
