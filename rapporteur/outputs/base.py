"""What every output format shares: the context it renders from and the shape of its result."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar, Iterator, Protocol

from jinja2 import Environment

from ..render import Medium, Theme, make_environment, render_language
from ..resolve import Document


class RenderJob(Protocol):
    """A unit of heavy, deterministic work: picklable, so it can run in another process.

    Its `cache_key` is a hash of everything that decides its bytes; two jobs with the same key
    produce the same output, which is what lets the builder take it from the cache instead.
    """

    label: str
    work: int
    """A rough measure of its duration, to start the longest jobs first."""

    def cache_key(self) -> str: ...

    def run(self) -> bytes: ...


class AssembledJob(Protocol):
    """A file made of the results of render jobs (a PDF of separately rendered parts): each
    part is run or taken from the cache on its own, then `assemble` joins their bytes.

    Its `cache_key` covers its parts' keys and what assembling adds: the assembled file is
    cached too, so that a build with nothing new does not assemble again.
    """

    label: str
    parts: tuple[RenderJob, ...]

    def cache_key(self) -> str: ...

    def assemble(self, parts: list[bytes]) -> bytes: ...


Rendered = dict[PurePosixPath, "bytes | RenderJob | AssembledJob"]
"""An output's files, relative to the output folder: their bytes, or the job that makes them."""


@dataclass
class BuildContext:
    """What an output renders from: the document, the theme, and the languages asked for."""

    document: Document
    theme: Theme
    languages: tuple[str, ...]
    keep_print_html: bool = False
    preview: bool = False  # no render jobs wanted: an output may skip preparing them
    content: Path | None = None  # the content folder, to point at a text found faulty late
    environment: Environment = field(init=False, repr=False)
    _rendered: dict[str, "Rendered"] = field(init=False, repr=False, default_factory=dict)
    _texts: dict = field(init=False, repr=False, default_factory=dict)  # see render_language

    def __post_init__(self) -> None:
        self.environment = make_environment(self.theme)

    def render(self, output: type["Output"]) -> "Rendered":
        """An output's files, rendered once per build however many outputs include them."""
        if output.name not in self._rendered:
            self._rendered[output.name] = output().render(self)
        return self._rendered[output.name]

    def render_in_steps(self, output: type["Output"]) -> Iterator["Rendered"]:
        """`render`, a step at a time (see `Output.render_in_steps`): the builder starts each
        step's render jobs while the next step renders."""
        if output.name in self._rendered:
            yield self._rendered[output.name]
            return
        files: Rendered = {}
        for step in output().render_in_steps(self):
            files.update(step)
            yield step
        self._rendered[output.name] = files

    def file_name(self, language: str, extension: str) -> str:
        """`cdip-28-2.en.pdf`: the report's symbol as a slug, then language and extension
        (`cdip-28-2-rev-1.en.pdf` for its Rev.1)."""
        return f"{symbol_slug(self.document.symbol)}.{language}.{extension}"

    @property
    def page_names(self) -> dict[str, str]:
        """Each declared language's HTML page, for the language switcher."""
        return {language.code: self.file_name(language.code, "html")
                for language in self.document.languages}

    def page(self, language: str, medium: Medium, part: str = "whole",
             template: str = "report.html", **extra) -> str:
        links = self.page_names if medium == "screen" else None
        return render_language(self.document, language, medium, self.theme, links,
                               self.environment, part, template, self._texts, **extra)


def symbol_slug(symbol: str) -> str:
    """"CDIP/28/2 Corr.1" as a file name: "cdip-28-2-corr-1"."""
    return re.sub(r"[\W_]+", "-", symbol.lower()).strip("-") or "report"


class Output(ABC):
    """An output format. Subclasses set `name` and `description` and implement `render`."""

    name: ClassVar[str]
    description: ClassVar[str]
    owned_folders: ClassVar[tuple[PurePosixPath, ...]] = ()
    """Folders that hold only this format's files of the latest build (see write_outputs)."""
    heavy: ClassVar[bool] = False
    """Whether its files include render jobs: such formats render first, so that the workers
    are busy while the others render."""

    @abstractmethod
    def render(self, context: BuildContext) -> Rendered:
        """The format's files for `context.languages`."""

    def render_in_steps(self, context: BuildContext) -> Iterator[Rendered]:
        """The same files in steps (a heavy format: one per language), so that the render jobs
        of the first language run while the next one's pages render. One step by default."""
        yield self.render(context)
