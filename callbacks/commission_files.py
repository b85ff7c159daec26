"""The view "Mes dossiers": the logged-in user's commission files, read from the auth
database for the session's user only."""

from __future__ import annotations

from dash import Dash
from dash.development.base_component import Component

from auth.access import current_account
from auth.commission_files import files_of
from auth.dates import french_date
from auth.state import auth_state
from callbacks.views import RENDERERS
from data.scope import AccessScope
from data.store.store import Store
from layouts.commission_files import FileItem, files_view
from layouts.views import FILES_VIEW, FINDER_VIEW


def register(app: Dash, _store: Store) -> None:
    def render(_s: Store, _scope: AccessScope, _search: str) -> Component:
        account = current_account()
        with auth_state().db.reading() as session:
            records = files_of(session, account.record.id)
        items = [
            FileItem(
                title=record.title,
                commission_date=french_date(record.commission_on) if record.commission_on else "",
                residences=len(record.residences),
                print_href=app.get_relative_path(f"/dossiers/{record.id}/impression"),
                pdf_href=app.get_relative_path(f"/dossiers/{record.id}.pdf"),
            )
            for record in records
        ]
        return files_view(items, app.get_relative_path(FINDER_VIEW.path))

    RENDERERS[FILES_VIEW.key] = render
