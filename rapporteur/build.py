"""The pipeline, start to end: load → validate → resolve → render → publish."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Literal

from .errors import ContentError, Problem, UsageError
from .load import LoadedContent, load_content
from .outputs import REGISTRY, BuildContext
from .outputs.base import AssembledJob, RenderJob
from .outputs.cache import RenderCache
from .outputs.jobs import JobEvents, JobRunner
from .parity import check_parity
from .publish import output_lock, write_outputs
from .record import current_build, inputs_key, write_record
from .references import plain_mentions_left, reference_errors
from .render import Theme
from .resolve import Document, resolve_document
from .translation.draft import with_placeholders
from .translation.status import translation_status
from .validate import ValidContent, validate_content

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
    source: Literal["built", "cached", "shared", "up to date"]
    written: bool
    seconds: float
    rendered_parts: tuple[str, ...] = ()
    """The parts rendered for it in this build (a PDF's body, say), the others were cached."""


@dataclass(frozen=True)
class BuildResult:
    document: Document | None
    """The resolved document; None when the outputs were up to date and nothing was read."""
    files: list[OutputFile]
    rendered: list[Path]
    """The files whose render job ran in this build: not taken from the cache."""
    warnings: list[Problem] = field(default_factory=list)
    rendered_parts: list[str] = field(default_factory=list)
    """The labels of the parts rendered in this build ("cdip-28-2.en.pdf (body)")."""

    @property
    def up_to_date(self) -> bool:
        return self.document is None

    @property
    def outputs(self) -> list[Path]:
        return [file.path for file in self.files]

    @property
    def written(self) -> list[Path]:
        return [file.path for file in self.files if file.written]


def check_report(project: Project, strict: bool = False, draft: bool = False,
                 checks: bool = True) -> tuple[Document, list[Problem]]:
    """Load, validate and resolve the content; raises ContentError on any error.

    Returns the document and the warnings; with `strict`, warnings count as errors. A `draft`
    builds with missing or stale translations, marked (translation/draft.py); parity problems
    are then only warnings, since a placeholder cannot match its source. Without `checks` (a
    preview) only what rendering needs is checked.
    """
    content, document, warnings = prepare_report(project, strict, draft)
    if checks:
        warnings += review_report(content, project, strict, draft)
    return document, warnings


def prepare_report(project: Project, strict: bool = False, draft: bool = False
                   ) -> tuple[ValidContent, Document, list[Problem]]:
    """What rendering needs: the content loaded, validated, its references known, resolved."""
    return prepare_loaded(load_content(project.content), project, strict, draft)


def prepare_loaded(loaded: LoadedContent, project: Project, strict: bool = False,
                   draft: bool = False) -> tuple[ValidContent, Document, list[Problem]]:
    """`prepare_report` on content already loaded (an import checks its merged content so)."""
    if draft:
        loaded = with_placeholders(loaded)
    content = validate_content(loaded)
    # Unknown references would break rendering: checked before anything renders.
    problems = _graded(reference_errors(content), draft)
    if _errors(problems, strict):
        # The review's problems too: one run lists every mistake.
        _stop_on_errors(problems + _review(content, project, draft), strict)
    document = resolve_document(content)
    return content, (replace(document, draft=True) if draft else document), problems


def check_loaded(loaded: LoadedContent, project: Project) -> list[Problem]:
    """Every check `check` runs, on content already loaded; raises ContentError on any error.

    `xliff import` runs it on the content as the import would leave it, so that an import never
    leaves content that `check` refuses.
    """
    content, _, warnings = prepare_loaded(loaded, project)
    return warnings + review_report(content, project)


def review_report(content: ValidContent, project: Project, strict: bool = False,
                  draft: bool = False) -> list[Problem]:
    """The checks rendering does not need (plain mentions, parity, translation status).

    A build runs them while its PDFs render; raises ContentError on any error.
    """
    problems = _review(content, project, draft)
    _stop_on_errors(problems, strict)
    return problems


def _review(content: ValidContent, project: Project, draft: bool) -> list[Problem]:
    problems = _graded(plain_mentions_left(content) + check_parity(content), draft)
    return problems + translation_status(content.loaded, project.theme.locales).problems


def _graded(problems: list[Problem], draft: bool) -> list[Problem]:
    return [replace(problem, severity="warning") for problem in problems] if draft else problems


def _errors(problems: list[Problem], strict: bool) -> list[Problem]:
    return [problem for problem in problems if strict or problem.severity == "error"]


def _stop_on_errors(problems: list[Problem], strict: bool) -> None:
    errors = _errors(problems, strict)
    if errors:
        raise ContentError([replace(problem, severity="error") for problem in errors])


def build_report(project: Project, output: Path, languages: Iterable[str] | None = None,
                 formats: Iterable[str] = FORMATS, strict: bool = False,
                 use_cache: bool = True, keep_print_html: bool = False,
                 events: JobEvents | None = None, preview: bool = False, draft: bool = False,
                 write: Callable[[dict[Path, bytes], list[Path]], list[Path]] = write_outputs,
                 cancelled: Callable[[], bool] | None = None) -> BuildResult:
    """Build the requested languages and formats into `output`, all or nothing.

    A `preview` (what `serve` shows first after an edit) skips the slow parts, the parity and
    translation checks and the render jobs: files that need a job keep their previous version
    until the full build that follows. `write` is where the files go (`serve` checks there that
    no newer edit came in while the build ran); while the PDFs render, `cancelled` is asked
    whether the build is still wanted (`jobs.Cancelled` if not: `serve` drops the build of an
    older edit). A build whose inputs and options are those of the folder's last build, and
    whose files are still there, does nothing (record.py); without `use_cache` everything is
    rendered again.
    """
    options = {"languages": sorted(languages) if languages else None, "formats": sorted(formats),
               "strict": strict, "draft": draft, "keep_print_html": keep_print_html}
    folders = [project.content, project.theme.templates, project.theme.locales]
    # A preview leaves some files out (the search index): it may not clear their folders.
    owned = [] if preview else [output / folder for name in formats
                                for folder in REGISTRY[name].owned_folders]
    key = inputs_key(folders, options) if not preview else None
    current = current_build(output, key, owned) if key and use_cache else None
    if current:
        return BuildResult(None, [OutputFile(file.path, file.format, "up to date", False, 0.0)
                                  for file in current.files], [], current.warnings)
    cache = RenderCache(project.cache) if use_cache and project.cache else None
    with JobRunner(cache, events, cancelled=cancelled) as runner:
        if not preview and any(REGISTRY[name].heavy for name in formats):
            # While this process checks and renders the pages, the workers import WeasyPrint;
            # they are stopped at once if there is nothing to render after all.
            runner.warm_up()
        content, document, warnings = prepare_report(project, strict, draft)
        declared = [language.code for language in document.languages]
        languages = tuple(languages or declared)
        unknown = [code for code in languages if code not in declared]
        if unknown:
            raise UsageError(f"unknown language {', '.join(unknown)}: the report declares "
                             f"{', '.join(declared)}")
        context = BuildContext(document, project.theme, languages, keep_print_html, preview,
                               project.content)
        files, jobs = _render_formats(context, formats, runner, output)
        if not preview:
            warnings += review_report(content, project, strict, draft)
        results = runner.finish()
    sources: dict[Path, str] = {}
    for path, (name, _) in jobs.items():
        files[path] = (name, results[path].data, results[path].seconds)
        sources[path] = results[path].source
    with output_lock(output):
        written = set(write({path: data for path, (_, data, _) in files.items()}, owned))
        # Recorded only if no input changed while the build read them.
        if key and inputs_key(folders, options) == key:
            write_record(output, key, {path: (name, data) for path, (name, data, _)
                                       in files.items()}, warnings)
    if cache and cache.warning:
        # The machine's, not the content's: shown, but not recorded with the content's warnings.
        warnings = [*warnings, Problem(project.cache, None, None, cache.warning,
                                       severity="warning")]
    return BuildResult(document, [
        OutputFile(path, name, sources.get(path, "built"), path in written, seconds,
                   results[path].rendered_parts if path in results else ())
        for path, (name, _, seconds) in files.items()],
        [path for path in jobs if results[path].source == "built"], warnings,
        list(dict.fromkeys(part for path in jobs for part in results[path].rendered_parts)))


def _render_formats(context: BuildContext, formats: Iterable[str], runner: JobRunner,
                    output: Path) -> tuple[dict[Path, tuple[str, bytes, float]],
                                           dict[Path, tuple[str, RenderJob | AssembledJob]]]:
    """Every format's files: the cheap ones as bytes (format, bytes, seconds), and the format
    of each file a render job makes, its job handed to `runner` (none in a preview)."""
    files: dict[Path, tuple[str, bytes, float]] = {}
    jobs: dict[Path, tuple[str, RenderJob | AssembledJob]] = {}
    # Formats with render jobs first: their jobs start at once, the rest renders meanwhile.
    # A heavy format renders in steps (a language at a time), each step's jobs started at once.
    for name in sorted(formats, key=lambda name: not REGISTRY[name].heavy):
        for step in context.render_in_steps(REGISTRY[name]):
            new_jobs = {}
            for relative, result in step.items():
                if isinstance(result, bytes):
                    files[output / relative] = (name, result, 0.0)  # cheap: not timed apart
                elif not context.preview:
                    jobs[output / relative] = (name, result)
                    new_jobs[output / relative] = result
            runner.start(new_jobs)
    return files, jobs
