"""Security headers on every response, with a Content-Security-Policy that Dash can live with.

Dash renders one inline script (the renderer's start-up) plus any clientside callback
written inline: they are allowed by their hashes (`Dash.csp_hashes`), computed once at
the first response, after every callback has been registered. Nothing is loaded from a
CDN, so every source is 'self' (plus the map tile server, when one is configured).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from dash import Dash
from flask import Response

from config import Settings

STATIC_ENDPOINT_SUFFIX = "static"


def tile_source(tile_url: str) -> str:
    """The CSP source of a Leaflet tile URL template, e.g. https://*.tile.example.org."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    host = parts.hostname or ""
    if "{" in host:
        host = "*." + host.split(".", 1)[1] if "." in host else ""
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def content_security_policy(script_hashes: list[str], tile_url: str) -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        # Plotly and Leaflet insert <style> elements at run time.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install_security_headers(app: Dash, settings: Settings) -> None:
    policy: list[str] = []

    def add_headers(response: Response) -> Response:
        if not policy:
            policy.append(content_security_policy(list(app.csp_hashes()), settings.tile_url))
        headers = response.headers
        headers["Content-Security-Policy"] = policy[0]
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if settings.requires_https:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "Cache-Control" not in headers:
            # Pages and callback answers hold restricted data: never kept by a cache.
            headers["Cache-Control"] = "no-store"
        headers.pop("Server", None)
        return response

    app.server.after_request(add_headers)
