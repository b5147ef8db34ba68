"""Cross-references to the annexes ({rec:13,14}, {project:ID}): checked, written out, linked both
ways — on the tiny report for each rule, and on the real report's HTML and PDF against its content.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from test_site import browser, output, site  # noqa: F401  (fixtures: the built site in Chromium)
from test_site import page as browser_page  # noqa: F401

from rapporteur.build import check_report
from rapporteur.cli import main
from rapporteur.errors import ContentError
from rapporteur.load import load_content
from rapporteur.parity import paragraphs
from rapporteur.references import plain_mentions
from rapporteur.validate import paragraph_texts, validate_content

OPENING = "body/01-opening.yaml"
SECOND_ZH = "zh: 第二段于 2021 年。"
SECOND_EN = "en: The second paragraph, in 2021."


def cite(tiny, zh: str, en: str) -> None:
    """Give paragraph 2 of the tiny report these texts (YAML-quoted)."""
    tiny.replace(OPENING, SECOND_ZH, f'zh: "{zh}"')
    tiny.replace(OPENING, SECOND_EN, f'en: "{en}"')


class Elements(HTMLParser):
    """For each element with an id: the links inside it and its text."""

    def __init__(self, html: str):
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.text: dict[str, str] = {}
        self.ids: set[str] = set()
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def _inside(self) -> list[str]:
        return [element_id for _, element_id in self._open if element_id]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag in ("br", "col", "meta", "link", "input", "img"):
            return
        # Links of the text, not the page's own (a permalink, a paragraph's number).
        if tag == "a" and "href" in attributes and \
                attributes.get("class") not in ("permalink", "para-number"):
            for element_id in self._inside():
                self.links.setdefault(element_id, []).append(attributes["href"])
        self._open.append((tag, attributes.get("id")))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element_id in self._inside():
            self.text[element_id] = self.text.get(element_id, "") + data


@pytest.fixture
def html_name(tiny):
    """The tiny report's HTML file name for a language (its symbol gives the slug)."""
    document, _ = check_report(tiny.project)
    slug = "".join(c if c.isalnum() else "-" for c in document.header.symbol.lower())
    return lambda lang: tiny.output / f"{slug}.{lang}.html"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- written out and linked --------------------------------------------------------------------

def test_recommendations_read_in_the_language_and_link_to_their_rows(tiny, html_name):
    cite(tiny, "见{rec:1,2}、{rec:1-2}和{rec:2}。", "See {rec:1,2}, {rec:1-2} and {rec:2}.")
    tiny.build(formats=["html"])
    zh = Elements(html_name("zh").read_text(encoding="utf-8"))
    en = Elements(html_name("en").read_text(encoding="utf-8"))
    assert squeeze(zh.text["para-2"]) == ("2.见发展议程建议 1 和 2、发展议程建议 1 至 2和"
                                          "发展议程建议 2。")
    assert squeeze(en.text["para-2"]) == ("2.See Development Agenda Recommendations 1 and 2, "
                                          "Development Agenda Recommendations 1 to 2 and "
                                          "Development Agenda Recommendation 2.")
    for elements in (zh, en):
        assert elements.links["para-2"] == ["#rec-1", "#rec-2"] * 2 + ["#rec-2"]
        assert {"rec-1", "rec-2"} <= elements.ids


def test_a_list_follows_the_language_pattern(tiny, html_name):
    cite(tiny, "{rec:1,2}", "{rec:1,2}")
    tiny.replace("data/recommendations.yaml", "    results: [\"3.2\"]\n",
                 "    results: [\"3.2\"]\n  - number: 3\n    text:\n      zh: 第三项建议。\n"
                 "      en: The third recommendation.\n    results: [\"3.2\"]\n")
    tiny.replace(OPENING, '"{rec:1,2}"', '"{rec:1,2,3}"')
    tiny.replace(OPENING, '"{rec:1,2}"', '"{rec:1,2,3}"')
    tiny.build(formats=["html"])
    zh = Elements(html_name("zh").read_text(encoding="utf-8"))
    en = Elements(html_name("en").read_text(encoding="utf-8"))
    assert squeeze(zh.text["para-2"]) == "2.发展议程建议 1、2 和 3"
    assert squeeze(en.text["para-2"]) == "2.Development Agenda Recommendations 1, 2 and 3"


def test_a_reference_may_be_wrapped_like_any_text(tiny, html_name):
    tiny.replace(OPENING, SECOND_EN, "en: |-\n        See {rec:1,\n        2}.")
    tiny.replace(OPENING, SECOND_ZH, "zh: |-\n        见{rec:1,\n        2}。")
    tiny.build(formats=["html"])
    en = Elements(html_name("en").read_text(encoding="utf-8"))
    assert squeeze(en.text["para-2"]) == "2.See Development Agenda Recommendations 1 and 2."
    assert en.links["para-2"] == ["#rec-1", "#rec-2"]


def test_a_project_reads_as_its_title_or_the_authors_words(tiny, html_name):
    cite(tiny, "见{project:project-a}和{project:project-c|丙项目}。",
         "See {project:project-a} and {project:project-c}.")
    tiny.build(formats=["html"])
    zh = Elements(html_name("zh").read_text(encoding="utf-8"))
    en = Elements(html_name("en").read_text(encoding="utf-8"))
    assert squeeze(zh.text["para-2"]) == "2.见项目甲和丙项目。"
    assert squeeze(en.text["para-2"]) == "2.See Project A and Project C."
    for elements in (zh, en):
        assert elements.links["para-2"] == ["#project-project-a", "#project-project-c"]
        assert {"project-project-a", "project-project-c"} <= elements.ids


def test_annex_rows_link_back_to_the_citing_paragraphs(tiny, html_name):
    cite(tiny, "{rec:1}与{project:project-b}", "{rec:1} and {project:project-b}")
    tiny.replace("body/02-section.yaml", "zh: 第三段[^third-note]有以下事项：",
                 "zh: 第三段[^third-note]有以下事项（{rec:1}）：")
    tiny.replace("body/02-section.yaml", 'en: "The third paragraph[^third-note] has these items:"',
                 'en: "The third paragraph[^third-note] has these items ({rec:1}):"')
    tiny.build(formats=["html"])
    zh = Elements(html_name("zh").read_text(encoding="utf-8"))
    en = Elements(html_name("en").read_text(encoding="utf-8"))
    assert "见第 2、3 段" in squeeze(zh.text["rec-1"])
    assert "Cited in paragraphs 2, 3" in squeeze(en.text["rec-1"])
    assert "Cited in paragraph 2" in squeeze(en.text["project-project-b"])
    for elements in (zh, en):
        assert [href for href in elements.links["rec-1"] if href.startswith("#para-")] == [
            "#para-2", "#para-3"]
        assert elements.links["project-project-b"] == ["#para-2"]
        assert "Cited" not in elements.text["rec-2"] and "见第" not in elements.text["rec-2"]
        assert "project-project-a" not in elements.links


def test_the_document_records_who_cites_what(tiny):
    cite(tiny, "{rec:1-2}与{project:project-c}", "{rec:1-2} and {project:project-c}")
    document, _ = check_report(tiny.project)
    assert [(c.paragraph, c.target) for c in document.citations] == [
        (2, "rec-1"), (2, "rec-2"), (2, "project-project-c")]
    assert [row.cited_in for row in document.annex_i.rows] == [(2,), (2,)]
    assert [project.cited_in for group in document.annex_ii.groups
            for project in group.projects] == [(), (), (2,)]


def test_the_authors_words_are_text_not_html(tiny, html_name):
    cite(tiny, "{project:project-a|<b>甲</b> & 乙}", "{project:project-a}")
    tiny.build(formats=["html"])
    html = html_name("zh").read_text(encoding="utf-8")
    assert "&lt;b&gt;甲&lt;/b&gt; &amp; 乙" in html and "<b>甲" not in html


def test_the_authors_words_are_shown_as_written(tiny, html_name):
    """Not Markdown (no emphasis), not typeset (no curly quotes, dashes, ellipsis or spaces
    between Chinese and Latin letters): what docs/cross-references.md promises."""
    words = {"zh": "*甲*与'乙'--丙...Z", "en": "the _first_ 'A' -- project..."}
    cite(tiny, f"见{{project:project-a|{words['zh']}}}。",
         f"See {{project:project-a|{words['en']}}}.")
    tiny.build(formats=["html"])
    for language, written in words.items():
        elements = Elements(html_name(language).read_text(encoding="utf-8"))
        assert written in elements.text["para-2"]
        assert elements.links["para-2"] == ["#project-project-a"]


def test_a_reference_in_code_is_text(tiny, html_name):
    cite(tiny, "写作 `{rec:9}`。", "Written `{rec:9}`.")
    tiny.build(formats=["html"])
    assert "<code>{rec:9}</code>" in html_name("en").read_text(encoding="utf-8")


# --- checked -----------------------------------------------------------------------------------

def run_check(tiny, capsys, *options: str) -> tuple[int, str]:
    code = main(["--project", str(tiny.root), "check", *options])
    return code, capsys.readouterr().err


def line_of(tiny, name: str, snippet: str) -> int:
    lines = tiny.read(name).splitlines()
    return next(number for number, line in enumerate(lines, 1) if snippet in line)


def test_a_misspelt_project_fails_at_its_place_with_a_suggestion(tiny, capsys):
    cite(tiny, "见{project:projet-a}。", "See {project:project-a}.")
    code, err = run_check(tiny, capsys)
    line = line_of(tiny, OPENING, "{project:projet-a}")
    column = tiny.read(OPENING).splitlines()[line - 1].index("{project:projet-a}") + 1
    assert code == 1
    assert f"body/01-opening.yaml:{line}:{column}: error: unknown project 'projet-a'" in err
    assert "hint: did you mean 'project-a'?" in err
    assert "Traceback" not in err
    # One mistake, one message: not also "the 'en' text does not cite the same annex rows".
    assert err.count(": error: ") == 1
    # The caret stands under the "{", after the two-column-wide Chinese characters.
    excerpt, caret = [line for line in err.splitlines() if line.startswith("    | ")][:2]
    assert caret.index("^") == excerpt.index("{project") + excerpt.count("见")


@pytest.mark.parametrize("written, message, hint", [
    ("{rec:46}", "there is no recommendation 46", "Annex I has recommendations 1 to 2"),
    ("{rec:3}", "there is no recommendation 3", "Annex I has recommendations 1 to 2"),
    ("{rec:1,x}", "is not a list of recommendation numbers", "e.g. {rec:13,14,17}"),
    ("{rec:2,1}", "repeats or reorders numbers", "in increasing order"),
    ("{rec:1-2,2}", "repeats or reorders numbers", "in increasing order"),
    ("{rec:1-999999999999}", "there is no recommendation 999999999999", "1 to 2"),
    ("{rec:2-1}", "the range '2-1' does not go upwards", "from the lower number"),
    ("{recs:1}", "unknown kind of reference '{recs:…}'", "did you mean '{rec:…}'?"),
    ("{projekt:project-a}", "unknown kind of reference", "did you mean '{project:…}'?"),
    ("{project:project-a|}", "the words after '|' are empty", "remove the '|'"),
    # Bounded before they are converted: int() refuses more than 4,300 digits (exit 3 before).
    ("{rec:" + "0" * 5000 + "1}", "'0000000000000000000000000000000000000000…' (5001 digits) "
     "is too long for a recommendation number", "e.g. {rec:13}"),
    ("{rec:1," + "9" * 5000 + "}", "(5000 digits) is too long", "e.g. {rec:13}"),
    ("{rec:1-" + "9" * 4000 + "}", "(4000 digits) is too long", "e.g. {rec:13}"),
    ("{project:" + "a" * 5000 + "}", "is too long for a project id", "at most 80 characters"),
])
def test_a_bad_reference_is_an_error_at_its_place(tiny, written, message, hint):
    cite(tiny, f"见{written}。", f"See {written}.")
    with pytest.raises(ContentError) as raised:
        check_report(tiny.project)
    lines = [number for number, line in enumerate(tiny.read(OPENING).splitlines(), 1)
             if written in line]
    found = [(p.file.name, p.line, p.message, p.hint) for p in raised.value.problems]
    assert [(name, at) for name, at, _, _ in found] == [("01-opening.yaml", n) for n in lines]
    assert len(found) == 2  # one in each language
    for _, _, text, given in found:
        assert message in text and hint in given


def test_a_reference_cannot_stand_in_a_link(tiny):
    cite(tiny, "见[{rec:1}](https://www.wipo.int)。", "See [{rec:1}](https://www.wipo.int).")
    with pytest.raises(ContentError) as raised:
        check_report(tiny.project)
    assert [p.message for p in raised.value.problems] == [
        "a reference cannot stand in the text of a link"] * 2


def test_languages_cite_the_same_rows(tiny):
    cite(tiny, "见{rec:1}。", "See {rec:2}.")
    with pytest.raises(ContentError) as raised:
        check_report(tiny.project)
    [problem] = raised.value.problems
    assert "the 'en' text does not cite the same annex rows as the 'zh' text (rec-1, rec-2)" \
        in problem.message


def test_references_stand_only_in_paragraphs(tiny):
    tiny.replace("body/02-section.yaml", "zh: 小标题", "zh: 小标题{rec:1}")
    tiny.replace("data/recommendations.yaml", "zh: 第一项建议。", "zh: 第一项建议{rec:2}。")
    with pytest.raises(ContentError) as raised:
        check_report(tiny.project)
    messages = sorted((p.file.name, p.message) for p in raised.value.problems)
    assert [name for name, _ in messages] == ["02-section.yaml", "recommendations.yaml"]
    assert all("can only stand in a paragraph" in message for _, message in messages)


def test_two_projects_cannot_share_an_id(tiny):
    tiny.replace("data/projects.yaml", "id: project-c", "id: project-a")
    with pytest.raises(ContentError) as raised:
        check_report(tiny.project)
    [problem] = raised.value.problems
    lines = [number for number, line in enumerate(tiny.read("data/projects.yaml").splitlines(), 1)
             if line.strip() == "- id: project-a"]
    assert problem.message == "project id 'project-a' appears twice"
    assert problem.line == lines[1] and f"already used on line {lines[0]}" in problem.hint


def test_a_plain_mention_is_a_warning_and_an_error_when_strict(tiny, capsys):
    cite(tiny, "根据发展议程建议 1 和 2。", "In line with Development Agenda Recommendations 1 and 2.")
    code, err = run_check(tiny, capsys)
    line = line_of(tiny, OPENING, "根据发展议程建议")
    assert code == 0
    assert f"body/01-opening.yaml:{line}:" in err
    assert "warning: '建议 1' names a recommendation in plain text" in err
    assert "warning: 'Recommendations 1' names a recommendation in plain text" in err
    code, err = run_check(tiny, capsys, "--strict")
    assert code == 1 and "error: '建议 1' names a recommendation in plain text" in err


def test_a_plain_project_title_is_a_warning(tiny, capsys):
    cite(tiny, "项目甲已完成。", "Project A was completed.")
    code, err = run_check(tiny, capsys)
    assert code == 0
    assert err.count("the title of project 'project-a' is written in plain text") == 2
    assert "write {project:project-a}" in err


@pytest.mark.parametrize("text, found", [
    ("根据发展议程建议 13、14和 17，", ["建议 13"]),
    ("in line with Development Agenda recommendation 4", ["recommendation 4"]),
    ("Recommendations 3 and 42", ["Recommendations 3"]),
    ("根据{rec:13}，", []),
    ("见 JIU/REP/2011/3，建议 3，可查阅", []),  # another body's recommendation
    ("See JIU/REP/2011/3, Recommendation 3, available at", []),
    ("见项目评价报告，建议 2(a)，第 3 页", []),  # a recommendation with sub-items
    ("审评提出的建议，并确保", []),
    ("向产权组织大会建议延长其任务授权和 2022-2023 年", []),
    ("the recommendations made by the evaluations", []),
    ("see `建议 3` in code", []),
])
def test_what_counts_as_a_plain_mention(text, found):
    assert plain_mentions(text) == found


# --- the real report: every reference linked, both ways, in HTML and PDF -------------------------

def _numbers(value: str) -> list[int]:
    numbers = []
    for part in value.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


@pytest.fixture(scope="module")
def cited(real_project) -> dict[str, set[int]]:
    """Annex row anchor → the paragraphs citing it, read from the content's own texts."""
    content = validate_content(load_content(real_project.content))
    found: dict[str, set[int]] = {}
    for number, _, _, block in paragraphs(content):
        texts = [text for _, text in paragraph_texts(block)] + list(block.footnotes.values())
        for text in texts:
            for kind, value in re.findall(r"\{(rec|project):([^}|]*)[^}]*\}", text["zh"]):
                targets = ([f"rec-{n}" for n in _numbers(value)] if kind == "rec"
                           else [f"project-{value}"])
                for target in targets:
                    found.setdefault(target, set()).add(number)
    return found


def test_the_real_report_cites_recommendations_and_projects(cited):
    assert sum(target.startswith("rec-") for target in cited) >= 25
    assert sum(target.startswith("project-") for target in cited) >= 20


def test_the_real_content_passes_strict_check(real_build):
    """No warning at all (the build shared by the test run reports them): --strict passes."""
    _, result = real_build
    assert result.warnings == []


@pytest.fixture(scope="module")
def pages(real_build) -> dict[str, Elements]:
    output, _ = real_build
    return {lang: Elements((output / f"cdip-28-2.{lang}.html").read_text(encoding="utf-8"))
            for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_links_every_citation_both_ways(pages, cited, real_build, lang):
    elements = pages[lang]
    _, result = real_build
    notes = {p.number: [f"fn-{note.number}" for note in p.footnotes]
             for p in result.document.paragraphs}
    for target, citing in cited.items():
        assert target in elements.ids, target
        for number in citing:
            links = elements.links.get(f"para-{number}", []) + [
                href for note in notes[number] for href in elements.links.get(note, [])]
            assert f"#{target}" in links, (target, number)
        back = sorted(int(href.removeprefix("#para-")) for href in elements.links[target]
                      if href.startswith("#para-"))
        assert back == sorted(citing), target
    uncited = [element for element in elements.ids
               if re.fullmatch(r"(rec|project)-.+", element) and element not in cited]
    assert uncited and all(not any(href.startswith("#para-")
                                   for href in elements.links.get(element, []))
                           for element in uncited)
    # Every link to an annex row or paragraph lands on an element of the page.
    hrefs = {href for links in elements.links.values() for href in links}
    assert {href[1:] for href in hrefs if re.match(r"#(rec|project|para)-", href)} <= elements.ids


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_links_every_citation_to_its_annex_row(real_build, cited, lang):
    output, _ = real_build
    reader = PdfReader(output / f"cdip-28-2.{lang}.pdf")
    destinations = reader.named_destinations
    page_of = {name: reader.get_destination_page_number(dest)
               for name, dest in destinations.items()}
    links: dict[int, set[str]] = {}
    for number, pdf_page in enumerate(reader.pages):
        for annotation in pdf_page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                links.setdefault(number, set()).add(str(annotation["/Dest"]))
    linked_to = {name for names in links.values() for name in names}
    first_annex_page = page_of["annex-1"]
    for target, citing in cited.items():
        assert target in page_of and page_of[target] >= first_annex_page, target
        assert f"{target}" in linked_to, target
        assert all(page_of[f"para-{number}"] < first_annex_page for number in citing)
    # The annexes link nowhere back: the document as issued has no "Cited in" lines
    # (test_fidelity.py prints them when the report asks).
    assert not {name for number, names in links.items() if number >= first_annex_page
                for name in names if name.startswith("para-")}


def test_a_reader_follows_a_reference_and_comes_back(browser_page, site, cited):
    """In the browser: a number in a paragraph leads to its Annex I row, whose back-link leads
    to the paragraph; the same for a project and its Annex II entry."""
    page = browser_page
    page.goto(f"{site}/cdip-28-2.en.html")
    # Scrolled to: the element's top is on screen (at the very top unless the page ends first).
    on_screen = "e => e.getBoundingClientRect().top > -1 && " \
                "e.getBoundingClientRect().top < window.innerHeight - 20"
    for prefix in ("rec-", "project-"):
        target, citing = next((t, sorted(p)) for t, p in cited.items() if t.startswith(prefix))
        page.locator(f'#para-{citing[0]} a[href="#{target}"]').first.click()
        assert page.url.endswith(f"#{target}")
        assert page.locator(f"#{target}").evaluate(on_screen)
        page.locator(f'#{target} .cited-in a[href="#para-{citing[0]}"]').click()
        assert page.url.endswith(f"#para-{citing[0]}")
        assert page.locator(f"#para-{citing[0]}").evaluate(on_screen)


@pytest.mark.parametrize("name, old", [
    ("data/recommendations.yaml", "en: Linkages of the recommendations to expected results"),
    ("data/recommendations.yaml", "en: Linkages to the expected results."),
    ("data/projects.yaml", "en: List of projects"),
    ("data/projects.yaml", "en: Completed projects"),
])
def test_a_reference_in_an_annex_title_or_note_is_checked_too(tiny, capsys, name, old):
    """References stand only in paragraphs, their items and notes: every other text the
    templates render says so at its place (a reference in Annex I's title stopped the build with
    an internal error)."""
    tiny.replace(name, old, old + " {project:x}")
    code, err = run_check(tiny, capsys)
    assert code == 1
    assert f"{name}:{line_of(tiny, name, '{project:x}')}:" in err
    assert "a reference can only stand in a paragraph" in err and "Traceback" not in err
