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


def _sample_yaml_files():
    from conftest import FIXTURES, REPO

    return sorted([*(REPO / "content").rglob("*.yaml"), *FIXTURES.rglob("*.yaml")])


def test_libyaml_and_pyyaml_read_every_sample_file_alike(monkeypatch):
    """libyaml reads the content when PyYAML has it (a fifth of the time): the same data and the
    same line and column for every key and item as PyYAML's own parser, which stays the fallback."""
    from rapporteur import load

    if load._FastLoader is None:
        pytest.skip("PyYAML was built without libyaml: only its own parser runs")
    files = _sample_yaml_files()
    assert len(files) > 20
    for path in files:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        lines = tuple(line.removesuffix("\r") for line in text.split("\n"))
        fast = load._fast_parse(path, lines, text)
        assert fast is not None, f"libyaml did not read {path.name}"
        with monkeypatch.context() as patched:
            patched.setattr(load, "_FastLoader", None)
            pure = load.parse_yaml(path, raw)
        assert fast == (pure.data, pure.positions), path.name


@pytest.mark.parametrize("text, at", [("a: &x 1\nb: *x\n", (2, 4)), ("a: &k x\n*k : 1\n", (2, 1)),
                                      ("a: {b: &y [1], c: *y}\n", (1, 19))])
def test_an_alias_is_refused_where_it_stands(tmp_path, text, at):
    """libyaml composes aliases without a word: the alias is still refused, at its position."""
    problem = load_error(tmp_path, text)
    assert (problem.line, problem.column) == at
    assert "aliases (*name) are not allowed" in problem.message


def test_a_tab_after_a_key_is_refused_as_before(tmp_path):
    """libyaml takes a tab after "key:" as a space; PyYAML, and so the builder, refuse it."""
    problem = load_error(tmp_path, "a:\tb\n")
    assert (problem.line, problem.column) == (1, 3)
    assert "YAML syntax error" in problem.message
