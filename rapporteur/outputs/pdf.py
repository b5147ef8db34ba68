"""The report as an A4 PDF per language, through WeasyPrint, reading nothing but our assets.

The print edition has parts (the body, Annex I, Annex II), each paginated on its own ("Annex I,
page 2"). Each part is a `PdfPartJob`: WeasyPrint lays it out and writes it as a tagged PDF, in a
worker process, cached under a hash of exactly what WeasyPrint receives. A language's PDF is a
`PdfJob` that assembles its parts' PDFs into one (`pdf_assembly.py`: one structure tree, links
between parts, one subset per font), so an edit to the body renders no annex again. WeasyPrint
is imported only inside a part job, so a build that needs no new part never pays for importing it.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import os
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from ..errors import ContentError, Problem
from ..render import PRINT_PARTS
from .base import BuildContext, Output, Rendered
from .fonts import Font, fonts_by_language, uncovered
from .footnotes import keep_footnotes_with_their_calls
from .pdf_reading import record_layout
from .pdf_tags import complete_tagging, link_other_parts

PDF_VARIANT = "pdf/ua-1"
"""Tagged, with the metadata PDF/UA-1 asks for: what public bodies must circulate."""


class PdfOutput(Output):
    name = "pdf"
    description = "one A4 PDF per language, for circulation"
    heavy = True

    def render(self, context: BuildContext) -> Rendered:
        return {path: file for step in self.render_in_steps(context)
                for path, file in step.items()}

    def render_in_steps(self, context: BuildContext) -> Iterator[Rendered]:
        """A language at a time; a character missing from the fonts stops the build once every
        language was checked, so that one run names them all."""
        problems = []
        languages = context.languages if not context.preview else ()
        stylesheet = (context.theme.assets / "report.css").read_text(encoding="utf-8") \
            if languages else ""
        fonts = fonts_by_language(stylesheet, languages)
        for language in languages:
            files: Rendered = {}
            parts = tuple(context.page(language, "print", part) for part in PRINT_PARTS)
            problems += missing_glyphs(context, language, parts, fonts[language])
            target = context.file_name(language, "pdf")
            files[PurePosixPath(target)] = PdfJob(target, tuple(
                PdfPartJob(f"{target} ({part})", html, context.theme.assets)
                for part, html in zip(PRINT_PARTS, parts)))
            if context.keep_print_html:
                # Exactly what WeasyPrint receives, so anyone can time or debug the renderer alone.
                for part, html in zip(PRINT_PARTS, parts):
                    name = context.file_name(language, f"{part}.print.html")
                    files[PurePosixPath(name)] = html.encode("utf-8")
            yield files
        if problems:
            raise ContentError(problems)


def missing_glyphs(context: BuildContext, language: str, parts: tuple[str, ...],
                   fonts: list[Font]) -> list[Problem]:
    """A problem for each character of the language's PDF that its `fonts` cannot print.

    Checked on the very text WeasyPrint receives (content, catalogue strings, dates), and
    reported where the character stands in the content or the catalogue.
    """
    stylesheet_path = context.theme.assets / "report.css"
    text = "".join(_BodyText.of(html) for html in parts)
    names = ", ".join(font.family for font in fonts) or "none"
    problems = []
    for char in uncovered(text, fonts):
        name = unicodedata.name(char, "unnamed character")
        # Not found as typed (an escape in YAML, say): the content as a whole is at fault.
        file, line, column = (_first_occurrence(char, context, language)
                              or (context.content or stylesheet_path, None, None))
        problems.append(Problem(
            file, line, column,
            f"'{char}' (U+{ord(char):04X} {name}) is in no font of the {language} PDF ({names})",
            "write it another way, or add a font that has it to the font-family of "
            f"html:lang({language}) in the print stylesheet"))
    return problems


def _first_occurrence(char: str, context: BuildContext, language: str):
    catalogue = context.theme.locales / language / "LC_MESSAGES" / "messages.po"
    files = sorted(context.content.rglob("*.yaml")) if context.content else []
    for path in [*files, catalogue]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if char in line:
                return path, number, line.index(char) + 1
    return None


class _BodyText(HTMLParser):
    """The text of an HTML page's body: what is printed (no head, no styles)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.chunks)

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("head", "style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("head", "style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


@dataclass(frozen=True)
class PdfPartJob:
    """One part of a PDF from its print-medium HTML, relative URLs resolved inside `assets`."""

    label: str
    html: str
    assets: Path

    def cache_key(self) -> str:
        return _digest(renderer_fingerprint(), _code_fingerprint(),
                       _folder_fingerprint(self.assets), self.html)

    @property
    def work(self) -> int:
        """How long it takes, roughly: layout time grows with the HTML's length."""
        return len(self.html)

    def run(self) -> bytes:
        return render_part(self.html, self.assets)


@dataclass(frozen=True)
class PdfJob:
    """A language's PDF: its parts rendered (or taken from the cache), then assembled."""

    label: str
    parts: tuple[PdfPartJob, ...]

    def cache_key(self) -> str:
        return _digest(_assembly_fingerprint(), *(part.cache_key() for part in self.parts))

    def assemble(self, parts: list[bytes]) -> bytes:
        from .pdf_assembly import assemble_pdf  # noqa: PLC0415 - pikepdf only when assembling

        return assemble_pdf(parts)


def _digest(*pieces: str) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        encoded = piece.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    return digest.hexdigest()


def render_pdf(parts: tuple[str, ...] | list[str] | str, assets: Path) -> bytes:
    """One PDF from print-medium HTML pages, each paginated on its own, in order.

    Relative URLs resolve inside `assets`. The first part gives the PDF its metadata.
    """
    from .pdf_assembly import assemble_pdf  # noqa: PLC0415

    parts = [parts] if isinstance(parts, str) else list(parts)
    return assemble_pdf([render_part(html, assets) for html in parts])


def render_part(html: str, assets: Path) -> bytes:
    """One part's tagged PDF, its links to other parts kept for the assembly."""
    from weasyprint import HTML  # noqa: PLC0415 - see the module's docstring

    keep_footnotes_with_their_calls()
    record_layout()

    fetcher = assets_only_fetcher([assets])
    base_url = assets.resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
    if fetcher.refused:
        raise ContentError([Problem(assets, None, None,
                                    f"refused to fetch '{url}': the PDF may only use the "
                                    "project's own assets",
                                    "use only files from the templates' assets folder")
                            for url in dict.fromkeys(fetcher.refused)])
    link_other_parts(document)
    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=complete_tagging)


def assets_only_fetcher(allowed_roots: list[Path]):
    """A URL fetcher that reads files under the given folders and nothing else.

    Content is untrusted: a stylesheet or image pointing at file:///etc/passwd, at ../.., at a
    data: URL or at any network address is refused (never read), and the build then fails.
    WeasyPrint wants a subclass of its own fetcher, hence the class made here, in the job.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class AssetsOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("file",))
            self.allowed_roots = [root.resolve() for root in allowed_roots]
            self.refused: list[str] = []

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_file() or not any(
                    path.is_relative_to(root) for root in self.allowed_roots):
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return AssetsOnlyFetcher()


@lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """The renderer's versions and the installed fonts: a change to any can change a PDF's bytes.

    Read without importing WeasyPrint (package metadata, and Pango and HarfBuzz through their C
    libraries), so that checking the cache stays cheap.
    """
    versions = [f"{package}={_package_version(package)}"
                for package in ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2")]
    versions += [f"{library}={_library_version(library, symbol)}" for library, symbol in
                 (("libpango-1.0.so.0", "pango_version_string"),
                  ("libharfbuzz.so.0", "hb_version_string"))]
    return "\n".join(versions + [installed_fonts()])


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """What this package asks of WeasyPrint beyond the HTML (options, the footnote correction,
    the tagging finisher, the mended structure and its spaces) changes the bytes too: the
    modules that do it are part of the key."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("pdf.py", "footnotes.py", "pdf_tags.py", "pdf_reading.py", "pdf_fonts.py"):
        digest.update(hashlib.sha256((here / name).read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _assembly_fingerprint() -> str:
    """The assembly's code and libraries decide the assembled bytes, beside the parts."""
    import pikepdf  # noqa: PLC0415

    here = Path(__file__).parent
    digest = hashlib.sha256(f"pikepdf={pikepdf.__version__} qpdf={pikepdf.__libqpdf_version__}"
                            .encode())
    for name in ("pdf_assembly.py", "pdf_fonts.py"):
        digest.update(hashlib.sha256((here / name).read_bytes()).digest())
    return digest.hexdigest()


def installed_fonts() -> str:
    """Every font fontconfig knows, with its version and size: what WeasyPrint resolves from."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{fontversion}\n"],
                                 capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "fonts unknown"
    lines = []
    for line in sorted(set(listing.splitlines())):
        file = line.split("\t", 1)[0]
        try:
            lines.append(f"{line}\t{os.stat(file).st_size}")
        except OSError:
            lines.append(line)
    return "\n".join(lines)


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _library_version(library: str, symbol: str) -> str:
    try:
        function = getattr(ctypes.CDLL(library), symbol)
    except (OSError, AttributeError):
        return "absent"
    function.restype = ctypes.c_char_p
    return function().decode("ascii", "replace")


def _folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
