"""Several app instances behind nginx on this machine: `python -m deploy.local`.

The same shape as a production deployment (deploy/README.md), started in the foreground
until Ctrl-C: N gunicorn instances (gunicorn.conf.py, as deploy/systemd/atlas@.service
runs them) sharing one PostgreSQL (DATABASE_URL), one SECRET_KEY and one read-only
warehouse, behind an nginx that includes deploy/nginx/atlas-proxy.conf. Needs nginx
(`apt-get install nginx-light`); nginx runs as a private process with its files in a
temporary directory, the system's nginx is left alone. bench/load.py uses `deployment`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from config import ConfigError, load_settings
from local_server import free_port, gunicorn_command, wait_until_up

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROXY_CONF = Path(__file__).resolve().parent / "nginx" / "atlas-proxy.conf"
NGINX_CONF = """\
worker_processes 1;
error_log {work}/error.log warn;
pid {work}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log {access_log};
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server_tokens off;
    upstream atlas {{
        least_conn;
{servers}
        keepalive 32;
        keepalive_timeout 4s;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {proxy_conf};
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise RuntimeError("nginx is not installed: apt-get install nginx-light")
    return found


@dataclass
class Instance:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    url: str  # nginx, the only address users get
    instances: list[Instance]
    nginx: subprocess.Popen
    work: Path  # logs: instance-<port>.log, error.log, access.log


def start_instance(port: int, env: dict[str, str], work: Path, workers: int) -> Instance:
    command = gunicorn_command(port)
    command[command.index("--workers") + 1] = str(workers)
    log = (work / f"instance-{port}.log").open("w")
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return Instance(port, process)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 45) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def deployment(
    *,
    database_url: str,
    secret_key: str,
    warehouse: Path,
    instances: int = 2,
    workers: int = 2,
    port: int = 0,
    env: dict[str, str] | None = None,
    access_log: bool = False,
) -> Iterator[Deployment]:
    """Start `instances` gunicorn instances and nginx in front; stop them all on exit."""
    nginx = nginx_binary()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atlas-deploy-")))
        work.chmod(0o755)  # nginx's workers may run as another user
        shared = {
            **os.environ,
            "ATLAS_ENV": "demo",
            "ATLAS_VAR_DIR": str(work),
            **(env or {}),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret_key,
            "ATLAS_DATA_DIR": str(warehouse),
            "ATLAS_TRUSTED_PROXIES": "1",
        }
        started = [start_instance(free_port(), shared, work, workers) for _ in range(instances)]
        for instance in started:
            stack.callback(stop, instance.process)
        for instance in started:
            wait_until_up(f"{instance.url}/healthz", instance.process, timeout=180)
        port = port or free_port()
        conf = work / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                work=work,
                port=port,
                proxy_conf=PROXY_CONF,
                access_log=f"{work}/access.log" if access_log else "off",
                servers="\n".join(
                    f"        server 127.0.0.1:{i.port} max_fails=1 fail_timeout=5s;"
                    for i in started
                ),
            )
        )
        proxy = subprocess.Popen(
            [nginx, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(work / "nginx.log").open("w"),
        )  # fmt: skip
        stack.callback(stop, proxy, signal.SIGQUIT, 20)  # QUIT: nginx's graceful stop
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/healthz", proxy, timeout=30)
        yield Deployment(url, started, proxy, work)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (8080)")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration invalide : {exc}", file=sys.stderr)
        return 2
    if not settings.database_url.startswith("postgresql"):
        print(
            "DATABASE_URL must name the PostgreSQL server that every instance shares "
            "(postgresql+psycopg://user:password@host/db): see deploy/README.md",
            file=sys.stderr,
        )
        return 2
    with deployment(
        database_url=settings.database_url,
        secret_key=settings.secret_key,
        warehouse=settings.data_dir,
        instances=args.instances,
        workers=args.workers,
        port=args.port,
        env={"ATLAS_ENV": settings.env},
        access_log=True,
    ) as running:
        ports = ", ".join(str(instance.port) for instance in running.instances)
        print(f"Atlas du logement social: {running.url}/ (instances on ports {ports})")
        print(f"logs in {running.work}; Ctrl-C stops everything")
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops everything too
        try:
            while all(i.process.poll() is None for i in running.instances):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
