"""The admin page: only a MEL administrator; every change validated and audited."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

from dash import Dash
from sqlalchemy import func, select

from auth.audit import french_day_start, record_event
from auth.dates import format_datetime
from auth.models import AuditEvent, Convention, User
from tests.conftest import client_login
from tests.support.admin import ADMIN, admin_changes, convention, post_form


def count(app: Dash, model: type, *where: object) -> int:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_only_a_mel_administrator_reaches_the_admin_page(logged_in_client, auth_app: Dash) -> None:
    for email in ("capinghem@atlas-demo.fr", "etat@atlas-demo.fr"):
        client = auth_app.server.test_client()
        client_login(client, email)
        response = client.get("/admin")
        assert response.status_code == 403
        assert "réservée aux administrateurs" in unescape(response.text)
        assert client.post("/admin/conventions/CONV-2021-011/revoke").status_code in (400, 403)
    assert convention(auth_app, "CONV-2021-011").status == "signed"
    denied = count(auth_app, AuditEvent, AuditEvent.action == "access_denied")
    assert denied >= 2
    page = logged_in_client(auth_app, ADMIN).get("/admin")
    assert page.status_code == 200
    for section in ("Conventions", "Utilisateurs", "Journal d'audit"):
        assert section in unescape(page.text)


def test_create_sign_renew_and_revoke_a_convention(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    created = post_form(
        client,
        "/admin/conventions",
        {
            "number": "CONV-2024-060",
            "partner_name": "Ville de Villeneuve-d'Ascq",
            "partner_type": "commune",
            "perimeter": "59009",
            "datasets": ["parc", "occupation"],
            "valid_from": "2024-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert created.status_code == 302
    assert convention(auth_app, "CONV-2024-060").status == "draft"
    signed = post_form(
        client,
        "/admin/conventions/CONV-2024-060/sign",
        {"signed_on": "2024-01-15", "signatory": "Le maire"},
    )
    assert signed.status_code == 302
    assert convention(auth_app, "CONV-2024-060").status == "signed"
    renewed = post_form(
        client, "/admin/conventions/CONV-2024-060/renew", {"valid_until": "2029-12-31"}
    )
    assert renewed.status_code == 302
    assert str(convention(auth_app, "CONV-2024-060").valid_until) == "2029-12-31"
    revoked = post_form(client, "/admin/conventions/CONV-2024-060/revoke", {"confirm": "oui"})
    assert revoked.status_code == 302
    assert "Convention CONV-2024-060 révoquée." in unescape(
        client.get(revoked.headers["Location"]).text
    )
    assert convention(auth_app, "CONV-2024-060").status == "revoked"
    changes = admin_changes(auth_app)
    assert len(changes) == 4
    assert changes[0].startswith("convention CONV-2024-060 créée (brouillon, commune")
    assert "signée" in changes[1] and "renouvelée" in changes[2] and "révoquée" in changes[3]


def test_a_refused_change_says_why_and_changes_nothing(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    before = count(auth_app, Convention)
    response = post_form(
        client,
        "/admin/conventions",
        {
            "number": "CONV-2024-061",
            "partner_name": "Commune",
            "partner_type": "commune",
            "perimeter": "Lille",
            "datasets": ["parc"],
            "valid_from": "2024-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert response.status_code == 400
    assert "Périmètre invalide" in unescape(response.text)
    renew = post_form(
        client, "/admin/conventions/CONV-2021-011/renew", {"valid_until": "2022-01-01"}
    )
    assert renew.status_code == 400
    assert "doit suivre l'actuelle" in unescape(renew.text)
    assert count(auth_app, Convention) == before
    assert str(convention(auth_app, "CONV-2021-011").valid_until) == "2030-12-31"
    assert admin_changes(auth_app) == []


def test_admin_forms_need_their_csrf_token(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    response = client.post("/admin/conventions/CONV-2021-011/revoke")
    assert response.status_code == 400
    assert "Le formulaire a expiré" in unescape(response.text)
    assert convention(auth_app, "CONV-2021-011").status == "signed"


def test_invite_then_deactivate_and_unlock_users(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    invited = post_form(
        client,
        "/admin/users",
        {
            "email": "Habitat@Lomme.example",
            "display_name": "Service habitat",
            "convention": "CONV-2021-011",
            "role": "preparer",
        },
    )
    assert invited.status_code == 200
    password = re.search(r"affiché une seule fois : (\S+) —", unescape(invited.text)).group(1)
    newcomer = auth_app.server.test_client()
    assert client_login(newcomer, "habitat@lomme.example", password).status_code == 302
    assert count(auth_app, User, User.email == "habitat@lomme.example") == 1
    with auth_app.server.extensions["atlas_auth"].db.reading() as session:
        user_id = session.scalar(select(User.id).where(User.email == "habitat@lomme.example"))
    deactivated = post_form(client, f"/admin/users/{user_id}/deactivate", {"confirm": "oui"})
    assert deactivated.status_code == 302
    assert newcomer.get("/_dash-layout").status_code == 401
    # Lock an account with failures, then unlock it from the admin page.
    for _ in range(10):
        client_login(auth_app.server.test_client(), "roubaix@atlas-demo.fr", "wrong-password!")
    assert client_login(auth_app.server.test_client(), "roubaix@atlas-demo.fr").status_code == 401
    with auth_app.server.extensions["atlas_auth"].db.reading() as session:
        roubaix = session.scalars(select(User).where(User.email == "roubaix@atlas-demo.fr")).one()
        roubaix_id, locked_until = roubaix.id, roubaix.locked_until
    # the admin reads the end of the lock in French time, not in the UTC the table stores
    page = unescape(client.get("/admin").text)
    assert f"verrouillé jusqu'au {format_datetime(locked_until)}" in page
    assert "UTC" not in page
    assert post_form(client, f"/admin/users/{roubaix_id}/unlock", {}).status_code == 302
    assert client_login(auth_app.server.test_client(), "roubaix@atlas-demo.fr").status_code == 302
    changes = admin_changes(auth_app)
    assert [c.split(" ")[0:2] for c in changes] == [
        ["utilisateur", "habitat@lomme.example"],
        ["utilisateur", "habitat@lomme.example"],
        ["utilisateur", "roubaix@atlas-demo.fr"],
    ]
    assert password not in repr(changes)


def test_an_admin_role_is_only_for_a_mel_convention(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    response = post_form(
        client,
        "/admin/users",
        {
            "email": "boss@roubaix.example",
            "display_name": "Chef",
            "convention": "CONV-2021-012",
            "role": "admin",
        },
    )
    assert response.status_code == 400
    assert "réservé aux conventions de la Métropole" in unescape(response.text)
    assert count(auth_app, User, User.email == "boss@roubaix.example") == 0


def test_the_audit_log_can_be_filtered(logged_in_client, auth_app: Dash) -> None:
    client_login(auth_app.server.test_client(), "etat@atlas-demo.fr", "wrong-password!")
    client = logged_in_client(auth_app, ADMIN)
    failed = client.get("/admin", query_string={"action": "login_failed"})
    rows = re.findall(r"<tr><td>\d\d/\d\d/\d{4}.*?</tr>", failed.text)
    assert len(rows) == 1 and "etat@atlas-demo.fr" in rows[0]
    by_user = client.get("/admin", query_string={"email": ADMIN, "action": "login"})
    rows = re.findall(r"<tr><td>\d\d/\d\d/\d{4}.*?</tr>", by_user.text)
    assert len(rows) == 1 and ADMIN in rows[0]
    nothing = client.get("/admin", query_string={"since": "2099-01-01"})
    assert "Aucun événement pour ces filtres" in nothing.text


def test_the_audit_day_filter_counts_french_days(logged_in_client, auth_app: Dash) -> None:
    """An event at 23:30 UTC on 15 January happened on 16 January in France (UTC+1); the
    page shows it then, so the filter finds it on the 16th, not on the 15th."""
    db = auth_app.server.extensions["atlas_auth"].db
    with db.writing() as session:
        event = record_event(session, "login", user_email=ADMIN, obj="test")
        event.at = datetime(2026, 1, 15, 23, 30)
    assert french_day_start(date(2026, 1, 16)) == datetime(2026, 1, 15, 23, 0)
    assert french_day_start(date(2026, 7, 14)) == datetime(2026, 7, 13, 22, 0)  # summer: UTC+2
    client = logged_in_client(auth_app, ADMIN)

    def shown(day: str) -> bool:
        page = client.get("/admin", query_string={"since": day, "until": day}).text
        return "16/01/2026 00:30:00" in page

    assert shown("2026-01-16") and not shown("2026-01-15")
