"""Translation parity: each kind of mismatch between the languages, named at file:line.

Each test breaks a copy of tests/fixtures/tiny in one way and checks what the build says.
The tiny report numbers its paragraphs 1 and 2 (body/01-opening.yaml) and 3 (body/02-section.yaml).
"""

from __future__ import annotations

import pytest

from conftest import REPO, TinyReport

from rapporteur.build import Project, check_report
from rapporteur.errors import ContentError, Problem
from rapporteur.load import load_content
from rapporteur.parity import anchors, check_parity, inline_markers, terms_used, Term, words
from rapporteur.resolve import resolve_document
from rapporteur.validate import validate_content
from test_languages import add_language_to_content

OPENING = "body/01-opening.yaml"
SECTION = "body/02-section.yaml"


class Report(TinyReport):
    """The tiny report, with what these tests ask of it."""

    def replace(self, name: str, old: str, new: str) -> None:
        assert self.read(name).count(old) == 1, f"{old!r} should occur once in {name}"
        super().replace(name, old, new)

    def line_of(self, name: str, snippet: str) -> int:
        lines = self.read(name).splitlines()
        found = [number for number, line in enumerate(lines, 1) if snippet in line]
        assert len(found) == 1, (snippet, found)
        return found[0]

    def errors(self, strict: bool = False) -> list[Problem]:
        with pytest.raises(ContentError) as raised:
            check_report(self.project, strict=strict)
        return raised.value.problems

    def warnings(self) -> list[Problem]:
        _, warnings = check_report(self.project)
        return warnings

    def add_glossary(self, *terms: str) -> None:
        self.write("glossary.yaml", "terms:\n" + "".join(f"  - {term}\n" for term in terms))
        self.replace("report.yaml", "annexes:\n", "glossary: glossary.yaml\nannexes:\n")


@pytest.fixture
def report(tiny) -> Report:
    return Report(tiny.root)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [problem.format() for problem in problems]
    return problems[0]


def test_the_tiny_report_has_no_parity_problem(report):
    _, warnings = check_report(report.project, strict=True)
    assert warnings == []


# --- 1. footnote references ---------------------------------------------------------------

def test_a_footnote_referenced_in_another_part_of_the_paragraph_is_an_error(report):
    report.replace(SECTION, 'en: "The third paragraph[^third-note] has these items:"',
                   'en: "The third paragraph[^third-note] has these items:[^item-note]"')
    report.replace(SECTION, "en: the first item;[^item-note]", "en: the first item;")
    problem = only(report.errors())
    assert problem.file == report.content / SECTION
    assert problem.line == report.line_of(SECTION, "has these items:[^item-note]")
    assert problem.severity == "error"
    assert problem.message == ("paragraph 3 (en): footnote [^item-note] stands in the paragraph "
                               "text, but in item (i) in the zh text")


def test_footnotes_in_another_order_are_a_warning(report):
    report.replace(OPENING, "zh: 第一段，见文件 CDIP/26/7。[^first-note]",
                   "zh: 第一段[^second-note]，见文件 CDIP/26/7。[^first-note]")
    report.replace(OPENING, "en: The first paragraph; see document CDIP/26/7.[^first-note]",
                   "en: The first paragraph; see document CDIP/26/7.[^first-note][^second-note]")
    report.replace(OPENING, "    footnotes:\n",
                   "    footnotes:\n      second-note:\n        zh: 第二个脚注。\n"
                   "        en: The second footnote.\n")
    problem = only(report.warnings())
    assert problem.file == report.content / OPENING
    assert problem.line == report.line_of(OPENING, "en: The first paragraph")
    assert problem.severity == "warning"
    assert problem.message == ("paragraph 1 (en): footnotes are referenced in another order than "
                               "in the zh text (zh: second-note, first-note; "
                               "en: first-note, second-note)")
    assert "--strict" not in problem.message
    assert only(report.errors(strict=True)).line == problem.line


# --- 2. URLs, document symbols, years -------------------------------------------------------

def test_a_year_missing_from_the_english_is_an_error(report):
    report.replace(OPENING, "en: The second paragraph, in 2021.", "en: The second paragraph.")
    problem = only(report.errors())
    assert problem.file == report.content / OPENING
    assert problem.line == report.line_of(OPENING, "en: The second paragraph.")
    assert problem.message == "paragraph 2 (en): year 2021 from the zh text is missing"


def test_a_document_symbol_missing_from_the_english_is_an_error(report):
    report.replace(OPENING, "see document CDIP/26/7.", "see document CDIP/26/8.")
    problem = only(report.errors())
    assert problem.line == report.line_of(OPENING, "see document CDIP/26/8.")
    assert problem.message == ("paragraph 1 (en): document symbol CDIP/26/7 from the zh text "
                               "is missing")


def test_a_different_url_in_a_footnote_is_an_error_naming_the_footnote(report):
    report.replace(OPENING, "meetings/en/doc_details.jsp?doc_id=1",
                   "meetings/en/doc_details.jsp?doc_id=2")
    problem = only(report.errors())
    assert problem.file == report.content / OPENING
    assert problem.line == report.line_of(OPENING, "doc_id=2")
    assert problem.message == (
        "footnote 'first-note' (paragraph 1) (en): URL "
        "https://www.wipo.int/meetings/zh/doc_details.jsp?doc_id=1 from the zh text is missing")


def test_urls_are_compared_without_their_language_segment():
    zh = "见 https://www.wipo.int/meetings/zh/x.jsp?id=1。另见 https://www.unjiu.org/zh-hans/r.pdf"
    en = "See https://www.wipo.int/meetings/en/x.jsp?id=1. See also https://www.unjiu.org/en/r.pdf."
    assert [key for kind, _, key in anchors(zh) if kind == "URL"] == \
        [key for kind, _, key in anchors(en) if kind == "URL"]


@pytest.mark.parametrize("text, expected", [
    ("文件 CDIP/26/7、WO/GA/54/8 和 JIU/REP/2011/3（A/62/12）",
     ["CDIP/26/7", "WO/GA/54/8", "JIU/REP/2011/3", "A/62/12"]),
    ("《2022-2026 年中期战略计划》，2020/21 两年期", ["2022", "2026", "2020"]),
    ("为 160,801 名参与者组织了 2,060项活动，2020 年", ["2020"]),
    ("可查阅 https://www.wipo.int/meetings/zh/2021/conference.html。", [
        "https://www.wipo.int/meetings/zh/2021/conference.html"]),
])
def test_anchors_are_urls_symbols_and_years_but_not_other_numbers(text, expected):
    assert [written for _, written, _ in anchors(text)] == expected


def test_the_year_of_a_glossary_term_belongs_to_the_term(report):
    report.add_glossary("{zh: 2019 冠状病毒病, en: COVID-19}")
    report.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段于 2021 年，因 2019 冠状病毒病。")
    report.replace(OPENING, "en: The second paragraph, in 2021.",
                   "en: The second paragraph, in 2021, owing to COVID-19.")
    assert report.warnings() == []


# --- 3. CJK characters left in English ------------------------------------------------------

def test_chinese_left_in_the_english_is_an_error(report):
    report.replace(SECTION, "en: the second item.", "en: the second item（第二）.")
    problem = only(report.errors())
    assert problem.file == report.content / SECTION
    assert problem.line == report.line_of(SECTION, "en: the second item（第二）.")
    assert problem.message == ("paragraph 3 (en): CJK characters are left in the text: （第二）")


def test_quotes_and_dashes_are_not_cjk_in_english(report):
    report.replace(OPENING, "en: The second paragraph, in 2021.",
                   "en: The “second” paragraph’s text — in 2021…")
    assert report.warnings() == []


# --- 4. inline enumerations -----------------------------------------------------------------

def test_an_inline_enumeration_with_fewer_items_is_an_error(report):
    report.replace(OPENING, "zh: 第二段于 2021 年。",
                   "zh: 第二段于 2021 年：（i）甲；(ii)乙；以及 iii)丙。")
    report.replace(OPENING, "en: The second paragraph, in 2021.",
                   "en: The second paragraph, in 2021, on (i) A and (ii) B.")
    problem = only(report.errors())
    assert problem.line == report.line_of(OPENING, "on (i) A and (ii) B.")
    assert problem.message == ("paragraph 2 (en): 2 inline enumeration markers ((i) (ii)), "
                               "but 3 in the zh text (（i） (ii) iii))")


def test_parentheses_inside_words_are_no_markers():
    assert inline_markers("the Member State(s) concerned, Recommendation 2(a)") == []
    assert inline_markers("（一）甲 (b) 乙 c) 丙") == ["（一）", "(b)", "c)"]


def test_a_word_before_a_closing_parenthesis_is_no_marker(report):
    # "(pays les moins avancés)": the "s)" of an accented word is no item "s)".
    report.replace(OPENING, "en: The second paragraph, in 2021.",
                   "en: The second paragraph, in 2021, on the LDCs (pays les moins avancés).")
    assert report.warnings() == []
    assert inline_markers("les pays les moins avancés) et l’État(s)") == []


# Arabic as UN documents print it: subparagraphs (أ), (ب), (ج) for (a), (b), (c).
ARABIC = {"code": "ar", "locale": "ar", "direction": "rtl",
          "numerals": {"section": ["أولا", "ثانيا"], "section_label": "{} -", "item": "({})",
                       "letters": ["أ", "ب", "ج", "د", "هـ"]}}


@pytest.fixture
def arabic(report) -> Report:
    """The tiny report with Arabic, whose second paragraph enumerates (a) and (b)."""
    report.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段于 2021 年：(a)甲；(b)乙。")
    report.replace(OPENING, "en: The second paragraph, in 2021.",
                   "en: The second paragraph, in 2021, on (a) A and (b) B.")
    add_language_to_content(report.content, ARABIC, "")
    return report


def test_arabic_letters_count_as_the_latin_ones(arabic):
    arabic.replace(OPENING, "ar: The second paragraph, in 2021, on (a) A and (b) B.",
                   "ar: الفقرة الثانية، في عام 2021، بشأن (أ) ألف و(ب) باء.")
    assert arabic.warnings() == []


def test_arabic_items_and_headings_take_the_languages_letters_and_label(arabic):
    arabic.replace("body/02-section.yaml", "marker: (i)", "marker: (a)")
    content = validate_content(load_content(arabic.content))
    document = resolve_document(content)
    section = next(section for section in document.sections if section.label)
    assert section.label["ar"] == "أولا -" and section.label["en"] == "I."
    items = [block.items for block in section.blocks if getattr(block, "items", None)][0]
    assert [item.marker["ar"] for item in items][:2] == ["(أ)", "(ii)"]


# WIPO's Arabic writes the numbered subparagraphs (i), (ii) as Western digits in double
# quotes: "1", "2" (A/55/4; agenda items 11"1" and 11"3" in WO/GA/50/15).
WIPO_ARABIC = {**ARABIC, "numerals": {**ARABIC["numerals"], "numbers": "”{}“"}}


@pytest.fixture
def wipo_arabic(report) -> Report:
    """The tiny report with WIPO's Arabic, whose second paragraph enumerates (i) and (ii)."""
    report.replace(OPENING, "zh: 第二段于 2021 年。", "zh: 第二段于 2021 年：(i)甲；(ii)乙。")
    report.replace(OPENING, "en: The second paragraph, in 2021.",
                   "en: The second paragraph, in 2021, on (i) A and (ii) B.")
    add_language_to_content(report.content, WIPO_ARABIC, "")
    return report


def test_numbers_in_the_languages_quotes_count_as_roman_ones(wipo_arabic):
    wipo_arabic.replace(OPENING, "ar: The second paragraph, in 2021, on (i) A and (ii) B.",
                        "ar: الفقرة الثانية، في عام 2021، بشأن ”1“ ألف و”2“ باء.")
    assert wipo_arabic.warnings() == []
    # A number after a digit is a reference (agenda item 11(i)), no marker.
    assert inline_markers("البند 11”1“ و”2“ باء", ("أ", "ب"), "”{}“") == ["”2“"]


@pytest.mark.parametrize("arabic_kind, text, message", [
    ("arabic", "بشأن (أ) ألف و(ج) باء",
     "paragraph 2 (ar): the inline enumeration markers ((أ) (ج)) do not count as those of the "
     "zh text ((a) (b)), which ar writes (أ) (ب)"),
    # Latin letters in Arabic text are not Arabic's subparagraph letters.
    ("arabic", "بشأن (a) ألف و(b) باء",
     "paragraph 2 (ar): 0 inline enumeration markers (none), but 2 in the zh text ((a) (b))"),
    # Roman numbers are not how WIPO's Arabic writes numbered subparagraphs.
    ("wipo_arabic", "بشأن (i) ألف و(ii) باء",
     "paragraph 2 (ar): the inline enumeration markers ((i) (ii)) do not count as those of the "
     "zh text ((i) (ii)), which ar writes ”1“ ”2“"),
    ("wipo_arabic", "بشأن ”1“ ألف و”3“ باء",
     "paragraph 2 (ar): the inline enumeration markers (”1“ ”3“) do not count as those of the "
     "zh text ((i) (ii)), which ar writes ”1“ ”2“")])
def test_arabic_subparagraphs_written_otherwise_are_an_error(request, arabic_kind, text,
                                                               message):
    report = request.getfixturevalue(arabic_kind)
    enumeration = "(a) A and (b) B" if arabic_kind == "arabic" else "(i) A and (ii) B"
    report.replace(OPENING, f"ar: The second paragraph, in 2021, on {enumeration}.",
                   f"ar: الفقرة الثانية، في عام 2021، {text}.")
    problem = only(report.errors())
    assert problem.message == message
    assert problem.line == report.line_of(OPENING, text)


def test_items_take_the_languages_number_pattern(wipo_arabic):
    wipo_arabic.replace("body/02-section.yaml", "marker: (i)", "marker: (a)")
    document = resolve_document(validate_content(load_content(wipo_arabic.content)))
    items = next(block.items for section in document.sections for block in section.blocks
                 if getattr(block, "items", None))
    assert [item.marker["ar"] for item in items][:2] == ["(أ)", "”2“"]
    assert [item.marker["en"] for item in items][:2] == ["(a)", "(ii)"]


# --- 5. glossary ----------------------------------------------------------------------------

def test_a_glossary_term_not_translated_is_a_warning(report):
    report.add_glossary("{zh: 发展议程, en: Development Agenda}")
    report.replace(SECTION, "zh: 第二项。", "zh: 第二项，关于发展议程。")
    report.replace(SECTION, "en: the second item.", "en: the second item, on the DA.")
    problem = only(report.warnings())
    assert problem.file == report.content / SECTION
    assert problem.line == report.line_of(SECTION, "on the DA.")
    assert problem.severity == "warning"
    assert problem.message == ('paragraph 3 (en): the zh text uses the glossary term 发展议程, '
                               'but the en text does not say "Development Agenda"')
    assert problem.hint.endswith("glossary.yaml:2")


def test_a_glossary_term_matches_whatever_its_case_and_number(report):
    report.add_glossary("{zh: 发展议程, en: Development Agenda}")
    report.replace(SECTION, "zh: 第二项。", "zh: 第二项，关于发展议程。")
    report.replace(SECTION, "en: the second item.", "en: the second item, on development agendas.")
    assert report.warnings() == []


def test_a_glossary_term_accepts_the_other_forms_listed_under_also(report):
    report.replace(SECTION, "zh: 第二项。", "zh: 第二项，关于发展议程。")
    report.replace(SECTION, "en: the second item.", "en: the second item, on the DA agenda.")
    report.add_glossary("{zh: 发展议程, en: Development Agenda, also: {en: [DA agenda]}}")
    assert report.warnings() == []
    report.write("glossary.yaml",
                 "terms:\n  - {zh: 发展议程, en: Development Agenda, also: {en: [DA program]}}\n")
    assert "does not say \"Development Agenda\"" in only(report.warnings()).message


def test_strict_turns_a_glossary_warning_into_an_error(report):
    report.add_glossary("{zh: 发展议程, en: Development Agenda}")
    report.replace(SECTION, "zh: 第二项。", "zh: 第二项，关于发展议程。")
    report.replace(SECTION, "en: the second item.", "en: the second item, on the DA.")
    problem = only(report.errors(strict=True))
    assert problem.severity == "error"
    assert problem.line == report.line_of(SECTION, "on the DA.")
    assert "glossary term 发展议程" in problem.message


def test_a_term_inside_a_longer_term_or_word_is_not_that_term():
    terms = [Term({"zh": "产权组织", "en": "WIPO"}, 1),
             Term({"zh": "产权组织大会", "en": "WIPO General Assembly"}, 2)]
    assert terms_used("非洲地区知识产权组织", terms, "zh") == []
    assert terms_used("世界知识产权组织", terms, "zh") == terms[:1]
    assert terms_used("产权组织大会", terms, "zh") == terms[1:]
    assert terms_used("产权组织大会和产权组织", terms, "zh") == terms
    assert words("WIPO's Least Developed Countries") == ["wipo", "least", "developed", "country"]


# --- the real content -----------------------------------------------------------------------

def test_the_real_content_has_no_parity_error():
    content = validate_content(load_content(REPO / "content"))
    errors = [problem for problem in check_parity(content) if problem.severity == "error"]
    assert errors == [], "\n".join(problem.format(REPO) for problem in errors)
    check_report(Project.at(REPO))
