"""In Chromium, as the MEL's administrator would use /admin (issue 9): confirmation and a
way back, names rather than codes, the audit log as CSV, a convention without perimeter
flagged and its user seeing no residence-level occupation, the contact of the refusal.

The portal runs under gunicorn on a user store of its own, seeded before it starts with a
commune convention from an older database (no perimeter). Screenshots of each step are
kept under test-results/admin-*.png (look at them).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from auth.db import Database
from auth.demo_accounts import seed_demo_accounts
from auth.passwords import Passwords, make_hasher
from config import DEMO_ADMIN_CONTACT
from layouts.panel_labels import OCCUPATION_OUT_OF_PERIMETER_TEXT
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT, add_legacy_convention, demo_server
from tests.support.browser import open_commune, open_residence_from_list, residence

pytestmark = pytest.mark.browser
SLOW = 30_000
SCREENSHOTS = PROJECT_ROOT / "test-results"
ADMIN = "mel-admin@atlas-demo.fr"
LEGACY = "ancien-agent@legacy.example"
LEGACY_CONVENTION = "CONV-2019-077"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-{name}.png", full_page=True)


@pytest.fixture(scope="module")
def legacy_server(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal under gunicorn whose user store also holds a commune convention
    without perimeter, as an older version of the portal could have written it."""
    var_dir = tmp_path_factory.mktemp("admin-var")
    db = Database(f"sqlite:///{var_dir / 'atlas.sqlite3'}", var_dir / "atlas-auth.lock")
    db.upgrade()
    passwords = Passwords(make_hasher("demo"))
    seed_demo_accounts(db, passwords)
    with db.writing() as session:
        add_legacy_convention(
            session,
            number=LEGACY_CONVENTION,
            partner_name="Ville de Wattrelos (ancienne convention)",
            partner_type="commune",
            signed_on=date(2019, 3, 1),
            user=(LEGACY, "Agent (ancienne convention)", passwords.hash(DEMO_PASSWORD)),
        )
    db.dispose()
    with demo_server(var_dir, demo_warehouse, drop=("ATLAS_ADMIN_CONTACT", "DATABASE_URL")) as url:
        yield url


def admin_page(page: Page, server: str, login_as) -> Page:
    page.set_viewport_size({"width": 1500, "height": 1000})
    login_as(page, server, ADMIN)
    page.goto(f"{server}/admin")
    return page


def row(page: Page, number: str):
    return page.locator(f"tr[data-convention='{number}']")


def create_convention(page: Page, number: str, perimeter: str) -> None:
    page.locator("summary:has-text('Nouvelle convention')").click()
    form = page.locator("#new-convention")
    form.locator("input[name=number]").fill(number)
    form.locator("input[name=partner_name]").fill("Ville de Lambersart")
    form.locator("select[name=partner_type]").select_option("commune")
    form.locator("input[name=perimeter]").fill(perimeter)
    form.locator("input[name=signed_on]").fill("2024-01-10")
    form.locator("input[name=valid_from]").fill("2024-01-01")
    form.locator("input[name=valid_until]").fill("2030-12-31")
    form.locator("button:has-text('Créer la convention')").click()


def test_a_convention_without_perimeter_is_flagged_and_its_user_sees_no_residence(
    page: Page, legacy_server: str, login_as, demo_warehouse: Path
) -> None:
    # Its user opens a residence of "their" commune: residence-level occupation is refused.
    page.set_viewport_size({"width": 1400, "height": 1000})
    login_as(page, legacy_server, LEGACY)
    page.wait_for_selector("path.atlas-zone:not([d='M0 0'])", timeout=SLOW)
    name, address, commune = residence(demo_warehouse, "NOT r.secret AND r.commune_code = '59650'")
    open_commune(page, commune)
    open_residence_from_list(page, name, address)
    occupation = page.locator("#panel .panel-section-occupation")
    expect(occupation).to_contain_text(OCCUPATION_OUT_OF_PERIMETER_TEXT)
    expect(occupation.locator(".panel-figures")).to_have_count(0)
    occupation.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "admin-1-legacy-user-refused.png")

    # The administrator sees the flag, names the perimeter, and the flag goes.
    admin = admin_page(page.context.browser.new_page(), legacy_server, login_as)
    expect(admin.locator("#perimeter-alert")).to_contain_text(LEGACY_CONVENTION)
    expect(admin.locator("#perimeter-alert")).to_contain_text("ne voit aucune donnée par résidence")
    expect(row(admin, LEGACY_CONVENTION)).to_contain_text("périmètre manquant")
    shot(admin, "2-flagged")
    row(admin, LEGACY_CONVENTION).locator("input[name=perimeter]").fill("59650")
    row(admin, LEGACY_CONVENTION).locator("button:has-text('Fixer le périmètre')").click()
    expect(admin.locator("#admin-message")).to_contain_text(
        f"Périmètre de la convention {LEGACY_CONVENTION} fixé."
    )
    expect(admin.locator("#perimeter-alert")).to_have_count(0)
    expect(row(admin, LEGACY_CONVENTION)).to_contain_text("Wattrelos (59650)")


def test_perimeters_show_names_and_the_form_refuses_an_empty_one(
    page: Page, legacy_server: str, login_as
) -> None:
    admin_page(page, legacy_server, login_as)
    expect(row(page, "CONV-2022-021")).to_contain_text("Vilogia (900000002)")
    expect(row(page, "CONV-2021-011")).to_contain_text("Capinghem (59128)")
    expect(row(page, "CONV-2021-001")).to_contain_text("tout le territoire")
    expect(page.locator("#new-convention")).not_to_contain_text("vide = tout")
    number = f"CONV-2098-{uuid.uuid4().hex[:6].upper()}"
    create_convention(page, number, "")
    expect(page.locator("#admin-error")).to_have_text(
        "Une convention de commune doit nommer son périmètre : indiquez le ou les codes "
        "INSEE des communes couvertes (ex. 59128)."
    )
    expect(row(page, number)).to_have_count(0)
    shot(page, "3-empty-perimeter-refused")


def test_revoking_asks_first_and_a_revoked_convention_can_be_reinstated(
    page: Page, legacy_server: str, login_as
) -> None:
    admin_page(page, legacy_server, login_as)
    number = f"CONV-2097-{uuid.uuid4().hex[:6].upper()}"
    create_convention(page, number, "59328")
    expect(page.locator("#admin-message")).to_contain_text(f"Convention {number} créée.")
    expect(row(page, number)).to_contain_text("Lambersart (59328)")
    # Révoquer… opens a confirmation page; Annuler changes nothing.
    row(page, number).locator("a:has-text('Révoquer')").click()
    expect(page.locator("#confirm-title")).to_have_text(
        f"Révoquer la convention {number} (Ville de Lambersart) ?"
    )
    shot(page, "4-confirm-revoke")
    page.click("a:has-text('Annuler')")
    expect(row(page, number)).to_contain_text("signée")
    row(page, number).locator("a:has-text('Révoquer')").click()
    page.click("#confirm-form button:has-text('Révoquer la convention')")
    expect(page.locator("#admin-message")).to_have_text(f"Convention {number} révoquée.")
    expect(row(page, number)).to_contain_text("révoquée")
    # The way back.
    row(page, number).locator("input[name=valid_until]").fill("2031-12-31")
    row(page, number).locator("button:has-text('Rétablir')").click()
    expect(page.locator("#admin-message")).to_have_text(
        f"Convention {number} rétablie jusqu'au 31/12/2031."
    )
    expect(row(page, number)).to_contain_text("signée")
    expect(row(page, number).locator("a:has-text('Révoquer')")).to_be_visible()


def test_deactivating_asks_first_can_be_undone_and_spares_oneself(
    page: Page, legacy_server: str, login_as
) -> None:
    admin_page(page, legacy_server, login_as)
    own = page.locator(f"tr[data-user='{ADMIN}']")
    expect(own).to_contain_text("vous")
    expect(own.locator("text=Désactiver")).to_have_count(0)
    vilogia = page.locator("tr[data-user='vilogia@atlas-demo.fr']")
    vilogia.locator("a:has-text('Désactiver')").click()
    expect(page.locator("#confirm-title")).to_contain_text("Désactiver le compte de")
    expect(page.locator("#confirm-consequences")).to_contain_text("Réactiver")
    page.click("#confirm-form button:has-text('Désactiver le compte')")
    expect(page.locator("#admin-message")).to_have_text("Compte vilogia@atlas-demo.fr désactivé.")
    expect(vilogia).to_contain_text("désactivé")
    shot(page, "5-deactivated")
    vilogia.locator("button:has-text('Réactiver')").click()
    expect(page.locator("#admin-message")).to_have_text("Compte vilogia@atlas-demo.fr réactivé.")
    expect(vilogia).to_contain_text("actif")


def test_the_audit_log_downloads_as_csv_with_the_page_filters(
    page: Page, legacy_server: str, login_as, tmp_path: Path
) -> None:
    admin_page(page, legacy_server, login_as)
    page.select_option("select[name=action]", "login")
    page.click("button:has-text('Filtrer')")
    expect(page).to_have_url(re.compile(r"action=login"))
    with page.expect_download() as download_info:
        page.click("#audit-download")
    download = download_info.value
    assert re.fullmatch(r"journal-audit-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert table[0] == ["date", "utilisateur", "convention", "action", "objet", "adresse IP"]
    assert len(table) > 1 and {line[3] for line in table[1:]} == {"connexion"}
    assert ADMIN in {line[1] for line in table[1:]}
    # The download is in the log itself.
    page.goto(f"{legacy_server}/admin?action=export")
    expect(page.locator("#audit-table")).to_contain_text("journal d'audit en CSV")
    expect(page.locator("#audit-table")).to_contain_text("(action=login)")
    shot(page, "6-audit-export")


def test_the_expired_convention_gives_the_administrators_contact(
    page: Page, legacy_server: str
) -> None:
    page.goto(f"{legacy_server}/login")
    page.fill("input[name=email]", "expire@atlas-demo.fr")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button:has-text('Se connecter')")
    expect(page.locator("#login-error")).to_contain_text(
        f"Contactez l'administrateur de la Métropole ({DEMO_ADMIN_CONTACT}) pour la renouveler."
    )
    page.screenshot(path=SCREENSHOTS / "admin-7-expired-contact.png")


def test_the_confirmation_page_is_for_administrators_only(
    page: Page, legacy_server: str, login_as
) -> None:
    login_as(page, legacy_server, "capinghem@atlas-demo.fr")
    response = page.goto(f"{legacy_server}/admin/conventions/CONV-2021-011/revoke")
    assert response is not None and response.status == 403
    expect(page.locator("body")).to_contain_text("réservée aux administrateurs")
    expect(page.locator("#confirm-form")).to_have_count(0)
