"""`rapporteur doctor`: what a bug report about the PDF needs, in one paste.

The renderer's versions (WeasyPrint and the C libraries it lays text out with), the font
subsetter WeasyPrint will use, the font each language's PDF is set in as fontconfig resolves it,
and where the render cache lives. Nothing is built and nothing is written.
"""

from __future__ import annotations

import ctypes
import platform
import sys
from pathlib import Path

from .build import Project
from .outputs.fonts import language_fonts
from .outputs.pdf import PDF_VARIANT, _library_version, _package_version

KNOWN_CRASHES = {
    # (library, version): what goes wrong, and where it is reported.
    ("Pango", "1.56.4"): "WeasyPrint segfaults laying out some documents (Kozea/WeasyPrint#2507, "
                         "#2623); install another Pango (1.56.3 or later than 1.56.4)",
}


def renderer() -> list[tuple[str, str]]:
    """WeasyPrint, Pango, HarfBuzz and the subsetter, as WeasyPrint itself loads them."""
    from weasyprint import __version__ as weasyprint_version  # noqa: PLC0415
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset  # noqa: PLC0415

    # WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset (4.1 or later) loads,
    # with fontTools otherwise (slower, and deprecated by WeasyPrint).
    with_harfbuzz = bool(harfbuzz_subset) and harfbuzz.hb_version_atleast(4, 1, 0)
    return [
        ("WeasyPrint", weasyprint_version),
        ("Pango", _library_version("libpango-1.0.so.0", "pango_version_string")),
        ("HarfBuzz", _library_version("libharfbuzz.so.0", "hb_version_string")),
        ("fontconfig", _fontconfig_version()),
        ("font subsetter", "HarfBuzz (libharfbuzz-subset)" if with_harfbuzz else
         f"fontTools {_package_version('fonttools')} (libharfbuzz-subset not found)"),
        ("pydyf", _package_version("pydyf")),
        ("PDF variant", PDF_VARIANT),
    ]


def diagnose(project: Project) -> str:
    lines = [f"rapporteur {_package_version('rapporteur')}, Python {platform.python_version()} "
             f"({sys.platform})", "", "renderer:"]
    versions = renderer()
    lines += [f"  {name:<16}{value}" for name, value in versions]
    lines += [f"  warning: {name} {value}: {KNOWN_CRASHES[name, value]}"
              for name, value in versions if (name, value) in KNOWN_CRASHES]
    stylesheet = project.theme.assets / "report.css"
    lines += ["", f"fonts of the PDF, per language ({stylesheet}):"]
    css = stylesheet.read_text(encoding="utf-8") if stylesheet.is_file() else ""
    for language in _languages(project):
        fonts = language_fonts(css, language)
        lines.append(f"  {language}: " + ("; ".join(map(str, fonts)) or "none declared"))
    lines += ["", "render cache:", f"  {_cache(project.cache)}"]
    return "\n".join(lines)


def _languages(project: Project) -> list[str]:
    """The languages with a message catalogue: the ones this theme can print."""
    locales = project.theme.locales
    return sorted(path.name for path in locales.iterdir()
                  if (path / "LC_MESSAGES" / "messages.po").is_file()) if locales.is_dir() else []


def _cache(folder: Path | None) -> str:
    if folder is None:
        return "none (this project is built without a cache)"
    if folder.is_symlink():
        return f"{folder} (a symbolic link: not used, builds run without a cache)"
    if not folder.is_dir():
        return f"{folder} (empty: nothing rendered yet)"
    entries = [path for path in folder.iterdir() if path.is_file()]
    size = sum(path.stat().st_size for path in entries)
    return f"{folder} ({len(entries)} entries, {size / 1e6:.1f} MB; safe to delete)"


def _fontconfig_version() -> str:
    try:
        number = ctypes.CDLL("libfontconfig.so.1").FcGetVersion()
    except (OSError, AttributeError):
        return "not found"
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
