"""Interaction benchmark of the explorer: `python -m bench.interactions`.

Starts the portal under gunicorn on the demo warehouse (as `make run`: 2 workers, 4
threads), logs a session in through the real form, then times the main callbacks by
POSTing to Dash's update endpoint exactly what the browser sends (payloads built from
`_dash-dependencies`), round-robin, `--requests` times each:

- noop: the hidden `bench-noop` callback (callbacks/bench_noop.py, registered on this
  server only: ATLAS_BENCH_HOOKS=1), the cost of a Dash round trip through the auth gate
  and CSRF check: the baseline;
- change indicator / change scale: the map restyle (hideout + legend), cycling through
  every (indicator, vintage) or scale, so the per-view cache never helps within a run;
- state (control change): the one writer of the explorer state, after a control moved;
- click zone (state): the same callback after a click on a zone (the new state, the
  zone's panel and its residence list, drawn in the same round trip);
- click zone / open residence (panel): the same, a commune or IRIS / a residence (secret
  ones included); zone clicks alternate communes and IRIS, each with the next (indicator,
  vintage), so that every request is a first view of its zone and of its IRIS ranking;
- zone residences: the list of the zone's residences filtered (its own callback), for
  the same zones;
- fragility (panel): the same zones' panels with the fragility class chosen (the
  diagnosis, and for a commune the rankings of its IRIS, QPV and residences);
- finder filter / finder sort: the finder's rows (the grid's infinite row model asks for
  a block of 100), each request with another numeric filter (dwellings and vacancy above
  varying thresholds, in a commune) or another sort (a residence indicator, either way);
- board (open view) / board (zone or year): the allocation-policy board drawn from its
  path, and redrawn when its zone (the EPCI, then each commune) or year changes.

Then a commission file of 10 residences is made through the finder's form callback, its
print page is opened (which starts the server's Chromium) and its PDF is downloaded
(printed by that Chromium) three times (target: 5 s).

Each callback's p50 and p95 are printed beside the no-op's, with the p95 ratio (target:
within 3x); a click on a zone costs three of them (state, panel, residences). Then
Chromium (Debian's) logs in and the time from submitting the login form to a drawn map
(every commune path and the legend), and the bytes transferred for it, are measured
with an empty cache (targets: 1.5 s, 1.5 MB); the same user logging in again after
logging out (scripts in the browser's cache) is timed too. In between, the callback
requests that one click on a zone sets off are counted (target: 3).

The residence and IRIS layers of the area in view (`bench/map_areas.py`): their
callbacks are timed with the others ("residences in view (pan)", "IRIS in view (pan)",
panning and zooming over the territory), and each view of `bench.map_areas.VIEWS` (the
whole territory, central Lille) is opened in Chromium at the residence and IRIS scales:
each layer's bytes and the time to draw it (targets: 250 KB gzipped, 1 s).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bench import map_areas
from bench.map_areas import LAYERS, LayerView, area_payloads, layer_views
from data.catalog import default_map_scale
from layouts.attributions_board import BoardIds
from layouts.ids import ControlIds, FinderIds, MapIds, PageIds, PanelIds
from layouts.views import ATTRIBUTIONS_BOARD
from local_server import free_port, gunicorn_command, wait_until_up

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
EMAIL = "mel-admin@atlas-demo.fr"
PASSWORD = "atlas-demo-2021"
CSRF_COOKIE = "_csrf_token"
TARGET_RATIO = 3.0
TARGET_SECONDS = 1.5
TARGET_BYTES = 1.5e6
TARGET_CLICK_REQUESTS = 3
TARGET_PDF_SECONDS = 5.0
PDF_RESIDENCES = 10
PDF_RUNS = 3
FINDER_SORTS = (
    "parc__vacancy_rate_offered",
    "parc__dwellings",
    "parc__rent_per_habitable_m2",
    "occupation__apl_share",
    "name",
)


# --- the server


def start_server(warehouse: Path, var_dir: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "ATLAS_ENV": "demo",
        "ATLAS_VAR_DIR": str(var_dir),
        "ATLAS_DATA_DIR": str(warehouse),
        "ATLAS_BENCH_HOOKS": "1",  # the no-op callback, the baseline
    }
    subprocess.run(
        [sys.executable, "-m", "auth.demo_accounts"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    log = (var_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        gunicorn_command(port), cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", process, timeout=90)
    except RuntimeError:
        process.terminate()
        raise
    return process, base


# --- a logged-in HTTP session


class Session:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.opener.addheaders = [("User-Agent", "atlas-bench")]

    def _form_token(self, html: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if not match:
            raise RuntimeError("no CSRF token in the form")
        return match.group(1)

    def login(self, email: str, password: str) -> None:
        page = self.opener.open(f"{self.base}/login").read().decode()
        fields = {"csrf_token": self._form_token(page), "email": email, "password": password}
        response = self.opener.open(f"{self.base}/login", urllib.parse.urlencode(fields).encode())
        if "/conditions" in response.geturl():
            page = response.read().decode()
            fields = {"csrf_token": self._form_token(page), "accept": "y"}
            response = self.opener.open(response.geturl(), urllib.parse.urlencode(fields).encode())
        if urllib.parse.urlsplit(response.geturl()).path in ("/login", "/conditions"):
            raise RuntimeError(f"login as {email} failed")
        self.opener.open(f"{self.base}/").read()  # sets the Dash CSRF cookie

    def json(self, path: str) -> Any:
        return json.loads(self.opener.open(f"{self.base}{path}").read())

    def post_callback(self, payload: dict[str, Any]) -> float:
        """Seconds for one callback round trip (loopback: the server's time)."""
        token = next(c.value for c in self.cookies if c.name == CSRF_COOKIE)
        request = urllib.request.Request(
            f"{self.base}/_dash-update-component",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        start = time.perf_counter()
        with self.opener.open(request) as response:
            response.read()
            status = response.status
        elapsed = time.perf_counter() - start
        if status not in (200, 204):
            raise RuntimeError(f"callback answered {status}")
        return elapsed


# --- payloads built from _dash-dependencies


def _split_outputs(output: str) -> list[dict[str, str]]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    result = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        # a pattern-matching output (ALL): the page holds none of its components
        result.append([] if component.startswith("{") else {"id": component, "property": prop})
    return result


def find_callback(dependencies: list[dict], output_prefix: str, input_id: str = "") -> dict:
    """The server callback writing `output_prefix` (and read from `input_id`, if given)."""
    for dependency in dependencies:
        inputs = {item["id"] for item in dependency["inputs"]}
        if (
            dependency["output"].startswith(output_prefix)
            and not dependency.get("clientside_function")
            and (not input_id or input_id in inputs)
        ):
            return dependency
    raise RuntimeError(f"no server callback writing {output_prefix!r} from {input_id!r}")


def payload(dependency: dict, values: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    """The body the Dash renderer POSTs for this callback with these prop values."""
    outputs = _split_outputs(dependency["output"])

    def filled(items: list[dict]) -> list:
        return [
            # a pattern-matching input (ALL): the page holds none of its components
            [] if item["id"].startswith("{") else
            {**item, "value": values.get(f"{item['id']}.{item['property']}")}
            for item in items
        ]  # fmt: skip

    return {
        "output": dependency["output"],
        "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
        "inputs": filled(dependency["inputs"]),
        "state": filled(dependency.get("state", [])),
        "changedPropIds": changed,
    }


def warehouse_samples(warehouse: Path) -> dict[str, list]:
    connection = duckdb.connect()
    zones = str(warehouse / "zones.parquet")
    residences = str(warehouse / "residences.parquet")
    indicators = str(warehouse / "indicators.parquet")
    return {
        "views": connection.execute(
            "SELECT DISTINCT indicator_id, year FROM read_parquet(?) WHERE scale = 'commune' "
            "ORDER BY 1, 2",
            [indicators],
        ).fetchall(),
        "zones": connection.execute(
            "SELECT scale, code FROM read_parquet(?) WHERE scale IN ('commune', 'iris') "
            "ORDER BY row_number() OVER (PARTITION BY scale ORDER BY hash(code)), scale",
            [zones],
        ).fetchall(),
        "board_zones": connection.execute(
            "SELECT DISTINCT scale, code FROM read_parquet(?) WHERE theme = 'attributions' "
            "AND scale IN ('epci', 'commune') ORDER BY scale DESC, code",
            [indicators],
        ).fetchall(),
        "board_years": [
            year
            for (year,) in connection.execute(
                "SELECT DISTINCT year FROM read_parquet(?) WHERE theme = 'attributions' "
                "ORDER BY year DESC",
                [indicators],
            ).fetchall()
        ],
        "residences": connection.execute(
            "SELECT residence_id FROM read_parquet(?) ORDER BY secret DESC, hash(residence_id)",
            [residences],
        ).fetchall(),
        "surveys": [
            year
            for (year,) in connection.execute(
                "SELECT DISTINCT year FROM read_parquet(?) "
                "WHERE indicator_id = 'diagnostic.class' ORDER BY 1",
                [indicators],
            ).fetchall()
        ],
    }


def scenarios(dependencies: list[dict], samples: dict[str, list]) -> dict[str, Iterator[dict]]:
    """name -> endless iterator of payloads (each request a different view)."""
    noop = find_callback(dependencies, f"{PageIds.BENCH_NOOP_SINK}.data")
    update = find_callback(dependencies, f"..{PageIds.STATE}.data")
    residence_list = find_callback(
        dependencies,
        f'{{"code":["MATCH"],"scale":["MATCH"],"type":"{PanelIds.RESIDENCE_LIST_TYPE}"}}',
    )
    finder_rows = find_callback(dependencies, f"..{FinderIds.GRID}.getRowsResponse")
    board_view = find_callback(dependencies, f"{PageIds.VIEW}.children")
    board = find_callback(dependencies, f"..{BoardIds.BODY}.children")
    latest = max(year for _, year in samples["views"])
    state = {
        "scale": "commune",
        "theme": "parc",
        "indicator": "parc.vacancy_rate_offered",
        "year": latest,
        "method": "quantile",
        "overlays": [],
        "selection": None,
        "pinned": [],
    }
    controls = {
        ControlIds.SCALE: "scale",
        ControlIds.THEME: "theme",
        ControlIds.INDICATOR: "indicator",
        ControlIds.YEAR: "year",
        ControlIds.CLASSES: "method",
        ControlIds.LAYERS: "overlays",
    }

    def values(**changes: Any) -> dict[str, Any]:
        """The prop values the browser sends when the state is `state` with `changes`."""
        current = {**state, **changes}
        return {
            **{f"{cid}.value": current[part] for cid, part in controls.items()},
            f"{PageIds.STATE}.data": current,
            f"{MapIds.MAP}.center": [50.63, 3.07],
            f"{MapIds.MAP}.zoom": 11,
        }

    def of_view(indicator_id: str, year: int) -> dict[str, Any]:
        return {"indicator": indicator_id, "year": year, "theme": indicator_id.split(".", 1)[0]}

    def noop_payloads() -> Iterator[dict]:
        clicked = f"{PageIds.BENCH_NOOP}.n_clicks"
        for clicks in itertools.count(1):
            yield payload(noop, {clicked: clicks}, [clicked])

    def moved(control: str, **changes: Any) -> dict:
        """A control moved from `state`: the new state, drawn in the same round trip."""
        changed = values(**changes)
        changed[f"{PageIds.STATE}.data"] = state
        return payload(update, changed, [f"{control}.value"])

    def indicator_payloads() -> Iterator[dict]:
        for indicator_id, year in itertools.cycle(samples["views"]):
            yield moved(ControlIds.INDICATOR, **of_view(indicator_id, year))

    def scale_payloads() -> Iterator[dict]:
        for scale, method in itertools.cycle(
            itertools.product(("commune", "iris", "qpv", "residence"), ("quantile", "jenks"))
        ):
            yield moved(ControlIds.SCALE, scale=scale, method=method)

    def control_payloads() -> Iterator[dict]:
        for indicator_id, year in itertools.cycle(samples["views"]):
            yield moved(ControlIds.INDICATOR, **of_view(indicator_id, year))

    def opened(scale: str, code: str, **view: Any) -> dict:
        """A click on a zone or residence from `view`: the state and its panel."""
        clicked = f"{MapIds.CLICKED}.data"
        changed = {**values(**view), clicked: {"scale": scale, "code": code}}
        return payload(update, changed, [clicked])

    def zone_payloads() -> Iterator[dict]:
        views = itertools.cycle(samples["views"])
        for (scale, code), (indicator_id, year) in zip(itertools.cycle(samples["zones"]), views):
            yield opened(scale, code, **of_view(indicator_id, year))

    def click_payloads() -> Iterator[dict]:
        for scale, code in itertools.cycle(samples["zones"]):
            yield opened(scale, code)

    def residence_list_payloads() -> Iterator[dict]:
        for scale, code in itertools.cycle(samples["zones"]):
            zone = {"scale": scale, "code": code}
            yield {
                "output": residence_list["output"],
                "outputs": {
                    "id": {"type": PanelIds.RESIDENCE_LIST_TYPE, **zone},
                    "property": "children",
                },
                "inputs": [
                    {"id": {"type": PanelIds.RESIDENCE_FILTER_TYPE, **zone}, "property": "value"},
                ],
                # the mapped indicator orders the list
                "state": [{"id": PageIds.STATE, "property": "data", "value": state}],
                "changedPropIds": [],  # the filter emptied: the list as its panel drew it
            }

    def fragility_payloads() -> Iterator[dict]:
        """A zone's sheet with the fragility class chosen (diagnosis, and for a commune
        the rankings of its IRIS, QPV and residences)."""
        fragility = of_view("diagnostic.class", samples["surveys"][-1])
        for scale, code in itertools.cycle(samples["zones"]):
            yield opened(scale, code, **fragility)

    def residence_payloads() -> Iterator[dict]:
        for (code,) in itertools.cycle(samples["residences"]):
            yield opened("residence", code)

    def finder_payload(request: dict[str, Any], place: str = "") -> dict:
        """The grid asking for its first block (`place`: the permalink's zone)."""
        rows_request = {"startRow": 0, "endRow": 100, "filterModel": {}, "sortModel": []}
        changed = {
            f"{FinderIds.GRID}.getRowsRequest": {**rows_request, **request},
            f"{FinderIds.QUICK}.value": "",
            f"{FinderIds.STATE}.data": place,
        }
        return payload(finder_rows, changed, [f"{FinderIds.GRID}.getRowsRequest"])

    def finder_filter_payloads() -> Iterator[dict]:
        communes = [code for scale, code in samples["zones"] if scale == "commune"]
        for step, commune in zip(itertools.count(), itertools.cycle(communes)):
            dwellings = {"filterType": "number", "type": "greaterThan", "filter": step % 60}
            vacancy = {"filterType": "number", "type": "greaterThan", "filter": (step % 17) / 2}
            filters = {"parc__dwellings": dwellings, "parc__vacancy_rate_offered": vacancy}
            request = {"filterModel": filters, "sortModel": [{"colId": "name", "sort": "asc"}]}
            yield finder_payload(request, f"?zone=commune:{commune}")

    def finder_sort_payloads() -> Iterator[dict]:
        for step, field in zip(itertools.count(), itertools.cycle(FINDER_SORTS)):
            order = "desc" if step % 2 else "asc"
            yield finder_payload({"sortModel": [{"colId": field, "sort": order}]})

    def board_view_payloads() -> Iterator[dict]:
        for (scale, code), year in zip(
            itertools.cycle(samples["board_zones"]), itertools.cycle(samples["board_years"])
        ):
            yield payload(
                board_view,
                {
                    f"{PageIds.VIEW_PATH}.data": ATTRIBUTIONS_BOARD.path,
                    f"{PageIds.URL}.search": f"?zone={scale}:{code}&annee={year}",
                },
                [f"{PageIds.VIEW_PATH}.data"],
            )

    def board_payloads() -> Iterator[dict]:
        for (scale, code), year in zip(
            itertools.cycle(samples["board_zones"]), itertools.cycle(samples["board_years"])
        ):
            changed = {f"{BoardIds.ZONE}.value": f"{scale}:{code}", f"{BoardIds.YEAR}.value": year}
            yield payload(board, changed, [f"{BoardIds.ZONE}.value"])

    return {
        "noop": noop_payloads(),
        "change indicator": indicator_payloads(),
        "change scale": scale_payloads(),
        "state (control change)": control_payloads(),
        "click zone (state)": click_payloads(),
        "click zone (panel)": zone_payloads(),
        "zone residences (list)": residence_list_payloads(),
        "open residence (panel)": residence_payloads(),
        "fragility (panel)": fragility_payloads(),
        "finder filter": finder_filter_payloads(),
        "finder sort": finder_sort_payloads(),
        "board (open view)": board_view_payloads(),
        "board (zone or year)": board_payloads(),
    }


def pdf_seconds(
    session: Session, dependencies: list[dict], residence_ids: list[str]
) -> list[float]:
    """Make a commission file of `residence_ids` through the finder's form, then time the
    download of its PDF (made by Chromium on the server), PDF_RUNS times."""
    create = find_callback(dependencies, f"{FinderIds.FILE_MESSAGE}.children")
    values = {
        f"{FinderIds.FILE_CREATE}.n_clicks": 1,
        f"{FinderIds.FILE_TITLE}.value": "Banc d'essai",
        f"{FinderIds.FILE_DATE}.value": "2026-12-03",
        f"{FinderIds.GRID}.selectedRows": [{"residence_id": rid} for rid in residence_ids],
    }
    body = payload(create, values, [f"{FinderIds.FILE_CREATE}.n_clicks"])
    token = next(c.value for c in session.cookies if c.name == CSRF_COOKIE)
    request = urllib.request.Request(
        f"{session.base}/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    answer = json.dumps(json.loads(session.opener.open(request).read()))
    file_id = re.search(r"/dossiers/(\d+)/impression", answer)
    if file_id is None:
        raise RuntimeError(f"no commission file made: {answer[:200]}")
    # as a user does: the file's print page (which starts the server's Chromium), then its PDF
    session.opener.open(f"{session.base}/dossiers/{file_id.group(1)}/impression").read()
    timings = []
    for _ in range(PDF_RUNS):
        start = time.perf_counter()
        pdf = session.opener.open(f"{session.base}/dossiers/{file_id.group(1)}.pdf").read()
        timings.append(time.perf_counter() - start)
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("the file's PDF is not a PDF")
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure_callbacks(session: Session, flows: dict[str, Iterator[dict]], n: int) -> dict:
    for flow in flows.values():  # warm-up: imports, first connections
        for _ in range(3):
            session.post_callback(next(flow))
    timings: dict[str, list[float]] = {name: [] for name in flows}
    for _ in range(n):
        for name, flow in flows.items():
            timings[name].append(session.post_callback(next(flow)))
    return timings


# --- Chromium: login to a drawn map


def opening_zones(warehouse: Path) -> int:
    """How many zones the map opens on: every zone of its opening scale, the whole
    territory in view (`catalog.default_map_scale`)."""
    counts = dict(
        duckdb.connect()
        .execute(
            "SELECT scale, count(*) FROM read_parquet(?) GROUP BY scale",
            [str(warehouse / "zones.parquet")],
        )
        .fetchall()
    )
    return counts[default_map_scale(counts)]


def submit_and_wait_for_map(page: Any, communes: int) -> None:
    """Submit the login form, then wait for every shape of the opening scale (the
    communes of an EPCI) and the legend."""
    page.click("button[type=submit]")
    page.wait_for_function(
        "n => document.querySelectorAll('path.atlas-zone').length === n "
        "&& document.querySelector('#legend .legend-title') !== null",
        arg=communes,
        timeout=30_000,
    )


@dataclass(frozen=True)
class MapLoad:
    """One login in Chromium, from submitting the form to every commune drawn with its
    legend: seconds, bytes and requests transferred, seconds of the login POST itself
    (password check and redirect)."""

    seconds: float
    transferred: int
    requests: int
    login_post: float


def first_maps(base: str, communes: int, runs: int) -> list[tuple[MapLoad, MapLoad, list[str]]]:
    """For each run, in a fresh browser context: the first visit (empty cache), a click on
    a zone (the callbacks it sets off), then, after logging out, the returning visit (the
    browser's cache holds the scripts)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        results = []
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            first = _login_to_map(page, base, communes)
            click = _zone_click_requests(page)
            page.goto(f"{base}/logout")
            page.click("button:has-text('Se déconnecter')")
            results.append((first, _login_to_map(page, base, communes), click))
            context.close()
        browser.close()
    return results


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def map_layer_views(base: str, communes: int) -> list[LayerView]:
    """The residence and IRIS layers of each view of `bench.map_areas.VIEWS`, logged in
    once."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(
            viewport={"width": map_areas.VIEW_PIXELS[0], "height": map_areas.VIEW_PIXELS[1]}
        )
        page.add_init_script(map_areas.PROBE)
        page.goto(f"{base}/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        submit_and_wait_for_map(page, communes)
        views = [view for layer in LAYERS for view in layer_views(page, base, layer)]
        browser.close()
    return views


def _login_to_map(page, base: str, communes: int) -> MapLoad:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    finished: list = []

    def record(request) -> None:
        finished.append(request)

    page.on("requestfinished", record)
    start = time.perf_counter()
    start_epoch_ms = time.time() * 1000
    submit_and_wait_for_map(page, communes)
    elapsed = time.perf_counter() - start
    page.remove_listener("requestfinished", record)
    total = 0
    for request in finished:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += sizes["requestBodySize"] + sizes["requestHeadersSize"]
    login = next(r for r in finished if urllib.parse.urlsplit(r.url).path == "/login")
    login_end = (login.timing["startTime"] + login.timing["responseEnd"]) / 1000
    return MapLoad(elapsed, total, len(finished), login_end - start_epoch_ms / 1000)


def _first_output(output: str) -> str:
    """The first output of a callback, "state.data" or a pattern's type."""
    first = output.strip(".").split("...")[0]
    return json.loads(first.rsplit(".", 1)[0])["type"] if first.startswith("{") else first


def _zone_click_requests(page) -> list[str]:
    """The outputs of the callback requests one click on a zone sets off."""
    page.wait_for_selector(f"#{PageIds.PANEL} .panel-empty")
    page.wait_for_timeout(1_500)  # the load's requests are over
    posts: list[str] = []

    def record(request) -> None:
        if urllib.parse.urlsplit(request.url).path.endswith("/_dash-update-component"):
            posts.append(json.loads(request.post_data or "{}").get("output", ""))

    page.on("request", record)
    box = page.locator(f"#{MapIds.MAP}").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(f"#{PageIds.PANEL} .panel-title")
    page.wait_for_timeout(2_000)  # anything the click still sets off
    page.remove_listener("request", record)
    return posts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--warehouse", type=Path, default=PROJECT_ROOT / "var" / "warehouse")
    args = parser.parse_args(argv)
    if not (args.warehouse / "manifest.json").exists():
        print(f"no warehouse at {args.warehouse}: run `make data` first", file=sys.stderr)
        return 2
    samples = warehouse_samples(args.warehouse)
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        process, base = start_server(args.warehouse, Path(tmp))
        try:
            session = Session(base)
            session.login(EMAIL, PASSWORD)
            dependencies = session.json("/_dash-dependencies")
            flows = scenarios(dependencies, samples)
            for layer, flow in zip(LAYERS, ("residences", "IRIS"), strict=True):
                flows[f"{flow} in view (pan)"] = area_payloads(
                    layer, dependencies, args.warehouse, find_callback, payload
                )
            timings = measure_callbacks(session, flows, args.requests)
            published = [rid for (rid,) in samples["residences"][-PDF_RESIDENCES:]]
            pdfs = pdf_seconds(session, dependencies, published)
            communes = opening_zones(args.warehouse)
            maps = first_maps(base, communes, args.browser_runs)
            layers = map_layer_views(base, communes)
        finally:
            process.terminate()
            process.wait(timeout=30)
    noop_p95 = percentile(timings["noop"], 0.95)
    print(f"Callbacks, {args.requests} requests each, gunicorn 2 workers x 4 threads (ms)")
    print(f"{'callback':<26}{'p50':>8}{'p95':>8}{'p95/noop':>10}")
    worst = 0.0
    for name, values in timings.items():
        p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
        ratio = percentile(values, 0.95) / noop_p95
        if name != "noop":
            worst = max(worst, ratio)
        print(f"{name:<26}{p50:>8.1f}{p95:>8.1f}{ratio:>10.2f}")
    print(f"mean of all no-op requests: {statistics.mean(timings['noop']) * 1000:.1f} ms")
    for run, (first, returning, click) in enumerate(maps, 1):
        print(
            f"Login to drawn map, run {run} (Chromium): first visit {first.seconds:.2f} s "
            f"(login POST {first.login_post:.2f} s), {first.transferred / 1e6:.2f} MB in "
            f"{first.requests} requests; returning visit {returning.seconds:.2f} s, "
            f"{returning.transferred / 1e6:.2f} MB; a zone click: {len(click)} requests "
            f"({', '.join(map(_first_output, click))})"
        )
    seconds = statistics.median(first.seconds for first, _, _ in maps)
    returning_seconds = statistics.median(returning.seconds for _, returning, _ in maps)
    transferred = max(first.transferred for first, _, _ in maps)
    click_requests = max(len(click) for _, _, click in maps)
    print(
        f"median: first visit {seconds:.2f} s, returning visit {returning_seconds:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for layer in layers:
        print(
            f"{layer.layer}, {layer.name}: {layer.raw_bytes / 1000:.0f} KB "
            f"({layer.transferred_bytes / 1000:.0f} KB gzipped), {layer.features} features "
            f"({layer.clusters} clusters), drawn {layer.draw_seconds:.2f} s after its answer"
        )
    print(
        f"PDF of a {PDF_RESIDENCES}-residence commission file (Chromium on the server): "
        + ", ".join(f"{seconds:.2f} s" for seconds in pdfs)
    )
    verdicts = [
        ("every callback p95 within 3x the no-op", worst <= TARGET_RATIO),
        (
            f"a {PDF_RESIDENCES}-residence file's PDF in under {TARGET_PDF_SECONDS:.0f} s",
            max(pdfs) < TARGET_PDF_SECONDS,
        ),
        ("map drawn within 1.5 s of login (first visit, empty cache)", seconds <= TARGET_SECONDS),
        ("under 1.5 MB transferred", transferred < TARGET_BYTES),
        (
            f"a zone click costs at most {TARGET_CLICK_REQUESTS} requests",
            click_requests <= TARGET_CLICK_REQUESTS,
        ),
        (
            f"residence and IRIS layers of every view within "
            f"{map_areas.TARGET_BYTES / 1000:.0f} KB gz",
            all(layer.transferred_bytes <= map_areas.TARGET_BYTES for layer in layers),
        ),
        (
            f"residence and IRIS layers of every view drawn within "
            f"{map_areas.TARGET_DRAW_SECONDS:.0f} s",
            all(layer.draw_seconds <= map_areas.TARGET_DRAW_SECONDS for layer in layers),
        ),
    ]
    for label, ok in verdicts:
        print(f"{'OK  ' if ok else 'MISS'} {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
