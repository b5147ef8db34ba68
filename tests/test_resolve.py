"""Stage 3: numbers come from order, never from authors; annex tables come from data."""

from __future__ import annotations

from rapporteur.build import check_report
from rapporteur.numerals import chinese, roman
from rapporteur.resolve import Paragraph


def test_numerals():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 45)] == ["I", "IV", "IX", "XIV", "XL", "XLV"]
    assert [chinese(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_paragraphs_and_footnotes_are_numbered_in_reading_order(tiny):
    document, _ = check_report(tiny.project)
    assert [p.number for p in document.paragraphs] == [1, 2, 3]
    notes = [(note.number, note.id) for note in document.footnotes]
    # Body footnotes in order of their references (the item's note after the paragraph's),
    # then Annex I's two notes continue the numbering.
    assert notes == [(1, "first-note"), (2, "third-note"), (3, "item-note"),
                     (4, "annex-immediate"), (5, "annex-results")]


def test_inserting_a_paragraph_renumbers_everything_after_it(tiny):
    tiny.replace("body/01-opening.yaml", "blocks:\n", "blocks:\n"
                 "  - paragraph:\n      zh: 新的一段。[^new-note]\n      en: A new paragraph.[^new-note]\n"
                 "    footnotes:\n      new-note:\n        zh: 新脚注。\n        en: A new note.\n")
    document, _ = check_report(tiny.project)
    assert [p.text["en"] for p in document.paragraphs][:2] == [
        "A new paragraph.[^new-note]", "The first paragraph; see document CDIP/26/7.[^first-note]"]
    assert [p.number for p in document.paragraphs] == [1, 2, 3, 4]
    assert [n.id for n in document.footnotes][:2] == ["new-note", "first-note"]
    assert document.annex_i.immediate_note.number == 5


def test_sections_are_numbered_per_language(tiny):
    document, _ = check_report(tiny.project)
    numbered = [s for s in document.sections if s.label]
    assert [s.label for s in numbered] == [{"zh": "一.", "en": "I."}]
    assert document.sections[0].label is None  # the opening paragraphs have no heading


def test_annex_i_rows_link_result_codes_with_per_language_labels(tiny):
    document, _ = check_report(tiny.project)
    first, second = document.annex_i.rows
    assert [r.label for r in first.results] == [{"zh": "一.2", "en": "I.2"},
                                                {"zh": "三.2", "en": "III.2"}]
    assert first.results[1].text["en"] == "The second result."
    assert first.star_note is document.annex_i.immediate_note
    assert first.label_note is document.annex_i.results_note
    assert second.star_note is None and second.label_note is None


def test_project_group_counts_are_computed(tiny):
    tiny.replace("data/projects.yaml", "      - id: project-b\n        title:\n          zh: 项目乙\n"
                 "          en: Project B\n", "")
    document, _ = check_report(tiny.project)
    assert [(g.status, g.count) for g in document.annex_ii.groups] == [("completed", 1),
                                                                       ("ongoing", 1)]


def test_wrapped_lines_join_without_spaces_between_chinese_characters(tiny):
    tiny.replace("body/01-opening.yaml", "zh: 第二段于 2021 年。", "zh: |-\n        第二段\n        于 2021\n        年。")
    tiny.replace("body/01-opening.yaml", "en: The second paragraph, in 2021.",
                 "en: |-\n        The second\n        paragraph, in 2021.")
    document, _ = check_report(tiny.project)
    paragraph = document.paragraphs[1]
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == {"zh": "第二段于 2021年。", "en": "The second paragraph, in 2021."}


def test_the_sample_report_has_the_source_counts(real_project):
    document, _ = check_report(real_project)
    assert len(document.paragraphs) == 89
    assert len(document.footnotes) == 99
    assert [row.number for row in document.annex_i.rows] == list(range(1, 46))
    assert document.annex_i.immediate_count == 19
    assert [(g.status, g.count) for g in document.annex_ii.groups] == [
        ("completed", 35), ("ongoing", 7), ("approved", 4)]
    assert [s.label["zh"] for s in document.sections if s.label] == [
        "一.", "二.", "三.", "四.", "五.", "六.", "七.", "八.", "九."]


def test_wrapped_english_keeps_its_space_next_to_curly_quotes(tiny):
    tiny.replace("body/01-opening.yaml", "en: The second paragraph, in 2021.",
                 "en: |-\n        The “second”\n        paragraph, in 2021.")
    document, _ = check_report(tiny.project)
    assert document.paragraphs[1].text["en"] == "The “second” paragraph, in 2021."
