"""The administration page driven through a Flask test client."""

from __future__ import annotations

from dash import Dash
from sqlalchemy import select

from auth.models import AuditEvent, Convention
from tests.conftest import form_csrf_token

ADMIN = "mel-admin@atlas-demo.fr"


def post_form(client, path: str, data: dict[str, object]):
    token = form_csrf_token(client.get("/admin").text)
    return client.post(path, data={**data, "csrf_token": token})


def convention(app: Dash, number: str) -> Convention:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return session.scalars(select(Convention).where(Convention.number == number)).one()


def admin_changes(app: Dash) -> list[str]:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "admin_change", AuditEvent.user_email == ADMIN)
            .order_by(AuditEvent.id)
        )
        return [row.object for row in rows]
