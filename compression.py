"""gzip for the portal's text responses (Dash bundles, CSS, layout and callback JSON).

Dash serves its JavaScript uncompressed (its `compress=True` needs flask-compress, which
pulls brotli and zstd builds): about 2 MB for a first visit, 0.6 MB once gzipped.
Static bodies (component bundles, assets) are compressed once per process and kept;
dynamic ones (callback answers) are compressed per response.
"""

from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, request

COMPRESSIBLE_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
)
MIN_BYTES = 1024
STATIC_LEVEL = 6  # compressed once: take the smaller body
DYNAMIC_LEVEL = 1  # on every callback answer: a few times faster, nearly as small


def _compressible(response: Response) -> bool:
    return (
        response.status_code == 200
        and "gzip" in request.headers.get("Accept-Encoding", "")
        and "Content-Encoding" not in response.headers
        and (response.mimetype or "").startswith(COMPRESSIBLE_TYPES)
    )


def install_gzip(server: Flask, static_prefixes: tuple[str, ...]) -> None:
    """Compress every compressible response of `server`; bodies under `static_prefixes`
    (paths that only change with a deployment) are compressed once."""
    cache: dict[tuple[str, str], bytes] = {}
    lock = threading.Lock()

    @server.after_request
    def gzip_response(response: Response) -> Response:
        if not _compressible(response):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_BYTES:
            return response
        static = request.path.startswith(static_prefixes)
        key = (request.full_path, response.headers.get("ETag", ""))
        body = cache.get(key) if static else None
        if body is None:
            level = STATIC_LEVEL if static else DYNAMIC_LEVEL
            body = gzip.compress(data, compresslevel=level, mtime=0)
            if static:
                with lock:
                    cache[key] = body
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))
        response.vary.add("Accept-Encoding")
        etag = response.headers.get("ETag")
        if etag and not etag.startswith("W/"):
            response.headers["ETag"] = f"W/{etag}"  # another representation of the file
        return response
