"""The view "Mes dossiers": the logged-in user's commission files, read from the auth
database for the session's user only."""

from __future__ import annotations

from datetime import date

from dash import MATCH, Dash, Input, Output, ctx, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from auth.access import NoAccess, current_account
from auth.commission_files import files_of, pin_to_latest
from auth.dates import french_date
from auth.state import auth_state
from callbacks.views import RENDERERS
from data.scope import AccessScope
from data.store.store import Store
from layouts.commission_files import FileItem, files_view
from layouts.ids import PanelIds
from layouts.views import FILES_VIEW, FINDER_VIEW


def register(app: Dash, store: Store) -> None:
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

    @app.callback(
        Output({"type": PanelIds.FILE_PIN_MESSAGE_TYPE, "code": MATCH}, "children"),
        Input({"type": PanelIds.FILE_PIN_TYPE, "code": MATCH}, "n_clicks"),
        prevent_initial_call=True,
    )
    def pin(clicks: int | None) -> html.A:
        """The residence of the sheet into the user's latest file (a new one if none)."""
        residence_id = ctx.triggered_id.get("code") if isinstance(ctx.triggered_id, dict) else None
        if not clicks or not isinstance(residence_id, str):
            raise PreventUpdate
        if store.residence_labels([residence_id]).get(residence_id) is None:
            raise PreventUpdate
        try:
            account = current_account()
        except NoAccess:
            raise PreventUpdate from None
        with auth_state().db.writing() as session:
            title = f"Dossier du {french_date(date.today())}"
            record = pin_to_latest(session, account.record.id, residence_id, title)
            text = f"Dans « {record.title} » ({len(record.residences)} résidences)"
        return html.A(text, href=app.get_relative_path(FILES_VIEW.path))
