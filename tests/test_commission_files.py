"""Commission files: kept per user in the auth database, printed for their author only,
with the notice, one page per residence and nothing the convention may not see."""

from __future__ import annotations

from datetime import date

import pytest
from dash import Dash
from sqlalchemy import select

from auth.commission_files import EmptyFile, create_file, files_of, pin_to_latest
from auth.models import AuditEvent, User
from data.scope import AccessScope
from layouts.ids import FinderIds
from layouts.panel_labels import OCCUPATION_OUT_OF_PERIMETER_TEXT
from layouts.print_file import css_string, printed_residence
from tests.support.dash_requests import post_callback

ROUBAIX_USER = "roubaix@atlas-demo.fr"
VILOGIA_USER = "vilogia@atlas-demo.fr"
ROUBAIX_SCOPE = AccessScope(
    "CONV-RBX", "Roubaix", "commune", frozenset({"parc", "occupation"}), frozenset({"59512"})
)


def residences(store, where: str, count: int) -> list[str]:
    rows = store._cursor().execute(
        f"SELECT residence_id FROM residences WHERE {where} ORDER BY residence_id LIMIT {count}"
    )
    return [row[0] for row in rows.fetchall()]


def make_file(app: Dash, email: str, residence_ids: list[str]) -> int:
    db = app.server.extensions["atlas_auth"].db
    with db.writing() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        return create_file(session, user.id, "Commission", date(2026, 12, 3), residence_ids).id


def test_a_file_is_kept_for_its_author_in_order_without_duplicates(auth_app: Dash, store) -> None:
    chosen = residences(store, "commune_code = '59512' AND NOT secret", 3)
    file_id = make_file(auth_app, ROUBAIX_USER, [chosen[2], chosen[0], chosen[2], chosen[1]])
    db = auth_app.server.extensions["atlas_auth"].db
    with db.reading() as session:
        user = session.scalars(select(User).where(User.email == ROUBAIX_USER)).one()
        files = files_of(session, user.id)
        other = session.scalars(select(User).where(User.email == VILOGIA_USER)).one()
        assert files_of(session, other.id) == []
    assert [f.id for f in files] == [file_id]
    assert files[0].residences == [chosen[2], chosen[0], chosen[1]]
    with pytest.raises(EmptyFile), db.writing() as session:
        create_file(session, user.id, "   ", None, chosen)


def test_only_its_author_prints_a_file(auth_app: Dash, logged_in_client, store) -> None:
    file_id = make_file(auth_app, ROUBAIX_USER, residences(store, "commune_code = '59512'", 2))
    intruder = logged_in_client(auth_app, VILOGIA_USER)
    assert intruder.get(f"/dossiers/{file_id}/impression").status_code == 404
    assert intruder.get(f"/dossiers/{file_id}.pdf").status_code == 404
    author = logged_in_client(auth_app, ROUBAIX_USER)
    page = author.get(f"/dossiers/{file_id}/impression")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Diffusion restreinte — convention CONV-2021-012 — Ville de Roubaix" in html
    assert html.count('class="print-page print-residence"') == 2
    with auth_app.server.extensions["atlas_auth"].db.reading() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.user_email for e in events] == [ROUBAIX_USER]
    assert events[0].object.startswith(f"dossier {file_id}, 2 résidences")


def test_a_printed_sheet_keeps_occupation_inside_the_perimeter(store) -> None:
    outside = residences(store, "commune_code <> '59512' AND NOT secret", 1)[0]
    inside = residences(store, "commune_code = '59512' AND NOT secret", 1)[0]
    for residence_id, covered in ((outside, False), (inside, True)):
        sheet = store.residence_sheet(residence_id, None, ROUBAIX_SCOPE)
        page = printed_residence(sheet, store.surroundings(residence_id), {}, 11)
        titles = [table.title for table in page.tables]
        assert ("Occupation (enquête OPS)" in titles) is covered
        assert (OCCUPATION_OUT_OF_PERIMETER_TEXT in page.notes) is not covered
        assert page.map_svg.startswith("<svg") and "circle" in page.map_svg


def test_a_secret_residence_prints_no_figure(store) -> None:
    secret = residences(store, "secret", 1)[0]
    sheet = store.residence_sheet(secret, None, ROUBAIX_SCOPE)
    page = printed_residence(sheet, store.surroundings(secret), {}, 11)
    assert page.tables == ()
    assert dict(page.facts)["Logements"] == "secret"


def test_the_footer_notice_cannot_break_out_of_its_css_string() -> None:
    text = css_string('Ville d\'Ailleurs "x"; } </style><script>')
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    assert '"' not in inner and "<" not in inner and "}" not in inner and ";" not in inner


def test_a_residence_pinned_from_its_sheet_joins_the_latest_file(auth_app: Dash, store) -> None:
    first, second = residences(store, "commune_code = '59512'", 2)
    db = auth_app.server.extensions["atlas_auth"].db
    with db.writing() as session:
        user = session.scalars(select(User).where(User.email == ROUBAIX_USER)).one()
        new = pin_to_latest(session, user.id, first, "Dossier du jour")
        assert (new.title, new.residences) == ("Dossier du jour", [first])
    with db.writing() as session:
        pin_to_latest(session, user.id, second, "ignored")
        again = pin_to_latest(session, user.id, first, "ignored")
    assert again.id == new.id and again.residences == [first, second]


def test_the_finder_form_saves_only_residences_that_exist(
    auth_app: Dash, logged_in_client, store
) -> None:
    client = logged_in_client(auth_app, ROUBAIX_USER)
    real = residences(store, "commune_code = '59512'", 2)
    rows = [{"residence_id": rid} for rid in [*real, "R-forged", "'; DROP TABLE users"]]
    answer = post_callback(
        client,
        [(FinderIds.FILE_MESSAGE, "children")],
        [(FinderIds.FILE_CREATE, "n_clicks", 1)],
        [
            (FinderIds.FILE_TITLE, "value", "Jeudi"),
            (FinderIds.FILE_DATE, "value", "2026-12-03"),
            (FinderIds.GRID, "selectedRows", rows),
        ],
    )
    assert answer.status_code == 200
    with auth_app.server.extensions["atlas_auth"].db.reading() as session:
        user = session.scalars(select(User).where(User.email == ROUBAIX_USER)).one()
        (saved,) = files_of(session, user.id)
    assert saved.residences == real and saved.commission_on == date(2026, 12, 3)


def test_a_printed_sheet_keeps_the_other_themes_short_and_in_words(store) -> None:
    """The fragility diagnosis is summed up by its class (in words) and its flags, the
    equipment by the residence's own figures; the allocations, by commune, stay off."""
    every = AccessScope(
        "CONV-MEL",
        "MEL",
        "mel",
        frozenset({"parc", "occupation", "diagnostic", "equipements", "attributions"}),
    )
    classed = store._cursor().execute(
        "SELECT code FROM indicators WHERE scale = 'residence' AND indicator_id = "
        "'diagnostic.class' AND status = 'ok' ORDER BY year DESC, code LIMIT 1"
    )
    residence_id = classed.fetchone()[0]
    sheet = store.residence_sheet(residence_id, None, every)
    page = printed_residence(sheet, store.surroundings(residence_id), {}, 11)
    tables = {table.title: table for table in page.tables}
    assert "Attributions" not in tables
    diagnostic = {row[0]: row[1] for row in tables["Diagnostic"].rows}
    assert set(diagnostic) == {"Classe de fragilité", "Nombre de critères signalés"}
    assert diagnostic["Classe de fragilité"] in ("Équilibrée", "À surveiller", "Fragile")
    equipment = [row[0] for row in tables["Équipements (distances à vol d'oiseau)"].rows]
    assert equipment and all("Part des logements" not in label for label in equipment)
    assert not any(label.startswith("Distance à vol") for label in equipment)  # in the title
