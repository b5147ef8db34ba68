"""Stage 2: schema and cross-reference rules. Each rule has a failing case naming file:line."""

from __future__ import annotations

import pytest

from rapporteur.build import check_report
from rapporteur.errors import ContentError


def line_of(tiny, name: str, snippet: str) -> int:
    """The line of `name` that holds `snippet`, so tests do not hard-code line numbers."""
    lines = tiny.read(name).splitlines()
    matches = [number for number, line in enumerate(lines, 1) if snippet in line]
    assert len(matches) == 1, (snippet, matches)
    return matches[0]


def problems(tiny):
    with pytest.raises(ContentError) as raised:
        check_report(tiny.project)
    return raised.value.problems


def only_problem(tiny):
    found = problems(tiny)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def test_the_tiny_fixture_is_valid(tiny):
    document, warnings = check_report(tiny.project)
    assert len(document.paragraphs) == 3
    assert [p.severity for p in warnings] == []


def test_unknown_key_suggests_the_right_one(tiny):
    tiny.replace("body/02-section.yaml", "  - paragraph:\n      zh: 第三段",
                 "  - paragrph:\n      zh: 第三段")
    problem = only_problem(tiny)
    assert problem.file.name == "02-section.yaml"
    assert problem.line == line_of(tiny, "body/02-section.yaml", "paragrph:")
    assert "a block must start with 'paragraph:' or 'heading:'" in problem.message


def test_misspelt_key_inside_a_paragraph(tiny):
    tiny.replace("body/02-section.yaml", "    footnotes:", "    footnote:")
    found = problems(tiny)
    unknown = [p for p in found if "unknown key 'footnote'" in p.message]
    assert unknown and unknown[0].line == line_of(tiny, "body/02-section.yaml", "footnote:")
    assert unknown[0].hint == "did you mean 'footnotes'?"


def test_wrong_type(tiny):
    tiny.replace("data/recommendations.yaml", "  - number: 2", "  - number: two")
    problem = only_problem(tiny)
    assert problem.file.name == "recommendations.yaml"
    assert problem.line == line_of(tiny, "data/recommendations.yaml", "number: two")
    assert problem.message == "expected a whole number, got text"


def test_missing_translation_names_the_language(tiny):
    tiny.replace("body/01-opening.yaml", "      en: The second paragraph, in 2021.\n", "")
    problem = only_problem(tiny)
    # The paragraph's line: the missing text has no line of its own.
    assert problem.file.name == "01-opening.yaml"
    assert problem.line == line_of(tiny, "body/01-opening.yaml", "第二段") - 1
    assert problem.message == "missing 'en' translation"
    assert "add 'en:'" in problem.hint


def test_empty_translation(tiny):
    tiny.replace("body/01-opening.yaml", "en: The second paragraph, in 2021.", 'en: ""')
    problem = only_problem(tiny)
    assert problem.line == line_of(tiny, "body/01-opening.yaml", 'en: ""')
    assert problem.message == "the 'en' text is empty"


def test_language_not_declared(tiny):
    tiny.replace("body/01-opening.yaml", "      zh: 第二段于 2021 年。\n",
                 "      zh: 第二段于 2021 年。\n      fr: Le deuxième paragraphe.\n")
    problem = only_problem(tiny)
    assert "unknown language 'fr'" in problem.message


def test_undefined_footnote(tiny):
    tiny.replace("body/01-opening.yaml", "CDIP/26/7。[^first-note]", "CDIP/26/7。[^first-nte]")
    problem, unused = problems(tiny)
    assert (problem.file.name, problem.line) == ("01-opening.yaml", 3)
    assert problem.message == "footnote 'first-nte' is not defined in this paragraph"
    assert unused.message == "footnote 'first-note' is never referenced in the 'zh' text"
    assert problem.hint == "did you mean 'first-note'?"


def test_unused_footnote(tiny):
    tiny.replace("body/01-opening.yaml", "CDIP/26/7.[^first-note]", "CDIP/26/7.")
    problem = only_problem(tiny)
    assert problem.line == line_of(tiny, "body/01-opening.yaml", "first-note:")
    assert problem.message == "footnote 'first-note' is never referenced in the 'en' text"


def test_footnote_defined_twice_across_files(tiny):
    tiny.write("body/02-section.yaml",
               tiny.read("body/02-section.yaml").replace("third-note", "first-note"))
    found = problems(tiny)
    assert any(p.message == "footnote 'first-note' is defined twice"
               and p.file.name == "02-section.yaml"
               and f"01-opening.yaml:{line_of(tiny, 'body/01-opening.yaml', 'first-note:')}" in p.hint
               for p in found)


def test_footnote_referenced_twice(tiny):
    tiny.replace("body/01-opening.yaml", "The first paragraph;", "The first[^first-note] paragraph;")
    problem = only_problem(tiny)
    assert problem.message == "footnote 'first-note' is referenced twice in the 'en' text"


def test_unknown_result_code(tiny):
    tiny.replace("data/recommendations.yaml", 'results: ["3.2"]', 'results: ["3.3"]')
    problem = only_problem(tiny)
    assert problem.file.name == "recommendations.yaml"
    assert problem.line == line_of(tiny, "data/recommendations.yaml", '"3.3"')
    assert problem.message == "unknown expected result '3.3'"


def test_result_code_must_be_quoted_text(tiny):
    tiny.replace("data/recommendations.yaml", 'results: ["3.2"]', "results: [3.2]")
    problem = only_problem(tiny)
    assert problem.message == "expected text, got a number"
    assert problem.hint == "put the text in quotes"


def test_recommendation_numbering_gap(tiny):
    tiny.replace("data/recommendations.yaml", "  - number: 2", "  - number: 3")
    problem = only_problem(tiny)
    assert problem.line == line_of(tiny, "data/recommendations.yaml", "number: 3")
    assert problem.message == "recommendation 3 stands where recommendation 2 is expected"


def test_duplicate_result_code(tiny):
    tiny.replace("data/results.yaml", 'code: "3.2"', 'code: "1.2"')
    found = problems(tiny)
    assert any(p.message == "result code '1.2' appears twice" for p in found)


def test_javascript_link_is_an_error(tiny):
    tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                 "The second paragraph, in [2021](javascript:alert(1)).")
    problem = only_problem(tiny)
    assert problem.line == line_of(tiny, "body/01-opening.yaml", "javascript:")
    assert problem.message == "link 'javascript:alert(1)' is not allowed"


def test_missing_included_file(tiny):
    tiny.replace("report.yaml", "body/02-section.yaml", "body/03-section.yaml")
    problem = only_problem(tiny)
    assert problem.file.name == "report.yaml"
    assert problem.line == line_of(tiny, "report.yaml", "body/03-section.yaml")
    assert problem.message == "included file 'body/03-section.yaml' does not exist"


def test_all_problems_of_a_run_are_reported_together(tiny):
    tiny.replace("data/recommendations.yaml", "  - number: 2", "  - number: two")
    tiny.replace("body/01-opening.yaml", "      en: The second paragraph, in 2021.\n", "")
    files = {p.file.name for p in problems(tiny)}
    assert files == {"recommendations.yaml", "01-opening.yaml"}


def test_cross_file_problems_are_reported_with_schema_problems(tiny):
    tiny.replace("body/02-section.yaml", "    footnotes:", "    footnote:")
    tiny.replace("data/recommendations.yaml", 'results: ["3.2"]', 'results: ["3.7"]')
    messages = {(p.file.name, p.message) for p in problems(tiny)}
    assert ("02-section.yaml", "unknown key 'footnote'") in messages
    assert ("recommendations.yaml", "unknown expected result '3.7'") in messages


def test_a_malformed_language_code_is_named_as_such(tiny):
    tiny.replace("report.yaml", "  - code: en", "  - code: English")
    found = [p for p in problems(tiny) if p.file.name == "report.yaml"]
    assert found[0].message == "'English' is not a language code"
    assert found[0].line == line_of(tiny, "report.yaml", "code: English")


def test_the_text_annex_i_repeats_is_bounded(tiny, monkeypatch):
    """Annex I repeats each linked result's text: rows × links × text is bounded, with a line."""
    monkeypatch.setattr("rapporteur.validate.MAX_LINKED_RESULT_CHARS", 50)
    problem = only_problem(tiny)  # the tiny annex repeats 68 characters
    assert problem.line == line_of(tiny, "data/recommendations.yaml", 'results: ["3.2"]')
    assert "more than 50 characters of expected-result text" in problem.message


def test_only_the_first_unknown_codes_get_a_guess(tiny):
    codes = [f"{goal}.{result}" for goal in range(4, 20) for result in range(1, 9)]
    tiny.replace("data/recommendations.yaml", 'results: ["3.2"]\n',
                 "results: [" + ", ".join(f'"{code}"' for code in codes) + "]\n")
    unknown = [p for p in problems(tiny) if p.message.startswith("unknown expected result")]
    assert len(unknown) == len(codes)
    guessed = [p for p in unknown if p.hint.startswith("did you mean")]
    assert 0 < len(guessed) <= 50


def test_a_project_in_two_groups_names_the_first(tiny):
    tiny.replace("data/projects.yaml", "zh: 项目丙\n          en: Project C",
                 "zh: 项目丙\n          en: Project A")
    problem = only_problem(tiny)
    assert problem.message == "this project is already listed under 'completed'"
    first = line_of(tiny, "data/projects.yaml", "- id: project-a")
    assert problem.hint.startswith(f"it is on line {first};")


def test_a_base_url_must_be_a_site_address(tiny):
    tiny.replace("report.yaml", "  prepared_by:", "  base_url: file:///etc/\n  prepared_by:")
    problem = only_problem(tiny)
    assert problem.message == ("'file:///etc/' is not a site address: write it as "
                               "https://host/path/, ending with '/'")
