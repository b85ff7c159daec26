"""In Chromium: invite a user, log in through the real form, accept the terms, see the map,
log out, and see the refusal of the expired convention."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def submit_login(page: Page, live_server: str, email: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Se connecter')")


def invite(admin: Page, email: str, convention: str) -> str:
    """Invite a user from the admin page; returns the one-time password it shows."""
    admin.click("summary:has-text('Inviter un utilisateur')")
    admin.fill("#invite-user input[name=email]", email)
    admin.fill("#invite-user input[name=display_name]", "Agent d'accueil")
    admin.select_option("#invite-user select[name=convention]", convention)
    admin.click("button:has-text('Créer le compte')")
    notice = admin.locator("#admin-message").inner_text()
    return re.search(r"affiché une seule fois : (\S+) —", notice).group(1)


def test_a_new_user_logs_in_accepts_the_terms_sees_the_map_and_logs_out(
    page: Page, live_server: str, login_as
) -> None:
    # The MEL administrator invites a newcomer on the Capinghem convention.
    login_as(page, live_server, "mel-admin@atlas-demo.fr")
    page.goto(f"{live_server}/admin")
    email = f"agent-{uuid.uuid4().hex[:8]}@capinghem.example"
    password = invite(page, email, "CONV-2021-011")
    page.goto(f"{live_server}/logout")
    page.click("button:has-text('Se déconnecter')")

    # The newcomer asks for the map, logs in through the form, then reads the terms.
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Se connecter')")
    # The password was a one-time one: the newcomer chooses their own first.
    expect(page).to_have_url(re.compile(r"/password"))
    expect(page.locator("#password-notice")).to_contain_text("mot de passe provisoire")
    page.fill("input[name=current]", password)
    page.fill("input[name=new]", "un-mot-de-passe-a-moi")
    page.fill("input[name=confirm]", "un-mot-de-passe-a-moi")
    page.click("button:has-text('Enregistrer le mot de passe')")
    expect(page).to_have_url(re.compile(r"/conditions"))
    expect(page.get_by_text("Aucune communication à des tiers")).to_be_visible()
    page.check("input[name=accept]")
    page.click('button:has-text("J\'accepte les conditions")')

    # The map, with the partner and convention shown discreetly.
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)
    expect(page.locator("#header-partner")).to_contain_text("CONV-2021-011")
    # the map's first callbacks are over: one answered after the logout would reload the
    # page, which then asks the (logged-out) user to log in again
    page.wait_for_load_state("networkidle")
    page.get_by_text("Se déconnecter").first.click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_the_expired_convention_is_refused_with_its_reason(page: Page, live_server: str) -> None:
    submit_login(page, live_server, "expire@atlas-demo.fr", "atlas-demo-2021")
    expect(page.locator("#login-error")).to_contain_text(
        "La convention CONV-2020-041 a expiré le 31/12/2025"
    )
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_wrong_password_gets_a_french_message(page: Page, live_server: str) -> None:
    submit_login(page, live_server, "roubaix@atlas-demo.fr", "pas-le-bon-mot-de-passe")
    expect(page.locator("#login-error")).to_have_text(
        "Adresse électronique ou mot de passe incorrect."
    )


def test_a_convention_revoked_during_a_session_sends_the_user_to_the_login_page(
    page: Page, browser: Browser, live_server: str, login_as
) -> None:
    number = f"CONV-2099-{uuid.uuid4().hex[:6].upper()}"
    email = f"agent-{uuid.uuid4().hex[:8]}@lambersart.example"
    admin = browser.new_page()
    login_as(admin, live_server, "mel-admin@atlas-demo.fr")
    admin.goto(f"{live_server}/admin")
    admin.click("summary:has-text('Nouvelle convention')")
    admin.fill("#new-convention input[name=number]", number)
    admin.fill("#new-convention input[name=partner_name]", "Ville de Lambersart")
    admin.select_option("#new-convention select[name=partner_type]", "commune")
    admin.fill("#new-convention input[name=perimeter]", "59328")
    admin.fill("#new-convention input[name=signed_on]", "2024-01-10")
    admin.fill("#new-convention input[name=valid_from]", "2024-01-01")
    admin.fill("#new-convention input[name=valid_until]", "2030-12-31")
    admin.click("button:has-text('Créer la convention')")
    expect(admin.locator("#admin-message")).to_contain_text(f"Convention {number} créée.")
    password = invite(admin, email, number)

    login_as(page, live_server, email, password)
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)

    admin.goto(f"{live_server}/admin")
    admin.locator(f"tr[data-convention='{number}'] a:has-text('Révoquer')").click()
    admin.click("#confirm-form button:has-text('Révoquer la convention')")
    expect(admin.locator("#admin-message")).to_contain_text(f"Convention {number} révoquée.")

    # The next request of the map to Dash gets 401: the page reloads on the login page,
    # which says why.
    page.evaluate("window.fetch('/_dash-layout')")
    expect(page).to_have_url(re.compile(r"/login"), timeout=15_000)
    expect(page.locator("#login-notice")).to_contain_text(f"La convention {number} a été révoquée")
