"""Stage 1, load: read the content's YAML files into plain data, remembering where each value stands.

Only the structure of YAML is interpreted here (mappings, lists, scalars). What the data means is
the validate stage's business; this stage guarantees that what it hands on came from well-formed,
UTF-8, reasonably sized files without duplicate keys or aliases.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """The data of one YAML file and the line/column (1-based) of every key and list item."""

    path: Path
    data: Any
    positions: dict[Location, tuple[int, int]] = field(repr=False)

    def position(self, location: Location) -> tuple[int | None, int | None]:
        """Where `location` (a path of keys and indices) stands, or its nearest existing parent."""
        for end in range(len(location), -1, -1):
            found = self.positions.get(tuple(location[:end]))
            if found:
                return found
        return None, None

    def problem(self, location: Location, message: str, hint: str | None = None,
                severity: str = "error") -> Problem:
        line, column = self.position(location)
        return Problem(self.path, line, column, message, hint, severity)


@dataclass(frozen=True)
class LoadedContent:
    """Every file of a report, as loaded: the report file, then the files it names."""

    root: Path
    report: SourceFile
    body: list[SourceFile]
    glossary: SourceFile | None
    results: SourceFile
    recommendations: SourceFile
    projects: SourceFile


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses anchors/aliases: content never needs them, and they are how "billion laughs" works."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in content", event.start_mark)
        return super().compose_node(parent, index)


def _problem_at(path: Path, mark, message: str, hint: str | None = None) -> Problem:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Problem(path, line, column, message, hint)


def _hint_for_yaml_error(message: str) -> str | None:
    if "'\\t'" in message or "tab" in message:
        return "YAML indentation must use spaces, not tabs: replace the tab with spaces"
    if "mapping values are not allowed" in message:
        return "a text containing ': ' must be quoted, or written as a |- block on the next lines"
    if "could not find expected ':'" in message:
        return "check the indentation of this line and of the line above; keys end with ':'"
    if "found undefined alias" in message or "aliases" in message:
        return "write the value out instead of using &anchor / *alias"
    if "expected <block end>" in message:
        return "this line is indented differently from the lines around it"
    if "found unexpected end of stream" in message or "while scanning a quoted scalar" in message:
        return "a quotation mark is not closed"
    return None


def load_yaml_file(path: Path) -> SourceFile:
    """Read one YAML file. Raises ContentError with a positioned Problem for anything malformed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([Problem(path, None, None, "file not found")]) from None
    except OSError as error:
        raise ContentError([Problem(path, None, None, f"cannot read file: {error.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError([Problem(
            path, None, None,
            f"file is {len(raw):,} bytes, more than the {MAX_FILE_BYTES:,} allowed",
            "split it into several files, or check that nothing was pasted by mistake")])
    if raw.startswith(codecs.BOM_UTF8):
        raise ContentError([Problem(path, 1, 1, "file starts with a byte order mark (BOM)",
                                    "save the file as UTF-8 without BOM")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ContentError([Problem(path, line, column, "file is not valid UTF-8",
                                    "save the file with UTF-8 encoding")]) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#")
                               for ln in text.splitlines()):
        raise ContentError([Problem(path, 1, 1, "file is empty",
                                    "write the content, or remove the file from report.yaml")])

    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise ContentError([Problem(
            path, line, column, f"the file contains a control character ({error.character!r})",
            "delete it: it is invisible, and often comes from pasting")]) from None
    try:
        node = loader.get_single_node()
        positions: dict[Location, tuple[int, int]] = {}
        data = _construct(path, loader, node, (), positions, 0)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        raise ContentError([_problem_at(path, mark, f"YAML syntax error: {message}",
                                        _hint_for_yaml_error(message))]) from None
    except yaml.YAMLError as error:
        raise ContentError([Problem(path, None, None, f"YAML error: {error}")]) from None
    except RecursionError:
        raise ContentError([Problem(path, None, None, "content is nested too deeply")]) from None
    finally:
        loader.dispose()
    return SourceFile(path, data, positions)


def _construct(path: Path, loader: yaml.SafeLoader, node: Node, location: Location,
               positions: dict[Location, tuple[int, int]], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ContentError([_problem_at(path, node.start_mark, "content is nested too deeply",
                                        f"no content needs more than {MAX_DEPTH} levels")])
    positions.setdefault(location, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ContentError([_problem_at(path, key_node.start_mark,
                                                "a key must be a plain word")])
            key = loader.construct_object(key_node)
            if key == "<<":
                raise ContentError([_problem_at(path, key_node.start_mark,
                                                "merge keys (<<) are not allowed in content")])
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in result:
                first = positions[location + (key,)]
                raise ContentError([_problem_at(
                    path, key_node.start_mark, f"duplicate key '{key}'",
                    f"'{key}' is already set on line {first[0]}; keep one of the two")])
            positions[location + (key,)] = (key_node.start_mark.line + 1,
                                            key_node.start_mark.column + 1)
            result[key] = _construct(path, loader, value_node, location + (key,), positions,
                                     depth + 1)
        return result
    if isinstance(node, SequenceNode):
        return [_construct(path, loader, item, location + (index,), positions, depth + 1)
                for index, item in enumerate(node.value)]
    try:
        return loader.construct_object(node)
    except ValueError:
        # A scalar YAML reads as a date or number but cannot be one (2022-13-45): keep the
        # text and let validation say what was expected there.
        return node.value


def load_content(content_dir: Path) -> LoadedContent:
    """Load report.yaml and every file it names. All unreadable files are reported together."""
    report = load_yaml_file(content_dir / "report.yaml")
    problems: list[Problem] = []

    def named_file(location: Location, required: bool = True) -> SourceFile | None:
        value: Any = report.data
        for key in location:
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                value = None
        if value is None:
            if required:
                problems.append(report.problem(location, f"missing '{'.'.join(map(str, location))}'",
                                               "name the file, relative to the content folder"))
            return None
        if not isinstance(value, str):
            problems.append(report.problem(location, "expected a file name"))
            return None
        target = (content_dir / value).resolve()
        if not target.is_relative_to(content_dir.resolve()):
            problems.append(report.problem(location, f"'{value}' is outside the content folder"))
            return None
        if not target.is_file():
            problems.append(report.problem(location, f"included file '{value}' does not exist",
                                           "check the file name and its folder"))
            return None
        try:
            return load_yaml_file(target)
        except ContentError as error:
            problems.extend(error.problems)
            return None

    if not isinstance(report.data, dict):
        raise ContentError([report.problem((), "report.yaml must be a mapping of keys to values")])
    body_list = report.data.get("body")
    body: list[SourceFile] = []
    if not isinstance(body_list, list) or not body_list:
        problems.append(report.problem(("body",), "'body' must list the section files in order"))
    else:
        for index in range(len(body_list)):
            loaded = named_file(("body", index))
            if loaded:
                body.append(loaded)
    glossary = named_file(("glossary",), required=False)
    results = named_file(("annexes", "results"))
    recommendations = named_file(("annexes", "recommendations"))
    projects = named_file(("annexes", "projects"))
    if problems:
        raise ContentError(problems)
    assert results and recommendations and projects
    return LoadedContent(content_dir, report, body, glossary, results, recommendations, projects)
