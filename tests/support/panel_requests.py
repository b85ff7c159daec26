"""The panel asked for through Dash's HTTP endpoint, as the browser asks for it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from layouts.ids import MapIds, PageIds

MEL = "mel-admin@atlas-demo.fr"


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
            {"id": PageIds.PANEL_YEAR_VIEW, "property": "data", "value": None},
        ],
        "state": [{"id": PageIds.STATE, "property": "data", "value": state}],
        "changedPropIds": [selected],
    }
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.text[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)
