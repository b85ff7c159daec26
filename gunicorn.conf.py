"""gunicorn settings shared by `make run`, the Procfile, deploy/ and the tests' servers.

Options given on the command line (bind, workers, threads) take precedence over these.
"""

from __future__ import annotations

import os

from config import pin_warehouse

# The app is imported by each worker, never by the master: DuckDB connections and the
# database pool must not be shared across fork.
preload_app = False
# SIGTERM: a worker stops accepting connections and finishes its requests in flight
# within this many seconds before it is killed (deploy/ stops instances with SIGTERM).
graceful_timeout = 30
timeout = 60
# Idle keep-alive connections from the reverse proxy (deploy/nginx.conf keeps them).
keepalive = 5


def on_starting(server) -> None:
    """Pin the warehouse build for every worker this master will start (see config.py)."""
    server.log.info("warehouse: %s", pin_warehouse(os.environ))


def on_reload(server) -> None:
    """SIGHUP: new workers on the build the warehouse directory names now."""
    server.log.info("warehouse: %s", pin_warehouse(os.environ))
