"""The multi-instance deployment (deploy/): two gunicorn instances behind nginx sharing
PostgreSQL, a SECRET_KEY and a warehouse, as `python -m deploy.local` starts them.

A session opened through nginx is valid on every instance (signed cookies, nothing kept
by an instance), and stopping one instance (SIGTERM, `systemctl stop`) while users work
loses no request: it finishes what it serves, nginx sends the rest to the other one.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from deploy.local import deployment
from layouts.ids import ControlIds
from tests.conftest import (
    DEMO_PASSWORD,
    PROJECT_ROOT,
    copy_small_raw,
    form_csrf_token,
    fresh_database_url,
    postgres_test_url,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

RPLS_LINES = 3000


@pytest.fixture(scope="module")
def small_warehouse(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of the first dwellings of RPLS 2024 (quick to load by four workers)."""
    root = tmp_path_factory.mktemp("deploy")
    raw = copy_small_raw(demo_warehouse, root / "raw", RPLS_LINES)
    command = [sys.executable, "-m", "data.pipeline", "build", "--raw", str(raw)]
    command += ["--out", str(root / "warehouse")]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "warehouse"


@pytest.fixture(scope="module")
def two_instances(small_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    if not postgres_test_url():
        pytest.skip("PostgreSQL tests skipped: ATLAS_TEST_POSTGRES_URL is not set")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed (.ci/run installs it)")
    with (
        fresh_database_url("postgresql", tmp_path_factory.mktemp("db")) as url,
        deployment(
            database_url=url,
            secret_key=secrets.token_urlsafe(48),
            warehouse=small_warehouse,
            env={"ATLAS_ENV": "demo", "ATLAS_LOGIN_RATE_LIMIT": "1000 per minute"},
        ) as running,
    ):
        yield running


def log_in(base_url: str, email: str) -> requests.Session:
    browser = requests.Session()
    token = form_csrf_token(browser.get(f"{base_url}/login", timeout=30).text)
    fields = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    response = browser.post(f"{base_url}/login", data=fields, timeout=30)
    if "/conditions" in response.url:
        fields = {"accept": "y", "csrf_token": form_csrf_token(response.text)}
        response = browser.post(response.url, data=fields, timeout=30)
    assert response.status_code == 200 and "/login" not in response.url, response.url
    return browser


def test_a_session_opened_through_nginx_is_valid_on_every_instance(two_instances):
    browser = log_in(two_instances.url, "etat@atlas-demo.fr")
    for instance in two_instances.instances:
        page = requests.get(
            f"{instance.url}/", cookies=browser.cookies, allow_redirects=False, timeout=30
        )
        assert page.status_code == 200, (instance.port, page.headers.get("Location"))
        assert "_dash-renderer" in page.text


def test_stopping_one_instance_loses_no_request(two_instances):
    browser = log_in(two_instances.url, "roubaix@atlas-demo.fr")
    browser.get(f"{two_instances.url}/", timeout=30)  # sets Dash's CSRF cookie
    cookies = browser.cookies.get_dict()
    # The search box's callback: a POST as every map interaction is.
    search = {
        "output": f"{ControlIds.SEARCH}.options",
        "outputs": {"id": ControlIds.SEARCH, "property": "options"},
        "inputs": [{"id": ControlIds.SEARCH, "property": "search_value", "value": "Roubaix"}],
        "state": [{"id": ControlIds.SEARCH, "property": "value", "value": None}],
        "changedPropIds": [f"{ControlIds.SEARCH}.search_value"],
    }
    statuses: Counter = Counter()
    stop = threading.Event()

    def work() -> None:
        with requests.Session() as session:  # keep-alive to nginx, as a browser does
            session.cookies.update(cookies)
            while not stop.is_set():
                for path in ("/carte/zones/commune.geojson", "/_dash-layout", "/healthz"):
                    statuses[session.get(f"{two_instances.url}{path}", timeout=60).status_code] += 1
                callback = session.post(
                    f"{two_instances.url}/_dash-update-component",
                    json=search,
                    headers={"X-CSRFToken": cookies["_csrf_token"]},
                    timeout=60,
                )
                statuses[callback.status_code] += 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    stopped = two_instances.instances[0].process
    stopped.send_signal(signal.SIGTERM)
    assert stopped.wait(timeout=45) == 0
    time.sleep(2)  # only the other instance now
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert set(statuses) == {200}, statuses
    assert sum(statuses.values()) > 100
