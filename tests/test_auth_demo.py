"""Demo accounts in demo mode only; the secret key rules of each mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from auth import demo_accounts
from auth.models import Convention, User
from config import ConfigError, load_settings
from tests.conftest import auth_test_settings, client_login

ALL = "attributions,diagnostic,equipements,occupation,parc"
EXPECTED = {
    "mel-admin@atlas-demo.fr": ("admin", "CONV-2021-001", "mel", "", ALL),
    "capinghem@atlas-demo.fr": ("preparer", "CONV-2021-011", "commune", "59128", ALL),
    "roubaix@atlas-demo.fr": ("preparer", "CONV-2021-012", "commune", "59512", ALL),
    "vilogia@atlas-demo.fr": (
        "preparer",
        "CONV-2022-021",
        "bailleur",
        "900000002",
        "diagnostic,equipements,occupation,parc",
    ),
    "etat@atlas-demo.fr": ("reader", "CONV-2021-031", "etat", "", ALL),
    "expire@atlas-demo.fr": ("reader", "CONV-2020-041", "commune", "59599", ALL),
}


def test_demo_mode_seeds_every_profile_once_and_prints_them(
    auth_database_url: str, demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from app import create_app

    settings = auth_test_settings(tmp_path, demo_warehouse, auth_database_url, env="demo")
    app = create_app(settings)
    assert demo_accounts.main(settings) == 0  # what `make run` calls: idempotent
    printed = capsys.readouterr().out
    db = app.server.extensions["atlas_auth"].db
    with db.reading() as session:
        users = session.scalars(select(User)).all()
        seeded = {
            user.email: (
                user.role,
                user.convention.number,
                user.convention.partner_type,
                user.convention.perimeter,
                user.convention.datasets,
            )
            for user in users
        }
        validity = {
            c.number: (c.status, c.valid_from.isoformat(), c.valid_until.isoformat())
            for c in session.scalars(select(Convention))
        }
    assert seeded == EXPECTED
    assert validity["CONV-2021-011"] == ("signed", "2021-01-01", "2030-12-31")
    assert validity["CONV-2020-041"][2] == "2025-12-31"
    assert "atlas-demo-2021" in printed
    for email in EXPECTED:
        assert email in printed
    client = app.server.test_client()
    assert client_login(client, "vilogia@atlas-demo.fr").status_code == 302
    # a demo database of an older version, before a theme existed: seeding again grants it
    with db.writing() as session:
        vilogia = session.scalar(select(Convention).where(Convention.number == "CONV-2022-021"))
        vilogia.datasets = "occupation,parc"
    assert demo_accounts.main(settings) == 0
    with db.reading() as session:
        vilogia = session.scalar(select(Convention).where(Convention.number == "CONV-2022-021"))
        assert vilogia.datasets == EXPECTED["vilogia@atlas-demo.fr"][4]
    db.dispose()


def test_production_never_creates_demo_accounts(
    auth_database_url: str, demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from app import create_app

    settings = auth_test_settings(tmp_path, demo_warehouse, auth_database_url, env="production")
    app = create_app(settings)
    assert demo_accounts.main(settings) == 2
    assert "ATLAS_ENV=demo" in capsys.readouterr().err
    db = app.server.extensions["atlas_auth"].db
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(Convention)) == 0
    db.dispose()


def test_production_requires_a_strong_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="required"):
        load_settings({"ATLAS_ENV": "production", "ATLAS_VAR_DIR": str(tmp_path)})
    for weak in ("changeme", "short-but-random-1234"):
        with pytest.raises(ConfigError, match="too weak"):
            load_settings(
                {"ATLAS_ENV": "production", "ATLAS_VAR_DIR": str(tmp_path), "SECRET_KEY": weak}
            )
    assert not (tmp_path / "secret_key").exists()


def test_demo_generates_a_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    first = load_settings({"ATLAS_ENV": "demo", "ATLAS_VAR_DIR": str(tmp_path)}).secret_key
    second = load_settings({"ATLAS_ENV": "demo", "ATLAS_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
