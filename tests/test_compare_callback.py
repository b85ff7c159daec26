"""The comparison's callback, posted as the browser posts it: a new indicator redraws it
only when zones are pinned."""

from __future__ import annotations

from dash import Dash

from layouts.ids import PageIds
from tests.support.panel_requests import MEL

ROUBAIX = {"scale": "commune", "code": "59512"}


def render_compare(client, pinned: list[dict[str, str]], changed: str) -> tuple[int, str]:
    state = {"scale": "commune", "theme": "parc", "indicator": "parc.vacancy_rate_offered",
             "year": 2024, "method": "quantile", "overlays": [], "selection": None,
             "pinned": pinned}  # fmt: skip
    body = {
        "output": f"{PageIds.COMPARE}.children",
        "outputs": {"id": PageIds.COMPARE, "property": "children"},
        "inputs": [
            {"id": PageIds.PINNED_VIEW, "property": "data", "value": {"pinned": pinned}},
            {"id": PageIds.FIGURES_VIEW, "property": "data", "value": {"indicator": "x"}},
        ],
        "state": [{"id": PageIds.STATE, "property": "data", "value": state}],
        "changedPropIds": [f"{changed}.data"],
    }
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
    return response.status_code, response.get_data(as_text=True)


def test_a_new_indicator_redraws_the_comparison_only_when_zones_are_pinned(
    logged_in_client, auth_app: Dash
) -> None:
    client = logged_in_client(auth_app, MEL)
    assert render_compare(client, [], PageIds.FIGURES_VIEW)[0] == 204
    status, text = render_compare(client, [ROUBAIX], PageIds.FIGURES_VIEW)
    assert status == 200 and "Roubaix" in text
    status, text = render_compare(client, [], PageIds.PINNED_VIEW)  # the last pin removed
    assert status == 200 and "Roubaix" not in text
