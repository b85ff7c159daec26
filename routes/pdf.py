"""HTML to PDF with Chromium's own print (through Playwright): the PDF of a page is what
the browser prints of it, with the same print stylesheet, page size and footers.

Chromium is the system's (`CHROMIUM_PATH`), started headless for each document, with the
network off: the page is self-contained (inline styles and SVG).
"""

from __future__ import annotations

import shutil

from playwright.sync_api import sync_playwright

CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def html_to_pdf(html: str) -> bytes:
    """The printed PDF of a self-contained HTML page (A4, the page's own @page rules)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.set_content(html, wait_until="load")
            return page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
