"""The sample report against its source: the Chinese text layer of CDIP/28/2's PDF.

These tests read the source itself (tests/fixtures/source), not the content, to decide what is
right: every paragraph and footnote must be found in it, with the source's numbers, and the
annexes must carry exactly the recommendations, links and projects the source prints.
"""

from __future__ import annotations

import re

import pytest
from conftest import THEME

from rapporteur.build import check_report
from rapporteur.numerals import chinese
from rapporteur.render import reading_text

CHUNK = 12
_PAGE_HEADER = re.compile(r"^\s*(CDIP/28/2|第 ?\d+ ?页|附件.{0,3}第 ?\d+ ?页)\s*$")
_ONLY_DIGITS = re.compile(r"^\s*\d+\s*$")


def squeeze(text: str) -> str:
    """Text with white space, footnote references and Markdown markup removed."""
    text = re.sub(r"\[\^[a-z0-9-]+\]", "", text)
    text = re.sub(r"^- ", "", text, flags=re.M)
    text = text.replace("\\", "").replace("*", "")
    # Quotation marks are compared as printed: the source once closes with a straight one
    # (‘初创'), which the content keeps (escaped, so that the typographer leaves it straight).
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def source(source_text: str) -> str:
    """The source with its layout artefacts gone: page headers, lone footnote numbers, spaces."""
    lines = [line for line in source_text.splitlines()
             if not _PAGE_HEADER.match(line) and not _ONLY_DIGITS.match(line)]
    return squeeze("\n".join(lines))


@pytest.fixture(scope="module")
def document(real_project):
    return check_report(real_project)[0]


@pytest.fixture(scope="module")
def zh(document):
    """A Chinese text as the reader sees it, its references ({rec:13}) written out."""
    return reading_text(document, "zh", THEME)


def missing_chunks(text: str, source: str) -> list[str]:
    """The pieces of `text` that the source does not contain.

    A page break in the source can split a sentence with footnotes and headers, so the chunk
    that straddles it may be missing; anything more is a transcription error.
    """
    text = squeeze(text)
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)]
    return [chunk for chunk in chunks if chunk not in source]


def test_every_paragraph_is_in_the_source(document, source, zh):
    errors = {}
    for paragraph in document.paragraphs:
        texts = [zh(paragraph.text)] + [zh(item.text) for item in paragraph.items] + [
            zh(more) for item in paragraph.items for more in item.continued]
        missing = [chunk for text in texts for chunk in missing_chunks(text, source)]
        if len(missing) > 1:
            errors[paragraph.number] = missing
    assert errors == {}


def test_paragraphs_carry_the_source_numbers(document, source_text, zh):
    """Paragraph N's text starts right after "N." at the start of a line of the source."""
    wrong = []
    position = 0
    for paragraph in document.paragraphs:
        opening = squeeze(zh(paragraph.text))[:8]
        pattern = re.compile(rf"^\s*{paragraph.number}\.\s*(.*)$", re.M)
        match = pattern.search(source_text, position)
        if not match or not squeeze(match.group(1)).startswith(opening):
            wrong.append(paragraph.number)
        else:
            position = match.end()  # paragraphs come in order: search on from here
    assert wrong == []


def test_every_footnote_is_in_the_source_under_its_number(document, source_text, source, zh):
    errors = {}
    lines = source_text.splitlines()
    for note in document.footnotes:
        text = zh(note.text)
        missing = missing_chunks(text, source)
        if len(missing) > 1:
            errors[note.number] = missing
        # In the source, a footnote body follows its number, alone on the line before it.
        opening = squeeze(text)[:6]
        starts = [i for i, line in enumerate(lines) if squeeze(line).startswith(opening)]
        numbered = any(lines[i - 1].strip() == str(note.number) for i in starts if i > 0) or any(
            squeeze(line).startswith(f"{note.number}{opening}") for line in lines)
        if not numbered:
            errors.setdefault(note.number, []).append("not under its number")
    assert errors == {}


def _source_annex_i(source_text: str) -> dict[int, tuple[bool, list[str]]]:
    """Recommendation number → (starred, the result codes in printed order), read from the source."""
    annex = source_text[source_text.index("[后接附件一]"):source_text.index("截至 2021 年的发展议程项目一览表")]
    goals = {chinese(n): n for n in range(1, 10)}
    rows: dict[int, tuple[bool, list[str]]] = {}
    current = None
    for line in annex.splitlines():
        head = re.match(r"^\s*建议 ?(\d+) ?(\*?)", line)
        if head:
            current = int(head.group(1))
            rows[current] = (head.group(2) == "*", [])
            continue
        # A result line starts with its code ("三.2", "三.6.", "三.2:"); a recommendation's
        # text can also end on the line where its first result starts.
        for code in re.finditer(r"(?:^|。)\s*([一二三四五六七八九])\.(\d)", line):
            if current is not None:
                rows[current][1].append(f"{goals[code.group(1)]}.{code.group(2)}")
    return rows


def test_annex_i_links_exactly_the_source_results(document, source_text):
    expected = _source_annex_i(source_text)
    assert len(expected) == 45
    actual = {row.number: (row.immediate, [r.code for r in row.results])
              for row in document.annex_i.rows}
    assert actual == expected


def test_annex_i_recommendation_texts_are_in_the_source(document, source):
    errors = {row.number: missing_chunks(row.text["zh"], source)
              for row in document.annex_i.rows}
    assert {number: missing for number, missing in errors.items() if len(missing) > 1} == {}


def test_annex_ii_lists_the_source_projects(document, source_text):
    annex = source_text[source_text.index("截至 2021 年的发展议程项目一览表"):]
    groups = re.split(r"^.*（\s*\d+\s*个）\s*$", annex, flags=re.M)[1:]
    counts = [int(n) for n in re.findall(r"（\s*(\d+)\s*个）\s*$", annex, flags=re.M)]
    expected = [[squeeze(m) for m in re.findall(r"^\s*\d+\.\s*(.+?)\s*$", group, flags=re.M)]
                for group in groups]
    actual = [[squeeze(project.title["zh"]) for project in group.projects]
              for group in document.annex_ii.groups]
    assert [len(group) for group in expected] == counts == [35, 7, 4]
    assert actual == expected


def test_headings_are_in_the_source(document, source):
    headings = [s.title["zh"] for s in document.sections if s.title] + [
        block.text["zh"] for s in document.sections for block in s.blocks
        if not hasattr(block, "number")]
    assert [h for h in headings if squeeze(h) not in source] == []


def _content_corpus(document, zh) -> str:
    """Every Chinese text of the document as read, squeezed, one element after another."""
    texts = [document.header.title["zh"], document.header.committee["zh"],
             document.header.session["zh"], document.header.prepared_by["zh"],
             document.end_of_body["zh"], document.end_of_document["zh"],
             document.annex_i.title["zh"], document.annex_ii.title["zh"]]
    for section in document.sections:
        texts += [section.title["zh"]] if section.title else []
        for block in section.blocks:
            if hasattr(block, "number"):
                texts += [zh(block.text)] + [zh(item.text) for item in block.items] + [
                    zh(more) for item in block.items for more in item.continued]
            else:
                texts.append(block.text["zh"])
    texts += [zh(note.text) for note in document.footnotes]
    for row in document.annex_i.rows:
        texts += [row.text["zh"]] + [result.text["zh"] for result in row.results]
    texts += [group.title["zh"] for group in document.annex_ii.groups]
    texts += [project.title["zh"] for group in document.annex_ii.groups
              for project in group.projects]
    return "|".join(squeeze(text) for text in texts)


_GENERATED = re.compile(
    r"^\s*(原文：|日期：|2022 ?年 ?5 ?月.*日内瓦|建议 ?\d+ ?\*?.*与预期成果的联系|https?://\S+\s*$)")


def test_nothing_of_the_source_is_left_out(document, source_text, zh):
    """Each line of the source's text (less its layout artefacts) stands in the content."""
    corpus = _content_corpus(document, zh)
    header_end = source_text.index("秘书处编拟")
    body = source_text[header_end:]
    left_out = []
    for line in body.splitlines():
        if _PAGE_HEADER.match(line) or _ONLY_DIGITS.match(line) or _GENERATED.match(line):
            continue
        # Numbers the builder writes: paragraph/list numbers, section numerals, result codes,
        # group counts. A line can also hold the end of a text and the start of a result.
        line = re.sub(r"^\s*(\d+\.|\(?[ivx]+[)）]|-)\s", "", line)
        line = re.sub(r"^\s*[一二三四五六七八九]\.\s", "", line)
        line = re.sub(r"（\s*\d+\s*个）\s*$", "", line)
        for piece in re.split(r"[一二三四五六七八九]\.\d[.:]?", line):
            piece = squeeze(piece)
            if piece and piece not in corpus:
                left_out.append(line.strip())
    # Result 四.2 is printed once with an ASCII full stop; the catalogue keeps the usual "。".
    # Paragraph 70 lists "建议 7、23、32" without the "和" the source writes everywhere else;
    # the reference {rec:7,23,32} lists them as every other list is ("7、23 和 32").
    assert left_out == ["在知识产权和竞争政策领域，根据发展议程建议 7、23、32，"
                        "工作重心仍然是监测发展中国家和", "利用得到加强."]
