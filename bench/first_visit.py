"""What a first visit costs, file by file: `python -m bench.first_visit [--base URL] [--runs 3]`.

Starts the portal as `bench.interactions` does (or measures the one at `--base`), logs in
through the real form in Chromium with an empty cache, at 1400x900, and records a
Chromium trace from the login POST to the drawn map (every commune path and the
legend). Printed: the time to the drawn map, then one line per script or style sheet
(the largest first): bytes transferred, the main thread's time compiling and running it
(trace events `v8.compile`, `EvaluateScript`, `v8.produceCache` whose `url` is that
file) and its `Cache-Control`; then the totals by kind of request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.interactions import (
    CHROMIUM,
    EMAIL,
    PASSWORD,
    start_server,
    submit_and_wait_for_map,
    warehouse_samples,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCRIPT_EVENTS = {"v8.compile", "EvaluateScript", "v8.produceCache", "v8.compileModule"}
TRACE_CATEGORIES = ["devtools.timeline", "v8", "disabled-by-default-devtools.timeline"]


@dataclass
class FileCost:
    path: str
    kind: str
    transferred: int = 0
    main_thread_ms: float = 0.0
    cache_control: str = ""
    start_ms: float = 0.0  # after the click on "Se connecter"
    end_ms: float = 0.0


@dataclass
class Visit:
    seconds: float
    files: dict[str, FileCost] = field(default_factory=dict)

    @property
    def transferred(self) -> int:
        return sum(cost.transferred for cost in self.files.values())

    @property
    def requests(self) -> int:
        return len(self.files)


def _short(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query[:30]}" if parts.query else "")


def script_time_by_url(trace: dict) -> dict[str, float]:
    """Main-thread milliseconds spent compiling and evaluating each script, by URL."""
    spent: dict[str, float] = defaultdict(float)
    for event in trace.get("traceEvents", []):
        if event.get("name") not in SCRIPT_EVENTS or event.get("ph") != "X":
            continue
        data = event.get("args", {}).get("data", {}) or event.get("args", {})
        url = data.get("url") or data.get("fileName") or ""
        if url:
            spent[_short(url)] += event.get("dur", 0) / 1000
    return spent


def visit(browser, base: str, communes: int, trace_path: Path) -> Visit:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    files: dict[str, FileCost] = {}

    def record(request) -> None:
        sizes = request.sizes()
        response = request.response()
        path = _short(request.url)
        timing = request.timing
        files[f"{len(files):03d} {path}"] = FileCost(
            start_ms=timing["startTime"] - clicked_ms,
            end_ms=timing["startTime"] + timing["responseEnd"] - clicked_ms,
            path=path,
            kind=request.resource_type,
            transferred=sizes["responseBodySize"]
            + sizes["responseHeadersSize"]
            + sizes["requestBodySize"]
            + sizes["requestHeadersSize"],
            cache_control=(response.headers.get("cache-control", "") if response else ""),
        )

    page.on("requestfinished", record)
    browser.start_tracing(page=page, path=str(trace_path), categories=TRACE_CATEGORIES)
    start = time.perf_counter()
    clicked_ms = time.time() * 1000
    submit_and_wait_for_map(page, communes)
    seconds = time.perf_counter() - start
    page.remove_listener("requestfinished", record)
    browser.stop_tracing()
    spent = script_time_by_url(json.loads(trace_path.read_text()))
    for cost in files.values():
        cost.main_thread_ms = spent.get(cost.path, 0.0)
    context.close()
    return Visit(seconds, files)


def timeline(visit: Visit) -> None:
    """When each request ran, from the click (ms)."""
    rows = list(visit.files.values())
    print("Timeline of the last run (ms after the click on the login button)")
    for cost in sorted(rows, key=lambda c: c.start_ms):
        print(f"  {cost.start_ms:>7.0f} {cost.end_ms:>7.0f}  {cost.kind:<10} {cost.path[:70]}")
    print(f"  {visit.seconds * 1000:>15.0f}  map drawn")


def report(visits: list[Visit]) -> None:
    last = visits[-1]
    seconds = [v.seconds for v in visits]
    print(
        "Login to drawn map, first visit (Chromium, empty cache): "
        + ", ".join(f"{s:.2f} s" for s in seconds)
        + f"; median {statistics.median(seconds):.2f} s; "
        f"{last.transferred / 1e6:.3f} MB in {last.requests} requests (last run)"
    )
    print(f"{'file (last run)':<64}{'kind':>11}{'KB':>9}{'JS ms':>8}  cache-control")
    for cost in sorted(last.files.values(), key=lambda c: -c.transferred):
        if cost.kind not in ("script", "stylesheet") and cost.transferred < 10_000:
            continue
        print(
            f"{cost.path[:63]:<64}{cost.kind:>11}{cost.transferred / 1000:>9.1f}"
            f"{cost.main_thread_ms:>8.1f}  {cost.cache_control}"
        )
    by_kind: dict[str, list[FileCost]] = defaultdict(list)
    for cost in last.files.values():
        by_kind[cost.kind].append(cost)
    for kind, costs in sorted(by_kind.items()):
        print(
            f"  {kind:<12}{len(costs):>4} requests {sum(c.transferred for c in costs) / 1e3:>9.1f}"
            f" KB {sum(c.main_thread_ms for c in costs):>8.1f} ms compiling and running"
        )


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a running portal (default: start one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warehouse", type=Path, default=PROJECT_ROOT / "var" / "warehouse")
    args = parser.parse_args(argv)
    if not (args.warehouse / "manifest.json").exists():
        print(f"no warehouse at {args.warehouse}: run `make data` first", file=sys.stderr)
        return 2
    communes = sum(
        1 for scale, _ in warehouse_samples(args.warehouse)["zones"] if scale == "commune"
    )
    with tempfile.TemporaryDirectory(prefix="atlas-first-visit-") as tmp:
        process, base = (None, args.base) if args.base else start_server(args.warehouse, Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=[
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                    ],
                )
                visits = [
                    visit(browser, base, communes, Path(tmp) / f"trace-{run}.json")
                    for run in range(args.runs)
                ]
                browser.close()
        finally:
            if process:
                process.terminate()
                process.wait(timeout=30)
    report(visits)
    timeline(visits[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
