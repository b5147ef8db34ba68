#!/usr/bin/env python3
"""How much of each PDF is fonts, with the font subsetting of another revision and with ours.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/pdf_size.py             # against fdd7cc6
    PYTHONPATH=$PWD .venv/bin/python benchmarks/pdf_size.py --before REV

Builds the sample report's PDFs (the parts come from the project's render cache when it has
them, so a warm run takes seconds and a cold one about a minute), keeps each language's part
PDFs, and assembles them twice in this one process: once with `pdf_fonts.py` as it was at REV
(by default the last revision whose CJK subsets kept every glyph id of the font, ~60,000 slots)
and once with the working tree's. Prints, per language and per way, the size of the PDF and the
compressed size of its embedded font programs.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import pikepdf

from rapporteur.build import Project, build_report
from rapporteur.outputs import pdf, pdf_assembly, pdf_fonts

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "fdd7cc6"  # before subsets were renumbered: each CJK subset kept all glyph ids


def module_at(revision: str) -> types.ModuleType:
    """`rapporteur/outputs/pdf_fonts.py` as it was at `revision`, as a module of its own."""
    source = subprocess.run(["git", "show", f"{revision}:rapporteur/outputs/pdf_fonts.py"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    module = types.ModuleType(f"pdf_fonts_at_{revision}")
    sys.modules[module.__name__] = module  # its dataclasses look themselves up there
    exec(compile(source, module.__name__, "exec"), module.__dict__)  # noqa: S102
    return module


def part_pdfs() -> dict[str, list[bytes]]:
    """Each language's part PDFs, as the build hands them to the assembly."""
    recorded: dict[str, list[bytes]] = {}
    assemble = pdf.PdfJob.assemble

    def keep_parts(job, parts):
        recorded[job.label] = list(parts)
        return assemble(job, parts)

    project = Project.at(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "cache"
        if project.cache and project.cache.is_dir():
            shutil.copytree(project.cache, cache)  # its parts; nothing written back
        # Another assembly key: assembled PDFs are never taken from the cache, parts are.
        pdf._assembly_fingerprint = lambda: "benchmarks/pdf_size.py"
        pdf.PdfJob.assemble = keep_parts
        try:
            build_report(Project(project.content, project.theme, cache), Path(folder) / "out",
                         formats=("pdf",))
        finally:
            pdf.PdfJob.assemble = assemble
    return recorded


def font_bytes(data: bytes) -> int:
    """The compressed size of the font programs embedded in a PDF."""
    total = 0
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        total += len(obj[key].read_raw_bytes())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="revision of the older subsetting")
    arguments = parser.parse_args()
    older = module_at(arguments.before)
    rows = []
    for label, parts in sorted(part_pdfs().items()):
        sizes = {}
        for name, fonts in ((arguments.before, older), ("working tree", pdf_fonts)):
            pdf_assembly.share_font_subsets = fonts.share_font_subsets
            data = pdf_assembly.assemble_pdf(parts)
            sizes[name] = (len(data), font_bytes(data))
        pdf_assembly.share_font_subsets = pdf_fonts.share_font_subsets
        (old_file, old_fonts), (new_file, new_fonts) = sizes.values()
        rows.append((label, old_file, new_file, old_fonts, new_fonts))
    print(f"{'PDF':<20} {'file ' + arguments.before:>14} {'file now':>10} {'change':>7}  "
          f"{'fonts ' + arguments.before:>14} {'fonts now':>10} {'change':>7}")
    for label, old_file, new_file, old_fonts, new_fonts in rows:
        print(f"{label:<20} {old_file:>14,} {new_file:>10,} {new_file / old_file - 1:>7.0%}  "
              f"{old_fonts:>14,} {new_fonts:>10,} {new_fonts / old_fonts - 1:>7.0%}")


if __name__ == "__main__":
    sys.exit(main())
