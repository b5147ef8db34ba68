"""The HTML site in a real headless browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Flags for a closed network: no background services trying to reach the outside.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(real_build):
    output, _ = real_build
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    yield page
    context.close()


def test_the_report_loads_with_its_styles_and_nothing_from_outside(page, site, tmp_path):
    page.goto(f"{site}/cdip-28-2.zh.html")
    assert page.title().startswith("CDIP/28/2")
    assert page.locator("h1").inner_text() == "总干事关于发展议程落实情况的报告"
    # The stylesheet applied: the paragraph number is laid out as an inline block.
    assert page.locator("#para-1 .para-number").evaluate(
        "e => getComputedStyle(e).display") == "inline-block"
    assert page.locator("#para-89").is_visible()
    assert page.locator("#rec-45 .result-code").first.inner_text() == "三.3"
    assert all(url.startswith(site) for url in page.requests), page.requests
    assert page.errors == []
    page.screenshot(path=str(tmp_path / "zh.png"))


def test_a_footnote_call_takes_the_reader_to_the_note_and_back(page, site):
    page.goto(f"{site}/cdip-28-2.en.html")
    page.click("#fnref-25")
    assert page.url.endswith("#fn-25")
    note = page.locator("#fn-25")
    assert note.is_visible() and "Mozambique" in note.inner_text()
    assert note.evaluate("e => e.getBoundingClientRect().top >= 0 && "
                         "e.getBoundingClientRect().top < window.innerHeight")
    page.click("#fn-25 a.fn-back")
    assert page.url.endswith("#fnref-25")


def test_the_language_switcher_opens_the_same_report_in_the_other_language(page, site):
    page.goto(f"{site}/cdip-28-2.zh.html#para-12")
    page.click("nav.languages a[hreflang=en]")
    page.wait_for_url("**/cdip-28-2.en.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#para-12").count() == 1
    assert page.locator("nav.languages [aria-current=page]").inner_text() == "English"


def test_links_in_footnotes_open_the_cited_page(page, site):
    page.goto(f"{site}/cdip-28-2.en.html")
    link = page.locator("#fn-1 a[href^='https://']")
    assert link.get_attribute("href") == \
        "https://www.wipo.int/meetings/en/doc_details.jsp?doc_id=541373"
