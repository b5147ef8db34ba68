"""The pipeline, start to end: load → validate → resolve → render → publish."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Literal

from .errors import ContentError, Problem, UsageError
from .load import load_content
from .outputs import REGISTRY, BuildContext
from .outputs.cache import RenderCache
from .outputs.jobs import JobEvents, run_jobs
from .parity import check_parity
from .publish import write_outputs
from .render import Theme
from .resolve import Document, resolve_document
from .validate import validate_content

FORMATS = tuple(REGISTRY)
CACHE_FOLDER = ".rapporteur-cache"


@dataclass(frozen=True)
class Project:
    """The folders of a report project: its content, the theme that renders it, its cache."""

    content: Path
    theme: Theme
    cache: Path | None = None

    @classmethod
    def at(cls, root: Path) -> "Project":
        """The standard layout: content/, templates/ and locales/ side by side under `root`."""
        return cls(root / "content", Theme(templates=root / "templates", locales=root / "locales"),
                   root / CACHE_FOLDER)


@dataclass(frozen=True)
class OutputFile:
    """One file of a build: where it went, whether it was rendered or cached, and if it changed."""

    path: Path
    format: str
    source: Literal["built", "cached"]
    written: bool
    seconds: float


@dataclass(frozen=True)
class BuildResult:
    document: Document
    files: list[OutputFile]
    rendered: list[Path]
    """The files whose render job ran in this build: not taken from the cache."""
    warnings: list[Problem] = field(default_factory=list)

    @property
    def outputs(self) -> list[Path]:
        return [file.path for file in self.files]

    @property
    def written(self) -> list[Path]:
        return [file.path for file in self.files if file.written]


def check_report(project: Project, strict: bool = False) -> tuple[Document, list[Problem]]:
    """Load, validate and resolve the content; raises ContentError on any error.

    Returns the document and the warnings; with `strict`, warnings count as errors.
    """
    content = validate_content(load_content(project.content))
    problems = check_parity(content)
    errors = [problem for problem in problems if strict or problem.severity == "error"]
    if errors:
        raise ContentError([replace(problem, severity="error") for problem in errors])
    return resolve_document(content), problems


def build_report(project: Project, output: Path, languages: Iterable[str] | None = None,
                 formats: Iterable[str] = FORMATS, strict: bool = False,
                 use_cache: bool = True, keep_print_html: bool = False,
                 events: JobEvents | None = None) -> BuildResult:
    """Build the requested languages and formats into `output`, all or nothing."""
    document, warnings = check_report(project, strict)
    declared = [language.code for language in document.languages]
    languages = tuple(languages or declared)
    unknown = [code for code in languages if code not in declared]
    if unknown:
        raise UsageError(f"unknown language {', '.join(unknown)}: the report declares "
                         f"{', '.join(declared)}")
    context = BuildContext(document, project.theme, languages, keep_print_html)
    files: dict[Path, tuple[str, bytes, float]] = {}
    jobs = {}
    for name in formats:
        start = time.perf_counter()
        rendered = REGISTRY[name]().render(context)
        for relative, result in rendered.items():
            if isinstance(result, bytes):
                files[output / relative] = (name, result, time.perf_counter() - start)
            else:
                jobs[output / relative] = (name, result)
    cache = RenderCache(project.cache) if use_cache and project.cache else None
    results = run_jobs({path: job for path, (_, job) in jobs.items()}, cache, events)
    sources: dict[Path, str] = {}
    for path, (name, _) in jobs.items():
        files[path] = (name, results[path].data, results[path].seconds)
        sources[path] = results[path].source
    owned = [output / folder for name in formats for folder in REGISTRY[name].owned_folders]
    written = set(write_outputs({path: data for path, (_, data, _) in files.items()}, owned))
    return BuildResult(document, [
        OutputFile(path, name, sources.get(path, "built"), path in written, seconds)
        for path, (name, _, seconds) in files.items()],
        [path for path in jobs if results[path].source == "built"], warnings)
