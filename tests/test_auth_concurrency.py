"""Concurrent logins served by several gunicorn workers lose no audit event."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from auth.db import Database
from auth.demo_accounts import DEMO_USERS, seed_demo_accounts
from auth.models import AuditEvent
from auth.passwords import Passwords, make_hasher
from local_server import free_port, gunicorn_command, wait_until_up
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT, TEST_SECRET_KEY

ACTIVE_USERS = [user.email for user in DEMO_USERS if user.email != "expire@atlas-demo.fr"]
ROUNDS = 6


@pytest.fixture
def gunicorn_app(
    auth_database_url: str, demo_warehouse: Path, tmp_path: Path
) -> Iterator[tuple[str, Database]]:
    db = Database(auth_database_url, tmp_path / "atlas-auth.lock")
    db.upgrade()
    seed_demo_accounts(db, Passwords(make_hasher("test")))
    port = free_port()
    env = {
        **os.environ,
        "ATLAS_ENV": "test",
        "ATLAS_VAR_DIR": str(tmp_path),
        "ATLAS_DATA_DIR": str(demo_warehouse),
        "DATABASE_URL": auth_database_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "ATLAS_LOGIN_RATE_LIMIT": "10000 per minute",
    }
    with (tmp_path / "gunicorn.log").open("w") as log:
        process = subprocess.Popen(
            gunicorn_command(port), cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=120)
            yield f"http://127.0.0.1:{port}", db
        finally:
            process.terminate()
            process.wait(timeout=30)
            db.dispose()


def log_in(base_url: str, email: str, password: str) -> int:
    with requests.Session() as browser:
        page = browser.get(f"{base_url}/login", timeout=60)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        response = browser.post(
            f"{base_url}/login",
            data={"email": email, "password": password, "csrf_token": token},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code


def test_concurrent_logins_lose_no_audit_event(gunicorn_app: tuple[str, Database]) -> None:
    base_url, db = gunicorn_app
    attempts = [(email, DEMO_PASSWORD) for email in ACTIVE_USERS for _ in range(ROUNDS)]
    attempts += [(email, "not-the-password") for email in ACTIVE_USERS for _ in range(2)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda attempt: log_in(base_url, *attempt), attempts))
    assert Counter(statuses) == {302: len(ACTIVE_USERS) * ROUNDS, 401: len(ACTIVE_USERS) * 2}
    with db.reading() as session:
        events = Counter(
            (event.action, event.user_email)
            for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action.in_(["login", "login_failed"]))
            )
        )
    for email in ACTIVE_USERS:
        assert events[("login", email)] == ROUNDS
        assert events[("login_failed", email)] == 2
    # Under gunicorn too: security headers, and no server version banner.
    response = requests.get(f"{base_url}/login", timeout=30)
    assert not re.search(r"\d", response.headers.get("Server", ""))
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
