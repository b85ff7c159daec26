"""The admin page is safe to use (issue 9): confirmation before closing access, a way back,
no lock-out of the last administrator, names rather than codes, the audit log as CSV,
only the catalogue's themes, French messages, CSRF and the audit log on every change."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path

import duckdb
import pytest
from dash import Dash
from sqlalchemy import select

from auth.audit import record_event
from auth.models import AuditEvent, User
from tests.conftest import add_legacy_convention, client_login, form_csrf_token
from tests.support.admin import ADMIN, admin_changes, convention, post_form

CAPINGHEM = "capinghem@atlas-demo.fr"
NEW_CONVENTION = {
    "number": "CONV-2024-080",
    "partner_name": "Ville de Lomme",
    "partner_type": "commune",
    "perimeter": "59350",
    "datasets": ["parc", "occupation"],
    "valid_from": "2024-01-01",
    "valid_until": "2029-12-31",
    "signed_on": "2024-01-10",
}


def user_id(app: Dash, email: str) -> int:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return session.scalar(select(User.id).where(User.email == email))


def user(app: Dash, email: str) -> User:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return session.scalars(select(User).where(User.email == email)).one()


def error_of(response) -> str:
    match = re.search(r'id="(?:admin-error|confirm-refusal)">(.*?)</div>', response.text, re.S)
    assert match, response.text[:500]
    return unescape(match.group(1))


def audit_lines(app: Dash, action: str) -> list[AuditEvent]:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


# --- perimeters: required, checked against the warehouse, flagged when missing


@pytest.mark.parametrize("partner_type", ["commune", "bailleur"])
def test_the_form_refuses_a_commune_or_landlord_convention_without_perimeter(
    logged_in_client, auth_app: Dash, partner_type: str
) -> None:
    client = logged_in_client(auth_app, ADMIN)
    page = unescape(client.get("/admin").text)
    assert "vide = tout" not in page
    data = {**NEW_CONVENTION, "partner_type": partner_type, "perimeter": " , "}
    response = post_form(client, "/admin/conventions", data)
    assert response.status_code == 400
    assert "doit nommer son périmètre" in error_of(response)
    assert "Traceback" not in response.text
    assert admin_changes(auth_app) == []


def test_a_perimeter_code_unknown_to_the_warehouse_is_refused(
    logged_in_client, auth_app: Dash
) -> None:
    client = logged_in_client(auth_app, ADMIN)
    response = post_form(client, "/admin/conventions", {**NEW_CONVENTION, "perimeter": "75056"})
    assert response.status_code == 400
    assert error_of(response) == (
        "Périmètre invalide : 75056 ne correspond à aucune commune du territoire des données."
    )
    assert admin_changes(auth_app) == []


def add_legacy_bailleur(app: Dash) -> None:
    with app.server.extensions["atlas_auth"].db.writing() as session:
        add_legacy_convention(
            session,
            number="CONV-2019-050",
            partner_name="Ancien bailleur",
            partner_type="bailleur",
            datasets="occupation,parc",
        )


def test_a_convention_without_perimeter_is_flagged_and_can_be_given_one(
    logged_in_client, auth_app: Dash
) -> None:
    add_legacy_bailleur(auth_app)
    client = logged_in_client(auth_app, ADMIN)
    page = unescape(client.get("/admin").text)
    alert = re.search(r'id="perimeter-alert">(.*?)</div>', page, re.S).group(1)
    assert "CONV-2019-050" in alert and "ne voit aucune donnée par résidence" in alert
    row = re.search(r'data-convention="CONV-2019-050">(.*?)</tr>', page, re.S).group(1)
    assert "périmètre manquant" in row
    fixed = post_form(
        client, "/admin/conventions/CONV-2019-050/perimeter", {"perimeter": "900000002"}
    )
    assert fixed.status_code == 302
    page = unescape(client.get("/admin").text)
    assert 'id="perimeter-alert"' not in page
    row = re.search(r'data-convention="CONV-2019-050">(.*?)</tr>', page, re.S).group(1)
    assert "Vilogia (900000002)" in row
    # A perimeter once named is not changed from here (a new convention is).
    again = post_form(
        client, "/admin/conventions/CONV-2019-050/perimeter", {"perimeter": "900000001"}
    )
    assert again.status_code == 400
    assert convention(auth_app, "CONV-2019-050").perimeter == "900000002"
    assert admin_changes(auth_app)[-1] == (
        "convention CONV-2019-050 : périmètre fixé à [Vilogia (900000002)]"
    )


# --- names rather than codes


def test_perimeters_and_audit_lines_show_names(
    logged_in_client, auth_app: Dash, demo_warehouse: Path
) -> None:
    client = logged_in_client(auth_app, ADMIN)
    page = unescape(client.get("/admin").text)
    row = re.search(r'data-convention="CONV-2022-021">(.*?)</tr>', page, re.S).group(1)
    assert "Vilogia (900000002)" in row
    row = re.search(r'data-convention="CONV-2021-011">(.*?)</tr>', page, re.S).group(1)
    assert "Capinghem (59128)" in row
    row = re.search(r'data-convention="CONV-2021-001">(.*?)</tr>', page, re.S).group(1)
    assert "tout le territoire" in row
    # Lines written without the warehouse at hand (the demo seeding, an older version)
    # read with names too.
    changes = unescape(client.get("/admin", query_string={"action": "admin_change"}).text)
    assert "convention CONV-2022-021 créée" in changes
    assert "périmètre [Vilogia (900000002)]" in changes
    assert "périmètre [Capinghem (59128)]" in changes
    assert "périmètre [900000002]" not in changes
    assert "convention CONV-2021-001 créée (signée, métropole" in changes
    assert "périmètre [tout le territoire]" in changes
    # A residence sheet opened by a user reads as the residence's name and address.
    residence_id, name, address = duckdb.execute(
        "SELECT residence_id, name, address FROM read_parquet(?) "
        "WHERE name <> address AND commune_code = '59128' ORDER BY residence_id LIMIT 1",
        [str(demo_warehouse / "residences.parquet")],
    ).fetchone()
    with auth_app.server.extensions["atlas_auth"].db.writing() as session:
        record_event(session, "residence_view", user_email=CAPINGHEM, obj=residence_id)
    page = unescape(client.get("/admin", query_string={"action": "residence_view"}).text)
    assert f"{name}, {address} ({residence_id})" in page
    created = post_form(client, "/admin/conventions", NEW_CONVENTION)
    assert created.status_code == 302
    assert "périmètre [Lille (59350)]" in admin_changes(auth_app)[-1]


# --- datasets: only the catalogue's themes, in French


def test_a_datasets_grant_names_only_the_catalogue_themes(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    response = post_form(
        client, "/admin/conventions", {**NEW_CONVENTION, "datasets": ["parc", "fragilite"]}
    )
    assert response.status_code == 400
    message = error_of(response)
    assert message.startswith("Jeu de données inconnu : fragilite.")
    assert "parc (Parc), occupation (Occupation), attributions (Attributions)" in message
    assert "not a valid choice" not in response.text
    assert admin_changes(auth_app) == []


def test_form_errors_are_french_field_by_field(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    bad = {**NEW_CONVENTION, "partner_type": "mairie", "valid_from": "2024-13-01"}
    message = error_of(post_form(client, "/admin/conventions", bad))
    assert "Type : N'est pas un choix valide." in message
    assert "Valide du : N'est pas une date valide." in message
    renew = post_form(
        client, "/admin/conventions/CONV-2021-011/renew", {"valid_until": "2027-02-30"}
    )
    assert "Nouvelle fin de validité : N'est pas une date valide." in error_of(renew)
    for response in (renew,):
        assert "Not a valid" not in response.text and "Traceback" not in response.text


# --- confirmation and the way back


def test_revoking_asks_for_confirmation_then_can_be_undone(
    logged_in_client, auth_app: Dash
) -> None:
    client = logged_in_client(auth_app, ADMIN)
    # The button leads to a page that says what will happen; nothing has changed yet.
    page = client.get("/admin/conventions/CONV-2021-011/revoke")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Révoquer la convention CONV-2021-011 (Commune de Capinghem) ?" in text
    assert CAPINGHEM in text and "Rétablir" in text
    assert convention(auth_app, "CONV-2021-011").status == "signed"
    # A POST without the confirmation (an older page, a script) changes nothing.
    unconfirmed = post_form(client, "/admin/conventions/CONV-2021-011/revoke", {})
    assert unconfirmed.status_code == 400
    assert "confirmez d'abord" in error_of(unconfirmed)
    assert convention(auth_app, "CONV-2021-011").status == "signed"
    token = form_csrf_token(text)
    done = client.post(
        "/admin/conventions/CONV-2021-011/revoke", data={"csrf_token": token, "confirm": "oui"}
    )
    assert done.status_code == 302
    assert convention(auth_app, "CONV-2021-011").status == "revoked"
    capinghem = auth_app.server.test_client()
    assert client_login(capinghem, CAPINGHEM).status_code == 401
    # The way back: reinstate it with a new end of validity.
    page = unescape(client.get("/admin").text)
    row = re.search(r'data-convention="CONV-2021-011">(.*?)</tr>', page, re.S).group(1)
    assert "Rétablir" in row and "Révoquer" not in row
    past = post_form(
        client, "/admin/conventions/CONV-2021-011/renew", {"valid_until": "2022-01-01"}
    )
    assert past.status_code == 400 and "déjà passée" in error_of(past)
    back = post_form(
        client, "/admin/conventions/CONV-2021-011/renew", {"valid_until": "2031-06-30"}
    )
    assert back.status_code == 302
    assert "Convention CONV-2021-011 rétablie jusqu'au 30/06/2031." in unescape(
        client.get("/admin").text
    )
    reinstated = convention(auth_app, "CONV-2021-011")
    assert (reinstated.status, str(reinstated.valid_until)) == ("signed", "2031-06-30")
    assert reinstated.revoked_at is None
    assert client_login(auth_app.server.test_client(), CAPINGHEM).status_code == 302
    changes = admin_changes(auth_app)
    assert changes[-2] == "convention CONV-2021-011 révoquée"
    assert changes[-1].startswith("convention CONV-2021-011 rétablie après révocation")


def test_an_expired_convention_can_be_renewed(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    assert client_login(auth_app.server.test_client(), "expire@atlas-demo.fr").status_code == 401
    renewed = post_form(
        client, "/admin/conventions/CONV-2020-041/renew", {"valid_until": "2030-12-31"}
    )
    assert renewed.status_code == 302
    assert client_login(auth_app.server.test_client(), "expire@atlas-demo.fr").status_code == 302


def test_deactivating_asks_for_confirmation_then_can_be_undone(
    logged_in_client, auth_app: Dash
) -> None:
    client = logged_in_client(auth_app, ADMIN)
    roubaix = user_id(auth_app, "roubaix@atlas-demo.fr")
    page = client.get(f"/admin/users/{roubaix}/deactivate")
    assert page.status_code == 200
    assert "Désactiver le compte de" in unescape(page.text) and "Réactiver" in unescape(page.text)
    assert user(auth_app, "roubaix@atlas-demo.fr").active
    assert post_form(client, f"/admin/users/{roubaix}/deactivate", {}).status_code == 400
    assert user(auth_app, "roubaix@atlas-demo.fr").active
    done = post_form(client, f"/admin/users/{roubaix}/deactivate", {"confirm": "oui"})
    assert done.status_code == 302
    assert not user(auth_app, "roubaix@atlas-demo.fr").active
    assert client_login(auth_app.server.test_client(), "roubaix@atlas-demo.fr").status_code == 401
    back = post_form(client, f"/admin/users/{roubaix}/reactivate", {})
    assert back.status_code == 302
    assert "Compte roubaix@atlas-demo.fr réactivé." in unescape(client.get("/admin").text)
    assert client_login(auth_app.server.test_client(), "roubaix@atlas-demo.fr").status_code == 302
    assert admin_changes(auth_app)[-2:] == [
        "utilisateur roubaix@atlas-demo.fr désactivé",
        "utilisateur roubaix@atlas-demo.fr réactivé",
    ]


# --- never without an administrator


def test_an_admin_cannot_deactivate_themselves_nor_the_last_admin(
    logged_in_client, auth_app: Dash
) -> None:
    client = logged_in_client(auth_app, ADMIN)
    own = user_id(auth_app, ADMIN)
    page = unescape(client.get("/admin").text)
    row = re.search(rf'data-user="{re.escape(ADMIN)}">(.*?)</tr>', page, re.S).group(1)
    assert "Désactiver" not in row
    confirm = client.get(f"/admin/users/{own}/deactivate")
    assert confirm.status_code == 400
    assert "votre propre compte" in error_of(confirm)
    forced = post_form(client, f"/admin/users/{own}/deactivate", {"confirm": "oui"})
    assert forced.status_code == 400 and "votre propre compte" in error_of(forced)
    assert user(auth_app, ADMIN).active
    # Nor revoke the convention that carries their own account (and the last admin).
    revoke = post_form(client, "/admin/conventions/CONV-2021-001/revoke", {"confirm": "oui"})
    assert revoke.status_code == 400 and "celle de votre compte" in error_of(revoke)
    assert convention(auth_app, "CONV-2021-001").status == "signed"
    assert admin_changes(auth_app) == []


def test_the_last_active_admin_cannot_be_removed_by_another_admin_or_the_cli(
    auth_app: Dash,
) -> None:
    from auth.management import CLI_ACTOR, ManagementError, deactivate_user, revoke_convention

    db = auth_app.server.extensions["atlas_auth"].db
    with db.writing() as session, pytest.raises(ManagementError, match="dernier administrateur"):
        deactivate_user(session, CLI_ACTOR, ADMIN)
    with db.writing() as session, pytest.raises(ManagementError, match="dernier compte admin"):
        revoke_convention(session, CLI_ACTOR, "CONV-2021-001")
    result = auth_app.server.test_cli_runner().invoke(args=["users", "deactivate", ADMIN])
    assert result.exit_code == 1 and "dernier administrateur actif" in result.output
    assert user(auth_app, ADMIN).active


def test_a_second_admin_may_be_deactivated(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, ADMIN)
    invited = post_form(
        client,
        "/admin/users",
        {
            "email": "adjoint@mel.example",
            "display_name": "Adjoint",
            "convention": "CONV-2021-001",
            "role": "admin",
        },
    )
    assert invited.status_code == 200
    other = user_id(auth_app, "adjoint@mel.example")
    assert (
        post_form(client, f"/admin/users/{other}/deactivate", {"confirm": "oui"}).status_code == 302
    )


# --- the audit log as CSV


def test_the_audit_log_downloads_as_csv_with_the_page_filters_and_is_audited(
    logged_in_client,
    auth_app: Dash,
) -> None:
    client_login(auth_app.server.test_client(), "etat@atlas-demo.fr", "wrong-password!")
    client_login(auth_app.server.test_client(), '=HYPERLINK("http://x")@evil.example', "x")
    client = logged_in_client(auth_app, ADMIN)
    page = unescape(client.get("/admin", query_string={"action": "login_failed"}).text)
    link = re.search(r'id="audit-download" href="([^"]+)"', page).group(1)
    assert link == "/admin/audit.csv?action=login_failed"
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == ["date", "utilisateur", "convention", "action", "objet", "adresse IP"]
    assert {row[3] for row in table[1:]} == {"échec de connexion"}
    emails = [row[1] for row in table[1:]]
    assert "etat@atlas-demo.fr" in emails
    # Text typed by anyone never reaches a spreadsheet as a formula.
    assert not [cell for row in table[1:] for cell in row if cell.startswith("=")]
    assert '\'=hyperlink("http://x")@evil.example' in emails
    exports = audit_lines(auth_app, "export")
    assert len(exports) == 1
    assert exports[0].user_email == ADMIN
    assert exports[0].object == "journal d'audit en CSV : 2 lignes (action=login_failed)"


def test_the_csv_download_is_for_administrators_only(auth_app: Dash) -> None:
    anonymous = auth_app.server.test_client()
    assert anonymous.get("/admin/audit.csv").status_code in (302, 401)
    commune = auth_app.server.test_client()
    client_login(commune, CAPINGHEM)
    response = commune.get("/admin/audit.csv")
    assert response.status_code == 403
    assert "journal" not in response.text.lower() or "réservée" in unescape(response.text)
    assert audit_lines(auth_app, "export") == []


# --- attacks: nobody, a non-admin, no CSRF token


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/conventions/CONV-2021-011/revoke", {"confirm": "oui"}),
        ("/admin/conventions/CONV-2021-011/renew", {"valid_until": "2035-01-01"}),
        ("/admin/conventions/CONV-2021-011/perimeter", {"perimeter": "59350"}),
        ("/admin/users/2/deactivate", {"confirm": "oui"}),
        ("/admin/users/2/reactivate", {}),
    ],
)
def test_admin_changes_refuse_nobody_a_non_admin_and_a_missing_csrf_token(
    logged_in_client, auth_app: Dash, path: str, data: dict
) -> None:
    before = admin_changes(auth_app)
    anonymous = auth_app.server.test_client()
    assert anonymous.post(path, data=data).status_code in (401, 302)
    commune = auth_app.server.test_client()
    client_login(commune, CAPINGHEM)
    assert commune.post(path, data=data).status_code == 400  # no token
    # With a valid token of its own session, a non-admin is still refused (and audited).
    commune.get("/")  # the map page hands Dash its token in a cookie
    token = commune.get_cookie("_csrf_token").value
    refused = commune.post(path, data={**data, "csrf_token": token})
    assert refused.status_code == 403
    assert "réservée aux administrateurs" in unescape(refused.text)
    denied = audit_lines(auth_app, "access_denied")
    assert denied[-1].user_email == CAPINGHEM and path in denied[-1].object
    admin = logged_in_client(auth_app, ADMIN)
    no_token = admin.post(path, data=data)
    assert no_token.status_code == 400
    assert "Le formulaire a expiré" in unescape(no_token.text)
    assert admin_changes(auth_app) == before
    assert convention(auth_app, "CONV-2021-011").status == "signed"


# --- the same from the command line


def test_the_cli_reinstates_reactivates_and_names_a_missing_perimeter(auth_app: Dash) -> None:
    def run(*args: str):
        return auth_app.server.test_cli_runner().invoke(args=list(args))

    assert run("conventions", "revoke", "CONV-2021-012").exit_code == 0
    back = run("conventions", "renew", "CONV-2021-012", "--valid-until", "2032-01-31")
    assert back.exit_code == 0 and "Convention CONV-2021-012 rétablie." in back.output
    assert convention(auth_app, "CONV-2021-012").status == "signed"
    assert run("users", "deactivate", "roubaix@atlas-demo.fr").exit_code == 0
    again = run("users", "reactivate", "roubaix@atlas-demo.fr")
    assert again.exit_code == 0 and "Utilisateur roubaix@atlas-demo.fr réactivé." in again.output
    assert user(auth_app, "roubaix@atlas-demo.fr").active
    twice = run("users", "reactivate", "roubaix@atlas-demo.fr")
    assert twice.exit_code == 1 and "déjà actif" in twice.output
    add_legacy_bailleur(auth_app)
    unknown = run("conventions", "set-perimeter", "CONV-2019-050", "--perimeter", "999999999")
    assert unknown.exit_code == 1 and "aucun bailleur" in unknown.output
    named = run("conventions", "set-perimeter", "CONV-2019-050", "--perimeter", "900000002")
    assert named.exit_code == 0, named.output
    assert convention(auth_app, "CONV-2019-050").perimeter == "900000002"
    assert "Traceback" not in unknown.output + named.output
