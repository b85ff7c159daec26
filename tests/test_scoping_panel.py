"""Crafted callback requests get nothing more than the UI would show (issue 3 perimeter).

Logged in through the real form, a commune or landlord user forges `selection` for a
residence outside its perimeter and posts it to Dash's update endpoint: the response
holds the refusal sentence and no occupation figure. A whole-territory user sending the
same request does see occupation, so the test would catch a leak.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dash import Dash
from sqlalchemy import select

from auth.models import AuditEvent
from data.catalog import CATALOG
from layouts.panel_labels import OCCUPATION_OUT_OF_PERIMETER_TEXT
from tests.support.panel_requests import MEL, render_panel, residence_with_occupation

CAPINGHEM = "capinghem@atlas-demo.fr"
VILOGIA = "vilogia@atlas-demo.fr"
VILOGIA_SIREN = "900000002"
OCCUPATION_LABELS = [i.label for i in CATALOG.values() if i.theme == "occupation"]


@pytest.fixture
def outside_capinghem(demo_warehouse: Path) -> str:
    return residence_with_occupation(demo_warehouse, "r.commune_code <> '59128'")


def test_commune_user_gets_the_refusal_and_no_occupation(
    logged_in_client, auth_app: Dash, outside_capinghem: str
):
    answer = render_panel(
        logged_in_client(auth_app, CAPINGHEM), {"scale": "residence", "code": outside_capinghem}
    )
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in answer
    leaked = [label for label in OCCUPATION_LABELS if label in answer]
    assert leaked == []


def test_whole_territory_user_sees_the_same_residence_occupation(
    logged_in_client, auth_app: Dash, outside_capinghem: str
) -> None:
    answer = render_panel(
        logged_in_client(auth_app, MEL), {"scale": "residence", "code": outside_capinghem}
    )
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT not in answer
    assert "Part de personnes seules" in answer


def test_landlord_sees_occupation_of_its_own_residences_only(
    logged_in_client, auth_app: Dash, demo_warehouse: Path
) -> None:
    client = logged_in_client(auth_app, VILOGIA)
    other = residence_with_occupation(demo_warehouse, f"r.bailleur_code <> '{VILOGIA_SIREN}'")
    own = residence_with_occupation(demo_warehouse, f"r.bailleur_code = '{VILOGIA_SIREN}'")
    refused = render_panel(client, {"scale": "residence", "code": other})
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in refused
    assert not [label for label in OCCUPATION_LABELS if label in refused]
    granted = render_panel(client, {"scale": "residence", "code": own})
    assert "Part de personnes seules" in granted


def test_opening_a_residence_sheet_is_audited(
    logged_in_client, auth_app: Dash, outside_capinghem: str
) -> None:
    render_panel(
        logged_in_client(auth_app, CAPINGHEM), {"scale": "residence", "code": outside_capinghem}
    )
    with auth_app.server.extensions["atlas_auth"].db.reading() as session:
        views = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "residence_view")
        ).all()
    assert [(v.user_email, v.object) for v in views] == [(CAPINGHEM, outside_capinghem)]


def test_a_tampered_selection_gets_the_empty_panel(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, CAPINGHEM)
    for selection in ({"scale": "residence", "code": "x" * 500}, {"scale": "table", "code": "1"}):
        answer = render_panel(client, selection)
        assert "Cliquez sur une zone" in answer or "n'existe pas" in answer
