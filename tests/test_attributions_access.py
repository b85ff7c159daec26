"""Who reads the attributions: the theme's conventions on the board and its callback,
nobody else, even with a crafted request; the board's pure parts."""

from __future__ import annotations

import json

from data.scope import AccessScope
from data.store.attribution_types import AttributionBoard, CommuneRow
from data.store.types import ZoneRef
from layouts.attributions_board import (
    BoardIds,
    BoardState,
    board_query,
    explorer_link,
    parse_board_query,
    zone_options,
)
from layouts.ids import PageIds
from tests.support.dash_requests import post_callback

EPCI = "200093201"
DEFAULT = BoardState("epci", EPCI, None)


def redraw(client, zone: str, year: int):
    return post_callback(
        client,
        [(BoardIds.BODY, "children"), (BoardIds.PERMALINK, "href"), (BoardIds.ZONE, "options")],
        [(BoardIds.ZONE, "value", zone), (BoardIds.YEAR, "value", year)],
    )


def test_the_board_query_string_round_trips_and_rejects_what_it_does_not_know() -> None:
    state = BoardState("commune", "59350", 2024)
    assert board_query(state) == "?zone=commune:59350&annee=2024"
    assert parse_board_query(board_query(state), DEFAULT) == state
    assert parse_board_query("?zone=iris:593500101&annee=x", DEFAULT) == DEFAULT
    assert parse_board_query("?zone=commune:<script>", DEFAULT) == DEFAULT


def test_a_commune_links_to_the_explorer_on_the_attributions_theme() -> None:
    link = explorer_link("59350", 2024, "/atlas/")
    assert link.startswith("/atlas/?echelle=commune&theme=attributions&indicateur=")
    assert "annee=2024" in link and "selection=commune:59350" in link


def test_the_store_gives_the_board_only_with_the_theme(store) -> None:
    granted = AccessScope("N", "État", "etat", frozenset({"attributions"}))
    refused = AccessScope("N", "Vilogia", "bailleur", frozenset({"parc", "occupation"}))
    board = store.attribution_board("epci", EPCI, granted)
    assert board is not None and 2024 in board.years
    assert board.value("attributions.allocations", 2024)[1] == "ok"
    assert store.attribution_board("epci", EPCI, refused) is None


def test_the_board_offers_every_epci_then_the_communes_of_its_own() -> None:
    first, second = ZoneRef("epci", "245900428", "CU de Dunkerque"), ZoneRef("epci", EPCI, "MEL")
    rows = (CommuneRow("59183", "Dunkerque", {}, {}),)
    board = AttributionBoard(first, (2024,), {}, {}, {}, communes={2024: rows})
    assert [option["value"] for option in zone_options(board, (first, second))] == [
        "epci:245900428",
        f"epci:{EPCI}",
        "commune:59183",
    ]


def test_a_territory_of_one_epci_lists_all_its_communes(store) -> None:
    granted = AccessScope("N", "État", "etat", frozenset({"attributions"}))
    assert [epci.code for epci in store.board_epcis] == [EPCI]
    board = store.attribution_board("commune", "59350", granted)
    assert len(board.communes[2024]) == len(
        store.attribution_board("epci", EPCI, granted).communes[2024]
    )
    assert len(board.communes[2024]) >= 90  # the MEL's communes with attributions


def test_the_state_redraws_the_board_and_a_convention_without_the_theme_gets_nothing(
    auth_app, logged_in_client
) -> None:
    state = logged_in_client(auth_app, "etat@atlas-demo.fr")
    response = redraw(state, "commune:59350", 2024)
    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert "Objectifs légaux" in body and "zone=commune:59350" in body
    assert "epci:200093201" in body and "commune:59512" in body  # the EPCI's communes

    landlord = logged_in_client(auth_app, "vilogia@atlas-demo.fr")
    response = redraw(landlord, "commune:59350", 2024)
    assert response.status_code == 204  # PreventUpdate: nothing is sent
    assert "Objectifs" not in response.get_data(as_text=True)
    view = post_callback(
        landlord,
        [(PageIds.VIEW, "children")],
        [(PageIds.VIEW_PATH, "data", "/attributions")],
        [(PageIds.URL, "search", "?zone=epci:200093201")],
    )
    text = json.dumps(view.get_json(), ensure_ascii=False)
    assert "ne donne pas accès" in text and "Objectifs" not in text


def test_the_zone_panel_shows_the_theme_only_to_its_conventions(store) -> None:
    granted = AccessScope("N", "État", "etat", frozenset({"parc", "attributions"}))
    refused = AccessScope("N", "Vilogia", "bailleur", frozenset({"parc", "occupation"}))
    shown = store.zone_summary("commune", "59350", 2024, granted).measures
    assert "attributions.q1_outside_qpv_share" in shown
    hidden = store.zone_summary("commune", "59350", 2024, refused).measures
    assert not any(indicator_id.startswith("attributions.") for indicator_id in hidden)
