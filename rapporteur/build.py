"""The pipeline, start to end: load → validate → resolve → render → publish."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from .errors import ContentError, Problem, UsageError
from .load import load_content
from .parity import check_parity
from .publish import render_pdf, write_outputs
from .references import check_references
from .render import PRINT_PARTS, Theme, make_environment, render_language
from .resolve import Document, resolve_document
from .validate import validate_content

FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Project:
    """The folders of a report project: its content and the theme that renders it."""

    content: Path
    theme: Theme

    @classmethod
    def at(cls, root: Path) -> "Project":
        """The standard layout: content/, templates/ and locales/ side by side under `root`."""
        return cls(root / "content", Theme(templates=root / "templates", locales=root / "locales"))


@dataclass(frozen=True)
class BuildResult:
    document: Document
    written: list[Path]
    outputs: list[Path]
    warnings: list[Problem] = field(default_factory=list)


def check_report(project: Project, strict: bool = False) -> tuple[Document, list[Problem]]:
    """Load, validate and resolve the content; raises ContentError on any error.

    Returns the document and the warnings; with `strict`, warnings count as errors.
    """
    content = validate_content(load_content(project.content))
    problems = check_parity(content) + check_references(content)
    errors = [problem for problem in problems if strict or problem.severity == "error"]
    if errors:
        raise ContentError([replace(problem, severity="error") for problem in errors])
    return resolve_document(content), problems


def output_name(document: Document, language: str, extension: str) -> str:
    slug = "".join(char if char.isalnum() else "-" for char in document.header.symbol.lower())
    return f"{slug}.{language}.{extension}"


def build_report(project: Project, output: Path, languages: Iterable[str] | None = None,
                 formats: Iterable[str] = FORMATS, strict: bool = False) -> BuildResult:
    """Build the requested languages and formats into `output`, all or nothing."""
    document, warnings = check_report(project, strict)
    declared = [language.code for language in document.languages]
    languages = list(languages or declared)
    unknown = [code for code in languages if code not in declared]
    if unknown:
        raise UsageError(f"unknown language {', '.join(unknown)}: the report declares "
                         f"{', '.join(declared)}")
    formats = list(formats)
    theme = project.theme
    environment = make_environment(theme)
    links = {code: output_name(document, code, "html") for code in declared}
    outputs: dict[Path, bytes] = {}
    for language in languages:
        if "html" in formats:
            page = render_language(document, language, "screen", theme, links, environment)
            outputs[output / links[language]] = page.encode("utf-8")
        if "pdf" in formats:
            parts = [render_language(document, language, "print", theme,
                                     environment=environment, part=part) for part in PRINT_PARTS]
            outputs[output / output_name(document, language, "pdf")] = render_pdf(parts,
                                                                                 theme.assets)
    if "html" in formats:
        for asset in sorted(theme.assets.rglob("*")):
            if asset.is_file():
                outputs[output / "assets" / asset.relative_to(theme.assets)] = asset.read_bytes()
    written = write_outputs(outputs)
    return BuildResult(document, written, list(outputs), warnings)
