"""A commission preparer in a real Chromium: the finder's filters and sort, a commission
file of three residences, its print and PDF, the XLSX export, a click on a residence.

Screenshots of each step are kept under test-results/finder-*.png (look at them).
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from data.scope import AccessScope
from data.store.finder_types import ColumnFilter, FinderQuery, NumberCondition, TextCondition
from layouts.finder import count_text
from layouts.ids import FinderIds
from tests.support.browser import SLOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"
ROUBAIX_USER = "roubaix@atlas-demo.fr"
GRID = f"#{FinderIds.GRID}"
VACANCY = "parc__vacancy_rate_offered"
NOTICE = "Diffusion restreinte — convention CONV-2021-012 — Ville de Roubaix"
ROUBAIX_SCOPE = AccessScope(
    "CONV-2021-012", "Ville de Roubaix", "commune", frozenset({"parc", "occupation"}),
    frozenset({"59512"}),
)  # fmt: skip


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"finder-{name}.png")


def floating_filter(page: Page, field: str, text: str) -> None:
    """Type into a column's floating filter (below its header): "more than" for numbers,
    "contains" for texts."""
    box = page.locator(f'{GRID} .ag-floating-filter[col-id="{field}"] input:not([disabled])')
    box.scroll_into_view_if_needed()
    box.fill(text)


def count(page: Page) -> int:
    counter = page.locator(f"#{FinderIds.COUNT}")
    expect(counter).to_contain_text("résidence", timeout=SLOW)
    text = counter.inner_text()
    return int(text.split(" rés")[0].replace("\u00a0", "").replace(" ", ""))


def test_a_preparer_goes_from_a_question_to_a_printed_file_and_an_export(
    page: Page, live_server: str, login_as, store
) -> None:
    page.set_viewport_size({"width": 1500, "height": 1000})
    login_as(page, live_server, ROUBAIX_USER)
    page.goto(f"{live_server}/residences")
    expect(page.locator(f"{GRID} .ag-row .finder-name").first).to_be_visible(timeout=SLOW)
    everything = count(page)

    floating_filter(page, "commune", "Roubaix")
    floating_filter(page, "parc__dwellings", "50")
    floating_filter(page, VACANCY, "5")
    question = FinderQuery(
        filters=(
            ColumnFilter("commune", (TextCondition("contains", "Roubaix"),)),
            ColumnFilter("parc__dwellings", (NumberCondition("greaterThan", 50),)),
            ColumnFilter(VACANCY, (NumberCondition("greaterThan", 5),)),
        )
    )
    expected = store.finder_page(ROUBAIX_SCOPE, question).total
    expect(page.locator(f"#{FinderIds.COUNT}")).to_have_text(count_text(expected), timeout=SLOW)
    filtered = count(page)
    assert 3 <= filtered < everything
    page.locator(f'{GRID} .ag-header-cell[col-id="{VACANCY}"] .ag-header-cell-label').click()
    page.locator(f'{GRID} .ag-header-cell[col-id="{VACANCY}"] .ag-header-cell-label').click()
    page.wait_for_timeout(1500)
    vacancies = page.locator(f'{GRID} .ag-center-cols-container .ag-row [col-id="{VACANCY}"]')
    expect(vacancies.first).to_be_visible(timeout=SLOW)
    shown = [
        float(text.replace("\u00a0%", "").replace(",", "."))
        for text in vacancies.all_inner_texts()[:8]
    ]
    assert all(value > 5 for value in shown)
    assert shown == sorted(shown, reverse=True), shown
    query = parse_qs(urlsplit(page.url).query)
    assert query["tri"] == [f"{VACANCY}:desc"] and "parc__dwellings" in query["filtres"][0]
    shot(page, "1-filtered-sorted")

    boxes = page.locator(f"{GRID} .ag-pinned-left-cols-container .ag-row input[type=checkbox]")
    for index in range(3):
        boxes.nth(index).check()
    page.fill(f"#{FinderIds.FILE_TITLE}", "Commission de jeudi")
    page.fill(f"#{FinderIds.FILE_DATE}", "2026-12-03")
    page.click(f"#{FinderIds.FILE_CREATE}")
    saved = page.locator(".finder-file-saved")
    expect(saved).to_contain_text("3 résidences", timeout=SLOW)
    shot(page, "2-file-saved")

    with page.expect_download(timeout=SLOW) as download:
        page.click(f"#{FinderIds.EXPORT_XLSX}")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book["Résidences"].iter_rows(values_only=True))
    assert len(rows) - 1 == filtered
    vacancy_column = next(h for h in rows[0] if h.startswith("Taux de vacance"))
    values = [row[rows[0].index(vacancy_column)] for row in rows[1:]]
    assert all(isinstance(v, int | float) and v > 5 for v in values), values
    assert values == sorted(values, reverse=True)
    readme = dict(book["À lire"].iter_rows(values_only=True))
    assert readme["Avertissement"].startswith(NOTICE)

    page.goto(f"{live_server}/dossiers")
    expect(page.locator(".files-table")).to_contain_text("Commission de jeudi", timeout=SLOW)
    shot(page, "3-files")
    print_href = page.locator(".files-table a", has_text="Imprimer").get_attribute("href")
    page.goto(f"{live_server}{print_href}")
    expect(page.locator(".print-residence")).to_have_count(3)
    expect(page.locator(".print-cover")).to_contain_text(NOTICE)
    shot(page, "4-print")
    response = page.request.get(f"{live_server}{print_href.replace('/impression', '.pdf')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body()))
    assert len(pdf.pages) == 1 + 3  # the cover, then one A4 page per residence
    for number, pdf_page in enumerate(pdf.pages, 1):
        text = pdf_page.extract_text()
        assert NOTICE in text and f"Page {number} / 4" in text


def test_a_click_on_a_residence_opens_its_sheet_on_the_map(
    page: Page, live_server: str, login_as
) -> None:
    page.set_viewport_size({"width": 1500, "height": 1000})
    login_as(page, live_server, ROUBAIX_USER)
    page.goto(f"{live_server}/residences?q=roubaix&tri=parc__dwellings:desc")
    first = page.locator(f"{GRID} .ag-pinned-left-cols-container .ag-row .finder-name a").first
    expect(first).to_be_visible(timeout=SLOW)
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/?echelle=residence*", timeout=SLOW)
    expect(page.locator(".panel-residence .panel-title")).to_have_text(name, timeout=SLOW)
    assert "centre=" in page.url and "selection=residence" in page.url
    expect(page.locator(".panel-print")).to_be_visible()
    shot(page, "5-row-click-sheet")
