"""The page shell: the restricted-use notice for printouts and the header of the account."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from auth.scope import AccessScope, restricted_notice
from layouts.ids import PageIds
from layouts.shell import Account, layout_function
from tests.conftest import client_login

ROUBAIX = AccessScope(
    "CONV-2021-014", "Ville de Roubaix", "commune", frozenset({"parc"}), frozenset({"59512"})
)


def find(component: Any, component_id: str) -> Any:
    """The component of the tree with this id, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def serve(account: Account | None) -> Any:
    return layout_function(
        account=lambda: account,
        controls=lambda: None,
        demo=False,
        tile_url="",
        attribution="",
        bounds=[[50.5, 2.8], [50.8, 3.3]],
        logout_href="/logout",
        admin_href="/admin",
    )()


def test_the_page_carries_the_restricted_notice_of_the_convention() -> None:
    notice = restricted_notice(ROUBAIX, date(2026, 3, 4))
    assert (
        notice == "Diffusion restreinte — convention CONV-2021-014 — Ville de Roubaix — 04/03/2026"
    )
    page = serve(Account(ROUBAIX.partner_name, ROUBAIX.convention_number, notice))
    element = find(page, "print-notice")
    assert element is not None and element.children == notice
    assert "print-notice" in element.className.split()


def test_no_notice_outside_a_logged_in_request() -> None:
    assert find(serve(None), "print-notice") is None


def test_the_administration_link_is_for_admins_only() -> None:
    notice = restricted_notice(ROUBAIX, date(2026, 3, 4))
    admin = serve(Account("MEL", "CONV-1", notice, is_admin=True))
    link = find(admin, "admin-link")
    assert link is not None and link.href == "/admin" and link.children == "Administration"
    assert find(serve(Account("Roubaix", "CONV-2", notice)), "admin-link") is None


@pytest.mark.parametrize(
    ("email", "linked"),
    [("mel-admin@atlas-demo.fr", True), ("roubaix@atlas-demo.fr", False)],
)
def test_the_header_links_to_administration_as_auth_decides(
    auth_app, email: str, linked: bool
) -> None:
    client = auth_app.server.test_client()
    client_login(client, email)
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    ids = set(re.findall(r'"id": ?"([\w-]+)"', layout.text))
    assert ("admin-link" in ids) is linked
    assert {"print-notice", "logout-link"} <= ids


def _dependency_outputs(app) -> set[str]:
    client = app.server.test_client()
    client_login(client, "mel-admin@atlas-demo.fr")
    return {dependency["output"] for dependency in client.get("/_dash-dependencies").json}


def test_the_benchmark_hook_is_not_in_the_portal(auth_app) -> None:
    """The no-op callback and its button exist only on the benchmark's server."""
    assert f"{PageIds.BENCH_NOOP_SINK}.data" not in _dependency_outputs(auth_app)
    assert find(serve(None), PageIds.BENCH_NOOP) is None


def test_the_benchmark_registers_its_hook(make_auth_app) -> None:
    app = make_auth_app(bench_hooks=True)
    assert f"{PageIds.BENCH_NOOP_SINK}.data" in _dependency_outputs(app)
    client = app.server.test_client()
    client_login(client, "mel-admin@atlas-demo.fr")
    layout = client.get("/_dash-layout")
    assert PageIds.BENCH_NOOP in set(re.findall(r'"id": ?"([\w-]+)"', layout.text))
