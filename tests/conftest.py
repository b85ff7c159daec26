"""Shared fixtures: the demo warehouse, the app under gunicorn, and Debian's Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dash_extensions import Purify
from playwright.sync_api import expect

from data.store.connection import WAREHOUSE_TABLES
from local_server import free_port, gunicorn_command, wait_until_up
from routes.pdf import CHROMIUM_ARGS
from tests.support.html_blocks import block_nodes

# The browser tests check what the screen shows, not how fast (bench/felt.py measures
# that): on a loaded machine a view may take seconds.
expect.set_options(timeout=15_000)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_WAREHOUSE = PROJECT_ROOT / "var" / "warehouse"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def demo_warehouse() -> Path:
    """The demo warehouse built by `make data` (make test builds it first)."""
    if not (DEMO_WAREHOUSE / "manifest.json").exists():
        pytest.fail("no demo warehouse: run `make test` (it builds var/warehouse first)")
    return DEMO_WAREHOUSE


@pytest.fixture(scope="module")
def store(demo_warehouse: Path):
    """The store over the demo warehouse (a module may define its own `store`)."""
    from data.store.store import Store

    return Store(demo_warehouse)


@contextmanager
def demo_server(var_dir: Path, data_dir: Path, drop: tuple[str, ...] = ()) -> Iterator[str]:
    """The portal in demo mode under gunicorn, as `make run` serves it, with its runtime
    files in `var_dir`; yields its URL. `drop`: environment variables it must not see."""
    port = free_port()
    env = {
        **os.environ,
        "ATLAS_ENV": "demo",
        "ATLAS_VAR_DIR": str(var_dir),
        "ATLAS_DATA_DIR": str(data_dir),
    }
    for name in drop:
        env.pop(name, None)
    log = (var_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        gunicorn_command(port), cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def live_server(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal in demo mode under gunicorn, as `make run` serves it; yields its URL."""
    with demo_server(tmp_path_factory.mktemp("live-var"), demo_warehouse) as url:
        yield url


def copy_small_raw(demo_warehouse: Path, raw: Path, lines: int) -> Path:
    """A raw directory at `raw` with the demo contours and the first `lines` lines of
    RPLS 2024 (header included): a build of it takes a few seconds."""
    manifest = json.loads((demo_warehouse / "manifest.json").read_text())
    source = Path(manifest["sources"]["raw_dir"])
    shutil.copytree(source / "geo", raw / "geo")
    shutil.copy(source / "demo.json", raw / "demo.json")
    (raw / "rpls").mkdir()
    with (source / "rpls" / "RPLS_2024.csv").open(encoding="utf-8") as rows:
        head = [next(rows) for _ in range(lines)]
    (raw / "rpls" / "RPLS_2024.csv").write_text("".join(head), encoding="utf-8")
    return raw


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# --- Access by convention: a test app on SQLite or PostgreSQL, and logging in from a browser ---

TEST_SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEMO_PASSWORD = "atlas-demo-2021"


def redis_test_url() -> str:
    """A Redis server for the shared rate limit (`.ci/run` starts one), or ""."""
    return os.environ.get("ATLAS_TEST_REDIS_URL", "").strip()


def postgres_test_url() -> str:
    """The PostgreSQL server given to the tests (`.ci/run` starts one), or ""."""
    return os.environ.get("ATLAS_TEST_POSTGRES_URL", "").strip()


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def auth_backend(request: pytest.FixtureRequest) -> str:
    """The user store's engine: every auth test runs on SQLite and on PostgreSQL."""
    if request.param == "postgresql" and not postgres_test_url():
        pytest.skip("PostgreSQL tests skipped: ATLAS_TEST_POSTGRES_URL is not set")
    return request.param


@contextmanager
def fresh_database_url(backend: str, directory: Path) -> Iterator[str]:
    """An empty user store: a SQLite file, or a new schema on the PostgreSQL test server."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'atlas-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    from sqlalchemy import create_engine, make_url

    base_url = postgres_test_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield (
            make_url(base_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def auth_database_url(auth_backend: str, tmp_path: Path) -> Iterator[str]:
    with fresh_database_url(auth_backend, tmp_path) as url:
        yield url


def auth_test_settings(var_dir: Path, data_dir: Path, database_url: str, **overrides):
    """Settings of a test app (ATLAS_ENV=test: cheap argon2, no demo accounts)."""
    from config import Settings

    values = {
        "env": "test",
        "var_dir": var_dir,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET_KEY,
        "database_url": database_url,
        "login_rate_limit": "1000 per minute",
        "login_account_rate_limit": "1000 per minute",
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def make_auth_app(demo_warehouse: Path, tmp_path: Path, auth_database_url: str):
    """Build the real app (create_app) on a fresh user store seeded with the demo profiles."""
    from app import create_app
    from auth.demo_accounts import seed_demo_accounts

    apps = []

    def build(**overrides):
        settings = auth_test_settings(tmp_path, demo_warehouse, auth_database_url, **overrides)
        app = create_app(settings)
        state = app.server.extensions["atlas_auth"]
        seed_demo_accounts(state.db, state.passwords)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.server.extensions["atlas_auth"].db.dispose()


@pytest.fixture(scope="module")
def shared_auth_app(auth_backend: str, demo_warehouse: Path, tmp_path_factory):
    """One app per test module and engine (building the app takes about a second)."""
    from app import create_app

    directory = tmp_path_factory.mktemp("auth-app")
    with fresh_database_url(auth_backend, directory) as url:
        app = create_app(auth_test_settings(directory, demo_warehouse, url))
        yield app
        app.server.extensions["atlas_auth"].db.dispose()


@pytest.fixture
def auth_app(shared_auth_app, auth_database_url: str, tmp_path: Path):
    """The real app with default test settings, on a fresh user store holding the demo
    profiles (terms not yet accepted)."""
    from auth.db import Database
    from auth.demo_accounts import seed_demo_accounts

    state = shared_auth_app.server.extensions["atlas_auth"]
    original = state.db
    state.db = Database(auth_database_url, tmp_path / "atlas-auth.lock")
    state.db.upgrade()
    seed_demo_accounts(state.db, state.passwords)
    try:
        yield shared_auth_app
    finally:
        state.db.dispose()
        state.db = original


CHOSEN_PASSWORD = "mon-propre-mot-de-passe-2026"


@pytest.fixture(scope="session")
def login_as():
    """`login_as(page, live_server, email)`: log in through the real form, choose
    `chosen` as the password when it was a one-time one, and accept the terms when asked
    (demo password by default; a pure function: module-scoped pages may use it too)."""
    from urllib.parse import urlsplit

    def login(
        page,
        live_server: str,
        email: str,
        password: str = DEMO_PASSWORD,
        chosen: str = CHOSEN_PASSWORD,
    ) -> None:
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button:has-text('Se connecter')")
        page.wait_for_load_state("domcontentloaded")
        if urlsplit(page.url).path == "/password":
            page.fill("input[name=current]", password)
            page.fill("input[name=new]", chosen)
            page.fill("input[name=confirm]", chosen)
            page.click("button:has-text('Enregistrer le mot de passe')")
            page.wait_for_load_state("domcontentloaded")
        if urlsplit(page.url).path == "/conditions":
            page.check("input[name=accept]")
            page.click('button:has-text("J\'accepte les conditions")')
            page.wait_for_load_state("domcontentloaded")
        if urlsplit(page.url).path in ("/login", "/password", "/conditions"):
            raise AssertionError(f"login as {email} failed: still on {page.url}")

    return login


def form_csrf_token(html: str) -> str:
    """The CSRF token of the first form of a server-rendered page."""
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def client_login(client, email: str, password: str = DEMO_PASSWORD, accept_terms: bool = True):
    """Log a Flask test client in through the real form (and accept the terms); returns
    the response to the login POST."""
    token = form_csrf_token(client.get("/login").text)
    credentials = {"email": email, "password": password, "csrf_token": token}
    response = client.post("/login", data=credentials)
    target = response.headers.get("Location", "")
    if accept_terms and response.status_code == 302 and target.startswith("/conditions"):
        page = client.get(target)
        client.post(target, data={"accept": "y", "csrf_token": form_csrf_token(page.text)})
    return response


@pytest.fixture
def logged_in_client():
    """`logged_in_client(app, email)`: a Flask test client of `app` logged in as `email`
    through the real form, the terms accepted (demo password by default)."""

    def log_in(app, email: str, password: str = DEMO_PASSWORD):
        client = app.server.test_client()
        assert client_login(client, email, password).status_code == 302
        return client

    return log_in


def client_logout(client):
    """Log a Flask test client out as the button does: the confirmation page, then its POST
    with the CSRF token; returns the response to the POST."""
    page = client.get("/logout")
    return client.post("/logout", data={"csrf_token": form_csrf_token(page.text)})


def add_legacy_convention(
    session,
    *,
    number: str,
    partner_name: str,
    partner_type: str,
    datasets: str = "attributions,occupation,parc",
    signed_on: date = date(2019, 1, 1),
    user: tuple[str, str, str] | None = None,
):
    """A signed convention with an empty perimeter, as an older version of the portal
    could write it (bypassing today's checks), and optionally one reader: `user` is
    (email, display name, password hash)."""
    from auth.models import Convention, User

    convention = Convention(
        number=number,
        partner_name=partner_name,
        partner_type=partner_type,
        signed_on=signed_on,
        valid_from=signed_on,
        valid_until=date(2099, 12, 31),
        status="signed",
        perimeter="",
        datasets=datasets,
    )
    session.add(convention)
    if user is not None:
        email, display_name, password_hash = user
        session.add(
            User(
                email=email,
                display_name=display_name,
                password_hash=password_hash,
                convention=convention,
                role="reader",
                active=True,
                failed_attempts=0,
            )
        )
    return convention


class ComponentTree:
    """The one way tests read a Dash component tree (layouts are pure functions)."""

    def walk(self, component: Any) -> Iterator[Any]:
        """Every component and string of a tree (or a list of trees), depth first."""
        if isinstance(component, list | tuple):
            for child in component:
                yield from self.walk(child)
            return
        yield component
        if isinstance(component, Purify):  # an HTML block of a panel (layouts/html_block.py)
            yield from self.walk(block_nodes(component.html or ""))
        children = getattr(component, "children", None)
        if children is not None:
            yield from self.walk(children)

    def texts(self, component: Any) -> list[str]:
        """The strings of a tree, in reading order."""
        return [node for node in self.walk(component) if isinstance(node, str)]

    def text_of(self, component: Any) -> str:
        """The text of a tree (numbers included), one space between its pieces."""
        return " ".join(
            str(node) for node in self.walk(component) if isinstance(node, str | int | float)
        )

    def ids_of(self, component: Any, kind: str) -> list[dict[str, str]]:
        """The pattern-matching ids of one `type` in a tree."""
        return [
            node.id
            for node in self.walk(component)
            if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == kind
        ]

    def find(self, component: Any, component_id: str) -> Any:
        """The component of the tree with this id, or None."""
        return next(
            (node for node in self.walk(component) if getattr(node, "id", None) == component_id),
            None,
        )


@pytest.fixture(scope="session")
def tree() -> ComponentTree:
    return ComponentTree()


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory: pytest.TempPathFactory):
    """`tiny_warehouse(zones, residences, indicators)`: a warehouse directory holding these
    rows, for store tests with known values.

    zones: (scale, code, name, commune_code); residences: (residence_id, name, commune,
    iris, qpv, bailleur, secret, dwellings), described as the pipeline would; indicators:
    (scale, code, year, indicator_id, theme, value, status, owning residence_id or None,
    and optionally the perimeters it is hidden from, e.g. ["bailleur:900000001"]).
    """
    import duckdb

    def build(zones, residences, indicators) -> Path:
        directory = tmp_path_factory.mktemp("tiny-warehouse")
        (directory / "manifest.json").write_text(json.dumps({"demo": True}))
        con = duckdb.connect()
        con.execute(
            "CREATE TABLE zones (scale VARCHAR, code VARCHAR, name VARCHAR,"
            " commune_code VARCHAR, geometry_geojson VARCHAR)"
        )
        con.executemany("INSERT INTO zones VALUES (?, ?, ?, ?, '{}')", zones)
        con.execute(
            "CREATE TABLE residences (residence_id VARCHAR, name VARCHAR, address VARCHAR,"
            " commune_code VARCHAR, iris_code VARCHAR, qpv_code VARCHAR,"
            " bailleur_code VARCHAR, bailleur_name VARCHAR, size_class VARCHAR,"
            " secret BOOLEAN, n_dwellings INTEGER, construction_year INTEGER,"
            " first_year INTEGER, last_year INTEGER)"
        )
        for rid, name, commune, iris, qpv, bailleur, secret, dwellings in residences:
            con.execute(
                "INSERT INTO residences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2019, 2024)",
                [rid, name, f"1 rue {name}", commune, iris, qpv, bailleur,
                 f"Bailleur {bailleur}", "<11" if secret else "11-49", secret, dwellings,
                 None if secret else 1970],
            )  # fmt: skip
        con.execute(
            "CREATE TABLE indicators (scale VARCHAR, code VARCHAR, year INTEGER,"
            " indicator_id VARCHAR, theme VARCHAR, value DOUBLE, status VARCHAR,"
            " residence_id VARCHAR, hidden_from VARCHAR[])"
        )
        con.executemany(
            "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, None) if len(row) == 8 else row for row in indicators],
        )
        con.execute(
            "CREATE TABLE equipments (family VARCHAR, typequ VARCHAR, type_label VARCHAR,"
            " name VARCHAR, commune_name VARCHAR, lon DOUBLE, lat DOUBLE)"
        )
        con.execute(
            "CREATE TABLE proximity (residence_id VARCHAR, family VARCHAR, distance_m DOUBLE,"
            " nearest_name VARCHAR, nearest_type VARCHAR, within_500 INTEGER,"
            " within_1000 INTEGER)"
        )
        con.execute(  # no attributions: the theme's tables, empty
            "CREATE TABLE attributions (scale VARCHAR, code VARCHAR, year INTEGER,"
            " measure VARCHAR, node VARCHAR, value DOUBLE, status VARCHAR)"
        )
        con.execute(
            "CREATE TABLE quartile_thresholds (epci VARCHAR, year INTEGER, q1 DOUBLE,"
            " median DOUBLE, q3 DOUBLE, source VARCHAR)"
        )
        for table in WAREHOUSE_TABLES:
            con.execute(f"COPY {table} TO '{directory / table}.parquet' (FORMAT parquet)")
        return directory

    return build
