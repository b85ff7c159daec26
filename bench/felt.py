"""What users feel: `python -m bench.felt [--runs 10] [--user roubaix@atlas-demo.fr]`.

Starts the portal as `bench.interactions` does (gunicorn, 2 workers x 4 threads, the
no-op callback registered), logs in through the real form in Chromium (Debian's), and in
Debian's Firefox ESR where installed (driven over WebDriver BiDi; one that Playwright
cannot drive is reported as not measured), at 1600x1000, then times each interaction a user
makes, `--runs` times, from the input event to the screen settled:

- the clock starts at the `click` event of the user's input (page clock,
  `event.timeStamp`); it stops at the first frame painted after the last change to what
  the interaction updates (the legend, the zones' and residences' layers, the panel) once
  no callback request is in flight and nothing changed for `QUIET_MS`;
- each interaction cycles through different indicators, zones or scales, so every run is
  a first view for the server's per-view caches;
- the no-op round trip (a hidden button whose callback does nothing, then one frame) is
  measured in the same run: the floor of anything that asks the server.

Printed as one table: median and p90 in ms, the ratio of the median to the no-op's, the
callback requests and the bytes (encoded) each interaction caused, and, in Chromium, the
main thread's scripting and rendering time (CDP `Performance` metrics) of the slowest run
of each interaction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.interactions import CHROMIUM, PASSWORD, start_server
from data.catalog import CATALOG
from layouts.ids import ControlIds, MapIds, PageIds

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIREFOX = Path("/usr/bin/firefox-esr")
VIEWPORT = {"width": 1600, "height": 1000}
QUIET_MS = 400
TIMEOUT_MS = 30_000
ZONES = f"#{MapIds.MAP} path.atlas-zone"
# a zone's shape drawn in the view (a user opens on their own area: outside it, "M0 0")
DRAWN_ZONES = f"{ZONES}:not([d='M0 0'])"

# Installed in every page before its scripts: the input event's time, the callbacks in
# flight, and the frame painted after the last change to the watched parts of the page.
PROBE = """
(() => {
  const felt = window.__felt = {t0: null, pending: 0, answered: 0, painted: 0, changes: 0};
  document.addEventListener('click', (event) => {
    if (felt.armed) { felt.t0 = event.timeStamp; felt.armed = false; }
  }, true);
  const paint = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    felt.painted = performance.now();
  }));
  const fetch = window.fetch;
  window.fetch = function (...args) {
    const url = String(args[0] && args[0].url || args[0]);
    const dash = url.includes('_dash-update-component');
    if (dash) felt.pending += 1;
    return fetch.apply(this, args).finally(() => {
      if (dash) { felt.pending -= 1; felt.answered = performance.now(); paint(); }
    });
  };
  const observer = new MutationObserver(() => { felt.changes += 1; paint(); });
  const watch = () => {
    for (const selector of ['#legend', '#panel', '.leaflet-overlay-pane',
                            '.leaflet-marker-pane', '#compare']) {
      const node = document.querySelector(selector);
      if (node && !node.__feltWatched) {
        node.__feltWatched = true;
        observer.observe(node, {subtree: true, childList: true, attributes: true,
                                characterData: true});
      }
    }
  };
  new MutationObserver(watch).observe(document, {subtree: true, childList: true});
})();
"""
SETTLED = """
quiet => {
  const felt = window.__felt;
  if (felt.t0 === null || felt.pending > 0) return false;
  const last = Math.max(felt.painted, felt.answered);
  return last > felt.t0 && performance.now() - last > quiet;
}
"""


@dataclass
class Interaction:
    """One thing a user does: `prepare` (not timed) puts the page where it starts,
    `act` is the user's input (its click starts the clock), `done` a page predicate
    that holds once the screen shows the result."""

    name: str
    prepare: Callable[[object, int], None]
    act: Callable[[object, int], None]
    done: Callable[[int], str]


@dataclass
class Run:
    ms: float
    requests: int
    transferred: int
    scripting_ms: float = 0.0
    rendering_ms: float = 0.0


@dataclass
class Result:
    browser: str
    name: str
    runs: list[Run] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(run.ms for run in self.runs)

    def p90(self) -> float:
        ordered = sorted(run.ms for run in self.runs)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def commune_indicators() -> list[tuple[str, str]]:
    """(theme label, indicator label) of the parc indicators mapped at every scale."""
    return [
        ("Parc", indicator.label)
        for indicator in CATALOG.values()
        if indicator.theme == "parc" and {"commune", "iris"} <= set(indicator.scales)
    ]


def choose(page, dropdown_id: str, option: str, timed: bool) -> None:
    page.click(f"#{dropdown_id}")
    target = page.get_by_role("option", name=option, exact=True)
    target.wait_for(timeout=TIMEOUT_MS)
    if timed:
        page.evaluate("window.__felt.armed = true; window.__felt.t0 = null")
    target.click()


def pick_scale(page, label: str, timed: bool) -> None:
    if timed:
        page.evaluate("window.__felt.armed = true; window.__felt.t0 = null")
    page.click(f"#{ControlIds.SCALE} label:has-text('{label}')")


def settle(page) -> None:
    page.wait_for_function(SETTLED, arg=QUIET_MS, timeout=TIMEOUT_MS, polling=50)


def open_zone(page, name: str, option: str) -> None:
    """Search a zone and open its sheet (not timed)."""
    page.click(f"#{ControlIds.SEARCH}")
    box = page.locator(".dash-dropdown-search-container input")
    box.wait_for()
    box.fill(name)
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function(
        "name => (document.querySelector('#panel .panel-title') || {}).innerText === name",
        arg=name,
        timeout=TIMEOUT_MS,
    )


def clickable_zones(page) -> list[int]:
    """The zones whose centre, on screen, is the zone itself (a click there hits it)."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].flatMap((path, i) => {
            const box = path.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return hit === path ? [i] : [];
        })""",
        ZONES,
    )


def click_zone(page, index: int) -> None:
    box = page.locator(ZONES).nth(index).bounding_box()
    page.evaluate("window.__felt.armed = true; window.__felt.t0 = null")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(2, VIEWPORT["height"] - 2)


def interactions(iris_count: int, iris_name: str) -> list[Interaction]:
    indicators = commune_indicators()
    zones: list[int] = []

    def indicator(i: int) -> str:
        return indicators[i % len(indicators)][1]

    def legend_shows(i: int) -> str:
        title = "(document.querySelector('#legend .legend-title') || {innerText: ''})"
        return f"{title}.innerText.startsWith({indicator(i)!r})"

    def at_scale(label: str, panel: tuple[str, str] | None) -> Callable[[object, int], None]:
        def prepare(page, i: int) -> None:
            if i == 0:
                page.goto(page.url.split("?")[0])
                page.wait_for_selector(DRAWN_ZONES, timeout=TIMEOUT_MS)
                pick_scale(page, label, timed=False)
                page.wait_for_timeout(1_000)
                if panel:
                    open_zone(page, *panel)
            page.wait_for_timeout(300)

        return prepare

    def noop_act(page, i: int) -> None:
        page.evaluate(
            "id => { window.__felt.armed = true; window.__felt.t0 = null;"
            " document.getElementById(id).click(); }",
            PageIds.BENCH_NOOP,
        )

    def zone_prepare(page, i: int) -> None:
        # each run from the opening view: a sheet fits the map to its zone
        at_scale("Communes", None)(page, 0)
        zones[:] = clickable_zones(page)
        page.evaluate(
            "window.__feltTitle = (document.querySelector('#panel .panel-title')"
            " || {innerText: null}).innerText"
        )
        page.wait_for_timeout(300)

    def zone_act(page, i: int) -> None:
        click_zone(page, zones[(i + 1) % len(zones)])  # never the zone already open

    def new_title(i: int) -> str:
        return (
            "(() => { const t = document.querySelector('#panel .panel-title');"
            " return t !== null && t.innerText !== window.__feltTitle; })()"
        )

    years: list[str] = []

    def year_prepare(page, i: int) -> None:
        at_scale("Communes", ("Roubaix", "Commune — Roubaix"))(page, i)
        if i == 0:
            page.click(f"#{ControlIds.YEAR}")
            offered = page.get_by_role("option").all_inner_texts()
            page.keyboard.press("Escape")
            shown = page.inner_text("#legend .legend-title").rsplit(" — ", 1)[-1]
            years[:] = [year for year in offered if year != shown] + [shown]  # each run moves
            page.wait_for_timeout(300)

    def year_shown(i: int) -> str:
        # the legend and the sheet's key figures name the year
        year = years[i % len(years)]
        legend = "(document.querySelector('#legend .legend-title') || {innerText: ''})"
        figures = "(document.querySelector('#panel .panel-section-figures h3') || {innerText: ''})"
        return f"{legend}.innerText.endsWith({year!r}) && {figures}.innerText.endsWith({year!r})"

    def back_to_communes(page, i: int) -> None:
        if i == 0:
            at_scale("Communes", None)(page, i)
        pick_scale(page, "Communes", timed=False)
        page.wait_for_function(
            f"() => document.querySelectorAll({ZONES!r}).length < {iris_count}",
            timeout=TIMEOUT_MS,
        )
        page.wait_for_timeout(500)

    return [
        Interaction(
            "no-op round trip (floor)",
            lambda page, i: page.wait_for_timeout(200),
            noop_act,
            lambda i: "true",
        ),
        Interaction(
            "indicator, no panel",
            at_scale("Communes", None),
            lambda page, i: choose(page, ControlIds.INDICATOR, indicator(i + 1), timed=True),
            lambda i: legend_shows(i + 1),
        ),
        Interaction(
            "indicator, commune panel open",
            at_scale("Communes", ("Roubaix", "Commune — Roubaix")),
            lambda page, i: choose(page, ControlIds.INDICATOR, indicator(i + 2), timed=True),
            lambda i: legend_shows(i + 2),
        ),
        Interaction(
            "indicator, IRIS panel open",
            at_scale("IRIS", (iris_name, f"IRIS — {iris_name} (Roubaix)")),
            lambda page, i: choose(page, ControlIds.INDICATOR, indicator(i + 3), timed=True),
            lambda i: legend_shows(i + 3),
        ),
        Interaction(
            "year, commune panel open",
            year_prepare,
            lambda page, i: choose(page, ControlIds.YEAR, years[i % len(years)], timed=True),
            year_shown,
        ),
        Interaction(
            "scale IRIS, zones drawn",
            back_to_communes,
            lambda page, i: pick_scale(page, "IRIS", timed=True),
            lambda i: f"document.querySelectorAll({ZONES!r}).length === {iris_count}",
        ),
        Interaction("click a zone, sheet shown", zone_prepare, zone_act, new_title),
        Interaction(
            "scale residences, points drawn",
            back_to_communes,
            lambda page, i: pick_scale(page, "Résidences", timed=True),
            lambda i: "document.querySelectorAll('.atlas-residence, .atlas-cluster').length > 0",
        ),
    ]


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/conditions" in page.url:
        page.check("input[type=checkbox]")
        page.click("text=J'accepte les conditions")
    page.wait_for_selector(DRAWN_ZONES, timeout=TIMEOUT_MS)
    page.wait_for_selector("#legend .legend-title", timeout=TIMEOUT_MS)


def measure(
    browser_name: str, launch, base: str, email: str, runs: int, iris: tuple[int, str]
) -> list:
    context = launch().new_context(viewport=VIEWPORT)
    context.add_init_script(PROBE)
    page = context.new_page()
    log_in(page, base, email)
    cdp = context.new_cdp_session(page) if browser_name == "chromium" else None
    if cdp:
        cdp.send("Performance.enable")
    requests: list = []
    page.on(
        "requestfinished",
        lambda request: (
            requests.append(request)
            if urllib.parse.urlsplit(request.url).path.endswith("_dash-update-component")
            or "/geodata/" in request.url
            else None
        ),
    )
    results = []
    for interaction in interactions(*iris):
        result = Result(browser_name, interaction.name)
        print(f"{browser_name}: {interaction.name}", file=sys.stderr, flush=True)
        for i in range(runs):
            interaction.prepare(page, i)
            settle_after_prepare(page)
            before = metrics(cdp)
            requests.clear()
            interaction.act(page, i)
            page.wait_for_function(f"() => ({interaction.done(i)})", timeout=TIMEOUT_MS, polling=20)
            settle(page)
            felt = page.evaluate("Math.max(__felt.painted, __felt.answered) - __felt.t0")
            after = metrics(cdp)
            result.runs.append(
                Run(
                    felt,
                    sum(1 for r in requests if "_dash-update-component" in r.url),
                    sum(r.sizes()["responseBodySize"] for r in requests),
                    (after.get("ScriptDuration", 0) - before.get("ScriptDuration", 0)) * 1000,
                    sum(
                        after.get(k, 0) - before.get(k, 0)
                        for k in ("LayoutDuration", "RecalcStyleDuration")
                    )
                    * 1000,
                )
            )
        results.append(result)
    context.close()
    return results


def settle_after_prepare(page) -> None:
    page.evaluate("window.__felt.t0 = -1e9")
    settle(page)


def metrics(cdp) -> dict[str, float]:
    if cdp is None:
        return {}
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def table(results: list[Result]) -> str:
    floors = {r.browser: r.median() for r in results if r.name.startswith("no-op")}
    lines = [
        f"{'browser':<9}{'interaction':<34}{'median':>8}{'p90':>8}{'x no-op':>8}"
        f"{'requests':>9}{'KB':>8}{'script':>8}{'render':>8}"
    ]
    for r in results:
        slowest = max(r.runs, key=lambda run: run.ms)
        lines.append(
            f"{r.browser:<9}{r.name:<34}{r.median():>8.0f}{r.p90():>8.0f}"
            f"{r.median() / floors[r.browser]:>8.1f}"
            f"{statistics.median(run.requests for run in r.runs):>9.0f}"
            f"{statistics.median(run.transferred for run in r.runs) / 1024:>8.1f}"
            f"{slowest.scripting_ms:>8.0f}{slowest.rendering_ms:>8.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--user", default="roubaix@atlas-demo.fr")
    parser.add_argument("--warehouse", type=Path, default=PROJECT_ROOT / "var" / "warehouse")
    args = parser.parse_args(argv)
    if not (args.warehouse / "manifest.json").exists():
        print(f"no warehouse at {args.warehouse}: run `make data` first", file=sys.stderr)
        return 2
    import duckdb
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    iris = duckdb.execute(
        "SELECT count(*), min(name) FILTER (WHERE commune_code = '59512')"
        " FROM read_parquet(?) WHERE scale = 'iris'",
        [str(args.warehouse / "zones.parquet")],
    ).fetchone()
    with tempfile.TemporaryDirectory(prefix="atlas-felt-") as tmp:
        process, base = start_server(args.warehouse, Path(tmp))
        try:
            with sync_playwright() as playwright:
                browsers = [
                    (
                        "chromium",
                        lambda: playwright.chromium.launch(
                            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                        ),
                    )
                ]
                if FIREFOX.exists():
                    browsers.append(
                        (
                            "firefox",
                            lambda: playwright.firefox.launch(
                                channel="moz-firefox", executable_path=FIREFOX
                            ),
                        )
                    )
                results = []
                for name, launch in browsers:
                    try:
                        results += measure(name, launch, base, args.user, args.runs, iris)
                    except PlaywrightError as error:
                        if name == "chromium":
                            raise
                        reason = str(error).splitlines()[0]
                        print(f"{name}: not measured, Playwright cannot drive it ({reason})")
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(
        f"Felt time, {args.runs} runs each, from the input event to the screen settled "
        f"({args.user}, {VIEWPORT['width']}x{VIEWPORT['height']}; ms, requests and KB: "
        "medians; script and render: the main thread during the slowest run)"
    )
    print(table(results))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
