"""Load test: 100 users on two app instances behind nginx, `python -m bench.load`.

Starts what a multi-instance deployment runs (deploy/local.py): two gunicorn instances
(2 workers x 4 threads each) behind nginx, sharing one PostgreSQL, one SECRET_KEY and the
demo warehouse; then Locust (in this process) simulates `--users` people, each with an
account of their own (`charge-NNN@atlas-demo.fr`, created in the five demo conventions):
log in through the form (accepting the terms at first login), load the portal as a
browser does (page, scripts, Dash layout and dependencies, the communes' geometry, the
first map and panel callbacks), then, with a think time between actions, change
indicator (map restyle + permalink sync), change scale (the scale's geometry once, then
restyles), click a commune or IRIS (panel + residence list) and open a residence sheet.
The callbacks are what the browser POSTs to `/_dash-update-component`, built from the
app's `_dash-dependencies` (bench/interactions.py).

PostgreSQL: `--database-url`, else DATABASE_URL (as config.py reads it). The run works in
a schema of its own, dropped afterwards. Set one up like .ci/run does, e.g.:

    pg_ctlcluster 15 main start
    runuser -u postgres -- psql -c "CREATE ROLE atlas LOGIN PASSWORD 'atlas'" \\
        -c "CREATE DATABASE atlas OWNER atlas"
    DATABASE_URL=postgresql+psycopg://atlas:atlas@127.0.0.1/atlas python -m bench.load

The login rate limit is per client address, and all simulated users come from this one
address (nginx passes 127.0.0.1): the run sets ATLAS_LOGIN_RATE_LIMIT to
`--login-rate-limit` (default 10000 per minute) for the instances and says so.

Prints requests per second, p50/p95/p99 for callbacks, pages, geometries and logins,
the errors, and the audit check: the `login` and `residence_view` rows written during the
run against the logins and residence sheets Locust saw succeed. Goals: 0 errors, p95 of
callbacks under 250 ms, no audit event lost. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import secrets
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

from bench.interactions import CSRF_COOKIE, Session, percentile, scenarios, warehouse_samples
from config import ConfigError, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "atlas-demo-2021"
ACCOUNT_PREFIX = "charge-"
# The demo conventions that may log in (expire@ has an expired one), and the role there.
CONVENTIONS = (
    ("CONV-2021-001", "reader"),
    ("CONV-2021-011", "preparer"),
    ("CONV-2021-012", "reader"),
    ("CONV-2022-021", "preparer"),
    ("CONV-2021-031", "reader"),
)
THINK_SECONDS = (2.0, 6.0)
TARGET_CALLBACK_P95_MS = 250.0
GROUPS = ("callback", "page", "geometry", "static", "login")


# --- the user store


@contextmanager
def own_schema(database_url: str, keep: bool) -> Iterator[str]:
    """A new schema in `database_url` for this run; yields the URL that uses it."""
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield (
            make_url(database_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        if not keep:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def create_accounts(database_url: str, var_dir: Path, count: int) -> list[str]:
    """The demo conventions and `count` users spread over them, all with the demo
    password (hashed as the demo app does); returns their emails."""
    from auth.db import Database
    from auth.demo_accounts import seed_demo_accounts
    from auth.management import Actor, create_user
    from auth.passwords import Passwords, make_hasher

    db = Database(database_url, var_dir / "atlas-auth.lock")
    db.upgrade()
    passwords = Passwords(make_hasher("demo"))
    seed_demo_accounts(db, passwords)
    emails = []
    with db.writing() as session:
        for n, (convention, role) in zip(range(1, count + 1), itertools.cycle(CONVENTIONS)):
            email = f"{ACCOUNT_PREFIX}{n:03d}@atlas-demo.fr"
            create_user(
                session,
                Actor(email="bench-load"),
                passwords,
                email=email,
                display_name=f"Chargé d'études {n}",
                convention_number=convention,
                role=role,
                password=PASSWORD,
            )
            emails.append(email)
    db.dispose()
    return emails


def audit_counts(database_url: str) -> Counter:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT action, count(*) FROM audit_events "
                "WHERE action IN ('login', 'residence_view') AND user_email LIKE :prefix "
                "GROUP BY action"
            ),
            {"prefix": f"{ACCOUNT_PREFIX}%"},
        ).all()
    engine.dispose()
    return Counter({action: count for action, count in rows})


# --- Locust


def run_locust(
    base_url: str, emails: list[str], dependencies: list[dict], samples: dict, args
) -> tuple[dict[str, list[float]], Counter, Counter, float, int]:
    """Run the simulated users; returns timings (ms) by group, errors, what succeeded,
    seconds and the number of requests."""
    # Imported here: Locust patches the standard library for gevent when imported, which
    # the set-up above (subprocesses, PostgreSQL) does not need.
    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    timings: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    done: Counter = Counter()
    accounts = iter(emails)

    @events.request.add_listener
    def record(name: str, response_time: float, exception: Any, **_kwargs: Any) -> None:
        group = name.split(":", 1)[0]
        timings[group].append(response_time)
        if exception is not None:
            errors[f"{name}: {str(exception)[:120]}"] += 1

    class PortalUser(HttpUser):
        wait_time = between(*THINK_SECONDS)
        host = base_url

        def on_start(self) -> None:
            self.email = next(accounts)
            self.flows = scenarios(dependencies, samples)
            for flow in self.flows.values():  # each user starts somewhere else
                for _ in range(random.randrange(40)):
                    next(flow)
            self.geometries: set[str] = set()
            self.log_in()
            self.load_portal(first_visit=True)

        # a browser's requests

        def log_in(self) -> None:
            page = self.client.get("/login", name="page: /login")
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
            fields = {"email": self.email, "password": PASSWORD, "csrf_token": token.group(1)}
            with self.client.post(
                "/login",
                data=fields,
                name="login: POST /login",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"login answered {response.status_code}")
                    raise RuntimeError(f"login of {self.email} failed")
                done["login"] += 1
                target = response.headers["Location"]
            if "/conditions" in target:
                page = self.client.get(target, name="page: /conditions")
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
                fields = {"accept": "y", "csrf_token": token.group(1)}
                self.client.post(target, data=fields, name="page: POST /conditions")

        def load_portal(self, first_visit: bool) -> None:
            page = self.client.get("/", name="page: /")
            if first_visit:  # scripts and styles, then kept in the browser's cache
                for url in re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', page.text):
                    self.client.get(url, name="static: scripts and styles")
            self.client.get("/_dash-layout", name="page: /_dash-layout")
            self.client.get("/_dash-dependencies", name="page: /_dash-dependencies")
            self.geometry("commune")
            self.callback("change indicator", "map (first draw)")
            self.callback("state sync (URL)", "permalink sync")

        def geometry(self, scale: str) -> None:
            if scale in self.geometries:
                return  # the browser keeps it (Cache-Control, versioned URL)
            self.geometries.add(scale)
            url = (
                "/carte/residences.geojson"
                if scale == "residence"
                else f"/carte/zones/{scale}.geojson"
            )
            self.client.get(url, name=f"geometry: {scale}", headers={"Accept-Encoding": "gzip"})

        def callback(self, flow: str, name: str, body: dict | None = None) -> None:
            body = body or next(self.flows[flow])
            token = self.client.cookies.get(CSRF_COOKIE, "")
            with self.client.post(
                "/_dash-update-component",
                json=body,
                headers={"X-CSRFToken": token},
                name=f"callback: {name}",
                catch_response=True,
            ) as response:
                if response.status_code not in (200, 204):
                    response.failure(f"callback answered {response.status_code}")
                elif flow == "open residence (panel)":
                    done["residence_view"] += 1

        # what people do, with a think time between

        @task(4)
        def change_indicator(self) -> None:
            self.callback("change indicator", "change indicator")
            self.callback("state sync (URL)", "permalink sync")

        @task(2)
        def change_scale(self) -> None:
            body = next(self.flows["change scale"])
            scale = next(i["value"] for i in body["inputs"] if i["id"] == "scale-select")
            self.geometry(scale)
            self.callback("change scale", "change scale", body)
            self.callback("state sync (URL)", "permalink sync")

        @task(3)
        def click_zone(self) -> None:
            self.callback("click zone (panel)", "zone panel")
            self.callback("zone residences (list)", "zone residence list")

        @task(2)
        def open_residence(self) -> None:
            self.callback("open residence (panel)", "residence sheet")

        @task(1)
        def reload_page(self) -> None:
            self.load_portal(first_visit=False)

    environment = Environment(user_classes=[PortalUser], events=events)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.sleep(args.duration)
    runner.quit()
    seconds = time.monotonic() - started
    return timings, errors, done, seconds, environment.stats.total.num_requests


# --- report


def report(
    timings: dict[str, list[float]],
    errors: Counter,
    requests: int,
    seconds: float,
    done: Counter,
    audited: Counter,
    args: argparse.Namespace,
) -> bool:
    print(
        f"\n{args.users} users, {args.duration:.0f} s ({args.spawn_rate}/s ramp-up), think "
        f"time {THINK_SECONDS[0]:.0f}-{THINK_SECONDS[1]:.0f} s; 2 instances x {args.workers} "
        f"workers x 4 threads behind nginx, PostgreSQL; login rate limit for the run: "
        f"{args.login_rate_limit!r} per address (all users come from 127.0.0.1)"
    )
    print(f"{requests} requests in {seconds:.0f} s: {requests / seconds:.1f} requests/s")
    print(f"{'group':<10}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for group in GROUPS:
        values = timings.get(group, [])
        if values:
            print(
                f"{group:<10}{len(values):>8}{percentile(values, 0.5):>9.0f}"
                f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}"
                f"{max(values):>9.0f}"
            )
    failed = sum(errors.values())
    print(f"errors: {failed}")
    for name, count in errors.most_common(10):
        print(f"  {count:>5}  {name}")
    for action in ("login", "residence_view"):
        print(
            f"audit {action}: {audited[action]} rows written, {done[action]} seen succeed by Locust"
        )
    callback_p95 = percentile(timings.get("callback", [0.0]), 0.95)
    verdicts = [
        ("0 errors", failed == 0),
        (f"callback p95 under {TARGET_CALLBACK_P95_MS:.0f} ms", callback_p95 < 250),
        ("no audit event lost", all(audited[a] == done[a] for a in ("login", "residence_view"))),
    ]
    for label, ok in verdicts:
        print(f"{'OK  ' if ok else 'MISS'} {label}")
    return all(ok for _, ok in verdicts)


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration invalide : {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--database-url", default=settings.database_url)
    parser.add_argument("--warehouse", type=Path, default=settings.data_dir)
    parser.add_argument("--login-rate-limit", default="10000 per minute")
    parser.add_argument("--keep-schema", action="store_true", help="keep the run's tables")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        print(
            "a PostgreSQL server is needed: --database-url or DATABASE_URL "
            "(postgresql+psycopg://user:password@host/db); see `python -m bench.load --help`",
            file=sys.stderr,
        )
        return 2
    if not (args.warehouse / "manifest.json").exists():
        print(f"no warehouse at {args.warehouse}: run `make data` first", file=sys.stderr)
        return 2
    from deploy.local import deployment

    samples = warehouse_samples(args.warehouse.resolve())
    with own_schema(args.database_url, args.keep_schema) as database_url:
        var_dir = Path(settings.var_dir)
        emails = create_accounts(database_url, var_dir, args.users)
        before = audit_counts(database_url)
        print(f"{len(emails)} accounts; audit before: {dict(before) or 'empty'}; {date.today()}")
        with deployment(
            database_url=database_url,
            secret_key=secrets.token_urlsafe(48),
            warehouse=args.warehouse,
            instances=2,
            workers=args.workers,
            env={"ATLAS_ENV": "demo", "ATLAS_LOGIN_RATE_LIMIT": args.login_rate_limit},
        ) as running:
            print(f"nginx {running.url} -> instances {[i.port for i in running.instances]}")
            # The callbacks' shapes, read once by a demo user (not one of the counted ones).
            probe = Session(running.url)
            probe.login("mel-admin@atlas-demo.fr", PASSWORD)
            dependencies = probe.json("/_dash-dependencies")
            timings, errors, done, seconds, requests = run_locust(
                running.url, emails, dependencies, samples, args
            )
        after = audit_counts(database_url)
    audited = Counter({action: after[action] - before[action] for action in after})
    ok = report(timings, errors, requests, seconds, done, audited, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
