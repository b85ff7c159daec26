"""The residence layer of a view (`callbacks/map_viewport.py`), for `bench.interactions`:

- `area_payloads`: requests of the layer's callback as a user panning and zooming over
  the territory sends them (a 1400x900 view and its margin, zooms 10 to 15, half a view
  per step), each area a new one for the server's cache within a run;
- `layer_views`: in Chromium, each view of `VIEWS` opened at the residence scale: the
  layer's answer (bytes, and bytes transferred gzipped), its features and clusters, and
  the time from the answer to the frame that shows every feature (targets: 250 KB,
  1 s).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from layouts.ids import MapIds, PageIds
from layouts.views_holder import VIEWS_ATTRIBUTE, views_attribute

VIEW_PIXELS = (1400, 900)
TILE_PIXELS = 256
PAN_ZOOMS = range(10, 16)
# name -> (latitude, longitude, zoom): the whole MEL, and central Lille
VIEWS = {
    "whole territory (zoom 10)": (50.63, 3.06, 10),
    "Lille (zoom 13)": (50.633, 3.06, 13),
    "Lille (zoom 15)": (50.633, 3.06, 15),
}
TARGET_BYTES = 250_000
TARGET_DRAW_SECONDS = 1.0
# the layer's callback writes the points and their hideout: its output key starts so
LAYER_DATA = f"..{MapIds.RESIDENCES}.data..."
# the map's view while panning: the layer's answer carries its points' hideout in it
LAYER_INDICATOR = "parc.dwellings"

# Installed before the page's scripts: each answer of the layer's callback, when it came
# and when the frame showing all its features was painted.
PROBE = (
    """
(() => {
  const probe = window.__layer = {answers: []};
  const drawn = (selector, count, answer) => {
    const check = () => {
      if (probe.answers[probe.answers.length - 1] !== answer) {
        return;  // replaced by a newer answer before it was drawn
      }
      if (document.querySelectorAll(selector).length === count) {
        requestAnimationFrame(() => requestAnimationFrame(() => {
          answer.drawn = performance.now();
        }));
      } else {
        requestAnimationFrame(check);
      }
    };
    check();
  };
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const promise = fetch.apply(this, arguments);
    const body = init && typeof init.body === 'string' ? init.body : '';
    if (!body.includes('"LAYER_DATA')) { return promise; }
    return promise.then((response) => {
      const answer = {answered: performance.now(), drawn: null, features: 0, clusters: 0};
      probe.answers.push(answer);
      response.clone().json().then((reply) => {
        const data = reply.response['RESIDENCES'].data;
        answer.features = data.features.length;
        answer.clusters = data.features.filter((f) => f.properties.cluster).length;
        drawn('#MAP .atlas-residence, #MAP .atlas-grid-cluster', answer.features, answer);
      });
      return response;
    });
  };
})();
""".replace("LAYER_DATA", LAYER_DATA)
    .replace("RESIDENCES", MapIds.RESIDENCES)
    .replace("#MAP", f"#{MapIds.MAP}")
)


LAST_DRAWN = """() => {
    const answers = window.__layer ? window.__layer.answers : [];
    return answers.length > 0 && answers[answers.length - 1].drawn !== null;
}"""


def territory_extent(warehouse: Path) -> tuple[float, float, float, float]:
    """west, south, east, north of the territory's communes."""
    return (
        duckdb.connect()
        .execute(
            "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM read_parquet(?) "
            "WHERE scale = 'commune'",
            [str(warehouse / "zones.parquet")],
        )
        .fetchone()
    )


def view_area(lat: float, lon: float, zoom: int) -> dict[str, Any]:
    """The area the browser asks for to show a view centred on (lat, lon): the view and
    a tile of margin each side (`atlasViewport.area`'s margin on average, without its
    snapping)."""
    width = (VIEW_PIXELS[0] / TILE_PIXELS + 2) * 360 / 2**zoom
    height = (VIEW_PIXELS[1] / TILE_PIXELS + 2) * 360 / 2**zoom * math.cos(math.radians(lat))
    return {
        "west": round(lon - width / 2, 6),
        "south": round(lat - height / 2, 6),
        "east": round(lon + width / 2, 6),
        "north": round(lat + height / 2, 6),
        "zoom": zoom,
    }


def pan_areas(extent: tuple[float, float, float, float]) -> Iterator[dict[str, Any]]:
    """Areas of views over the territory, half a view apart, at each zoom in turn."""
    west, south, east, north = extent
    for zoom in itertools.cycle(PAN_ZOOMS):
        step_lon = VIEW_PIXELS[0] / TILE_PIXELS / 2 * 360 / 2**zoom
        step_lat = step_lon * VIEW_PIXELS[1] / VIEW_PIXELS[0] * math.cos(math.radians(south))
        columns = max(1, min(12, math.ceil((east - west) / step_lon)))
        rows = max(1, min(12, math.ceil((north - south) / step_lat)))
        for row, column in itertools.product(range(rows), range(columns)):
            yield view_area(south + (row + 0.5) * step_lat, west + (column + 0.5) * step_lon, zoom)


def layer_view(warehouse: Path) -> dict[str, Any]:
    """The map's view at the residence scale: `LAYER_INDICATOR` in its latest year."""
    (year,) = (
        duckdb.connect()
        .execute(
            "SELECT max(year) FROM read_parquet(?) WHERE indicator_id = ?",
            [str(warehouse / "indicators.parquet"), LAYER_INDICATOR],
        )
        .fetchone()
    )
    return {"scale": "residence", "indicator": LAYER_INDICATOR, "year": year, "method": "quantile"}


def area_payloads(
    dependencies: list[dict], warehouse: Path, find_callback: Any, payload: Any
) -> Iterator[dict]:
    """The layer callback's requests while panning and zooming (`find_callback` and
    `payload` are `bench.interactions`'), in the view of `layer_view`."""
    layer = find_callback(dependencies, LAYER_DATA)
    area_input = f"{MapIds.RESIDENCE_AREA}.data"
    view = {f"{PageIds.VIEWS}.{VIEWS_ATTRIBUTE}": views_attribute(layer_view(warehouse), None)}
    for area in pan_areas(territory_extent(warehouse)):
        yield payload(layer, {area_input: area, **view}, [area_input])


@dataclass(frozen=True)
class LayerView:
    """One view's residence layer: its answer's bytes (as sent, and transferred gzipped),
    features (of which clusters), and seconds from the answer to every feature drawn."""

    name: str
    raw_bytes: int
    transferred_bytes: int
    features: int
    clusters: int
    draw_seconds: float


def layer_views(page: Any, base: str, timeout_ms: int = 60_000) -> list[LayerView]:
    """Each of `VIEWS` opened at the residence scale in `page` (logged in, viewport
    `VIEW_PIXELS`), its layer measured."""
    page.add_init_script(PROBE)
    results = []
    for name, (lat, lon, zoom) in VIEWS.items():
        answers: list = []

        def record(request: Any, answers: list = answers) -> None:
            if LAYER_DATA in (request.post_data or ""):
                answers.append(request)

        page.on("requestfinished", record)
        page.goto(f"{base}/?echelle=residence&centre={lat},{lon}&zoom={zoom}")
        # the page may first ask for its default view: the last answer is the view's
        for _ in range(2):
            page.wait_for_load_state("networkidle")
            page.wait_for_function(LAST_DRAWN, timeout=timeout_ms)
        page.remove_listener("requestfinished", record)
        answer = page.evaluate("() => window.__layer.answers[window.__layer.answers.length - 1]")
        request = answers[-1]
        results.append(
            LayerView(
                name,
                len(request.response().body()),
                request.sizes()["responseBodySize"],
                answer["features"],
                answer["clusters"],
                (answer["drawn"] - answer["answered"]) / 1000,
            )
        )
    return results
