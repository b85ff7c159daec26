"""A login, and every later request, only while the convention is signed and valid."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from dash import Dash
from sqlalchemy import select

from auth.dates import today_in_france
from auth.management import CLI_ACTOR, create_convention, create_user, deactivate_user
from auth.models import AuditEvent, Convention
from tests.conftest import DEMO_PASSWORD, client_login

ROUBAIX = "roubaix@atlas-demo.fr"


def change_convention(app: Dash, number: str, **values: object) -> None:
    with app.server.extensions["atlas_auth"].db.writing() as session:
        convention = session.scalars(select(Convention).where(Convention.number == number)).one()
        for name, value in values.items():
            setattr(convention, name, value)


def last_event(app: Dash) -> AuditEvent:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_the_expired_demo_convention_is_refused_with_its_reason(auth_app: Dash) -> None:
    response = client_login(auth_app.server.test_client(), "expire@atlas-demo.fr")
    assert response.status_code == 401
    text = unescape(response.text)
    assert "La convention CONV-2020-041 a expiré le 31/12/2025" in text
    event = last_event(auth_app)
    assert (event.action, event.user_email) == ("access_denied", "expire@atlas-demo.fr")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": "revoked"}, "a été révoquée"),
        ({"status": "draft"}, "n'est pas encore signée"),
        ({"valid_until": date(2021, 6, 30)}, "a expiré le 30/06/2021"),
        ({"valid_from": date(2099, 1, 1), "valid_until": date(2099, 12, 31)}, "ne prend effet"),
    ],
)
def test_login_is_refused_unless_the_convention_is_signed_and_valid(
    auth_app: Dash, change: dict[str, object], reason: str
) -> None:
    change_convention(auth_app, "CONV-2021-012", **change)
    response = client_login(auth_app.server.test_client(), ROUBAIX)
    assert response.status_code == 401
    assert reason in unescape(response.text)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": "revoked"}, "La convention CONV-2021-012 a été révoquée"),
        ({"valid_until": date(2021, 6, 30)}, "La convention CONV-2021-012 a expiré le 30/06/2021"),
    ],
)
def test_a_convention_revoked_or_expired_during_a_session_ends_it_at_the_next_request(
    auth_app: Dash, change: dict[str, object], reason: str
) -> None:
    page_user = auth_app.server.test_client()
    dash_user = auth_app.server.test_client()
    client_login(page_user, ROUBAIX)
    client_login(dash_user, ROUBAIX)
    assert page_user.get("/").status_code == 200
    assert dash_user.get("/_dash-layout").status_code == 200
    change_convention(auth_app, "CONV-2021-012", **change)
    # A page request goes back to the login page, which says why, in French.
    response = page_user.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert reason in unescape(page_user.get(response.headers["Location"]).text)
    # Dash's own requests get 401, and the session is over for good.
    assert dash_user.get("/_dash-layout").status_code == 401
    assert dash_user.get("/_dash-layout").status_code == 401
    assert page_user.get("/").status_code == 302
    event = last_event(auth_app)
    assert event.action == "access_denied"
    assert event.convention_number == "CONV-2021-012"


def test_renewing_a_convention_opens_the_access_again(auth_app: Dash) -> None:
    change_convention(auth_app, "CONV-2020-041", valid_until=today_in_france() + timedelta(days=1))
    assert client_login(auth_app.server.test_client(), "expire@atlas-demo.fr").status_code == 302


def test_a_deactivated_user_is_out_at_the_next_request(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, ROUBAIX)
    with auth_app.server.extensions["atlas_auth"].db.writing() as session:
        deactivate_user(session, CLI_ACTOR, ROUBAIX)
    assert client.get("/_dash-layout").status_code == 401
    assert "compte a été désactivé" in unescape(client.get("/login").text)
    refused = client_login(auth_app.server.test_client(), ROUBAIX)
    assert refused.status_code == 401


def test_a_user_of_a_draft_convention_cannot_log_in_until_it_is_signed(auth_app: Dash) -> None:
    state = auth_app.server.extensions["atlas_auth"]
    with state.db.writing() as session:
        create_convention(
            session,
            CLI_ACTOR,
            number="CONV-2024-050",
            partner_name="Département du Nord",
            partner_type="departement",
            valid_from=date(2024, 1, 1),
            valid_until=date(2030, 12, 31),
        )
        create_user(
            session,
            CLI_ACTOR,
            state.passwords,
            email="nord@example.fr",
            display_name="Département",
            convention_number="CONV-2024-050",
            role="reader",
            password=DEMO_PASSWORD,
        )
    response = client_login(auth_app.server.test_client(), "nord@example.fr")
    assert "CONV-2024-050 n'est pas encore signée" in unescape(response.text)
    change_convention(auth_app, "CONV-2024-050", status="signed", signed_on=date(2024, 2, 1))
    assert client_login(auth_app.server.test_client(), "nord@example.fr").status_code == 302
