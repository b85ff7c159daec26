"""A commune or landlord convention without a perimeter sees no residence (issue 9).

Such a convention can no longer be created (see test_auth_admin_safety and test_auth_cli),
but an older user store may hold one: its users log in through the real form and ask the
data layer for residence-level occupation, which must come back restricted everywhere.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dash import Dash

from auth.access import current_scope, scope_of
from auth.models import Convention
from data.catalog import CATALOG
from layouts.panel_labels import OCCUPATION_OUT_OF_PERIMETER_TEXT
from tests.conftest import DEMO_PASSWORD, add_legacy_convention
from tests.support.panel_requests import render_panel, residence_with_occupation

OCCUPATION = "occupation.single_person"
OCCUPATION_LABELS = [i.label for i in CATALOG.values() if i.theme == "occupation"]


def add_legacy_user(app: Dash, partner_type: str, email: str) -> None:
    """A signed convention with an empty perimeter and one user, written as an older
    version of the portal could (bypassing today's checks)."""
    state = app.server.extensions["atlas_auth"]
    with state.db.writing() as session:
        add_legacy_convention(
            session,
            number=f"CONV-2019-{partner_type.upper()}",
            partner_name=f"Ancien partenaire ({partner_type})",
            partner_type=partner_type,
            user=(email, "Ancien compte", state.passwords.hash(DEMO_PASSWORD)),
        )


def latest_year(warehouse: Path) -> int:
    return duckdb.execute(
        "SELECT max(year) FROM read_parquet(?) WHERE indicator_id = ?",
        [str(warehouse / "indicators.parquet"), OCCUPATION],
    ).fetchone()[0]


@pytest.mark.parametrize("partner_type", ["commune", "bailleur"])
def test_an_empty_perimeter_sees_no_residence_level_occupation(
    logged_in_client, auth_app: Dash, demo_warehouse: Path, partner_type: str
) -> None:
    email = f"ancien-{partner_type}@legacy.example"
    add_legacy_user(auth_app, partner_type, email)
    client = logged_in_client(auth_app, email)
    store = auth_app.server.config["ATLAS_STORE"]
    year = latest_year(demo_warehouse)
    with client:
        client.get("/")
        scope = current_scope()
        assert scope.perimeter_missing
        values = store.map_values("residence", OCCUPATION, year, scope)
    shown = [code for code, value, status in values if value is not None]
    # On the code as found, this convention saw the occupation of every published
    # residence (2 000 and more in the demo).
    assert shown == []
    assert {status for _, _, status in values} <= {"restricted", "secret"}
    # Zone-level aggregates are still shared with every signatory.
    with client:
        client.get("/")
        zones = store.map_values("commune", OCCUPATION, year, current_scope())
    assert any(value is not None for _, value, _ in zones)

    # The residence sheet, asked for by a crafted callback, refuses too.
    residence = residence_with_occupation(demo_warehouse, "TRUE")
    answer = render_panel(client, {"scale": "residence", "code": residence})
    assert OCCUPATION_OUT_OF_PERIMETER_TEXT in answer
    assert [label for label in OCCUPATION_LABELS if label in answer] == []


def test_a_whole_territory_partner_still_sees_every_residence() -> None:
    mel = Convention(
        number="CONV-X", partner_name="MEL", partner_type="mel", perimeter="", datasets="occupation"
    )
    scope = scope_of(mel)
    assert not scope.perimeter_missing
    assert scope.sees_residence_values("occupation", "59350", "900000001")
