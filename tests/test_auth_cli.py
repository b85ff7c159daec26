"""`flask --app app conventions|users|audit`: the same changes as the admin page, for scripts."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dash import Dash
from sqlalchemy import func, select

from auth.models import AuditEvent, Convention, User
from tests.conftest import PROJECT_ROOT, TEST_SECRET_KEY, client_login
from tests.support.admin import ADMIN

CREATE = [
    "conventions",
    "create",
    "--number",
    "CONV-2024-070",
    "--partner",
    "Ville de Lomme",
    "--type",
    "commune",
    "--perimeter",
    "59350,59128",
    "--datasets",
    "parc,occupation",
    "--signed-on",
    "2024-02-01",
    "--valid-from",
    "2024-02-01",
    "--valid-until",
    "2027-01-31",
]


def run(app: Dash, *args: str, stdin: str | None = None):
    return app.server.test_cli_runner().invoke(args=list(args), input=stdin)


def rows(app: Dash, model: type) -> int:
    with app.server.extensions["atlas_auth"].db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_create_list_renew_and_revoke_conventions(auth_app: Dash) -> None:
    created = run(auth_app, *CREATE)
    assert created.exit_code == 0, created.output
    assert "Convention CONV-2024-070 créée." in created.output
    listing = run(auth_app, "conventions", "list").output
    line = next(row for row in listing.splitlines() if row.startswith("CONV-2024-070"))
    assert line.split("\t")[2:] == [
        "commune",
        "signed",
        "2024-02-01",
        "2027-01-31",
        "59128,59350",
        "occupation,parc",
    ]
    assert (
        run(
            auth_app, "conventions", "renew", "CONV-2024-070", "--valid-until", "2028-01-31"
        ).exit_code
        == 0
    )
    assert run(auth_app, "conventions", "revoke", "CONV-2024-070").exit_code == 0
    assert "\trevoked\t" in run(auth_app, "conventions", "list").output


def test_create_deactivate_and_unlock_users(auth_app: Dash) -> None:
    run(auth_app, *CREATE)
    created = run(
        auth_app,
        "users", "create", "--email", "Agent@Lomme.example", "--name", "Agent", "--convention",
        "CONV-2024-070", "--role", "preparer", "--password-stdin",
        stdin="un-mot-de-passe-solide\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    client = auth_app.server.test_client()
    assert client_login(client, "agent@lomme.example", "un-mot-de-passe-solide").status_code == 302
    for _ in range(10):
        client_login(auth_app.server.test_client(), "agent@lomme.example", "wrong-password!")
    assert run(auth_app, "users", "unlock", "agent@lomme.example").exit_code == 0
    fresh = auth_app.server.test_client()
    assert client_login(fresh, "agent@lomme.example", "un-mot-de-passe-solide").status_code == 302
    assert run(auth_app, "users", "deactivate", "agent@lomme.example").exit_code == 0
    assert fresh.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["conventions", "create", *CREATE[2:6], "--type", "mairie"], None, "mairie"),
        ([*CREATE[:-2], "--valid-until", "31/01/2027"], None, "AAAA-MM-JJ"),
        ([*CREATE[:-2], "--valid-until", "2020-01-01"], None, "précède"),
        ([*CREATE[:10], "--datasets", "parc,revenus", *CREATE[12:]], None, "revenus"),
        ([*CREATE[:8], *CREATE[10:]], None, "Une convention de commune doit nommer son périmètre"),
        ([*CREATE[:9], " , ", *CREATE[10:]], None, "doit nommer son périmètre"),
        ([*CREATE[:6], "--type", "bailleur", *CREATE[10:]], None,
         "Une convention de bailleur doit nommer son périmètre"),
        (["conventions", "revoke", "CONV-1999-999"], None, "Aucune convention"),
        (["conventions", "create", "--number", "CONV-2024-071"], None, "Missing option"),
        (
            ["users", "create", "--email", "a@b.fr", "--name", "A", "--convention",
             "CONV-2021-011", "--role", "reader", "--password-stdin"],
            "court\n",
            "au moins 12 caractères",
        ),
        (
            ["users", "create", "--email", "a@b.fr", "--name", "A", "--convention",
             "CONV-2021-011", "--role", "chef", "--password-stdin"],
            "un-mot-de-passe-solide\n",
            "chef",
        ),
        (["users", "deactivate", "nobody@example.fr"], None, "Aucun utilisateur"),
        (["audit", "export", "--since", "hier"], None, "AAAA-MM-JJ"),
    ],
)  # fmt: skip
def test_bad_arguments_get_a_clear_message_a_non_zero_exit_and_change_nothing(
    auth_app: Dash, args: list[str], stdin: str | None, message: str
) -> None:
    before = (rows(auth_app, Convention), rows(auth_app, User), rows(auth_app, AuditEvent))
    result = run(auth_app, *args, stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    after = (rows(auth_app, Convention), rows(auth_app, User), rows(auth_app, AuditEvent))
    assert after == before


def test_a_duplicate_convention_is_refused(auth_app: Dash) -> None:
    assert run(auth_app, *CREATE).exit_code == 0
    again = run(auth_app, *CREATE)
    assert again.exit_code == 1
    assert "existe déjà" in again.output


def test_audit_export_is_csv_since_a_date(auth_app: Dash) -> None:
    client_login(auth_app.server.test_client(), "etat@atlas-demo.fr")
    run(auth_app, *CREATE)
    exported = run(auth_app, "audit", "export", "--since", "2020-01-01")
    assert exported.exit_code == 0
    table = list(csv.DictReader(io.StringIO(exported.output)))
    actions = [(row["action"], row["user_email"]) for row in table]
    assert ("login", "etat@atlas-demo.fr") in actions
    assert ("admin_change", "cli") in actions
    assert set(table[0]) == {
        "at",
        "user_email",
        "convention_number",
        "action",
        "object",
        "client_address",
    }
    future = run(auth_app, "audit", "export", "--since", "2099-01-01").output
    assert future.splitlines() == ["at,user_email,convention_number,action,object,client_address"]


def test_the_flask_command_line_finds_the_app(demo_warehouse: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ATLAS_ENV": "test",
        "ATLAS_VAR_DIR": str(tmp_path),
        "ATLAS_DATA_DIR": str(demo_warehouse),
        "SECRET_KEY": TEST_SECRET_KEY,
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    created = subprocess.run(
        [*flask, *CREATE], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert created.returncode == 0, created.stderr
    listed = subprocess.run(
        [*flask, "conventions", "list"], cwd=PROJECT_ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert "CONV-2024-070\tVille de Lomme" in listed.stdout


def test_combined_perimeters_are_written_for_the_build_until_revoked(
    auth_app: Dash, logged_in_client
) -> None:
    """CREATE names two communes: the build must check them together (the single ones
    of the demo conventions need nothing), and until it has, the admin page says so."""
    admin = logged_in_client(auth_app, ADMIN)
    assert json.loads(run(auth_app, "conventions", "perimeters").output) == []
    assert "combined-perimeter-alert" not in admin.get("/admin").text
    assert run(auth_app, *CREATE).exit_code == 0
    listed = json.loads(run(auth_app, "conventions", "perimeters").output)
    assert listed == [["commune:59128", "commune:59350"]]
    alert = admin.get("/admin").text.split('id="combined-perimeter-alert"')[1].split("</div>")[0]
    assert "CONV-2024-070" in alert
    assert run(auth_app, "conventions", "revoke", "CONV-2024-070").exit_code == 0
    assert json.loads(run(auth_app, "conventions", "perimeters").output) == []
