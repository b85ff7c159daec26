"""Saved views and tours: kept per user in the auth database, shared within the author's
convention only, deleted by their author only; the explorer's parser checks every view
saved; every request is checked against the session's user, crafted ones too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dash import Dash
from sqlalchemy import select

from auth.demo_accounts import DEMO_PASSWORD
from auth.models import SavedView, Tour, User
from auth.saved_views import (
    InvalidField,
    create_tour,
    delete_tour,
    delete_view,
    save_view,
    tour_of,
    tours_of,
    view_of,
    views_of,
)
from callbacks.presentation import tour_position
from layouts.ids import MapIds, PageIds, PresentationIds, SavedViewIds
from layouts.presentation import present_href
from tests.support.dash_requests import post_callback

ROUBAIX_USER = "roubaix@atlas-demo.fr"
COLLEAGUE = "collegue-roubaix@atlas-demo.fr"
VILOGIA_USER = "vilogia@atlas-demo.fr"
QUERY = "?echelle=commune&theme=parc&indicateur=parc.social_dwellings&annee=2024&classes=quantile"


def db_of(app: Dash):
    return app.server.extensions["atlas_auth"].db


def user(session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def people(auth_app: Dash) -> dict[str, tuple[int, int]]:
    """(user id, convention id) of Roubaix's officer, a colleague of the same convention
    (who can log in) and Vilogia's officer."""
    state = auth_app.server.extensions["atlas_auth"]
    with state.db.writing() as session:
        roubaix = user(session, ROUBAIX_USER)
        session.add(
            User(
                email=COLLEAGUE,
                display_name="Collègue de Roubaix",
                password_hash=state.passwords.hash(DEMO_PASSWORD),
                convention_id=roubaix.convention_id,
                role="reader",
            )
        )
    with state.db.reading() as session:
        return {
            email: (user(session, email).id, user(session, email).convention_id)
            for email in (ROUBAIX_USER, COLLEAGUE, VILOGIA_USER)
        }


def test_a_view_is_shared_within_its_convention_only(auth_app: Dash, people) -> None:
    (author, convention), (colleague, _), (stranger, other) = people.values()
    with db_of(auth_app).writing() as session:
        private = save_view(session, author, "  Vacance   Roubaix ", QUERY, False).id
        shared = save_view(session, author, "Parc social", QUERY, True).id
    with db_of(auth_app).reading() as session:
        assert [v.name for v in views_of(session, author, convention)] == [
            "Parc social",
            "Vacance Roubaix",
        ]
        assert [v.id for v in views_of(session, colleague, convention)] == [shared]
        assert views_of(session, stranger, other) == []
        assert view_of(session, colleague, convention, private) is None
        assert view_of(session, stranger, other, shared) is None
        # a convention id forged to be the author's does not open it to another user of
        # another convention either: the id comes from the session (see the requests below)
        assert view_of(session, stranger, other, True) is None


def test_a_bad_name_is_refused_in_french(auth_app: Dash, people) -> None:
    author, _ = people[ROUBAIX_USER]
    for name, message in (("   ", "Donnez un nom à la vue."), ("x" * 121, "ne doit pas dépasser")):
        with pytest.raises(InvalidField, match=message), db_of(auth_app).writing() as session:
            save_view(session, author, name, QUERY, False)
    with pytest.raises(InvalidField), db_of(auth_app).writing() as session:
        save_view(session, author, ["pas un texte"], QUERY, False)


def test_a_tour_keeps_its_views_in_order_and_its_sharing(auth_app: Dash, people) -> None:
    (author, convention), (colleague, _), (stranger, other) = people.values()
    with db_of(auth_app).writing() as session:
        first = save_view(session, author, "Un", QUERY, False).id
        second = save_view(session, author, "Deux", QUERY + "&zoom=12", False).id
        foreign = save_view(session, stranger, "Vilogia", QUERY, True).id
    with db_of(auth_app).writing() as session:
        tour = create_tour(
            session, author, convention, "Conseil", [second, first], ["Le parc", " "], True
        )
        tour_id = tour.id
        assert [(s.name, s.caption, s.position) for s in tour.steps] == [
            ("Deux", "Le parc", 0),
            ("Un", "", 1),
        ]
    with db_of(auth_app).reading() as session:
        assert [t.id for t in tours_of(session, colleague, convention)] == [tour_id]
        assert tours_of(session, stranger, other) == []
        assert tour_of(session, stranger, other, tour_id) is None
    with (
        pytest.raises(InvalidField, match="ne vous est pas accessible"),
        db_of(auth_app).writing() as session,
    ):
        create_tour(session, author, convention, "Mélange", [first, foreign], [], False)
    with (
        pytest.raises(InvalidField, match="au moins une vue"),
        db_of(auth_app).writing() as session,
    ):
        create_tour(session, author, convention, "Vide", [], [], False)
    with (
        pytest.raises(InvalidField, match="Donnez un nom au parcours"),
        db_of(auth_app).writing() as session,
    ):
        create_tour(session, author, convention, "", [first], [], False)


def test_only_the_author_deletes(auth_app: Dash, people) -> None:
    (author, convention), (colleague, _), _ = people.values()
    with db_of(auth_app).writing() as session:
        view_id = save_view(session, author, "Un", QUERY, True).id
        tour_id = create_tour(session, author, convention, "P", [view_id], [], True).id
    with db_of(auth_app).writing() as session:
        assert not delete_view(session, colleague, view_id)
        assert not delete_tour(session, colleague, tour_id)
    with db_of(auth_app).writing() as session:
        assert delete_view(session, author, view_id)
    with db_of(auth_app).reading() as session:
        # the tour keeps its copy of the deleted view
        assert [s.name for s in tour_of(session, author, convention, tour_id).steps] == ["Un"]
    with db_of(auth_app).writing() as session:
        assert delete_tour(session, author, tour_id)
    with db_of(auth_app).reading() as session:
        assert session.scalars(select(Tour)).all() == []


def test_tour_links_and_their_parameters() -> None:
    assert present_href("/", QUERY) == "/" + QUERY + "&presentation=1"
    assert present_href("/app/", QUERY, 7, 2).endswith("&presentation=1&parcours=7&etape=2")
    assert tour_position(["7", "3"]) == (7, 3)
    assert tour_position(["7", "0"]) == (7, 1)
    assert tour_position(["7", None]) == (7, 1)
    for forged in (["-1", "1"], ["1e3", "1"], ["٣", "1"], [None, "2"], "7", None, [7, 1]):
        assert tour_position(forged) is None


def _key(component_id: str | dict, prop: str) -> str:
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def said(response: Any) -> str:
    """The text of a callback's answer, accents unescaped."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def post_change(client, *, create: int | None = None, delete: dict | None = None, **form) -> Any:
    """The "Mes vues" callback as a script would send it: create a tour, or delete the
    view or tour `delete` names ({"type", "id"})."""
    outputs = [
        (SavedViewIds.LIST, "children"),
        (SavedViewIds.MESSAGE, "children"),
        (SavedViewIds.TOUR_VIEWS, "options"),
    ]
    deletes = {SavedViewIds.DELETE_VIEW_TYPE: [], SavedViewIds.DELETE_TOUR_TYPE: []}
    if delete is not None:
        deletes[delete["type"]].append({"id": delete, "property": "n_clicks", "value": 1})
    body = {
        "output": ".." + "...".join(_key(*output) for output in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": SavedViewIds.TOUR_CREATE, "property": "n_clicks", "value": create},
            deletes[SavedViewIds.DELETE_VIEW_TYPE],
            deletes[SavedViewIds.DELETE_TOUR_TYPE],
        ],
        "state": [
            {"id": SavedViewIds.TOUR_NAME, "property": "value", "value": form.get("name")},
            {"id": SavedViewIds.TOUR_VIEWS, "property": "value", "value": form.get("views")},
            {"id": SavedViewIds.TOUR_CAPTIONS, "property": "value", "value": form.get("captions")},
            {"id": SavedViewIds.TOUR_SHARED, "property": "value", "value": form.get("shared")},
        ],
        "changedPropIds": [
            _key(delete, "n_clicks") if delete else _key(SavedViewIds.TOUR_CREATE, "n_clicks")
        ],
    }
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    return client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})


def save_through_the_page(client, name: Any, state: Any, shared: Any = False) -> Any:
    return post_callback(
        client,
        [(PresentationIds.SAVE_MESSAGE, "children")],
        [(PresentationIds.SAVE, "n_clicks", 1)],
        [
            (PresentationIds.SAVE_NAME, "value", name),
            (PresentationIds.SAVE_SHARED, "value", shared),
            (PageIds.STATE, "data", state),
            (MapIds.MAP, "center", {"lat": 50.69, "lng": 3.18}),
            (MapIds.MAP, "zoom", 13),
        ],
    )


def test_a_saved_view_is_what_the_parser_accepts(auth_app: Dash, logged_in_client) -> None:
    client = logged_in_client(auth_app, ROUBAIX_USER)
    forged = {
        "scale": "iris",
        "indicator": "evil'); DROP TABLE users; --",
        "year": 1850,
        "selection": {"scale": "commune", "code": "<script>"},
        "overlays": ["qpv", "javascript:"],
    }
    answer = save_through_the_page(client, "Vue forgée", forged)
    assert answer.status_code == 200 and "enregistrée" in said(answer)
    with db_of(auth_app).reading() as session:
        (saved,) = session.scalars(select(SavedView)).all()
    assert saved.query.startswith("?echelle=iris&theme=parc&indicateur=parc.")
    assert "couches=qpv&" in saved.query and saved.query.endswith("centre=50.69000,3.18000&zoom=13")
    for forged_part in ("evil", "DROP", "script", "javascript", "1850", "selection"):
        assert forged_part not in saved.query
    refused = save_through_the_page(client, "  ", {})
    assert refused.status_code == 200 and "Donnez un nom à la vue." in said(refused)


def test_crafted_requests_reach_nothing_of_another_convention(
    auth_app: Dash, logged_in_client, people
) -> None:
    author, convention = people[ROUBAIX_USER]
    with db_of(auth_app).writing() as session:
        view_id = save_view(session, author, "Roubaix", QUERY, True).id
        tour_id = create_tour(session, author, convention, "Conseil", [view_id], ["Ici"], True).id
    stranger = logged_in_client(auth_app, VILOGIA_USER)
    delete = {"type": SavedViewIds.DELETE_VIEW_TYPE, "id": view_id}
    assert post_change(stranger, delete=delete).status_code == 204
    delete = {"type": SavedViewIds.DELETE_TOUR_TYPE, "id": tour_id}
    assert post_change(stranger, delete=delete).status_code == 204
    borrowed = post_change(stranger, create=1, name="Emprunt", views=[view_id], captions="x")
    assert "ne vous est pas accessible" in said(borrowed)
    bar = post_callback(
        stranger,
        [(PresentationIds.TOUR, "children")],
        [(PresentationIds.TOUR_POSITION, "data", [str(tour_id), "1"])],
    )
    assert bar.status_code == 200 and "Conseil" not in said(bar) and "Ici" not in said(bar)
    with db_of(auth_app).reading() as session:
        assert len(session.scalars(select(SavedView)).all()) == 1
        assert [t.name for t in session.scalars(select(Tour)).all()] == ["Conseil"]
    # the colleague of the same convention sees the tour's step, and deletes nothing
    colleague = logged_in_client(auth_app, COLLEAGUE)
    bar = post_callback(
        colleague,
        [(PresentationIds.TOUR, "children")],
        [(PresentationIds.TOUR_POSITION, "data", [str(tour_id), "1"])],
    )
    assert "Conseil · 1 / 1 · Roubaix" in said(bar) and "Ici" in said(bar)
    delete = {"type": SavedViewIds.DELETE_VIEW_TYPE, "id": view_id}
    assert post_change(colleague, delete=delete).status_code == 204
    made = post_change(colleague, create=1, name="À moi", views=[view_id], captions="Un\nDeux")
    assert "Parcours « À moi » créé (1 vue)." in said(made)
