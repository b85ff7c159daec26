"""Fault: the auth database (users, conventions, audit log) stops while users are logged in.

Every request then gets a French 503 ("momentanément indisponible"), a page for a person
and JSON for Dash, with no stack trace; when the database is back, the same logged-in
browser is served again without restarting anything. Two ways to lose it: the app
pointed at a port where nothing listens (no server needed), and a real PostgreSQL server
cut off and reconnected (through a TCP relay that the test stops and restarts, so that
the server shared with other tests keeps running).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from auth.db import Database
from local_server import free_port
from tests.conftest import client_login, fresh_database_url, postgres_test_url

UNAVAILABLE = "momentanément indisponible"


def assert_unavailable(client) -> None:
    """The portal's page, a Dash callback and a login attempt all get the French 503."""
    page = client.get("/")
    assert page.status_code == 503
    assert page.headers["Retry-After"].isdigit()
    assert page.mimetype == "text/html"
    assert UNAVAILABLE in page.text and '<html lang="fr">' in page.text
    for text in (page.text, client.get("/admin/").text):
        assert "Traceback" not in text and "sqlalchemy" not in text.lower()
    callback = client.post("/_dash-update-component", json={"output": "x.children"})
    assert callback.status_code == 503
    assert UNAVAILABLE in callback.get_json()["error"]


def assert_served(client) -> None:
    page = client.get("/")
    assert page.status_code == 200, page.text[:300]
    assert "_dash-renderer" in page.text or "dash-renderer" in page.text


def test_unreachable_database_gives_a_french_503_then_recovers(make_auth_app, tmp_path):
    app = make_auth_app()
    client = app.server.test_client()
    assert client_login(client, "etat@atlas-demo.fr").status_code == 302
    assert_served(client)
    state = app.server.extensions["atlas_auth"]
    working = state.db
    # Nothing listens on this port: every connection attempt is refused.
    state.db = Database(
        f"postgresql+psycopg://atlas:x@127.0.0.1:{free_port()}/atlas", tmp_path / "lock"
    )
    try:
        assert_unavailable(client)
        anonymous = app.server.test_client()
        assert anonymous.get("/login").status_code == 200  # the form needs no database
        attempt = anonymous.post("/login", data={"email": "a@b.fr", "password": "x" * 12})
        assert attempt.status_code in (400, 503)  # no CSRF token: refused before the database
    finally:
        state.db.dispose()
        state.db = working
    assert_served(client)  # the same session, no restart


class Relay:
    """A TCP relay to the PostgreSQL server, on a fixed local port: `stop` closes the port
    and every open connection, as a server that stops does; `start` opens it again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is None:
            return
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
        self._listener.close()
        self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def relayed_postgres(tmp_path: Path) -> Iterator[tuple[str, Relay]]:
    if not postgres_test_url():
        pytest.skip("PostgreSQL tests skipped: ATLAS_TEST_POSTGRES_URL is not set")
    with fresh_database_url("postgresql", tmp_path) as url:
        parsed = make_url(url)
        relay = Relay((parsed.host or "127.0.0.1", parsed.port or 5432))
        relay.start()
        try:
            yield parsed.set(host="127.0.0.1", port=relay.port).render_as_string(False), relay
        finally:
            relay.stop()


@pytest.mark.postgres
def test_postgresql_stopped_gives_a_french_503_then_recovers(
    relayed_postgres, demo_warehouse, tmp_path
):
    from app import create_app
    from auth.demo_accounts import seed_demo_accounts
    from tests.conftest import auth_test_settings

    url, relay = relayed_postgres
    app = create_app(auth_test_settings(tmp_path, demo_warehouse, url))
    state = app.server.extensions["atlas_auth"]
    seed_demo_accounts(state.db, state.passwords)
    try:
        client = app.server.test_client()
        assert client_login(client, "etat@atlas-demo.fr").status_code == 302
        assert_served(client)
        relay.stop()  # the server goes away, with the pool's open connections
        assert_unavailable(client)
        assert_unavailable(client)  # and again: nothing is stuck
        relay.start()
        assert_served(client)  # back, with the same session and no restart
        assert client_login(app.server.test_client(), "roubaix@atlas-demo.fr").status_code == 302
    finally:
        state.db.dispose()
