#!/usr/bin/env python3
"""The Word output's time against the PDF's, for all the report's languages, in one run.

Both start from the same resolved document. The Word side is everything `--format docx` does
(the parts, the zip); the PDF side is the print HTML of each part and WeasyPrint rendering and
assembling it, without the render cache, as a cold build does. The ratio says whether the
Word output needs caching like the PDFs (it does not while it stays a small fraction).

    .venv/bin/python benchmarks/docx_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapporteur.build import Project, check_report  # noqa: E402
from rapporteur.outputs import BuildContext  # noqa: E402
from rapporteur.outputs.docx import DocxOutput  # noqa: E402
from rapporteur.outputs.pdf import render_pdf  # noqa: E402
from rapporteur.render import PRINT_PARTS  # noqa: E402


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    project = Project.at(ROOT)
    document, _ = check_report(project)
    languages = tuple(language.code for language in document.languages)

    def context() -> BuildContext:  # a fresh one: no text rendered by the other side
        return BuildContext(document, project.theme, languages)

    DocxOutput().render(context())  # warm up: imports, the parser, compiled templates
    docx_time, files = timed(lambda: DocxOutput().render(context()))

    def pdfs() -> list[bytes]:
        pdf_context = context()
        return [render_pdf([pdf_context.page(code, "print", part) for part in PRINT_PARTS],
                           project.theme.assets) for code in languages]
    pdf_time, _ = timed(pdfs)

    size = sum(len(data) for data in files.values())
    print(f"{len(languages)} languages ({', '.join(languages)}), one run each:")
    print(f"  Word (.docx): {docx_time:6.2f} s  ({size // 1024} KB in all)")
    print(f"  PDF (cold):   {pdf_time:6.2f} s")
    print(f"  Word / PDF:   {docx_time / pdf_time:6.3f}")


if __name__ == "__main__":
    main()
