"""Logging out takes a POST with the CSRF token; a GET (a link, another site) only asks.

Issue 9: a page on another site that navigated to /logout logged the user out of every
device.
"""

from __future__ import annotations

from html import unescape

from dash import Dash

from tests.conftest import client_login, client_logout, form_csrf_token

CAPINGHEM = "capinghem@atlas-demo.fr"


def test_a_get_of_logout_only_asks_for_confirmation(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    # what a navigation from another site sends: a GET, with the Lax session cookie
    page = client.get(
        "/logout",
        headers={"Referer": "https://evil.example/", "Sec-Fetch-Site": "cross-site"},
    )
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Se déconnecter ?" in text
    assert '<form method="post" action="/logout"' in text
    assert form_csrf_token(page.text)
    assert client.get("/_dash-layout").status_code == 200  # still logged in


def test_a_post_without_the_token_does_not_log_out(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    refused = client.post("/logout", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400
    assert "Le formulaire a expiré" in unescape(refused.text)
    refused = client.post("/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert client.get("/_dash-layout").status_code == 200


def test_the_button_logs_out_everywhere(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    other_device = auth_app.server.test_client()
    client_login(other_device, CAPINGHEM)
    response = client_logout(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Vous êtes déconnecté" in unescape(client.get("/login").text)
    assert client.get("/_dash-layout").status_code == 401
    assert other_device.get("/_dash-layout").status_code == 401


def test_the_map_header_holds_a_post_button_with_the_token(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    layout = client.get("/_dash-layout").json

    def find(node, wanted):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == wanted:
                return node
            for value in node.get("props", {}).values():
                found = find(value, wanted)
                if found:
                    return found
        if isinstance(node, list):
            for item in node:
                found = find(item, wanted)
                if found:
                    return found
        return None

    form = find(layout, "logout-form")
    assert form["type"] == "Form"
    assert form["props"]["method"] == "post" and form["props"]["action"] == "/logout"
    button = form["props"]["children"]["props"]
    assert button["type"] == "submit" and button["name"] == "csrf_token"
    response = client.post("/logout", data={"csrf_token": button["value"]})
    assert response.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401


def test_logout_pages_without_a_session(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    assert client.get("/logout").headers["Location"] == "/login"


def test_the_admin_and_terms_pages_log_out_by_post_too(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM, accept_terms=False)
    terms = unescape(client.get("/conditions").text)
    assert '<form method="post" action="/logout"' in terms
    assert 'href="/logout"' not in terms
    admin = auth_app.server.test_client()
    client_login(admin, "mel-admin@atlas-demo.fr")
    page = unescape(admin.get("/admin").text)
    assert '<form method="post" action="/logout"' in page
    assert 'href="/logout"' not in page
