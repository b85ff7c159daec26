"""A refused user learns whom to write to: the administrator's contact (ATLAS_ADMIN_CONTACT)."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from dash import Dash
from sqlalchemy import select

from auth.models import Convention
from config import DEMO_ADMIN_CONTACT, load_settings
from tests.conftest import client_login

CONTACT = "habitat-atlas@lillemetropole.example"


def test_the_setting_has_a_demo_default_and_none_in_production(tmp_path: Path) -> None:
    base = {"ATLAS_VAR_DIR": str(tmp_path)}
    assert load_settings({**base, "ATLAS_ENV": "demo"}).admin_contact == DEMO_ADMIN_CONTACT
    production = {**base, "ATLAS_ENV": "production", "SECRET_KEY": "k" * 40}
    assert load_settings(production).admin_contact == ""
    chosen = load_settings({**production, "ATLAS_ADMIN_CONTACT": f"  {CONTACT} "})
    assert chosen.admin_contact == CONTACT


def test_expired_revoked_and_deactivated_accounts_are_told_the_contact(make_auth_app) -> None:
    app: Dash = make_auth_app(admin_contact=CONTACT)
    expired = unescape(client_login(app.server.test_client(), "expire@atlas-demo.fr").text)
    assert (
        "La convention CONV-2020-041 a expiré le 31/12/2025 : l'accès au portail est fermé. "
        f"Contactez l'administrateur de la Métropole ({CONTACT}) pour la renouveler."
    ) in expired
    with app.server.extensions["atlas_auth"].db.writing() as session:
        roubaix = session.scalars(
            select(Convention).where(Convention.number == "CONV-2021-012")
        ).one()
        roubaix.status = "revoked"
    revoked = unescape(client_login(app.server.test_client(), "roubaix@atlas-demo.fr").text)
    assert (
        f"a été révoquée : l'accès au portail est fermé. Contactez l'administrateur de la "
        f"Métropole ({CONTACT})." in revoked
    )


def test_without_a_contact_the_message_stays_whole(make_auth_app) -> None:
    app: Dash = make_auth_app(admin_contact="")
    expired = unescape(client_login(app.server.test_client(), "expire@atlas-demo.fr").text)
    assert "Contactez l'administrateur de la Métropole pour la renouveler." in expired
    assert "()" not in expired
