"""Open a showcase page from disk in Debian's Chromium and judge it as a browser sees it.

No console errors, every image loaded, no request leaving the page's folder, and axe-core
(WCAG 2 A and AA rules) reporting no violations; a screenshot is saved for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Request, sync_playwright

# Without the background-networking flags Chromium tries Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# True once the image has loaded with pixels, false if it failed; waits while it is loading.
IMAGE_LOADED = """img => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth > 0), {once: true});
    img.addEventListener("error", () => resolve(false), {once: true});
})"""


# Each SVG image on the page and the width it is drawn at, in CSS px.
SVG_IMAGES = """() => [...document.querySelectorAll("img")]
    .filter(img => img.getAttribute("src").endsWith(".svg"))
    .map(img => [img.getAttribute("src"), img.getBoundingClientRect().width])"""


def small_svg_text(site: Path, images: list[list[object]]) -> list[str]:
    """Text in each SVG image drawn below 12 CSS px: its font size times the image's scale."""
    small = []
    for src, drawn in images:
        text = (site / str(src)).read_text(encoding="utf-8")
        width = re.search(r'<svg[^>]*\swidth="([\d.]+)', text)
        if width is None or not float(str(drawn)):
            continue
        scale = float(str(drawn)) / float(width.group(1))
        for size in re.findall(r'font-size="([\d.]+)"', text):
            if float(size) * scale < 12:
                small.append(f"{src}: {float(size) * scale:.1f} px")
    return small


@dataclass
class PageVerdict:
    console_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    images: int = 0
    scroll_width: int = 0  # the page's width as laid out: above the viewport's is sideways scroll
    height: int = 0  # with every <details> closed, as a reader first sees it
    text: str = ""  # the text a reader sees, every <details> opened
    small_text: list[str] = field(default_factory=list)  # SVG text drawn below 12 CSS px


def check_page(site: Path, screenshot: Path, *, width: int = 1280) -> PageVerdict:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed (apt-get install chromium; .ci/run does it)"
    folder = site.resolve().as_uri() + "/"
    verdict = PageVerdict()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            verdict.console_errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith(folder) and not request.url.startswith("data:"):
            verdict.outside_requests.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", on_console)
            page.on("pageerror", lambda error: verdict.console_errors.append(str(error)))
            page.on("request", on_request)
            page.goto((site / "index.html").resolve().as_uri(), wait_until="load")
            verdict.scroll_width = page.evaluate("document.documentElement.scrollWidth")
            verdict.height = page.evaluate("document.documentElement.scrollHeight")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            verdict.text = page.inner_text("body")
            for image in page.locator("img").all():
                image.scroll_into_view_if_needed()
                verdict.images += 1
                # A lazy image starts loading once scrolled to: wait for its load or error
                # event rather than judge it mid-download (a busy machine decodes slowly).
                loaded = image.evaluate(IMAGE_LOADED)
                if not loaded:
                    verdict.broken_images.append(str(image.get_attribute("src")))
            verdict.small_text = small_svg_text(site, page.evaluate(SVG_IMAGES))
            options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
            results = Axe().run(page, options=options)
            verdict.violations = [
                f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
                for v in results.response["violations"]
            ]
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return verdict
