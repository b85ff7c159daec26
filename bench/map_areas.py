"""The layers that follow the view (`callbacks/map_viewport.py`), for `bench.interactions`:
the residences, and the zones (measured on the IRIS, the finest zones).

- `area_payloads`: requests of a layer's callback as a user panning and zooming over
  the territory sends them (a 1400x900 view and its margin, zooms 10 to 15, half a view
  per step), each area a new one for the server's cache within a run;
- `layer_views`: in Chromium, each view of `VIEWS` opened at the layer's scale: the
  layer's answer (bytes, and bytes transferred gzipped), its features and clusters, and
  the time from the answer to the frame that shows every feature (targets: 250 KB,
  1 s).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from data.outlines import OUTLINE_LEVELS
from layouts.ids import MapIds, PageIds
from layouts.views_holder import VIEWS_ATTRIBUTE, views_attribute

VIEW_PIXELS = (1400, 900)
TILE_PIXELS = 256
PAN_ZOOMS = range(10, 16)
# name -> (latitude, longitude, zoom): the whole MEL, and central Lille
VIEWS = {
    "the MEL (zoom 10)": (50.63, 3.06, 10),
    "Lille (zoom 13)": (50.633, 3.06, 13),
    "Lille (zoom 15)": (50.633, 3.06, 15),
}
TARGET_BYTES = 250_000
TARGET_DRAW_SECONDS = 1.0
# the map's view while panning: the layer's answer carries its features' hideout in it
LAYER_INDICATOR = "parc.dwellings"


@dataclass(frozen=True)
class MapLayer:
    """A layer that follows the view: the scale it shows, the component its callback
    fills, the store of the area it asks for, and what the map draws of each feature."""

    name: str
    scale: str
    data_id: str
    area_id: str
    drawn: str

    @property
    def data_output(self) -> str:
        """The start of its callback's output key (the features, then their hideout)."""
        return f"..{self.data_id}.data..."

    def area(self, lat: float, lon: float, zoom: int) -> dict[str, Any]:
        """The area the browser asks for at a view centred on (lat, lon)."""
        area = view_area(lat, lon, zoom)
        if self.scale == "residence":
            return area
        level = next((lv.up_to_zoom for lv in OUTLINE_LEVELS if zoom <= lv.up_to_zoom), 18)
        return {**area, "zoom": level, "scale": self.scale}


RESIDENCE_LAYER = MapLayer(
    "Residence layer",
    "residence",
    MapIds.RESIDENCES,
    MapIds.RESIDENCE_AREA,
    ".atlas-residence, .atlas-grid-cluster",
)
IRIS_LAYER = MapLayer("IRIS layer", "iris", MapIds.ZONES, MapIds.ZONE_AREA, "path.atlas-zone")
LAYERS = (RESIDENCE_LAYER, IRIS_LAYER)

# Installed before the page's scripts: each answer of a layer's callback, when it came
# and when the frame showing all its features was painted (window.__layers[scale]).
PROBE = """
(() => {
  const layers = LAYERS;
  window.__layers = {};
  const drawn = (probe, selector, count, answer) => {
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
    const layer = layers.find((one) => body.includes('"' + one.output));
    if (!layer) { return promise; }
    const probe = window.__layers[layer.scale] = window.__layers[layer.scale] || {answers: []};
    return promise.then((response) => {
      const answer = {answered: performance.now(), drawn: null, features: 0, clusters: 0};
      probe.answers.push(answer);
      response.clone().json().then((reply) => {
        const data = reply.response[layer.id].data;
        answer.features = data.features.length;
        answer.clusters = data.features.filter((f) => f.properties.cluster).length;
        drawn(probe, layer.drawn, answer.features, answer);
      });
      return response;
    });
  };
})();
""".replace(
    "LAYERS",
    json.dumps(
        [
            {
                "scale": layer.scale,
                "output": layer.data_output,
                "id": layer.data_id,
                "drawn": ", ".join(
                    f"#{MapIds.MAP} {part.strip()}" for part in layer.drawn.split(",")
                ),
            }
            for layer in LAYERS
        ]
    ),
)


LAST_DRAWN = """scale => {
    const probe = window.__layers && window.__layers[scale];
    const answers = probe ? probe.answers : [];
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


def pan_areas(
    layer: MapLayer, extent: tuple[float, float, float, float]
) -> Iterator[dict[str, Any]]:
    """Areas of `layer` of views over the territory, half a view apart, at each zoom in
    turn."""
    west, south, east, north = extent
    for zoom in itertools.cycle(PAN_ZOOMS):
        step_lon = VIEW_PIXELS[0] / TILE_PIXELS / 2 * 360 / 2**zoom
        step_lat = step_lon * VIEW_PIXELS[1] / VIEW_PIXELS[0] * math.cos(math.radians(south))
        columns = max(1, min(12, math.ceil((east - west) / step_lon)))
        rows = max(1, min(12, math.ceil((north - south) / step_lat)))
        for row, column in itertools.product(range(rows), range(columns)):
            yield layer.area(south + (row + 0.5) * step_lat, west + (column + 0.5) * step_lon, zoom)


def layer_view(warehouse: Path, layer: MapLayer) -> dict[str, Any]:
    """The map's view at the layer's scale: `LAYER_INDICATOR` in its latest year."""
    (year,) = (
        duckdb.connect()
        .execute(
            "SELECT max(year) FROM read_parquet(?) WHERE indicator_id = ?",
            [str(warehouse / "indicators.parquet"), LAYER_INDICATOR],
        )
        .fetchone()
    )
    return {"scale": layer.scale, "indicator": LAYER_INDICATOR, "year": year, "method": "quantile"}


def area_payloads(
    layer: MapLayer, dependencies: list[dict], warehouse: Path, find_callback: Any, payload: Any
) -> Iterator[dict]:
    """The layer callback's requests while panning and zooming (`find_callback` and
    `payload` are `bench.interactions`'), in the view of `layer_view`."""
    callback = find_callback(dependencies, layer.data_output)
    area_input = f"{layer.area_id}.data"
    view = {
        f"{PageIds.VIEWS}.{VIEWS_ATTRIBUTE}": views_attribute(layer_view(warehouse, layer), None)
    }
    for area in pan_areas(layer, territory_extent(warehouse)):
        yield payload(callback, {area_input: area, **view}, [area_input])


@dataclass(frozen=True)
class LayerView:
    """One view's layer: its answer's bytes (as sent, and transferred gzipped), features
    (of which clusters), and seconds from the answer to every feature drawn."""

    layer: str
    name: str
    raw_bytes: int
    transferred_bytes: int
    features: int
    clusters: int
    draw_seconds: float


def layer_views(page: Any, base: str, layer: MapLayer, timeout_ms: int = 60_000) -> list[LayerView]:
    """Each of `VIEWS` opened at the layer's scale in `page` (logged in, viewport
    `VIEW_PIXELS`, `PROBE` installed), its layer measured."""
    results = []
    for name, (lat, lon, zoom) in VIEWS.items():
        answers: list = []

        def record(request: Any, answers: list = answers) -> None:
            if layer.data_output in (request.post_data or ""):
                answers.append(request)

        page.on("requestfinished", record)
        page.goto(f"{base}/?echelle={layer.scale}&centre={lat},{lon}&zoom={zoom}")
        # the page may first ask for its default view: the last answer is the view's
        for _ in range(2):
            page.wait_for_load_state("networkidle")
            page.wait_for_function(LAST_DRAWN, arg=layer.scale, timeout=timeout_ms)
        page.remove_listener("requestfinished", record)
        answer = page.evaluate(
            "scale => window.__layers[scale].answers[window.__layers[scale].answers.length - 1]",
            layer.scale,
        )
        request = answers[-1]
        results.append(
            LayerView(
                layer.name,
                name,
                len(request.response().body()),
                request.sizes()["responseBodySize"],
                answer["features"],
                answer["clusters"],
                (answer["drawn"] - answer["answered"]) / 1000,
            )
        )
    return results
