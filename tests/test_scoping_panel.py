"""Crafted callback requests get nothing more than the UI would show (issue 3 perimeter).

Logged in through the real form, a commune or landlord user forges `selection` for a
residence outside its perimeter and posts it to Dash's update endpoint: the response
holds the refusal sentence and no occupation figure. A whole-territory user sending the
same request does see occupation, so the test would catch a leak.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dash import Dash
from sqlalchemy import select

from auth.models import AuditEvent
from data.catalog import CATALOG
from layouts.ids import MapIds, PageIds
from layouts.panel_labels import OCCUPATION_OUT_OF_PERIMETER_TEXT
from tests.conftest import client_login

CAPINGHEM = "capinghem@atlas-demo.fr"
VILOGIA = "vilogia@atlas-demo.fr"
VILOGIA_SIREN = "900000002"
MEL = "mel-admin@atlas-demo.fr"
OCCUPATION_LABELS = [i.label for i in CATALOG.values() if i.theme == "occupation"]


def residence_with_occupation(warehouse: Path, where: str) -> str:
    """A published residence matching `where` that has published occupation values."""
    row = duckdb.execute(
        f"""
        SELECT r.residence_id FROM read_parquet(?) r
        JOIN read_parquet(?) i ON i.scale = 'residence' AND i.code = r.residence_id
        WHERE NOT r.secret AND i.theme = 'occupation' AND i.status = 'ok' AND {where}
        GROUP BY r.residence_id ORDER BY count(*) DESC, r.residence_id LIMIT 1
        """,
        [str(warehouse / "residences.parquet"), str(warehouse / "indicators.parquet")],
    ).fetchone()
    assert row, f"the demo warehouse has no residence with occupation where {where}"
    return row[0]


def render_panel(client, selection: dict[str, str]) -> str:
    """POST the panel callback as the browser would, with a forged `selection` in the
    state store."""
    state = {"scale": "commune", "theme": "occupation",
             "indicator": "occupation.single_person", "year": 2024, "method": "quantile",
             "overlays": [], "selection": selection, "pinned": []}  # fmt: skip
    selected = f"{PageIds.SELECTED_VIEW}.data"
    body = {
        "output": f"..{PageIds.PANEL}.children...{MapIds.SELECTION}.data..",
        "outputs": [
            {"id": PageIds.PANEL, "property": "children"},
            {"id": MapIds.SELECTION, "property": "data"},
        ],
        "inputs": [
            {"id": PageIds.SELECTED_VIEW, "property": "data", "value": {"selection": selection}},
            {"id": PageIds.FIGURES_VIEW, "property": "data", "value": None},
        ],
        "state": [{"id": PageIds.STATE, "property": "data", "value": state}],
        "changedPropIds": [selected],
    }
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.text[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def logged_in(app: Dash, email: str):
    client = app.server.test_client()
    assert client_login(client, email).status_code == 302
    return client


@pytest.fixture
def outside_capinghem(demo_warehouse: Path) -> str:
    return residence_with_occupation(demo_warehouse, "r.commune_code <> '59128'")


def test_commune_user_gets_the_refusal_and_no_occupation(auth_app: Dash, outside_capinghem: str):
    answer = render_panel(
        logged_in(auth_app, CAPINGHEM), {"scale": "residence", "code": outside_capinghem}
    )
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in answer
    leaked = [label for label in OCCUPATION_LABELS if label in answer]
    assert leaked == []


def test_whole_territory_user_sees_the_same_residence_occupation(
    auth_app: Dash, outside_capinghem: str
) -> None:
    answer = render_panel(
        logged_in(auth_app, MEL), {"scale": "residence", "code": outside_capinghem}
    )
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT not in answer
    assert "Part de personnes seules" in answer


def test_landlord_sees_occupation_of_its_own_residences_only(
    auth_app: Dash, demo_warehouse: Path
) -> None:
    client = logged_in(auth_app, VILOGIA)
    other = residence_with_occupation(demo_warehouse, f"r.bailleur_code <> '{VILOGIA_SIREN}'")
    own = residence_with_occupation(demo_warehouse, f"r.bailleur_code = '{VILOGIA_SIREN}'")
    refused = render_panel(client, {"scale": "residence", "code": other})
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in refused
    assert not [label for label in OCCUPATION_LABELS if label in refused]
    granted = render_panel(client, {"scale": "residence", "code": own})
    assert "Part de personnes seules" in granted


def test_opening_a_residence_sheet_is_audited(auth_app: Dash, outside_capinghem: str) -> None:
    render_panel(logged_in(auth_app, CAPINGHEM), {"scale": "residence", "code": outside_capinghem})
    with auth_app.server.extensions["atlas_auth"].db.reading() as session:
        views = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "residence_view")
        ).all()
    assert [(v.user_email, v.object) for v in views] == [(CAPINGHEM, outside_capinghem)]


def test_a_tampered_selection_gets_the_empty_panel(auth_app: Dash) -> None:
    client = logged_in(auth_app, CAPINGHEM)
    for selection in ({"scale": "residence", "code": "x" * 500}, {"scale": "table", "code": "1"}):
        answer = render_panel(client, selection)
        assert "Cliquez sur une zone" in answer or "n'existe pas" in answer
