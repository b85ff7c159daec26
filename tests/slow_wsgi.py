"""The portal as gunicorn serves it, where `?delay=S` holds a request S seconds before the
portal answers it: a request that is surely in flight when a test stops the server."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

from app import server


def application(environ, start_response):
    delay = parse_qs(environ.get("QUERY_STRING", "")).get("delay")
    if delay:
        time.sleep(min(float(delay[0]), 30.0))
    return server(environ, start_response)
