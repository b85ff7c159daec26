"""A Dash callback asked for through its HTTP endpoint, as the browser asks for it (or as a
script crafting the request would)."""

from __future__ import annotations

import json
from typing import Any

Prop = tuple[str | dict, str]  # (component id, property)
Value = tuple[str | dict, str, Any]  # (component id, property, value)


def _key(component_id: str | dict, prop: str) -> str:
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def post_callback(client, outputs: list[Prop], inputs: list[Value], state: list[Value] = ()) -> Any:
    """POST one callback with these inputs and state; the response (status and JSON)."""
    body = {
        "output": (
            _key(*outputs[0])
            if len(outputs) == 1
            else ".." + "...".join(_key(*output) for output in outputs) + ".."
        ),
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [_key(i, p) for i, p, _ in inputs],
    }
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    return client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token})
