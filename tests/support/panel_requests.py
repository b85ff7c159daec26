"""The panel asked for through Dash's HTTP endpoint, as the browser asks for it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from callbacks.explorer_state import CONTROLS
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


def _outputs(output: str) -> list:
    """The outputs the renderer sends for a callback's `output` key (a pattern-matching
    output, ALL: the page holds none of its components)."""
    parts = output[2:-2].split("...")
    return [[] if part.startswith("{") else _output(part) for part in parts]


def _output(part: str) -> dict[str, str]:
    component, prop = part.rsplit(".", 1)
    return {"id": component, "property": prop}


def _filled(items: list[dict], values: dict) -> list:
    """The inputs or states with the values the page holds (none for ALL patterns)."""
    return [
        [] if item["id"].startswith("{") else
        {**item, "value": values.get(f"{item['id']}.{item['property']}")}
        for item in items
    ]  # fmt: skip


def post_dependency(client, output: str, values: dict, changed: list[str]) -> dict:
    """POST the server callback whose output key holds `output` as the browser would: its
    inputs and states from `values` ("id.prop" -> value), `changed` the props that fired.
    The answer's JSON."""
    client.get("/")
    dependency = next(
        d
        for d in client.get("/_dash-dependencies").get_json()
        if output in d["output"] and not d.get("clientside_function")
    )
    body = {
        "output": dependency["output"],
        "outputs": _outputs(dependency["output"]),
        "inputs": _filled(dependency["inputs"], values),
        "state": _filled(dependency["state"], values),
        "changedPropIds": changed,
    }
    token = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response.get_json()


def render_panel(client, selection: dict[str, str]) -> str:
    """POST a click on a forged `selection` to the state callback as the browser would,
    from a state where a commune's panel is open: the answer draws the new panel."""
    state = {"scale": "commune", "theme": "occupation",
             "indicator": "occupation.single_person", "year": 2024, "method": "quantile",
             "overlays": [], "selection": {"scale": "commune", "code": "59350"},
             "pinned": []}  # fmt: skip
    clicked = f"{MapIds.CLICKED}.data"
    values = {
        **{f"{cid}.value": state[part] for part, cid in CONTROLS.items()},
        clicked: selection,
        f"{PageIds.STATE}.data": state,
    }
    answer = post_dependency(client, f"{PageIds.PANEL}.children", values, [clicked])
    return json.dumps(answer, ensure_ascii=False)
