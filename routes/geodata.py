"""Gated routes serving the map's geometries once per scale: GeoJSON, gzip, ETag.

The browser fetches a scale's zones (or the residences) when the user first shows it
and keeps them (Cache-Control with a version in the URL, ETag for revalidation), so
switching indicator or year never resends a geometry. These are ordinary Flask routes,
so the auth gate's `before_request` covers them like every other route.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from dash import Dash
from flask import Response, abort, request

from data.sources.codes import EQUIPMENT_FAMILIES
from data.store.store import Store

MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Payload:
    raw: bytes
    compressed: bytes
    etag: str


class PayloadCache:
    """Each body is built and compressed once per process (the warehouse is read-only)."""

    def __init__(self) -> None:
        self._payloads: dict[str, Payload] = {}
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], str]) -> Payload:
        payload = self._payloads.get(key)
        if payload is None:
            with self._lock:
                payload = self._payloads.get(key)
                if payload is None:
                    raw = build().encode("utf-8")
                    payload = Payload(
                        raw=raw,
                        compressed=gzip.compress(raw, compresslevel=6, mtime=0),
                        etag=hashlib.sha256(raw).hexdigest()[:32],
                    )
                    self._payloads[key] = payload
        return payload


def geojson_response(payload: Payload) -> Response:
    """304 when the browser holds this version, else the body (gzip if accepted)."""
    etag = f'"{payload.etag}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"private, max-age={MAX_AGE_SECONDS}",
        "Vary": "Accept-Encoding",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = payload.compressed
    else:
        body = payload.raw
    return Response(body, mimetype="application/geo+json", headers=headers)


def warehouse_version(store: Store) -> str:
    """Changes whenever the warehouse is rebuilt, so cached geometries are refetched."""
    stamp = f"{store.manifest.get('built_at', '')}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class GeodataUrls:
    """The URLs the map layers load, relative to the app's requests prefix."""

    zones: dict[str, str]
    residences: str
    # equipment points of each proximity family (public data, clustered on the map)
    equipments: dict[str, str] = field(default_factory=dict)


def register_geodata_routes(app: Dash, store: Store) -> GeodataUrls:
    cache = PayloadCache()
    prefix = app.config.routes_pathname_prefix

    @app.server.get(f"{prefix}carte/zones/<scale>.geojson")
    def map_zones_geojson(scale: str) -> Response:
        if scale not in store.map_zone_scales:
            abort(404)
        return geojson_response(cache.get(scale, lambda: store.zone_features_json(scale)))

    @app.server.get(f"{prefix}carte/residences.geojson")
    def map_residences_geojson() -> Response:
        return geojson_response(cache.get("residence", store.residence_features_json))

    @app.server.get(f"{prefix}carte/equipements/<family>.geojson")
    def map_equipment_geojson(family: str) -> Response:
        if family not in EQUIPMENT_FAMILIES:
            abort(404)
        return geojson_response(
            cache.get(f"equipment:{family}", lambda: store.equipment_features_json(family))
        )

    version = warehouse_version(store)
    return GeodataUrls(
        zones={
            scale: app.get_relative_path(f"/carte/zones/{scale}.geojson") + f"?v={version}"
            for scale in store.map_zone_scales
        },
        residences=app.get_relative_path("/carte/residences.geojson") + f"?v={version}",
        equipments={
            family: app.get_relative_path(f"/carte/equipements/{family}.geojson") + f"?v={version}"
            for family in EQUIPMENT_FAMILIES
        },
    )
