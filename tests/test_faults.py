"""Faults of a running deployment: the warehouse rebuilt under requests, SIGTERM to gunicorn.

Each test starts the portal under gunicorn as `make run` does (gunicorn.conf.py, 2
workers x 4 threads) on a small warehouse of its own, logs a user in with `requests`, and
keeps requests going while the fault happens. (The auth database stopping is in
test_fault_database.py.)
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from auth.db import Database
from auth.demo_accounts import seed_demo_accounts
from auth.passwords import Passwords, make_hasher
from local_server import free_port, gunicorn_command, wait_until_up
from tests.conftest import (
    DEMO_PASSWORD,
    PROJECT_ROOT,
    TEST_SECRET_KEY,
    copy_small_raw,
    form_csrf_token,
)

pytestmark = pytest.mark.slow

RPLS_LINES = 3000
EMAIL = "mel-admin@atlas-demo.fr"
SLOW_SECONDS = 3
IN_FLIGHT = 6


@pytest.fixture(scope="module")
def small_raw(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw directory with the demo contours and the first dwellings of RPLS 2024."""
    return copy_small_raw(demo_warehouse, tmp_path_factory.mktemp("raw") / "raw", RPLS_LINES)


def build_warehouse(raw: Path, out: Path, threshold: int) -> str:
    """`python -m data.pipeline build` (what `make data` runs); returns the build's time."""
    command = [sys.executable, "-m", "data.pipeline", "build", "--raw", str(raw)]
    command += ["--out", str(out), "--threshold", str(threshold)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "manifest.json").read_text())["built_at"]


@contextmanager
def portal(
    tmp_path: Path, warehouse: Path, app: str = "app:server"
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """The portal under gunicorn on `warehouse`, demo accounts in a SQLite user store."""
    database_url = f"sqlite:///{tmp_path / 'atlas.sqlite3'}"
    db = Database(database_url, tmp_path / "atlas-auth.lock")
    db.upgrade()
    seed_demo_accounts(db, Passwords(make_hasher("test")))
    db.dispose()
    env = {
        **os.environ,
        "ATLAS_ENV": "test",
        "ATLAS_VAR_DIR": str(tmp_path),
        "ATLAS_DATA_DIR": str(warehouse),
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET_KEY,
    }
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            gunicorn_command(port, app),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=120)
            yield f"http://127.0.0.1:{port}", process, log_path
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)


def logged_in(base_url: str) -> requests.Session:
    """A browser session of the MEL administrator, terms accepted."""
    browser = requests.Session()
    token = form_csrf_token(browser.get(f"{base_url}/login", timeout=30).text)
    credentials = {"email": EMAIL, "password": DEMO_PASSWORD, "csrf_token": token}
    response = browser.post(f"{base_url}/login", data=credentials, timeout=30)
    if response.url.split("?")[0].endswith("/conditions"):
        token = form_csrf_token(response.text)
        response = browser.post(response.url, data={"accept": "y", "csrf_token": token})
    assert response.status_code == 200 and "/login" not in response.url, response.url
    return browser


class Traffic:
    """Requests sent without pause by a few threads, each on a new connection (so that
    every worker gets some), until stopped; keeps each answer's status and `observe`."""

    def __init__(self, send: Callable[[], tuple[int, str]], threads: int = 4) -> None:
        self.answers: list[tuple[int, str]] = []
        self._send = send
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stop.is_set():
            self.answers.append(self._send())

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def booted_workers(log_path: Path) -> int:
    return len(re.findall(r"Booting worker with pid", log_path.read_text()))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_rebuild_under_requests_keeps_the_old_build_until_reload(small_raw, tmp_path):
    """`make data` while requests run: no request fails; every worker, even one started
    after the rebuild, serves the build the app started on (the same geometry, byte for
    byte, beside the same map styles); SIGHUP (or a restart) switches to the new build."""
    warehouse = tmp_path / "warehouse"
    first = build_warehouse(small_raw, warehouse, threshold=11)
    with portal(tmp_path, warehouse) as (base_url, master, log_path):
        browser = logged_in(base_url)
        cookies = browser.cookies.get_dict()

        def residences() -> tuple[int, str]:
            response = requests.get(
                f"{base_url}/carte/residences.geojson",
                cookies=cookies,
                headers={"Connection": "close"},
                timeout=60,
            )
            return response.status_code, response.headers.get("ETag", "")

        def health() -> tuple[int, str]:
            response = requests.get(
                f"{base_url}/healthz", headers={"Connection": "close"}, timeout=60
            )
            return response.status_code, response.headers.get("X-Atlas-Warehouse", "")

        with Traffic(residences) as geometry, Traffic(health, threads=2) as probes:
            second = build_warehouse(small_raw, warehouse, threshold=25)
            assert second != first
            # A worker started now (as gunicorn does after a crash or a timeout) loads the
            # warehouse after the rebuild.
            master.send_signal(signal.SIGTTIN)
            wait_for(lambda: booted_workers(log_path) >= 3, 60, "a third worker")
            time.sleep(3)  # it serves requests for a while
        assert {status for status, _ in geometry.answers + probes.answers} == {200}
        assert len(geometry.answers) > 20 and len(probes.answers) > 20
        assert Counter(build for _, build in probes.answers) == {first: len(probes.answers)}
        assert len({etag for _, etag in geometry.answers}) == 1
        old_etag = geometry.answers[0][1]

        master.send_signal(signal.SIGHUP)  # what `systemctl reload` sends
        wait_for(lambda: all(health() == (200, second) for _ in range(20)), 60, "the new build")
        assert residences()[1] != old_etag


@pytest.fixture(scope="module")
def small_warehouse(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("small") / "warehouse"
    build_warehouse(small_raw, warehouse, threshold=11)
    return warehouse


def test_sigterm_lets_requests_in_flight_end(small_warehouse, tmp_path):
    """SIGTERM (what systemd and deploy/ send to stop an instance): the requests being
    served end normally, new connections are refused, and gunicorn exits cleanly within
    its graceful timeout, killing no worker."""
    with portal(tmp_path, small_warehouse, "tests.slow_wsgi:application") as (base, master, log):
        cookies = logged_in(base).cookies.get_dict()

        def slow_page() -> tuple[int, str]:
            response = requests.get(f"{base}/?delay={SLOW_SECONDS}", cookies=cookies, timeout=60)
            return response.status_code, response.text

        with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
            answers = [pool.submit(slow_page) for _ in range(IN_FLIGHT)]
            time.sleep(1.0)  # every request is being served
            sent = time.monotonic()
            master.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            with pytest.raises(requests.ConnectionError):
                requests.get(f"{base}/healthz", timeout=5)
            results = [answer.result() for answer in answers]
        assert [status for status, _ in results] == [200] * IN_FLIGHT
        assert all("_dash-renderer" in text for _, text in results)
        assert master.wait(timeout=30) == 0
        assert time.monotonic() - sent < 15
        text = log.read_text()
        assert "WORKER TIMEOUT" not in text and "SIGKILL" not in text, text
