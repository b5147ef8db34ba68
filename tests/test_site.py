"""The published site in a real headless browser (Debian's Chromium, driven by Playwright).

The site is served from a sub-path (`/site/`) by a local server, as a user would host it, and
opened from disk (file://). Screenshots at 375 and 1280 px go to pytest's temporary folder.
"""

from __future__ import annotations

import re

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

CHROMIUM = "/usr/bin/chromium"
# Flags for a closed network: no background services trying to reach the outside.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent.parent / ".test-tools" / "node_modules" / "axe-core" \
    / "axe.min.js"
EN, ZH = "cdip-28-2.en.html", "cdip-28-2.zh.html"
# The six pages, in the report's order: each language's tag, its own name in the switcher, and
# Mozambique as paragraph 24 and note 25 write it in that language (what search must find).
LANGUAGES = {"zh": ("zh-Hans", "中文", "莫桑比克"), "en": ("en", "English", "Mozambique"),
             "es": ("es", "español", "Mozambique"), "fr": ("fr", "français", "Mozambique"),
             "ru": ("ru", "русский", "Мозамбике"), "ar": ("ar", "العربية", "موزامبيق")}
CODES = list(LANGUAGES)
PHONE, DESKTOP = {"width": 375, "height": 740}, {"width": 1280, "height": 900}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def output(real_build) -> Path:
    return real_build[0]


@pytest.fixture(scope="module")
def site(output):
    """The site's address, served from a sub-path: http://127.0.0.1:PORT/site/."""
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser, viewport=DESKTOP, locale="en-GB", **options):
    """A new page that records every request, failed request and console error."""
    context = browser.new_context(viewport=viewport, locale=locale, **options)
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    # A request the browser itself gives up on when the page moves on (a favicon) is no failure.
    page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED"
            and page.errors.append(f"failed: {request.url} {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and page.errors.append(
        f"{response.status}: {response.url}"))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(
        message.text))
    return page


@pytest.fixture
def page(browser):
    page = open_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser):
    page = open_page(browser, PHONE)
    yield page
    page.context.close()


def page_of(code: str) -> str:
    return f"cdip-28-2.{code}.html"


def in_view(page, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


def test_the_landing_page_offers_every_language(page, site):
    page.goto(site + "index.html#languages")
    editions = page.locator("a[data-language]")
    assert editions.count() == 6  # zh, en, es, fr, ru, ar
    for tag, title in (("zh-Hans", "总干事关于发展议程落实情况的报告"),
                       ("en", "Director General’s Report on Implementation of the Development "
                              "Agenda")):
        page.goto(site + "index.html#languages")
        page.click(f"a[data-language={tag}]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == tag
        assert page.locator("h1").inner_text() == title
    assert page.errors == []


@pytest.mark.parametrize("locale, lands_on", [("zh-CN", ZH), ("en-US", EN),
                                              ("fr-FR", "cdip-28-2.fr.html"),
                                              ("de-DE", "index.html")])
def test_the_landing_page_picks_the_browsers_language_without_trapping(browser, site, locale,
                                                                         lands_on):
    page = open_page(browser, locale=locale)
    page.goto("about:blank")
    page.goto(site + "index.html")
    page.wait_for_load_state()
    assert page.url.endswith(lands_on)
    if lands_on != "index.html":
        page.go_back()  # the landing page replaced itself: Back leaves the site
        assert page.url == "about:blank"
        page.goto(site + EN)
        page.click(".site-footer a[href$='#languages']")  # "All languages" shows the choice
        assert page.url.endswith("index.html#languages")
        assert page.locator("a[data-language]").count() == 6
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("code", CODES)
def test_the_switcher_keeps_the_place(page, site, code):
    # Into each language from the one before it (into Chinese from Arabic): every page is left
    # once and reached once, Arabic both ways.
    tag, name, _ = LANGUAGES[code]
    page.goto(site + page_of(CODES[CODES.index(code) - 1]) + "#para-27")
    page.click(f"nav.languages a[hreflang={tag}]")
    page.wait_for_url("**/" + page_of(code) + "#para-27")
    assert page.locator("html").get_attribute("lang") == tag
    assert in_view(page, "#para-27")
    assert page.locator("nav.languages [aria-current=page]").inner_text() == name


def test_the_switcher_follows_the_section_in_view(page, site):
    page.goto(site + EN)
    page.locator("#para-50").evaluate("e => e.scrollIntoView()")
    page.wait_for_timeout(300)
    href = page.locator("nav.languages a[hreflang=zh-Hans]").get_attribute("href")
    anchor = href.split("#")[1]
    assert in_view(page, f"[id='{anchor}']"), href
    section = page.locator("#para-50").evaluate("e => e.closest('section[id]').id")
    assert page.locator(".toc a[aria-current]").get_attribute("href") == "#" + section


@pytest.mark.parametrize("code", CODES)
def test_a_footnote_round_trip_with_a_named_comfortable_call(page, site, code):
    mozambique = LANGUAGES[code][2]
    page.goto(site + page_of(code))
    call = page.locator("#fnref-25")
    label = call.get_attribute("aria-label")  # "Note 25", in the page's language
    assert label == "Note 25" if code == "en" else label.endswith("25") and label != "25"
    box = call.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    call.hover()  # a preview of the note, before following the link
    assert mozambique in page.locator(".note-preview").inner_text()
    call.click()
    assert page.url.endswith("#fn-25")
    note = page.locator("#fn-25")
    assert mozambique in note.inner_text()
    top = note.evaluate("e => e.getBoundingClientRect().top")
    assert 20 <= top < 200  # room above the note, not flush with the edge
    assert note.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.click("#fn-25 a.fn-back")
    assert page.url.endswith("#fnref-25")
    assert in_view(page, "#fnref-25")


def test_headings_paragraphs_notes_and_recommendations_have_permalinks(page, site):
    page.goto(site + EN)
    headings = page.locator("main h2, main h3")
    assert headings.count() > 40
    assert headings.count() == page.locator("main :is(h2, h3)[id]").count()
    assert headings.count() == page.locator("main :is(h2, h3) a.permalink").count()
    assert page.locator("main h2[id] a.permalink").count() > 10
    assert page.locator("#para-27 a.para-number").get_attribute("href") == "#para-27"
    assert page.locator("#fn-25 a.permalink").get_attribute("href") == "#fn-25"
    assert page.locator("#rec-7 .rec-label a").get_attribute("href") == "#rec-7"
    assert page.locator("a.permalink").first.is_visible()


def test_the_first_tab_offers_a_skip_link_to_the_report(page, site):
    page.goto(site + EN)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("e => e === document.activeElement") and in_view(page, "a.skip-link")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")  # the next stop is inside the report, not the bar again
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_a_contents_link_lands_on_its_section(page, site):
    page.goto(site + EN)
    toc = page.locator("nav.toc")
    assert toc.evaluate("e => getComputedStyle(e).position") == "sticky"
    toc.locator("a[href='#section-4']").click()
    assert page.url.endswith("#section-4")
    assert in_view(page, "#section-4 h2")
    page.locator("#para-60").evaluate("e => e.scrollIntoView()")
    assert toc.is_visible()  # still beside the text far down the page


def test_on_a_phone_the_contents_fold_and_nothing_scrolls_sideways(phone, site, tmp_path):
    for name in ("index.html#languages", *map(page_of, CODES)):
        phone.goto(site + name)
        # Right to left, what overflows goes off the left edge: the width says it either way.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, name
        assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), name
    details = phone.locator("nav.toc details")
    assert details.get_attribute("open") is None
    phone.click("nav.toc summary")
    phone.click("nav.toc a[href='#annex-1']")
    assert in_view(phone, "#annex-1 h2")
    # Annex I stacks: the results sit below the recommendation's text, not beside it.
    text, results = (phone.locator(f"#rec-1 td.{cell}").bounding_box()
                     for cell in ("rec-text", "rec-results"))
    assert results["y"] >= text["y"] + text["height"] - 1 and text["width"] > 300
    assert phone.errors == []


@pytest.mark.parametrize("code", CODES)
def test_search_finds_the_paragraph_in_the_pages_language(page, site, code):
    page_name, word = page_of(code), LANGUAGES[code][2]
    page.goto(site + page_name)
    page.fill("#search-box", word)
    page.locator(f".search-results a[href$='{page_name}#para-24']").wait_for()
    results = page.locator(".search-results a")
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert site + page_name + "#para-24" in hrefs, hrefs
    # The page's own language first; the other versions that name Mozambique follow.
    assert hrefs[0].startswith(site + page_name), hrefs
    assert all(re.search(r"cdip-28-2\.\w+\.html#(para-24|fn-25)$", href) for href in hrefs)
    status = page.locator(".search-status").inner_text()  # "Results: 6", localized
    assert status == f"Results: {len(hrefs)}" if code == "en" else str(len(hrefs)) in status
    results.first.click()
    page.wait_for_load_state()
    assert in_view(page, "#" + page.url.split("#")[1])
    assert page.errors == []


# A query in one form of a word finds another form: Pagefind stems each page's language with
# its own stemmer (a plural, a case ending, the Arabic article and a plural ending).
INFLECTED = [("fr", "digesteur", "digesteurs"), ("es", "digestor", "digestores"),
             ("ru", "Мозамбик", "Мозамбике"), ("ar", "مشروع", "المشروعات")]


@pytest.mark.parametrize("code, query, form", INFLECTED)
def test_search_finds_another_form_of_the_word(page, site, code, query, form):
    page.goto(site + page_of(code))
    page.fill("#search-box", query)
    page.locator(".search-results li").first.wait_for()
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
    found = page.locator(".search-results li").evaluate_all("""items => items.map(item => [
        item.lang, Array.from(item.querySelectorAll("mark"),
                              mark => mark.textContent.replace(/[^\\p{L}\\p{N}]+/gu, ""))])""")
    own = [mark for lang, marks in found if lang == LANGUAGES[code][0] for mark in marks]
    assert form in own, found
    assert query not in own or len(set(own)) > 1, found
    # No result stands on a letter of the query alone ("(d)" for "digesteur"): such matches
    # come from the indexes that split a word they cannot stem into letters.
    assert all(len(mark) > 1 for _, marks in found for mark in marks), found
    assert page.errors == []


def test_each_language_has_its_own_index_and_stemmer(output):
    entry = json.loads((output / "site" / "pagefind" / "pagefind-entry.json").read_bytes())
    languages = entry["languages"]
    assert sorted(languages) == ["ar", "en", "es", "fr", "ru", "zh-hans"]
    for code in ("ar", "en", "es", "fr", "ru"):
        assert languages[code]["wasm"] == code, languages[code]  # the language's stemmer
        assert (output / "site" / "pagefind" / f"wasm.{code}.pagefind").is_file()
    # Chinese is split into words by the extended build, not stemmed.
    assert languages["zh-hans"]["wasm"] is None
    assert len({language["page_count"] for language in languages.values()}) == 1


def test_the_arabic_page_is_mirrored(page, site):
    """Right to left, the page's start is the right: the contents beside the text at the
    right, paragraph numbers and note numbers at the right of their text, Annex I's
    recommendation column at the right of its results."""
    sides = """() => {
        const centre = (selector) => { const box = document.querySelector(selector)
            .getBoundingClientRect(); return box.left + box.width / 2; };
        return [getComputedStyle(document.documentElement).direction,
                centre("nav.toc") > centre("main"),
                centre("#para-27 .para-number") > centre("#para-27 p"),
                centre("#fn-25 .fn-back") > centre("#fn-25"),
                centre("#rec-1 td.rec-text") > centre("#rec-1 td.rec-results")]; }"""
    page.goto(site + page_of("ar"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate(sides) == ["rtl", True, True, True, True]
    page.goto(site + EN)  # the same measures say the opposite left to right
    assert page.evaluate(sides) == ["ltr", False, False, False, False]


def test_from_file_the_site_opens_and_search_says_it_needs_a_server(browser, output):
    page = open_page(browser)
    page.goto((output / "site" / "index.html").as_uri() + "#languages")
    page.click("a[data-language=en]")
    page.wait_for_load_state()
    assert page.locator("#para-89").is_visible()
    assert page.locator("link[rel=stylesheet]").count() == 2
    assert page.locator("nav.toc").evaluate("e => getComputedStyle(e).position") == "sticky"
    page.fill("#search-box", "Mozambique")
    expect(page.locator(".search-status")).to_contain_text("web server")
    assert all(url.startswith("file://") for url in page.requests), page.requests
    assert page.errors == []
    page.context.close()


def test_without_javascript_everything_but_search_works(browser, site):
    page = open_page(browser, PHONE, java_script_enabled=False)
    page.goto(site + "index.html")
    assert page.url.endswith("index.html")  # no language picked: the reader chooses
    page.click("a[data-language=en]")
    assert not page.locator("form.search").is_visible()  # rather than a box that does nothing
    page.click("nav.toc summary")  # the folded contents open without a script
    page.click("nav.toc a[href='#section-2']")
    assert in_view(page, "#section-2 h2")
    page.click("#fnref-25")
    assert in_view(page, "#fn-25")
    page.click("nav.languages a[hreflang=zh-Hans]")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("name, viewport", [
    ("index.html#languages", DESKTOP), *((page_of(code), DESKTOP) for code in CODES),
    (ZH, PHONE), (page_of("ar"), PHONE)])
def test_axe_finds_no_violation(browser, site, name, viewport):
    page = open_page(browser, viewport)
    page.goto(site + name)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
                  for v in results["violations"]]
    assert violations == []
    page.context.close()


def test_every_page_loads_only_its_own_files_without_errors(page, site, tmp_path):
    for name in ("index.html#languages", EN, ZH):
        page.goto(site + name)
        page.fill("#search-box", "WIPO") if name != "index.html#languages" else None
        page.wait_for_timeout(400)
        for width, viewport in (("1280", DESKTOP), ("375", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(tmp_path / f"{name.split('#')[0]}.{width}.png"))
    assert all(url.startswith(site) for url in page.requests), page.requests
    assert any("/pagefind/" in url for url in page.requests)
    assert page.errors == []


def test_printing_from_the_browser_shows_the_report_alone(page, site, tmp_path):
    page.goto(site + EN)
    page.emulate_media(media="print")
    for selector in (".site-bar", "nav.toc", "nav.languages", "a.permalink"):
        assert not page.locator(selector).first.is_visible(), selector
    # A link that shows its address prints it once; a link with other text gets it after.
    bare = page.locator("#fn-1 a[href^='https://']")
    assert bare.evaluate("e => getComputedStyle(e, '::after').content") == "none"
    named = page.evaluate("""() => {
        const link = document.createElement("a");
        link.href = "https://www.wipo.int/plan"; link.textContent = "the plan";
        document.querySelector("#para-5 p").append(link);
        return getComputedStyle(link, "::after").content; }""")
    assert named == '" (https://www.wipo.int/plan)"'
    page.pdf(path=str(tmp_path / "printed.pdf"), format="A4")
    printed = PdfReader(tmp_path / "printed.pdf")
    first, second = (printed.pages[index].extract_text() for index in (0, 1))
    assert "Search" not in first and "中文" not in first and "Contents" not in first
    lines = second.splitlines()
    assert "CDIP/28/2" in lines and "2" in lines  # the running header and the page number


def test_head_metadata(page, site):
    page.goto(site + ZH)
    head = page.locator("head")
    alternates = head.locator("link[rel=alternate]").evaluate_all(
        "links => links.map(l => [l.hreflang, l.getAttribute('href')])")
    # The sample declares no address: search engines take no relative alternates, so none.
    assert alternates == []
    assert head.locator("link[rel=canonical]").count() == 0
    description = head.locator("meta[name=description]").get_attribute("content")
    assert description.startswith("本文件载有总干事关于发展议程") and len(description) <= 161
    assert head.locator("meta[property='og:title']").get_attribute("content").startswith(
        "CDIP/28/2")
    assert head.locator("meta[property='og:locale']").get_attribute("content") == "zh_CN"
    assert head.locator("link[rel=icon]").get_attribute("href") == "assets/favicon.svg"
    assert any(url.endswith("/assets/favicon.svg") for url in page.requests)
    assert page.locator("a.download").get_attribute("href") == "cdip-28-2.zh.pdf"
    response = page.request.get(site + "cdip-28-2.zh.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    data = json.loads(page.request.get(site + "data/cdip-28-2.zh.annex-1.json").text())
    assert data["language"] == "zh" and len(data["recommendations"]) == 45
