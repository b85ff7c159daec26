"""Exports (CSV and XLSX) through the real app and its session: notice present, no secret
value, numbers typed in XLSX, French decimals in CSV, audit line written, and nothing
outside the user's perimeter even for a crafted request."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from openpyxl import load_workbook
from sqlalchemy import select

from auth.models import AuditEvent
from layouts.export_files import README_SHEET, SECRET_CELL
from layouts.exports import RESTRICTED_CELL

ROUBAIX_USER = "roubaix@atlas-demo.fr"
ADMIN = "mel-admin@atlas-demo.fr"
LILLE = "59350"
APL = "occupation__apl_share"
DWELLINGS = "parc__dwellings"


def finder_url(file_format: str, **params: str) -> str:
    return f"/export/residences.{file_format}?" + urlencode(params)


def workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def export_events(app) -> list[AuditEvent]:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "export")))


def test_xlsx_types_numbers_freezes_the_header_and_explains_itself(auth_app, logged_in_client):
    client = logged_in_client(auth_app, ROUBAIX_USER)
    filters = {DWELLINGS: {"filterType": "number", "type": "greaterThan", "filter": 50}}
    response = client.get(
        finder_url("xlsx", colonnes=f"name,commune,{DWELLINGS}", filtres=json.dumps(filters))
    )
    book = workbook(response)
    sheet = book["Résidences"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Identifiant", "Résidence", "Commune"]
    assert sheet.freeze_panes == "B2"
    column = headers.index("Logements sociaux (logements)") + 1
    values = [row[column - 1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values and all(isinstance(v, int | float) and v > 50 for v in values)
    readme = {row[0]: row[1] for row in book[README_SHEET].iter_rows(values_only=True)}
    assert readme["Avertissement"].startswith("Diffusion restreinte — convention CONV-2021-012")
    assert "CONV-2021-012" in readme["Convention"]
    assert "RPLS 2019" in readme["Sources et millésimes"]
    assert f"« {SECRET_CELL} »" in readme["Secret statistique"]
    assert "Date de l'export" in readme


def test_secret_values_are_exported_as_s_never_as_numbers(auth_app, logged_in_client, store):
    client = logged_in_client(auth_app, ADMIN)
    rows = csv_rows(client.get(finder_url("csv", colonnes=f"name,secrecy,{DWELLINGS}")))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Identifiant")
    assert rows[0][0] == "Avertissement"  # the notice comes first
    header, body = rows[header_at], rows[header_at + 1 :]
    secret_ids = {
        rid
        for (rid,) in store._cursor()
        .execute("SELECT residence_id FROM residences WHERE secret")
        .fetchall()
    }
    dwellings = header.index("Logements sociaux (logements)")
    exported_secret = [row for row in body if row[0] in secret_ids]
    assert len(exported_secret) == len(secret_ids)
    assert all(row[dwellings] == SECRET_CELL for row in exported_secret)


def test_csv_writes_french_decimals(auth_app, logged_in_client):
    client = logged_in_client(auth_app, ADMIN)
    rows = csv_rows(client.get(finder_url("csv", colonnes="name,parc__vacancy_rate_offered")))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Identifiant")
    values = [row[2] for row in rows[header_at + 1 :] if row[2] not in ("", SECRET_CELL)]
    assert any("," in value for value in values)
    assert not any("." in value for value in values)


def test_every_export_is_in_the_audit_log_and_on_the_admin_page(auth_app, logged_in_client):
    client = logged_in_client(auth_app, ROUBAIX_USER)
    assert client.get(finder_url("csv", q="lilas")).status_code == 200
    assert client.get("/export/zone/commune/59512.xlsx").status_code == 200
    events = export_events(auth_app)
    assert [e.user_email for e in events] == [ROUBAIX_USER, ROUBAIX_USER]
    assert "lignes" in events[0].object and "q=lilas" in events[0].object
    assert events[1].object.startswith("zone commune:59512 xlsx")
    admin = logged_in_client(auth_app, ADMIN)
    page = admin.get("/admin?action=export").text
    assert "q=lilas" in page


def test_a_crafted_export_outside_the_perimeter_returns_no_occupation_value(
    auth_app, logged_in_client
):
    client = logged_in_client(auth_app, ROUBAIX_USER)
    filters = {APL: {"filterType": "number", "type": "greaterThan", "filter": -1}}
    crafted = client.get(
        finder_url(
            "csv", colonnes=f"name,{APL}", zone=f"commune:{LILLE}", filtres=json.dumps(filters)
        )
    )
    rows = csv_rows(crafted)
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Identifiant")
    assert rows[header_at + 1 :] == []  # Lille's occupation never matches a filter
    unfiltered = csv_rows(
        client.get(finder_url("csv", colonnes=f"name,{APL}", zone=f"commune:{LILLE}"))
    )
    header_at = next(i for i, row in enumerate(unfiltered) if row and row[0] == "Identifiant")
    body = unfiltered[header_at + 1 :]
    assert body and {row[2] for row in body} <= {RESTRICTED_CELL, SECRET_CELL}
    book = workbook(client.get("/export/carte/residence/occupation.apl_share/2024.xlsx"))
    cells = [row[2] for row in book["Carte"].iter_rows(min_row=2, values_only=True)]
    numbers = [cell for cell in cells if isinstance(cell, int | float)]
    assert numbers and RESTRICTED_CELL in cells
    assert len(numbers) < len(cells) / 4  # Roubaix's residences only
