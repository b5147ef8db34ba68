"""What a reader of the published site notices, in Debian's Chromium: a page that does not move
while it loads on a slow phone, search results that neither widen the page nor cover what they
found, notes whose calls and explanations are where the reader looks, and pages that outside
checkers (html-validate, the Nu checker) find clean.

The sample report's site is built once for the run (`real_build`) and served from a sub-path,
with the site's script held back for a while: a slow network, but certain, so that a layout
that waited for the script would be painted before it, every time.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from test_site import CODES, DESKTOP, EN, PHONE, ZH, open_page, page_of
from test_site import browser, page, phone  # noqa: F401 - the same Chromium fixtures

TOOLS = Path(__file__).resolve().parent.parent / ".test-tools" / "node_modules"
HTML_VALIDATE = TOOLS / ".bin" / "html-validate"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCRIPT_DELAY = 1.5  # seconds the server holds back assets/site.js
# Every layout shift the page made, read from the browser's buffered record of them.
LAYOUT_SHIFT = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const shift of list.getEntries()) if (!shift.hadRecentInput) total += shift.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => done(total)));
})"""


class _SlowScriptHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/assets/site.js"):
            time.sleep(SCRIPT_DELAY)
        super().do_GET()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site(real_build):
    handler = functools.partial(_SlowScriptHandler, directory=str(real_build[0]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site/"
    server.shutdown()


def search(page, query: str) -> None:
    page.fill("#search-box", query)
    page.locator(".search-results li").first.wait_for()
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")


@pytest.mark.parametrize("name", [EN, ZH])
def test_a_phone_on_a_slow_network_sees_nothing_move_while_the_page_loads(phone, site, name):
    session = phone.context.new_cdp_session(phone)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {  # Lighthouse's "slow 4G"
        "offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
        "uploadThroughput": 750e3 / 8})
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    phone.goto(site + name, wait_until="load")  # deferred scripts have run by then
    assert phone.evaluate(LAYOUT_SHIFT) <= 0.02
    # ... and the first paint was the final one: contents folded, search box at hand.
    assert phone.locator("nav.toc details").get_attribute("open") is None
    assert phone.locator("#search-box").is_visible()
    assert phone.errors == []


def test_english_results_on_a_phone_stay_within_the_screen(phone, site):
    phone.goto(site + EN)
    search(phone, "technical assistance")  # excerpts with long addresses (note 62)
    assert phone.locator(".search-results li").count() >= 8
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("name, query", [(EN, "technical assistance"), (ZH, "技术援助")])
def test_a_followed_result_is_not_covered_by_the_results(page, site, name, query):
    page.goto(site + name)
    search(page, query)
    result = page.locator(f".search-results a[href*='{name}#']").first
    anchor = result.get_attribute("href").split("#")[1]
    result.click()
    page.wait_for_url(f"**#{anchor}")
    uncovered = page.evaluate("""(anchor) => {
        const target = document.getElementById(anchor);
        const box = target.getBoundingClientRect();
        const found = document.elementFromPoint(box.left + box.width / 2,
                                                box.top + Math.min(box.height, innerHeight) / 2);
        return box.top >= 0 && box.top < innerHeight && target.contains(found); }""", anchor)
    assert uncovered, anchor
    page.click("#search-box")  # the box opens the results again
    assert page.locator(".search-results").is_visible()


def test_results_say_what_they_are_and_an_english_query_finds_no_fragments(page, site):
    page.goto(site + ZH)
    search(page, "technical assistance")
    items = page.locator(".search-results li")
    found = items.evaluate_all("""items => items.map(item => [
        item.lang, item.querySelector("a").href.split("/").pop(),
        Array.from(item.querySelectorAll("mark"), mark => mark.textContent.trim())])""")
    # Chinese splits the words into letters: "(a)" and "A/62/12" matched "a". No more.
    for lang, href, marks in found:
        assert all(len(mark) > 1 for mark in marks), (href, marks)
        code = href.split(".")[1]  # cdip-28-2.CODE.html#…: each result in its page's language
        assert lang == {"zh": "zh-Hans"}.get(code, code), href
    assert any(href.startswith(EN + "#fn-34") for _, href, _ in found)
    page.fill("#search-box", "莫桑比克")
    page.locator(f".search-results a[href$='{ZH}#para-24']").wait_for()
    titles = page.locator(".search-results a").all_inner_texts()
    assert "一. 区域和国家发展部门 · 第 24 段" in titles
    assert "一. 区域和国家发展部门 · 脚注 25" in titles


def test_on_a_phone_annex_one_explains_its_asterisk(phone, site):
    phone.goto(site + EN + "#annex-1")
    call = phone.locator("#fnref-98")  # "marked with an asterisk …: immediate implementation"
    assert call.is_visible() and call.bounding_box()["height"] >= 24
    assert "asterisk" in phone.locator("#fn-98").inner_text()
    phone.click("#fn-98 a.fn-back")
    assert phone.evaluate("""() => { const box = document.getElementById("fnref-98")
        .getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }""")


# A phone as Chromium emulates one (touch, two pixels a CSS pixel), and a wide screen.
@pytest.mark.parametrize("viewport, options", [
    (PHONE, {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}), (DESKTOP, {})])
def test_no_note_call_starts_a_line(browser, site, viewport, options):
    page = open_page(browser, viewport, **options)
    for name in map(page_of, CODES):
        page.goto(site + name)
        # A call starts a line when its middle stands before the last character before it,
        # left of it (right of it, right to left): its raised box may reach up into the line
        # above, and its negative margins past a narrow "l": neither its top nor its edge
        # says it.
        stranded = page.evaluate("""() => Array.from(document.querySelectorAll("main a.fn-call"))
          .filter((call) => {
            if (!call.getClientRects().length) return false;  // not shown at this width
            const block = call.closest("p, li, td, th");
            const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
            let before = null;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (call.contains(node) ||
                  call.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) break;
              if (node.data.replace(/[\\s\\u2060]/g, "")) before = node;
            }
            if (!before) return false;
            const end = before.data.replace(/[\\s\\u2060]+$/, "").length;
            const range = document.createRange();
            range.setStart(before, end - 1);
            range.setEnd(before, end);
            const box = call.getBoundingClientRect(), middle = (box.left + box.right) / 2;
            const last = range.getBoundingClientRect();
            return getComputedStyle(block).direction === "rtl" ? middle > last.right
              : middle < last.left;
          }).map((call) => call.textContent)""")
        assert page.locator("main a.fn-call").count() == 99
        assert stranded == [], (name, viewport)
    page.context.close()


def test_titles_fit_search_results_and_the_heading_keeps_the_whole_title(page, site):
    for name in (EN, ZH):
        page.goto(site + name)
        title, heading = page.title(), page.locator("h1").inner_text()
        assert len(title) <= 70 and title.startswith("CDIP/28/2 – "), title
        assert title.removeprefix("CDIP/28/2 – ").rstrip("…") in heading
    assert page.locator("main h1").count() + page.locator("header h1").count() == 1


PAGES = ("index.html", *map(page_of, CODES))


def test_html_validate_finds_nothing(real_build):
    site = real_build[0] / "site"
    # One line per problem ("file:line:col: error [rule] message"): the JSON formatter repeats
    # each page's source, more than Node writes to a pipe before it exits.
    checked = subprocess.run([str(HTML_VALIDATE), "--preset", "recommended", "--formatter",
                              "text", *(str(site / name) for name in PAGES)],
                             capture_output=True, text=True)
    assert (checked.returncode, checked.stdout.splitlines()) == (0, []), checked.stderr


def test_the_nu_checker_has_no_warning_either(real_build):
    site = real_build[0] / "site"
    checked = subprocess.run(["java", "-jar", str(VNU), "--format", "json",
                              *(str(site / name) for name in PAGES)],
                             capture_output=True, text=True)
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert [(Path(m.get("url", "")).name, m["type"], m["message"]) for m in messages] == []
