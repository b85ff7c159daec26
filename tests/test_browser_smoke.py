"""Smoke test of the README's promise: `make run` serves the demo map of the 95 communes.

The test starts `make run` itself (on a free port), logs in through the real form in
Debian's Chromium and waits for the communes to be drawn, with every file served by the
portal itself (closed networks, strict CSP); pytest-playwright keeps a screenshot under
test-results/ when it fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from local_server import free_port, wait_until_up
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

COMMUNES_OF_THE_MEL = 95


@pytest.fixture(scope="module")
def make_run_server(
    demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("make-run") / "make-run.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATLAS_")}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{url}/healthz", process, timeout=300)
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    printed = log_path.read_text()
    assert f"http://127.0.0.1:{port}/" in printed, "make run did not print the portal's URL"
    assert "mel-admin@atlas-demo.fr" in printed, "make run did not print the demo accounts"


def test_make_run_serves_the_map_of_the_95_communes(
    page: Page, make_run_server: str, login_as
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    requested: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    login_as(page, make_run_server, "etat@atlas-demo.fr")
    page.wait_for_function(
        "n => document.querySelectorAll('path.atlas-zone').length === n",
        arg=COMMUNES_OF_THE_MEL,
        timeout=30_000,
    )
    expect(page.locator("#demo-banner")).to_contain_text("Données de démonstration")
    expect(page).to_have_title("Atlas du logement social")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    foreign = [url for url in requested if not url.startswith(make_run_server)]
    assert not foreign, f"the portal must serve every file itself (no CDN): {foreign}"
    refused = [text for text in console_errors if "Content Security Policy" in text]
    assert not refused, f"the Content-Security-Policy blocked something: {refused}"
