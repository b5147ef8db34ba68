"""Property tests: whatever content authors throw at it, a run ends in a build or a clean error."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, THEME
from rapporteur.build import Project, build_report
from rapporteur.errors import ContentError
from rapporteur.load import load_yaml_file

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

odd_markdown = st.sampled_from([
    "*", "**", "_", "[", "]", "[^", "[^x]", "](", "<", ">", "&", "`", "\\", "#", "- ", "1. ",
    "<script>", "</p>", "<!--", "[a](javascript:x)", "![i](file:///etc/passwd)", "https://",
    "www.", "\n\n", "\n", "|", "~~~", "    ", "\u200b", "\U0001F600", "\u202e", "中文", "。",
])
texts = st.lists(st.one_of(st.text(max_size=30), odd_markdown), max_size=25).map("".join)


@SETTINGS
@given(data=st.binary(max_size=400))
@example(data=b"\x00")  # found by hypothesis: PyYAML's reader refused it with its own error
def test_loader_never_crashes_on_arbitrary_bytes(data, tmp_path):
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    try:
        load_yaml_file(path)
    except ContentError as error:
        assert error.problems and all(p.message for p in error.problems)


nested = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(
                                   ["zh", "en", "paragraph", "heading", "items", "footnotes",
                                    "marker", "text", "blocks", "title", "x"]), children,
                                   max_size=4)),
    max_leaves=30)


def _copy_tiny(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(FIXTURES / "tiny" / "content", content)
    return content


@SETTINGS
@given(blocks=nested)
def test_any_section_structure_validates_or_fails_cleanly(blocks, tmp_path):
    content = _copy_tiny(tmp_path)
    (content / "body" / "02-section.yaml").write_text(
        yaml.safe_dump({"blocks": blocks}, allow_unicode=True), encoding="utf-8")
    try:
        build_report(Project(content, THEME), tmp_path / "out", formats=["html"])
    except ContentError as error:
        assert all(p.file.name and p.message for p in error.problems)


@SETTINGS
@given(zh=texts, en=texts)
@example(zh="0", en="http://[")  # found by hypothesis: urlsplit raised on it
def test_any_paragraph_text_builds_or_fails_cleanly(zh, en, tmp_path):
    content = _copy_tiny(tmp_path)
    (content / "body" / "02-section.yaml").write_text(yaml.safe_dump(
        {"blocks": [{"paragraph": {"zh": zh, "en": en}}]}, allow_unicode=True), encoding="utf-8")
    try:
        result = build_report(Project(content, THEME), tmp_path / "out",
                              formats=["html", "docx"])
    except ContentError as error:
        assert all(p.message for p in error.problems)
        return
    html = (tmp_path / "out" / "test-1-1.en.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "javascript:" not in html.replace("javascript:x)", "")
    assert result.outputs


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(min_value=10_000, max_value=200_000), word=odd_markdown)
def test_huge_texts_render_to_pdf_or_fail_cleanly(size, word, tmp_path):
    content = _copy_tiny(tmp_path)
    big = (word + " ") * (size // (len(word) + 1))
    (content / "body" / "02-section.yaml").write_text(yaml.safe_dump(
        {"blocks": [{"paragraph": {"zh": big, "en": big}}]}, allow_unicode=True), encoding="utf-8")
    try:
        build_report(Project(content, THEME), tmp_path / "out", languages=["en"],
                     formats=["pdf"])
    except ContentError as error:
        assert all(p.message for p in error.problems)


# Every inline construct a text can hold, in every text field of the schema (issue 12): a run
# ends in a build or in problems that each name a file and a line, never in a crash.
CONSTRUCTS = [
    "[^first-note]", "[^third-note]", "[^item-note]", "[^nowhere]", "`[^first-note]`",
    "\\[^first-note]", "[^First]", "*emphasis*", "**strong**", "`code`", "<b>raw</b>",
    "[label](https://example.org/)", "[label](mailto:a@example.org)", "[label](annex.html)",
    "[label](#para-1)", "[label](javascript:alert(1))", "[label](JAVASCRIPT:x)",
    "[label](data:text/html,x)", "[label](file:///etc/passwd)", "[label](//evil.example)",
    "[label]: javascript:x", "https://www.wipo.int/x", "www.wipo.int", "![i](x.png)",
    "\x07", "\x1b[31m", "\x85", "\u2028", "\u2029", "\ud800", "\x00", "\t", "\r", "\n\n- item",
    "{rec:13}", "{project:x}", "中文。", "\u202e", "&amp;", "<script>alert(1)</script>",
]


def _text_fields(data, location=()):
    """The location of every localized text in the fixture: each mapping of language → text."""
    if isinstance(data, dict):
        if data and set(data) <= {"zh", "en"} and all(isinstance(v, str) for v in data.values()):
            yield location
            return
        for key, value in data.items():
            yield from _text_fields(value, location + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _text_fields(value, location + (index,))


def _fixture_texts() -> list[tuple[str, tuple]]:
    root = FIXTURES / "tiny" / "content"
    return [(str(path.relative_to(root)), location)
            for path in sorted(root.rglob("*.yaml"))
            for location in _text_fields(yaml.safe_load(path.read_text(encoding="utf-8")))]


TEXT_FIELDS = _fixture_texts()


def test_the_fixture_has_a_text_in_every_kind_of_field():
    keys = {location[-1] if isinstance(location[-1], str) else location[-2]
            for _, location in TEXT_FIELDS}
    assert {"title", "original_language", "committee", "session", "dates_and_place", "prepared_by",
            "paragraph", "heading", "text", "continued", "first-note", "body", "document",
            "immediate_note", "results_note"} <= keys
    assert any("projects" in location for _, location in TEXT_FIELDS)  # a project's title


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(TEXT_FIELDS), language=st.sampled_from(["zh", "en"]),
       inserted=st.lists(st.sampled_from(CONSTRUCTS), min_size=1, max_size=3).map(" ".join),
       at_start=st.booleans())
def test_any_construct_in_any_text_field_builds_or_is_reported_at_its_line(
        field, language, inserted, at_start, tmp_path):
    content = _copy_tiny(tmp_path)
    name, location = field
    path = content / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    holder = data
    for key in location:
        holder = holder[key]
    holder[language] = inserted + holder[language] if at_start else holder[language] + inserted
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        build_report(Project(content, THEME), tmp_path / "out", formats=["html", "docx"])
    except ContentError as error:
        assert error.problems
        assert all(p.file.is_file() and p.line is not None and p.message
                   for p in error.problems), [p.format() for p in error.problems]
        return
    for document in (tmp_path / "out").glob("*.docx"):
        with zipfile.ZipFile(document) as docx:
            targets = b"".join(docx.read(name) for name in docx.namelist()
                               if name.endswith(".rels")).lower()
        assert not any(scheme in targets for scheme in (b'"javascript:', b'"data:', b'"file:'))
    for page in (tmp_path / "out").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not any(found in html.lower() for found in
                       ('<a href="javascript:', '<a href="data:', '<a href="file:', "<script>"))
        assert not any(char in html for char in "\x00\x07\x1b\x85\u2028\u2029\r")
