"""A presenter in a real Chromium at 1280×720: the map opens on their commune, the link
is copied, two views are saved and made a tour, presented full screen and stepped
through with the arrow keys; Escape leaves.

The page renders at half its pixel density, so its screenshots are what a video call
scaled to half size shows: test-results/presentation-*.png (look at them).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from layouts.ids import ControlIds, PresentationIds, SavedViewIds
from tests.support.browser import SLOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
ROUBAIX_USER = "roubaix@atlas-demo.fr"
PRESENTING = "() => document.documentElement.classList.contains('atlas-presenting')"
# The smallest text a presentation shows, in CSS pixels at 1280×720 (half of it is what
# a video call scaled down shows): the caption, the legend, the footer.
MIN_FONT_PX = {".presentation-caption": 24, ".legend-row": 18, ".presentation-source": 16}


def query_of(page: Page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def save_view(page: Page, name: str) -> None:
    page.locator(".save-view summary").click()
    page.fill(f"#{PresentationIds.SAVE_NAME}", name)
    page.click(f"#{PresentationIds.SAVE}")
    expect(page.locator(f"#{PresentationIds.SAVE_MESSAGE}")).to_contain_text(
        f"Vue « {name} » enregistrée", timeout=SLOW
    )
    page.locator(".save-view summary").click()


def font_px(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate(
        "element => parseFloat(getComputedStyle(element).fontSize)"
    )


@pytest.fixture
def presenter(browser: Browser, live_server: str, login_as):
    context = browser.new_context(
        viewport={"width": 1280, "height": 720}, device_scale_factor=0.5, locale="fr-FR"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    login_as(page, live_server, ROUBAIX_USER)
    yield page
    context.close()


def test_a_presenter_walks_a_tour_with_the_arrow_keys(
    presenter: Page, live_server: str, store
) -> None:
    page = presenter
    SCREENSHOTS.mkdir(exist_ok=True)
    expect(page.locator(".legend-title")).to_be_visible(timeout=SLOW)
    # Roubaix's officer opens on Roubaix
    page.wait_for_function("() => /zoom=/.test(location.search)", timeout=SLOW)
    roubaix = store.place("commune", "59512")
    lat, lon = (float(part) for part in query_of(page)["centre"].split(","))
    assert roubaix.min_lat <= lat <= roubaix.max_lat and roubaix.min_lon <= lon <= roubaix.max_lon
    assert int(query_of(page)["zoom"]) >= 12

    page.click(f"#{PresentationIds.COPY_LINK}")
    expect(page.locator(f"#{PresentationIds.COPY_STATUS}")).to_have_text("Lien copié")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url

    save_view(page, "Roubaix par commune")
    page.locator(f"#{ControlIds.SCALE} label", has_text="IRIS").click()
    page.wait_for_function("() => location.search.includes('echelle=iris')", timeout=SLOW)
    save_view(page, "Roubaix par IRIS")

    page.goto(f"{live_server}/vues")
    page.fill(f"#{SavedViewIds.TOUR_NAME}", "Conseil municipal")
    page.click(f"#{SavedViewIds.TOUR_VIEWS}")
    page.click(".dash-dropdown-options >> text=Roubaix par commune")
    page.click(".dash-dropdown-options >> text=Roubaix par IRIS")
    page.keyboard.press("Escape")
    page.fill(f"#{SavedViewIds.TOUR_CAPTIONS}", "Le parc de chaque commune\nEt de chaque IRIS")
    page.click(f"#{SavedViewIds.TOUR_CREATE}")
    expect(page.locator(f"#{SavedViewIds.MESSAGE}")).to_have_text(
        "Parcours « Conseil municipal » créé (2 vues).", timeout=SLOW
    )
    page.locator("tr", has_text="Conseil municipal").locator("a", has_text="Présenter").click()

    # the first step, full screen
    page.wait_for_function(PRESENTING, timeout=SLOW)
    caption = page.locator(f"#{PresentationIds.CAPTION}")
    expect(caption).to_have_text(
        "Logements sociaux — 2024 — par commune — Métropole Européenne de Lille", timeout=SLOW
    )
    expect(page.locator(".tour-caption")).to_have_text("Le parc de chaque commune")
    expect(page.locator(".legend-title")).to_be_visible(timeout=SLOW)
    map_box = page.locator("#map").bounding_box()
    assert map_box["width"] == 1280 and map_box["height"] >= 0.7 * 720
    for hidden in (".atlas-header", f"#{ControlIds.BAR}", "#panel", f"#{PresentationIds.TOOLS}"):
        expect(page.locator(hidden)).to_be_hidden()
    source = page.locator(f"#{PresentationIds.SOURCE}")
    expect(source).to_contain_text("Source : RPLS")
    expect(source).to_contain_text("Diffusion restreinte — convention CONV-2021-012")
    sizes = {selector: font_px(page, selector) for selector in MIN_FONT_PX}
    print("presentation font sizes (CSS px at 1280×720):", sizes)
    assert all(sizes[selector] >= least for selector, least in MIN_FONT_PX.items())
    page.screenshot(path=SCREENSHOTS / "presentation-step-1.png")

    # the arrow keys step through the tour, each step opening as its permalink would
    page.keyboard.press("ArrowRight")
    expect(page.locator(".tour-caption")).to_have_text("Et de chaque IRIS", timeout=SLOW)
    expect(caption).to_contain_text("par IRIS", timeout=SLOW)
    assert query_of(page)["echelle"] == "iris" and query_of(page)["etape"] == "2"
    last = page.locator(f"#{PresentationIds.TOUR_NEXT}")
    assert last.evaluate("element => element.tagName") == "SPAN"  # no step after the last
    page.screenshot(path=SCREENSHOTS / "presentation-step-2.png")
    page.keyboard.press("ArrowRight")  # the last step stays
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".tour-caption")).to_have_text("Le parc de chaque commune", timeout=SLOW)
    expect(caption).to_contain_text("par commune", timeout=SLOW)
    assert query_of(page)["etape"] == "1"

    page.keyboard.press("Escape")
    page.wait_for_function(f"() => !({PRESENTING})()")
    assert "presentation" not in query_of(page) and "parcours" not in query_of(page)
    expect(page.locator(f"#{ControlIds.BAR}")).to_be_visible()
