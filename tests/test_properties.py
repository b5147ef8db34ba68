"""Property tests: whatever content authors throw at it, a run ends in a build or a clean error."""

from __future__ import annotations

import shutil
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
        result = build_report(Project(content, THEME), tmp_path / "out", formats=["html"])
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
