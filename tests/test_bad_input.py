"""A corpus of the mistakes authors make, run through the command line like a user would.

Each case breaks the tiny fixture report in one way and checks that the build stops with exit
code 1, one `file:line:column: error: …` line naming the right place and kind of problem, no
traceback, and that the outputs of the previous good build are still there, byte for byte.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, snapshot
from rapporteur.cli import main


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the file to change, relative to content/
    old: str | None  # text to replace (None: replace the whole file)
    new: str | bytes
    where: str  # file:line expected in the message; line given by a snippet after the edit
    line_of: str | None  # a snippet on the expected line (None: no line for this problem)
    message: str  # the kind of problem, as the message says it


OPENING = "body/01-opening.yaml"
SECTION = "body/02-section.yaml"
RECS = "data/recommendations.yaml"
RESULTS = "data/results.yaml"
REPORT = "report.yaml"

CASES = [
    Case("yaml-syntax", RESULTS, 'code: "3.2"', 'code: ["3.2"', RESULTS, "text:",
         "YAML syntax error"),
    Case("tab-indent", OPENING, "    footnotes:", "\tfootnotes:", OPENING, "footnotes:",
         "YAML syntax error"),
    Case("duplicate-key", REPORT, "  prepared_by:", "  title: again\n  prepared_by:", REPORT,
         "title: again",
         "duplicate key 'title'"),
    Case("wrong-type-number", RECS, "number: 2", "number: two", RECS, "number: two",
         "expected a whole number, got text"),
    Case("wrong-type-text-list", OPENING, "en: The second paragraph, in 2021.",
         "en: [The second paragraph]", OPENING, "en: [The second", "expected text, got a list"),
    Case("unknown-key", SECTION, "title:", "titel:", SECTION, "titel:", "unknown key 'titel'"),
    Case("missing-translation", OPENING, "      en: The second paragraph, in 2021.\n", "",
         OPENING, "  - paragraph:\n      zh: 第二段", "missing 'en' translation"),
    Case("empty-translation", OPENING, "en: The second paragraph, in 2021.", "en: ' '",
         OPENING, "en: ' '", "the 'en' text is empty"),
    Case("unknown-language", OPENING, "      zh: 第二段于 2021 年。\n",
         "      zh: 第二段于 2021 年。\n      de: Zweiter Absatz.\n", OPENING, "de: Zweiter",
         "unknown language 'de'"),
    Case("unknown-footnote", OPENING, "CDIP/26/7.[^first-note]", "CDIP/26/7.[^frist-note]",
         OPENING, "[^frist-note]", "footnote 'frist-note' is not defined"),
    Case("unused-footnote", SECTION, "      item-note:\n",
         "      spare-note:\n        zh: 多余。\n        en: Spare.\n      item-note:\n", SECTION,
         "spare-note:", "footnote 'spare-note' is never referenced"),
    Case("footnote-twice", SECTION, "the first item;[^item-note]",
         "the first[^item-note] item;[^item-note]", SECTION, "the first[^item-note]",
         "footnote 'item-note' is referenced twice"),
    Case("footnote-defined-twice", SECTION, "third-note", "first-note", SECTION, None,
         "is defined twice"),
    Case("footnote-in-heading", SECTION, "en: A sub-heading", "en: A sub-heading[^third-note]",
         SECTION, "A sub-heading[^third-note]", "a footnote cannot stand in a heading"),
    Case("bad-footnote-id", OPENING, "first-note:\n", "First_Note:\n", OPENING, "First_Note:",
         "'First_Note' is not allowed here"),
    Case("unknown-result", RECS, 'results: ["3.2"]', 'results: ["3.9"]', RECS, '"3.9"',
         "unknown expected result '3.9'"),
    Case("unquoted-result", RECS, 'results: ["3.2"]', "results: [3.2]", RECS, "[3.2]",
         "expected text, got a number"),
    Case("duplicate-result", RESULTS, 'code: "3.2"', 'code: "1.2"', RESULTS, None,
         "result code '1.2' appears twice"),
    Case("numbering-gap", RECS, "number: 2", "number: 4", RECS, "number: 4",
         "recommendation 4 stands where recommendation 2 is expected"),
    Case("numbering-duplicate", RECS, "number: 2", "number: 1", RECS, None,
         "recommendation 1 stands where recommendation 2 is expected"),
    Case("not-utf8", OPENING, "第二段于 2021 年。", "Deuxi\xe8me".encode("latin-1"), OPENING, None,
         "file is not valid UTF-8"),
    Case("bom", RESULTS, None, b"\xef\xbb\xbf" + (FIXTURES / "tiny/content" / RESULTS).read_bytes(),
         RESULTS, None, "byte order mark"),
    Case("empty-file", RESULTS, None, "\n# nothing yet\n", RESULTS, None, "file is empty"),
    Case("missing-include", REPORT, "body/02-section.yaml", "body/02-sectoin.yaml", REPORT,
         "body/02-sectoin.yaml", "included file 'body/02-sectoin.yaml' does not exist"),
    Case("alias-bomb", RESULTS, None,
         "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
         RESULTS, "b: &b", "aliases (*name) are not allowed"),
    Case("oversized", RESULTS, None, "results: []\n# " + "x" * (3 * 1024 * 1024) + "\n", RESULTS,
         None, "more than the"),
    Case("deep-nesting", RESULTS, None, "results: " + "[" * 100 + "]" * 100 + "\n", RESULTS,
         None, "nested too deeply"),
    Case("javascript-link", OPENING, "The second paragraph, in 2021.",
         "The second [paragraph](javascript:alert(1)), in 2021.", OPENING, "javascript:",
         "link 'javascript:alert(1)' is not allowed"),
    Case("data-link", OPENING, "The second paragraph, in 2021.",
         "The second [paragraph](data:text/html;base64,PHNjcmlwdD4=), in 2021.", OPENING,
         "data:text", "is not allowed"),
    Case("bad-date", REPORT, "date: 2022-03-15", "date: 2022-13-45", REPORT, "2022-13-45",
         "expected a date (YYYY-MM-DD), got text"),
    Case("missing-key", REPORT, "  committee:\n    zh: 测试委员会\n    en: Test Committee\n", "",
         REPORT, "document:", "missing 'committee'"),
    Case("bad-block", SECTION, "  - heading:", "  - headline:", SECTION, "headline:",
         "a block must start with 'paragraph:' or 'heading:'"),
    Case("unknown-locale", REPORT, "locale: en", "locale: xx_YY", REPORT, "xx_YY",
         "unknown locale 'xx_YY'"),
    Case("bad-numerals", REPORT, "section: roman", "section: klingon", REPORT, "klingon",
         "'klingon' is not a numeral style: write roman, chinese or decimal"),
    Case("two-quote-marks", REPORT, "      emphasis: none", '      emphasis: none\n      quotes: ["«", "»"]',
         REPORT, 'quotes: ["«", "»"]', "quotes are four marks"),
    Case("item-pattern-without-place", REPORT, "      result: roman", "      result: roman\n      item: i)",
         REPORT, "item: i)", "an item pattern holds '{}' once"),
    Case("section-label-without-place", REPORT, "      result: roman",
         "      result: roman\n      section_label: '-'", REPORT, "section_label: '-'",
         "a section label holds '{}' once"),
    Case("letters-with-a-parenthesis", REPORT, "      result: roman",
         "      result: roman\n      letters: [a, (b)]", REPORT, "letters: [a, (b)]",
         "letters are the list of different letters"),
    Case("control-character", OPENING, "第二段于", "第二段\x0b于", OPENING, None,
         "the file contains a control character"),
    Case("empty-blocks", OPENING, None, "blocks: []\n", OPENING, "blocks:",
         "List should have at least 1 item"),
    # Round two (issue 12). Bounded work: numbers that size the output, files named twice.
    Case("huge-result-code", RESULTS, 'code: "3.2"', 'code: "10000000000000.1"', RESULTS,
         "10000000000000.1", "'10000000000000.1' is not a result code"),
    Case("huge-recommendation-number", RECS, "number: 2", "number: 100000000", RECS,
         "number: 100000000", "less than or equal to 999"),
    Case("huge-reference-number", OPENING, "The second paragraph, in 2021.",
         "The second paragraph, {rec:" + "0" * 5000 + "1}, in 2021.", OPENING,
         "The second paragraph, {rec:000", "is too long for a recommendation number"),
    Case("huge-project-id", OPENING, "The second paragraph, in 2021.",
         "The second paragraph, {project:" + "p" * 5000 + "}, in 2021.", OPENING,
         "The second paragraph, {project:ppp", "is too long for a project id"),
    Case("file-named-twice", REPORT, "  - body/02-section.yaml\n",
         "  - body/02-section.yaml\n  - body/./02-section.yaml\n", REPORT, "body/./02",
         "'body/./02-section.yaml' is named twice"),
    # One text pipeline: footnote calls, links and control characters in every text field.
    Case("footnote-in-section-title", SECTION, "en: Regional Sector",
         "en: Regional Sector[^third-note]", SECTION, "Regional Sector[^",
         "a footnote cannot stand in 'title'"),
    Case("footnote-in-document-title", REPORT, "en: Test Report", "en: Test Report[^x]", REPORT,
         "Test Report[^x]", "a footnote cannot stand in 'title'"),
    Case("footnote-in-project-name", "data/projects.yaml", "en: Project A", "en: Project A[^x]",
         "data/projects.yaml", "Project A[^x]", "a footnote cannot stand in 'title'"),
    Case("footnote-in-annex-note", RECS, "en: Linkages to the expected results.",
         "en: Linkages[^x] to the expected results.", RECS, "Linkages[^x]",
         "a footnote cannot stand in 'results_note'"),
    Case("footnote-in-footnote", OPENING, 'doc_id=1"', 'doc_id=1 [^first-note]"', OPENING,
         "doc_id=1 [^first-note]", "a footnote cannot reference another footnote"),
    Case("footnote-call-in-code", OPENING, "CDIP/26/7.[^first-note]", "CDIP/26/7.`[^first-note]`",
         OPENING, "first-note:", "footnote 'first-note' is never referenced in the 'en' text"),
    Case("footnote-call-escaped", OPENING, "CDIP/26/7.[^first-note]",
         "CDIP/26/7.\\[^first-note]", OPENING, "first-note:",
         "footnote 'first-note' is never referenced in the 'en' text"),
    Case("javascript-in-title", SECTION, "en: Regional Sector",
         "en: '[Regional](javascript:alert(1)) Sector'", SECTION, "javascript:",
         "link 'javascript:alert(1)' is not allowed"),
    Case("javascript-in-project-name", "data/projects.yaml", "en: Project B",
         "en: '[Project B](JaVaScRiPt:alert(1))'", "data/projects.yaml", "JaVaScRiPt",
         "is not allowed"),
    Case("javascript-in-annex-note", RECS, "en: Linkages to the expected results.",
         "en: '[Linkages](javascript:x) to the expected results.'", RECS, "javascript:x",
         "link 'javascript:x' is not allowed"),
    Case("bell-as-yaml-escape", OPENING, "en: The second paragraph, in 2021.",
         'en: "The second paragraph,\\x07 in 2021."', OPENING, "The second paragraph,",
         "invisible control character (U+0007)"),
    Case("nel-as-yaml-escape", SECTION, "en: Regional Sector", 'en: "Regional\\u0085Sector"',
         SECTION, "Regional", "invisible control character (U+0085)"),
    Case("escape-in-document-symbol", REPORT, "symbol: TEST/1/1", 'symbol: "TEST\\e[2J/1/1"',
         REPORT, "symbol:", "invisible control character (U+001B)"),
    Case("lone-surrogate", "data/projects.yaml", "en: Project C", 'en: "Project \\ud800C"',
         "data/projects.yaml", "Project ", "invisible control character (U+D800)"),
    # Cross-field sanity.
    Case("numbered-without-title", OPENING, "blocks:", "numbered: true\nblocks:", OPENING,
         "numbered: true", "a section without a title cannot be numbered"),
    Case("project-in-two-groups", "data/projects.yaml",
         "- id: project-c\n        title:\n          zh: 项目丙\n          en: Project C",
         "- id: project-c\n        title:\n          zh: 项目甲\n          en: Project A",
         "data/projects.yaml", "- id: project-c",
         "this project is already listed under 'completed'"),
    Case("line-separator", OPENING, "第二段于", "第二段\u2028于", OPENING, "第二段",
         "invisible line separator (U+2028)"),
    Case("next-line-character", SECTION, "A sub-heading", "A sub-\x85heading", SECTION,
         "A sub-", "invisible line separator (U+0085)"),
    Case("missing-glyph", OPENING, "The second paragraph, in 2021.",
         "The second paragraph, in 2021 \U0001D11E.", OPENING, "2021 \U0001D11E",
         "is in no font of the en PDF"),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """A project (tiny content, the real theme) with the outputs of one good build."""
    root = tmp_path_factory.mktemp("good")
    shutil.copytree(FIXTURES / "tiny" / "content", root / "content")
    for folder in ("templates", "locales"):
        os.symlink(REPO / folder, root / folder)
    assert main(["--project", str(root), "build"]) == 0
    return root


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_reported_and_loses_nothing(case: Case, good_build: Path, tmp_path: Path,
                                                 capsys):
    root = tmp_path / "project"
    shutil.copytree(good_build, root, symlinks=True)
    before = snapshot(root / "output")
    target = root / "content" / case.file
    if case.old is None:
        target.write_bytes(case.new if isinstance(case.new, bytes) else case.new.encode())
    else:
        text = target.read_text(encoding="utf-8")
        assert case.old in text
        new = case.new if isinstance(case.new, str) else None
        if new is None:
            data = text.encode().replace(case.old.encode(), case.new, 1)
            target.write_bytes(data)
        else:
            target.write_text(text.replace(case.old, new), encoding="utf-8")

    code = main(["--project", str(root), "build"])
    captured = capsys.readouterr()

    assert code == 1
    assert "Traceback" not in captured.err
    errors = [line for line in captured.err.splitlines() if ": error: " in line]
    matching = [line for line in errors if case.message in line]
    assert matching, captured.err
    location = matching[0].split(": error: ")[0]
    assert location.startswith(f"content/{case.where}"), location
    if case.line_of is not None:
        lines = target.read_bytes().decode("utf-8", errors="replace").split("\n")
        expected = [n for n, line in enumerate(lines, 1)
                    if case.line_of.split("\n")[-1] in line]
        if "\n" in case.line_of:
            expected = [n - 1 for n in expected]
        assert int(location.split(":")[1]) in expected, (location, expected)
    assert "nothing was written" in captured.err
    assert snapshot(root / "output") == before


def test_usage_errors_exit_with_2(good_build: Path, capsys):
    assert main(["--project", str(good_build), "build", "--lang", "fr"]) == 2
    assert "unknown language fr" in capsys.readouterr().err
