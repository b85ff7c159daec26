"""HTML to PDF with Chromium's own print (through Playwright): the PDF of a page is what
the browser prints of it, with the same print stylesheet, page size and footers.

Chromium is the system's (`CHROMIUM_PATH`), headless, offline: the page is
self-contained (inline styles and SVG). Starting it costs more than printing a ten-page
file, so each process keeps one, started on first use (or `warm`, when a print page is
opened) and driven from its own thread: Playwright's objects belong to the thread that
made them, and gunicorn serves requests from several.
"""

from __future__ import annotations

import queue
import shutil
import threading
from concurrent.futures import Future

from playwright.sync_api import Browser, Playwright, sync_playwright

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
PRINT_TIMEOUT_SECONDS = 60


class PdfPrinter:
    """One headless Chromium per process, kept between documents; a broken one is
    started again for the next document."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[str, Future[bytes]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Start Chromium now, without waiting for it (a PDF will likely follow)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="pdf", daemon=True)
                self._thread.start()

    def pdf(self, html: str) -> bytes:
        """The printed PDF of a self-contained HTML page (A4, the page's own @page rules)."""
        self.warm()
        done: Future[bytes] = Future()
        self._jobs.put((html, done))
        return done.result(timeout=PRINT_TIMEOUT_SECONDS)

    def _serve(self) -> None:
        with sync_playwright() as playwright:
            browser: Browser | None = _launch(playwright)
            while True:
                html, done = self._jobs.get()
                try:
                    if browser is None or not browser.is_connected():
                        browser = _launch(playwright)
                    done.set_result(_print(browser, html))
                except Exception as error:
                    done.set_exception(error)
                    browser = None


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)


def _print(browser: Browser, html: str) -> bytes:
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        page.set_content(html, wait_until="load")
        return page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        context.close()


PRINTER = PdfPrinter()
