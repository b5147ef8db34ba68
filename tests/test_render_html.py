"""Stage 4, HTML: anchors, numbers as real text, escaping, and safe links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest


class Page(HTMLParser):
    """The ids, links and visible text of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.text_parts: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        # A permalink ("#" after a heading or note) points at its own element, not elsewhere.
        if tag == "a" and "href" in attributes and "permalink" not in (attributes.get("class")
                                                                         or ""):
            self.hrefs.append(attributes["href"])
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


@pytest.fixture(scope="module")
def pages(real_build):
    output, _ = real_build
    return {lang: Page((output / f"cdip-28-2.{lang}.html").read_text(encoding="utf-8"))
            for lang in ("zh", "en")}


def test_outputs_are_named_by_language(real_build):
    output, result = real_build
    names = sorted(path.name for path in result.outputs if path.parent == output)
    assert names == [f"cdip-28-2.{language}.{kind}" for language in
                     ("ar", "en", "es", "fr", "ru", "zh") for kind in ("docx", "html", "pdf")]
    assert (output / "assets" / "report.css").is_file()


def test_stable_anchors_are_the_same_in_both_languages(pages):
    zh, en = pages["zh"].ids, pages["en"].ids
    assert zh == en
    for prefix, count in (("para-", 89), ("fn-", 99), ("rec-", 45)):
        assert [i for i in zh if re.fullmatch(prefix + r"\d+", i)] == [
            f"{prefix}{n}" for n in range(1, count + 1)]
    assert "annex-1" in zh and "annex-2" in zh


def test_every_footnote_call_links_to_its_note_and_back(pages):
    for page in pages.values():
        calls = [h for h in page.hrefs if h.startswith("#fn-")]
        backs = [h for h in page.hrefs if h.startswith("#fnref-")]
        assert calls == [f"#fn-{n}" for n in range(1, 100)]
        assert backs == [f"#fnref-{n}" for n in range(1, 100)]
        assert set(h[1:] for h in calls + backs) <= set(page.ids)


def test_numbers_and_codes_are_real_text(pages):
    zh, en = (re.sub(r"\s+", "", pages[lang].text) for lang in ("zh", "en"))
    assert "89.CDIP不屈不挠的精神" in zh
    assert "一.区域和国家发展部门" in zh
    assert "I.RegionalandNationalDevelopmentSector" in en
    assert "三.2发展中国家" in zh and "III.2" in en
    assert "建议1*" in zh and "Recommendation45" in en
    assert "已完成且已经审评的发展议程项目（35个）" in zh


def test_header_block_is_localized(pages):
    zh, en = pages["zh"].text, pages["en"].text
    assert "原文：英文" in zh and "日期：2022 年 3 月 15 日" in zh  # text.space_han_and_latin
    assert "ORIGINAL: ENGLISH" in en and "DATE: MARCH 15, 2022" in en
    assert "2022 年 5 月 16 日至 20 日，日内瓦" in zh and "Geneva, May 16 to 20, 2022" in en
    assert "[后接附件一]" in zh and "[Annex I follows]" in en


def test_language_switcher_links_the_other_language(pages):
    assert "cdip-28-2.en.html" in pages["zh"].hrefs
    assert "cdip-28-2.zh.html" in pages["en"].hrefs


def test_content_html_is_escaped_not_interpreted(tiny):
    tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                 'The second <script>alert("x")</script> paragraph <b>in</b> 2021 '
                 "[click](https://example.org/?a=1&b=2) www.wipo.int/x_y.")
    tiny.build(formats=["html"])
    html = (tiny.output / "test-1-1.en.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "script" not in page.tags and "b" not in page.tags
    assert '&lt;script&gt;alert(“x”)&lt;/script&gt;' in html  # curly: the typographer's
    assert "<script>alert" in page.text  # shown to the reader as text
    assert "https://example.org/?a=1&b=2" in page.hrefs
    assert "https://www.wipo.int/x_y" in page.hrefs


def test_header_text_cannot_break_out_of_the_print_stylesheet(tiny):
    from rapporteur.render import render_language
    from rapporteur.build import check_report
    tiny.replace("report.yaml", "symbol: TEST/1/1", 'symbol: "T</style><script>x()</script>"')
    document, _ = check_report(tiny.project)
    html = render_language(document, "en", "print", tiny.project.theme)
    assert "<script>" not in html
    assert html.count("</style>") == 1
