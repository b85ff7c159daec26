"""Gated routes printing residences: a user's commission file, or one residence's sheet
("Imprimer la fiche"), as an HTML page for the browser's print and as a PDF made on the
server by Chromium from that same page (identical content). Every print is written to
the audit log (`export`).

Thin wiring: the scope and the user come from the session; a file is read only for the
user who made it; `layouts/print_file.py` builds the page, `routes/pdf.py` prints it.
"""

from __future__ import annotations

from datetime import date

from dash import Dash
from flask import Response, abort

from auth.access import current_account, current_scope, log_access
from auth.commission_files import file_of
from auth.dates import french_date
from auth.scope import restricted_notice
from auth.state import auth_state
from data.scope import AccessScope
from data.store.store import Store
from layouts.print_file import TREND, PrintedFile, printed_residence, render_file
from routes.pdf import PRINTER

PDF_NAME_LENGTH = 60
NO_DATE = "(date à fixer)"


def printed_file(
    store: Store,
    scope: AccessScope,
    title: str,
    commission_on: date | None,
    residence_ids: list[str],
    today: date,
) -> PrintedFile:
    """The printable residences of a file, as `scope` may see them (unknown ids dropped)."""
    residences = []
    for residence_id in residence_ids:
        sheet = store.residence_sheet(residence_id, None, scope)
        if sheet is None:
            continue
        commune_code = sheet.commune.code if sheet.commune else ""
        trend = store.residence_trend(residence_id, commune_code, sheet.bailleur_code, TREND, scope)
        place = store.surroundings(residence_id)
        residences.append(printed_residence(sheet, place, trend, store.secrecy_threshold))
    return PrintedFile(
        title=title,
        commission_date=french_date(commission_on) if commission_on else NO_DATE,
        notice=restricted_notice(scope, today),
        convention=scope.convention_number,
        partner=scope.partner_name,
        residences=tuple(residences),
    )


def _pdf_response(html: str, name: str) -> Response:
    safe = "".join(c if c.isalnum() else "-" for c in name)[:PDF_NAME_LENGTH] or "atlas"
    return Response(
        PRINTER.pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{safe}.pdf"'},
    )


def register(app: Dash, store: Store) -> None:
    prefix = app.config.routes_pathname_prefix

    def commission_file(file_id: int) -> PrintedFile:
        account = current_account()
        with auth_state().db.reading() as session:
            record = file_of(session, account.record.id, file_id)
        if record is None:
            abort(404)
        title, day, residences = record.title, record.commission_on, record.residences
        return printed_file(store, current_scope(), title, day, residences, date.today())

    def one_residence(residence_id: str) -> PrintedFile:
        name = store.residence_labels([residence_id]).get(residence_id)
        if name is None:
            abort(404)
        title = f"Fiche résidence — {name}"
        return printed_file(store, current_scope(), title, None, [residence_id], date.today())

    def printed(file: PrintedFile, what: str, pdf_path: str | None, cover: bool) -> str | Response:
        """The page to print (with a link to its PDF at `pdf_path`), or the PDF itself; a
        commission file opens on its cover page, a residence's sheet has none."""
        log_access("export", f"{what} {'impression' if pdf_path else 'pdf'}")
        if pdf_path is None:
            return _pdf_response(render_file(file, with_cover=cover, pdf_href=None), file.title)
        PRINTER.warm()  # its PDF is one click away
        return render_file(file, with_cover=cover, pdf_href=app.get_relative_path(pdf_path))

    @app.server.get(f"{prefix}dossiers/<int:file_id>/impression")
    def print_commission_file(file_id: int) -> str | Response:
        file = commission_file(file_id)
        what = f"dossier {file_id}, {len(file.residences)} résidences,"
        return printed(file, what, f"/dossiers/{file_id}.pdf", cover=True)

    @app.server.get(f"{prefix}dossiers/<int:file_id>.pdf")
    def commission_file_pdf(file_id: int) -> str | Response:
        file = commission_file(file_id)
        what = f"dossier {file_id}, {len(file.residences)} résidences,"
        return printed(file, what, None, cover=True)

    @app.server.get(f"{prefix}fiche/<residence_id>/impression")
    def print_residence(residence_id: str) -> str | Response:
        pdf_path = f"/fiche/{residence_id}.pdf"
        return printed(one_residence(residence_id), f"fiche {residence_id}", pdf_path, cover=False)

    @app.server.get(f"{prefix}fiche/<residence_id>.pdf")
    def residence_pdf(residence_id: str) -> str | Response:
        return printed(one_residence(residence_id), f"fiche {residence_id}", None, cover=False)
