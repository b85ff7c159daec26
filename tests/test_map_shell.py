"""The page shell: the restricted-use notice for printouts and the header of the account."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from auth.scope import restricted_notice
from data.scope import AccessScope
from layouts.ids import PageIds
from layouts.shell import Account, layout_function
from tests.conftest import ComponentTree

ROUBAIX = AccessScope(
    "CONV-2021-014", "Ville de Roubaix", "commune", frozenset({"parc"}), frozenset({"59512"})
)


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


def test_the_page_carries_the_restricted_notice_of_the_convention(tree: ComponentTree) -> None:
    notice = restricted_notice(ROUBAIX, date(2026, 3, 4))
    assert (
        notice == "Diffusion restreinte — convention CONV-2021-014 — Ville de Roubaix — 04/03/2026"
    )
    page = serve(Account(ROUBAIX.partner_name, ROUBAIX.convention_number, notice))
    element = tree.find(page, "print-notice")
    assert element is not None and element.children == notice
    assert "print-notice" in element.className.split()


def test_no_notice_outside_a_logged_in_request(tree: ComponentTree) -> None:
    assert tree.find(serve(None), "print-notice") is None


def test_the_administration_link_is_for_admins_only(tree: ComponentTree) -> None:
    notice = restricted_notice(ROUBAIX, date(2026, 3, 4))
    admin = serve(Account("MEL", "CONV-1", notice, is_admin=True))
    link = tree.find(admin, "admin-link")
    assert link is not None and link.href == "/admin" and link.children == "Administration"
    assert tree.find(serve(Account("Roubaix", "CONV-2", notice)), "admin-link") is None


@pytest.mark.parametrize(
    ("email", "linked"),
    [("mel-admin@atlas-demo.fr", True), ("roubaix@atlas-demo.fr", False)],
)
def test_the_header_links_to_administration_as_auth_decides(
    logged_in_client, auth_app, email: str, linked: bool
) -> None:
    client = logged_in_client(auth_app, email)
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    ids = set(re.findall(r'"id": ?"([\w-]+)"', layout.text))
    assert ("admin-link" in ids) is linked
    assert {"print-notice", "logout-link"} <= ids


def _dependency_outputs(client) -> set[str]:
    return {dependency["output"] for dependency in client.get("/_dash-dependencies").json}


def test_the_benchmark_hook_is_not_in_the_portal(
    tree: ComponentTree, logged_in_client, auth_app
) -> None:
    """The no-op callback and its button exist only on the benchmark's server."""
    client = logged_in_client(auth_app, "mel-admin@atlas-demo.fr")
    assert f"{PageIds.BENCH_NOOP_SINK}.data" not in _dependency_outputs(client)
    assert tree.find(serve(None), PageIds.BENCH_NOOP) is None


def test_the_benchmark_registers_its_hook(logged_in_client, make_auth_app) -> None:
    app = make_auth_app(bench_hooks=True)
    client = logged_in_client(app, "mel-admin@atlas-demo.fr")
    assert f"{PageIds.BENCH_NOOP_SINK}.data" in _dependency_outputs(client)
    layout = client.get("/_dash-layout")
    assert PageIds.BENCH_NOOP in set(re.findall(r'"id": ?"([\w-]+)"', layout.text))
