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

The instances serve a copy of the warehouse, and `--rebuild-at` seconds into the load
(60 by default; -1 never) the warehouse is rebuilt from the raw files (`python -m
data.pipeline build`, what `make data` runs) while the users go on: after it, every worker
must still serve the build it started on; then the instances get SIGHUP (`systemctl
reload`) and must all serve the new one.

Prints requests per second, p50/p95/p99 for callbacks, pages, geometries, scripts and
logins (for the whole run, and "steady" from the moment every user has logged in), the
errors, and the audit check: the `login` and `residence_view` rows written during the
run against the logins and residence sheets Locust saw succeed. Goals: 0 errors, p95 of
callbacks under 250 ms, no audit event lost, the rebuild served as documented. Exit
status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
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
from data.pipeline.warehouse import swap_in

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
                one_time=False,  # chosen already: the load measures use, not first login
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
) -> tuple[dict[str, list[float]], Counter, Counter, float, int, dict[str, Any]]:
    """Run the simulated users (and the rebuild); returns timings (ms) by group, errors,
    what succeeded, seconds, the number of requests and how the rebuild went."""
    # Imported here: Locust patches the standard library for gevent when imported, which
    # the set-up above (subprocesses, PostgreSQL) does not need.
    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    timings: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    done: Counter = Counter()
    accounts = iter(emails)
    ramped_up_at = [float("inf")]  # when every user has started and logged in
    rebuild: dict[str, Any] = {}

    @events.request.add_listener
    def record(name: str, response_time: float, exception: Any, **_kwargs: Any) -> None:
        group = name.split(":", 1)[0]
        timings[group].append(response_time)
        if time.monotonic() > ramped_up_at[0]:
            timings[f"{group} (steady)"].append(response_time)
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
            self.callback("click zone (panel)", "zone panel")  # its residence list with it

        @task(2)
        def open_residence(self) -> None:
            self.callback("open residence (panel)", "residence sheet")

        @task(1)
        def reload_page(self) -> None:
            self.load_portal(first_visit=False)

    def rebuild_warehouse() -> None:
        gevent.sleep(args.rebuild_at)
        command = [sys.executable, "-m", "data.pipeline", "build", "--raw", str(args.raw)]
        command += ["--out", str(args.served_warehouse)]
        began = time.monotonic()
        result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
        rebuild.update(
            status=result.returncode,
            seconds=time.monotonic() - began,
            started=began - started,
            stderr=result.stderr[-500:],
        )

    environment = Environment(user_classes=[PortalUser], events=events)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    rebuilding = gevent.spawn(rebuild_warehouse) if args.rebuild_at >= 0 else None
    gevent.sleep(args.users / args.spawn_rate)
    while done["login"] < args.users and time.monotonic() - started < args.duration:
        gevent.sleep(0.5)
    ramped_up_at[0] = time.monotonic()
    gevent.sleep(max(0.0, args.duration - (time.monotonic() - started)))
    runner.quit()
    if rebuilding is not None:
        rebuilding.join()
    seconds = time.monotonic() - started
    return timings, errors, done, seconds, environment.stats.total.num_requests, rebuild


# --- report


def served_builds(instances: list[Any], probes: int = 20) -> set[str]:
    """The warehouse builds the instances' workers name (X-Atlas-Warehouse of /healthz)."""
    builds = set()
    for instance in instances:
        for _ in range(probes):  # a new connection each time: every worker answers some
            request = urllib.request.Request(f"{instance.url}/healthz")
            request.add_header("Connection", "close")
            with urllib.request.urlopen(request, timeout=30) as response:
                builds.add(response.headers.get("X-Atlas-Warehouse", ""))
    return builds


def reload_instances(instances: list[Any], build: str, timeout: float = 120) -> set[str]:
    """SIGHUP every instance (`systemctl reload`); returns the builds then served."""
    for instance in instances:
        instance.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while (builds := served_builds(instances, 10)) != {build} and time.monotonic() < deadline:
        time.sleep(1)
    return builds


def built_at(warehouse: Path) -> str:
    return str(json.loads((warehouse / "manifest.json").read_text()).get("built_at", ""))


def report(
    timings: dict[str, list[float]],
    errors: Counter,
    requests: int,
    seconds: float,
    done: Counter,
    audited: Counter,
    warehouse: dict[str, Any],
    args: argparse.Namespace,
) -> bool:
    print(
        f"\n{args.users} users, {args.duration:.0f} s ({args.spawn_rate:g}/s ramp-up), think "
        f"time {THINK_SECONDS[0]:.0f}-{THINK_SECONDS[1]:.0f} s; 2 instances x {args.workers} "
        f"workers x 4 threads behind nginx, PostgreSQL; login rate limit set for the run: "
        f"{args.login_rate_limit!r} per address (every simulated user comes from 127.0.0.1)"
    )
    print(f"{requests} requests in {seconds:.0f} s: {requests / seconds:.1f} requests/s")
    print(f"{'group':<20}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for group in [*GROUPS, *(f"{g} (steady)" for g in GROUPS)]:
        values = timings.get(group, [])
        if values:
            print(
                f"{group:<20}{len(values):>7}{percentile(values, 0.5):>9.0f}"
                f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}"
                f"{max(values):>9.0f}"
            )
    print("(steady: after every user has logged in; callbacks = /_dash-update-component)")
    failed = sum(errors.values())
    print(f"errors: {failed}")
    for name, count in errors.most_common(10):
        print(f"  {count:>5}  {name}")
    for action in ("login", "residence_view"):
        print(
            f"audit {action}: {audited[action]} rows written, {done[action]} seen succeed by Locust"
        )
    verdicts = [
        ("0 errors", failed == 0),
        (
            f"callback p95 under {TARGET_CALLBACK_P95_MS:.0f} ms",
            percentile(timings.get("callback", [0.0]), 0.95) < TARGET_CALLBACK_P95_MS,
        ),
        ("no audit event lost", all(audited[a] == done[a] for a in ("login", "residence_view"))),
    ]
    rebuild = warehouse.get("rebuild")
    if rebuild:
        print(
            f"warehouse rebuilt during the load (python -m data.pipeline build) at "
            f"{rebuild['started']:.0f} s, in {rebuild['seconds']:.0f} s, exit status "
            f"{rebuild['status']} {rebuild['stderr'].strip()[-200:]}"
        )
        print(
            f"builds served: {sorted(warehouse['before'])} at the start, "
            f"{sorted(warehouse['after_rebuild'])} after the rebuild, "
            f"{sorted(warehouse['after_reload'])} after SIGHUP (new build: {warehouse['new']})"
        )
        verdicts += [
            ("rebuild succeeded", rebuild["status"] == 0),
            (
                "old build kept by every worker until reload, new one after",
                warehouse["after_rebuild"] == warehouse["before"]
                and warehouse["after_reload"] == {warehouse["new"]} != warehouse["before"],
            ),
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
    parser.add_argument("--raw", type=Path, default=settings.var_dir / "raw")
    parser.add_argument(
        "--rebuild-at",
        type=float,
        default=60.0,
        help="seconds into the load when the warehouse is rebuilt from --raw (-1: never)",
    )
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
    if args.rebuild_at >= 0 and not args.raw.is_dir():
        print(f"no raw files at {args.raw} to rebuild from: `make data`", file=sys.stderr)
        return 2
    from deploy.local import deployment

    samples = warehouse_samples(args.warehouse.resolve())
    with (
        tempfile.TemporaryDirectory(prefix="atlas-load-") as tmp,
        own_schema(args.database_url, args.keep_schema) as database_url,
    ):
        # The instances serve a warehouse of this run (a copy of --warehouse), so that the
        # rebuild during the load leaves the project's own untouched.
        copy = Path(tmp) / "copy"
        shutil.copytree(args.warehouse.resolve(), copy)
        args.served_warehouse = Path(tmp) / "warehouse"
        swap_in(copy, args.served_warehouse)
        emails = create_accounts(database_url, Path(tmp), args.users)
        before = audit_counts(database_url)
        print(f"{len(emails)} accounts; audit before: {dict(before) or 'empty'}; {date.today()}")
        with deployment(
            database_url=database_url,
            secret_key=secrets.token_urlsafe(48),
            warehouse=args.served_warehouse,
            instances=2,
            workers=args.workers,
            env={"ATLAS_ENV": "demo", "ATLAS_LOGIN_RATE_LIMIT": args.login_rate_limit},
        ) as running:
            print(f"nginx {running.url} -> instances {[i.port for i in running.instances]}")
            warehouse: dict[str, Any] = {"before": served_builds(running.instances)}
            # The callbacks' shapes, read once by a demo user (not one of the counted ones).
            probe = Session(running.url)
            probe.login("mel-admin@atlas-demo.fr", PASSWORD)
            dependencies = probe.json("/_dash-dependencies")
            timings, errors, done, seconds, requests, rebuild = run_locust(
                running.url, emails, dependencies, samples, args
            )
            if rebuild:
                warehouse.update(
                    rebuild=rebuild,
                    after_rebuild=served_builds(running.instances),
                    new=built_at(args.served_warehouse),
                )
                warehouse["after_reload"] = reload_instances(running.instances, warehouse["new"])
        after = audit_counts(database_url)
    audited = Counter({action: after[action] - before[action] for action in after})
    ok = report(timings, errors, requests, seconds, done, audited, warehouse, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
