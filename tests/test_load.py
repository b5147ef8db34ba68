"""Stage 1: YAML files become data with positions, or one clear positioned problem."""

from __future__ import annotations

import pytest

from rapporteur.errors import ContentError, Problem
from rapporteur.load import MAX_FILE_BYTES, load_yaml_file


def load_error(tmp_path, data: bytes | str) -> Problem:
    path = tmp_path / "file.yaml"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    with pytest.raises(ContentError) as raised:
        load_yaml_file(path)
    assert len(raised.value.problems) == 1
    return raised.value.problems[0]


def test_positions_point_at_keys_and_list_items(tmp_path):
    path = tmp_path / "file.yaml"
    path.write_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", encoding="utf-8")
    loaded = load_yaml_file(path)
    assert loaded.data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert loaded.position(("a", "b")) == (2, 3)
    assert loaded.position(("a", "c", 1)) == (5, 7)
    # A missing key falls back to its nearest parent that exists.
    assert loaded.position(("a", "missing")) == (1, 1)


def test_duplicate_key_names_both_lines(tmp_path):
    problem = load_error(tmp_path, "title: a\nbody: b\ntitle: c\n")
    assert (problem.line, problem.column) == (3, 1)
    assert "duplicate key 'title'" in problem.message
    assert "line 1" in problem.hint


def test_tab_indentation_gets_a_hint(tmp_path):
    problem = load_error(tmp_path, "a:\n\tb: 1\n")
    assert problem.line == 2
    assert "tab" in problem.hint


def test_syntax_error_reports_line_and_column(tmp_path):
    problem = load_error(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert problem.line == 3
    assert problem.message.startswith("YAML syntax error")
    # Where the error shows is not where the mistake is: the hint points back to it.
    assert problem.hint.startswith("the '[' at line 2, column 4 is not closed")


def test_a_text_starting_with_a_brace_is_pointed_at(tmp_path):
    problem = load_error(tmp_path, "title:\n  en: {Annex II follows\n  zh: 附件二\n")
    assert problem.hint.startswith("the '{' at line 2, column 7 is not closed")


def test_byte_order_mark_is_refused(tmp_path):
    problem = load_error(tmp_path, b"\xef\xbb\xbfa: 1\n")
    assert "byte order mark" in problem.message
    assert "without BOM" in problem.hint


def test_non_utf8_file_names_the_line_of_the_bad_byte(tmp_path):
    problem = load_error(tmp_path, "a: ok\nb: caf".encode() + b"\xe9\n")
    assert (problem.line, problem.column) == (2, 7)
    assert "not valid UTF-8" in problem.message


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    assert load_error(tmp_path, text).message == "file is empty"


def test_alias_bomb_is_refused_before_expansion(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    problem = load_error(tmp_path, bomb)
    assert problem.line == 2
    assert "aliases" in problem.message


def test_oversized_file(tmp_path):
    problem = load_error(tmp_path, "a: " + "x" * (MAX_FILE_BYTES + 1) + "\n")
    assert "more than" in problem.message


def test_deep_nesting_is_refused(tmp_path):
    problem = load_error(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in problem.message


def test_missing_file(tmp_path):
    with pytest.raises(ContentError) as raised:
        load_yaml_file(tmp_path / "nope.yaml")
    assert raised.value.problems[0].message == "file not found"
