"""In Chromium, issue 9's findings as a user and a guesser meet them: the lock tells the
guesser nothing, another site cannot log the user out, an invited user chooses their
password, the administrator resets one, and anyone changes theirs from the header."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from local_server import free_port

pytestmark = pytest.mark.browser

ADMIN = "mel-admin@atlas-demo.fr"
WRONG = "Adresse électronique ou mot de passe incorrect."


def invite(admin: Page, live_server: str, email: str) -> str:
    """Invite a user on the Capinghem convention from the admin page; returns the one-time
    password it shows once."""
    admin.goto(f"{live_server}/admin")
    admin.click("summary:has-text('Inviter un utilisateur')")
    admin.fill("#invite-user input[name=email]", email)
    admin.fill("#invite-user input[name=display_name]", "Agent d'accueil")
    admin.select_option("#invite-user select[name=convention]", "CONV-2021-011")
    admin.click("button:has-text('Créer le compte')")
    notice = admin.locator("#admin-message").inner_text()
    return re.search(r"affiché une seule fois : (\S+) —", notice).group(1)


def submit_login(page: Page, live_server: str, email: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Se connecter')")
    page.wait_for_load_state("domcontentloaded")


def log_out(page: Page) -> None:
    page.locator("button:has-text('Se déconnecter')").first.click()
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.fixture
def admin(browser: Browser, live_server: str, login_as) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    login_as(page, live_server, ADMIN)
    yield page
    context.close()


def test_a_guesser_learns_nothing_from_the_lock(
    page: Page, admin: Page, live_server: str, login_as
) -> None:
    email = f"cible-{uuid.uuid4().hex[:8]}@capinghem.example"
    login_as(
        page, live_server, email, invite(admin, live_server, email), chosen="le-bon-mot-de-passe"
    )
    log_out(page)
    for number in range(10):
        submit_login(page, live_server, email, f"essai-numero-{number}")
        expect(page.locator("#login-error")).to_have_text(WRONG)
    # Locked now: the right password gets the very same answer.
    submit_login(page, live_server, email, "le-bon-mot-de-passe")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("#login-error")).to_have_text(WRONG)
    expect(page.get_by_text("verrouillé")).to_have_count(0)
    # The administrator sees the lock, and lifts it.
    admin.goto(f"{live_server}/admin")
    row = admin.locator(f"tr[data-user='{email}']")
    expect(row).to_contain_text("verrouillé jusqu'au")
    row.locator("button:has-text('Déverrouiller')").click()
    expect(admin.locator("#admin-message")).to_contain_text(f"Compte {email} déverrouillé.")
    submit_login(page, live_server, email, "le-bon-mot-de-passe")
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)


@pytest.fixture
def other_site(live_server: str) -> Iterator[str]:
    """A page on another site (localhost is not the same site as 127.0.0.1) that sends
    its visitor to the portal's /logout, as an attacker's page would."""
    target = f"{live_server}/logout"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (
                "<!doctype html><title>Un autre site</title>"
                f'<a id="go" href="{target}">Voir</a>'
                f"<script>location.href = {target!r};</script>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_another_site_cannot_log_the_user_out(
    page: Page, live_server: str, login_as, other_site: str
) -> None:
    login_as(page, live_server, "etat@atlas-demo.fr")
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)
    page.goto(other_site)
    expect(page).to_have_url(re.compile(r"/logout$"))
    expect(page.get_by_role("heading", name="Se déconnecter ?")).to_be_visible()
    # The user did not confirm: the map is still theirs.
    page.goto(f"{live_server}/")
    expect(page.locator("#header-partner")).to_contain_text("CONV-2021-031", timeout=30_000)
    # The header's button logs out (a POST with the CSRF token).
    log_out(page)
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_an_invited_user_chooses_then_changes_their_password_from_the_header(
    page: Page, admin: Page, live_server: str
) -> None:
    email = f"agent-{uuid.uuid4().hex[:8]}@capinghem.example"
    one_time = invite(admin, live_server, email)
    submit_login(page, live_server, email, one_time)
    expect(page).to_have_url(re.compile(r"/password\?next="))
    expect(page.get_by_role("heading", name="Choisir mon mot de passe")).to_be_visible()
    page.goto(f"{live_server}/")  # nothing else until the password is chosen
    expect(page).to_have_url(re.compile(r"/password\?next="))
    page.fill("input[name=current]", one_time)
    page.fill("input[name=new]", "password1234")
    page.fill("input[name=confirm]", "password1234")
    page.click("button:has-text('Enregistrer le mot de passe')")
    expect(page.locator("#password-error")).to_contain_text("mots de passe courants")
    page.fill("input[name=current]", one_time)
    page.fill("input[name=new]", "les-cerisiers-de-capinghem")
    page.fill("input[name=confirm]", "les-cerisiers-de-capinghem")
    page.click("button:has-text('Enregistrer le mot de passe')")
    expect(page).to_have_url(re.compile(r"/conditions"))
    page.check("input[name=accept]")
    page.click('button:has-text("J\'accepte les conditions")')
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)

    page.click("#password-link")
    expect(page.get_by_role("heading", name="Changer mon mot de passe")).to_be_visible()
    page.fill("input[name=current]", "les-cerisiers-de-capinghem")
    page.fill("input[name=new]", "les-pommiers-de-capinghem")
    page.fill("input[name=confirm]", "les-pommiers-de-capinghem")
    page.click("button:has-text('Enregistrer le mot de passe')")
    expect(page.locator("#password-notice")).to_have_text("Votre mot de passe a été changé.")
    log_out(page)
    submit_login(page, live_server, email, "les-pommiers-de-capinghem")
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)


def test_the_administrator_resets_a_password(
    page: Page, admin: Page, live_server: str, login_as
) -> None:
    email = f"oubli-{uuid.uuid4().hex[:8]}@capinghem.example"
    login_as(
        page, live_server, email, invite(admin, live_server, email), chosen="oublie-aussitot-1"
    )
    # The map has made all its requests: one still in flight when the session ends would
    # get 401 and the page's session guard would reload it, racing our own reload below.
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    admin.goto(f"{live_server}/admin")
    admin.locator(
        f"tr[data-user='{email}'] button:has-text('Réinitialiser le mot de passe')"
    ).click()
    notice = admin.locator("#admin-message").inner_text()
    assert "72 heures" in notice
    one_time = re.search(r"affiché une seule fois : (\S+) —", notice).group(1)
    # The user's session has ended; the one-time password leads to choosing a new one.
    page.reload()
    expect(page).to_have_url(re.compile(r"/login"), timeout=15_000)
    login_as(page, live_server, email, one_time, chosen="retrouve-le-mien-2")
    expect(page.locator(".leaflet-container").first).to_be_visible(timeout=30_000)
