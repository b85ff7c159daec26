"""Settings of the portal, read from environment variables in this one place."""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
ENVIRONMENTS = ("demo", "test", "production")
WEAK_SECRET_KEYS = frozenset({"", "changeme", "secret", "dev", "development", "test"})
# The demo's administrator (a demo account); production names its own or none.
DEMO_ADMIN_CONTACT = "mel-admin@atlas-demo.fr"


class ConfigError(ValueError):
    """A setting is missing or unacceptable; the message says which and why."""


def _int(environ: dict[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    env: str = "demo"
    data_dir: Path = PROJECT_ROOT / "var" / "warehouse"
    var_dir: Path = PROJECT_ROOT / "var"
    secret_key: str = ""
    database_url: str = ""
    secrecy_threshold: int = 11
    tile_url: str = ""
    tile_attribution: str = ""
    # Flask-Limiter storage (redis://…): an optional extra limit in front of the login
    # form for large deployments; empty = none. The login rate limit itself is counted in
    # the user store (auth/throttle.py), shared by every worker and instance.
    ratelimit_storage_url: str = ""
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    login_rate_limit: str = "20 per minute"
    login_account_rate_limit: str = "20 per hour"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0 = none).
    trusted_proxies: int = 0
    # Who a refused user should write to (a revoked or expired convention, a deactivated
    # account): an address or a short text, shown on the login page.
    admin_contact: str = ""
    # The hidden no-op callback that bench/interactions.py times as its baseline; only the
    # benchmark's server sets ATLAS_BENCH_HOOKS=1, the portal never registers it.
    bench_hooks: bool = False

    @property
    def is_demo(self) -> bool:
        return self.env == "demo"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def requires_https(self) -> bool:
        """Secure cookies and HSTS: everywhere but the demo and the tests (plain http)."""
        return not (self.is_demo or self.env == "test")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'atlas.sqlite3'}"


def _secret_key(env: str, raw: str, var_dir: Path) -> str:
    if raw:
        if env == "production" and (raw.lower() in WEAK_SECRET_KEYS or len(raw) < 32):
            raise ConfigError("SECRET_KEY is too weak: use at least 32 random characters")
        return raw
    if env == "production":
        raise ConfigError("SECRET_KEY is required when ATLAS_ENV=production")
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from `environ` (the process environment by default)."""
    environ = dict(os.environ if environ is None else environ)
    env = environ.get("ATLAS_ENV", "demo").strip() or "demo"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ATLAS_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    var_dir = Path(environ.get("ATLAS_VAR_DIR", PROJECT_ROOT / "var"))
    threshold = _int(environ, "ATLAS_SECRECY_THRESHOLD", 11)
    if threshold < 1:
        raise ConfigError("ATLAS_SECRECY_THRESHOLD must be at least 1")
    return Settings(
        env=env,
        data_dir=Path(environ.get("ATLAS_DATA_DIR", var_dir / "warehouse")),
        var_dir=var_dir,
        secret_key=_secret_key(env, environ.get("SECRET_KEY", "").strip(), var_dir),
        database_url=environ.get("DATABASE_URL", "").strip(),
        secrecy_threshold=threshold,
        tile_url=environ.get("ATLAS_TILE_URL", "").strip(),
        tile_attribution=environ.get("ATLAS_TILE_ATTRIBUTION", "").strip(),
        ratelimit_storage_url=environ.get("RATELIMIT_STORAGE_URL", "").strip(),
        session_idle_minutes=_int(environ, "ATLAS_SESSION_IDLE_MINUTES", 30),
        session_max_hours=_int(environ, "ATLAS_SESSION_MAX_HOURS", 10),
        login_rate_limit=environ.get("ATLAS_LOGIN_RATE_LIMIT", "20 per minute").strip(),
        login_account_rate_limit=environ.get(
            "ATLAS_LOGIN_ACCOUNT_RATE_LIMIT", "20 per hour"
        ).strip(),
        trusted_proxies=_int(environ, "ATLAS_TRUSTED_PROXIES", 0),
        bench_hooks=environ.get("ATLAS_BENCH_HOOKS", "").strip() == "1",
        admin_contact=environ.get(
            "ATLAS_ADMIN_CONTACT", "" if env == "production" else DEMO_ADMIN_CONTACT
        ).strip(),
    )


def pin_warehouse(environ: MutableMapping[str, str]) -> Path:
    """Point ATLAS_DATA_DIR in `environ` at the build the warehouse directory names now.

    gunicorn's master calls it before starting workers (gunicorn.conf.py): every worker,
    including one restarted later, then serves that same build, even after `make data`
    has switched the directory to a new one, until the app is restarted or reloaded
    (SIGHUP calls it again). The directory as configured is kept in ATLAS_WAREHOUSE_LINK.
    """
    link = environ.get("ATLAS_WAREHOUSE_LINK") or str(load_settings(dict(environ)).data_dir)
    environ["ATLAS_WAREHOUSE_LINK"] = link
    pinned = Path(link).resolve()
    environ["ATLAS_DATA_DIR"] = str(pinned)
    return pinned
