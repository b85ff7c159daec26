"""A zone's residence list, which its own callback fills when the panel appears, posted
through Flask's test client as the browser posts it (no triggering prop on that first
call, then the filter's text)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
from dash import Dash

from layouts.ids import PageIds, PanelIds
from layouts.panel_zone import RESIDENCE_LIST_LIMIT
from tests.support.panel_requests import MEL

ROUBAIX = {"scale": "commune", "code": "59512"}


def list_residences(client, zone: dict[str, str], text: str | None, indicator: str | None = None):
    """The answer to the list callback of `zone` with this filter text (None: first call),
    the map showing `indicator`."""
    client.get("/")
    dependencies = client.get("/_dash-dependencies").get_json()
    output = next(  # the list's own callback (the state's also reorders every open list)
        d["output"]
        for d in dependencies
        if PanelIds.RESIDENCE_LIST_TYPE in d["output"] and not d["output"].startswith("..")
    )
    filter_input = {"id": {"type": PanelIds.RESIDENCE_FILTER_TYPE, **zone}, "property": "value"}
    body = {
        "output": output,
        "outputs": {"id": {"type": PanelIds.RESIDENCE_LIST_TYPE, **zone}, "property": "children"},
        "inputs": [filter_input if text is None else {**filter_input, "value": text}],
        "state": [{"id": PageIds.STATE, "property": "data", "value": {"indicator": indicator}}],
        "changedPropIds": [] if text is None else [f"{json.dumps(filter_input['id'])}.value"],
    }
    token = client.get_cookie("_csrf_token").value
    return client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})


def listed_markup(answer) -> str:
    """The list's HTML blocks (`layouts.html_block`), as the browser receives them."""

    def blocks(node) -> list[str]:
        if isinstance(node, dict):
            own = [node["html"]] if isinstance(node.get("html"), str) else []
            return own + [block for value in node.values() for block in blocks(value)]
        if isinstance(node, list):
            return [block for value in node for block in blocks(value)]
        return []

    return "".join(blocks(answer.get_json()))


def residence_ids(answer) -> list[str]:
    return sorted(set(re.findall(r'data-code="(R[0-9a-f]+)"', listed_markup(answer))))


def test_the_list_arrives_with_the_panel_then_follows_the_filter(
    logged_in_client, auth_app: Dash, demo_warehouse: Path
) -> None:
    client = logged_in_client(auth_app, MEL)
    first = list_residences(client, ROUBAIX, None)
    assert first.status_code == 200
    assert len(residence_ids(first)) == RESIDENCE_LIST_LIMIT
    assert "filtrez par nom, adresse ou bailleur" in first.get_data(as_text=True)
    address = (
        duckdb.connect()
        .execute(
            "SELECT address FROM read_parquet(?) WHERE commune_code = '59512' "
            "ORDER BY residence_id DESC LIMIT 1",
            [str(demo_warehouse / "residences.parquet")],
        )
        .fetchone()[0]
    )
    filtered = list_residences(client, ROUBAIX, address)
    assert filtered.status_code == 200
    assert 1 <= len(residence_ids(filtered)) < RESIDENCE_LIST_LIMIT
    assert address in filtered.get_data(as_text=True)


def test_a_tampered_list_id_gets_nothing(logged_in_client, auth_app: Dash) -> None:
    client = logged_in_client(auth_app, MEL)
    for zone in ({"scale": "residence", "code": "R1"}, {"scale": "table", "code": "1"}):
        assert list_residences(client, zone, None).status_code == 204


def test_the_list_follows_the_mapped_indicator_and_links_to_the_finder(
    logged_in_client, auth_app: Dash
) -> None:
    client = logged_in_client(auth_app, MEL)
    answer = list_residences(client, ROUBAIX, None, "parc.vacancy_rate_offered")
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    values = [
        float(v.replace(",", "."))
        for v in re.findall(
            r"panel-residence-value\"> ([0-9]+,[0-9])\u00a0%<", listed_markup(answer)
        )
    ]
    assert len(values) == RESIDENCE_LIST_LIMIT
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    assert "par « Taux de vacance » décroissant" in text
    assert "/residences?" in text and "zone=commune:59512" in text
    alphabetical = list_residences(client, ROUBAIX, None, "parc.social_share")  # no residence value
    assert "par ordre alphabétique" in json.dumps(alphabetical.get_json(), ensure_ascii=False)
