"""What a page loads, and for how long the browser keeps it.

- Component libraries a page does not draw are left out of its scripts: Dash writes the
  bundle of every library some module imported into every page, and AG Grid (the
  finder's and the board's grid, 360 KB gzipped, a third of a first visit) was loaded
  before the map on the explorer, which never shows a grid. Moving between views is a
  page load (layouts/views.py), so each path gets only the bundles its view draws;
  Dash's own `dash_table`, which no view draws, is left out everywhere.
- Versioned files are kept a year: Dash already does so for the component bundles (a
  version and a modification time in their names); the assets get the same once their
  URL carries Dash's `?m=<modification time>` (what `app.get_asset_url` and the page's
  links give). The component bundles' chunks that Dash names without a version
  (`async-*.js`) are revalidated (ETag) instead of fetched again.
- The chunks every page draws (the dropdowns, the map's GeoJSON layers) are preloaded:
  the renderer asks for them only once the layout is drawn, one after the other, after
  every script has run; preloaded, they download while the scripts do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dash import Dash
from flask import Flask, Response, request

from layouts.views import ATTRIBUTIONS_BOARD, FINDER_VIEW, View, view_at

YEAR_SECONDS = 31_536_000
# The component libraries only some views draw: a library is left out of the other pages.
LIBRARIES_OF_VIEWS: Mapping[str, tuple[View, ...]] = {
    "dash_ag_grid": (FINDER_VIEW, ATTRIBUTIONS_BOARD),
}
# Bundles no page of the portal draws.
UNUSED_BUNDLES = ("dash/dash_table/",)
# The lazily loaded chunks of the explorer (present in every page, hidden on the others).
PRELOADED_CHUNKS = ("dash/dcc/async-dropdown.js", "dash_leaflet/async-GeoJSON.js")


def chunk_preloads(prefix: str, chunks: Iterable[str] = PRELOADED_CHUNKS) -> str:
    return "".join(
        f'<link rel="preload" as="script" href="{prefix}_dash-component-suites/{chunk}">'
        for chunk in chunks
    )


def _script_tag(path_part: str, prefix: str) -> re.Pattern[str]:
    return re.compile(
        rf'<script src="{re.escape(prefix)}_dash-component-suites/{re.escape(path_part)}'
        r'[^"]*"></script>\s*'
    )


def scripts_for_path(
    scripts: str,
    pathname: str,
    prefix: str,
    libraries_of_views: Mapping[str, Iterable[View]] = LIBRARIES_OF_VIEWS,
) -> str:
    """The page's script tags without the bundles the view at `pathname` does not draw."""
    view = view_at(pathname, prefix)
    dropped = [*UNUSED_BUNDLES]
    dropped += [f"{library}/" for library, views in libraries_of_views.items() if view not in views]
    for part in dropped:
        scripts = _script_tag(part, prefix).sub("", scripts)
    return scripts


def install_page_scripts(app: Dash) -> None:
    """Each page gets the scripts of its view only (`scripts_for_path`), and preloads the
    chunks the explorer draws."""
    interpolate = app.interpolate_index
    prefix = app.config.requests_pathname_prefix
    preloads = chunk_preloads(prefix)

    def interpolate_index(**kwargs: Any) -> str:
        kwargs["scripts"] = scripts_for_path(kwargs.get("scripts", ""), request.path, prefix)
        kwargs["css"] = preloads + kwargs.get("css", "")
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]


def install_asset_caching(server: Flask, assets_prefix: str, suites_prefix: str) -> None:
    """A year for versioned assets; revalidation for unversioned component chunks."""

    @server.after_request
    def cache_versioned(response: Response) -> Response:
        if response.status_code not in (200, 304):
            return response
        if request.path.startswith(assets_prefix) and request.args.get("m"):
            response.headers["Cache-Control"] = f"private, max-age={YEAR_SECONDS}, immutable"
        elif request.path.startswith(suites_prefix) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-cache"
        return response
