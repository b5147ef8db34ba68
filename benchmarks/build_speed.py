#!/usr/bin/env python3
"""Where a build spends its time, and how it scales: ratios measured in one run.

Wall-clock seconds depend on the machine and its load; ratios measured side by side in one
process do not (much). Each figure is the best of REPEAT runs.

    .venv/bin/python benchmarks/build_speed.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapporteur.build import Project  # noqa: E402
from rapporteur import load  # noqa: E402
from rapporteur.load import load_content  # noqa: E402
from rapporteur.outputs.pdf import render_pdf  # noqa: E402
from rapporteur.render import PRINT_PARTS, make_environment, render_language  # noqa: E402
from rapporteur.resolve import resolve_document  # noqa: E402
from rapporteur.validate import validate_content  # noqa: E402
from rapporteur.parity import check_parity  # noqa: E402
from rapporteur.references import check_references  # noqa: E402

REPEAT = 3


def best(function, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def stages(project: Project) -> dict[str, float]:
    timings: dict[str, float] = {}
    # A cold load: the loader keeps the last parse of each file (for `serve`), not wanted here.
    timings["load"], loaded = best(lambda: (load._parsed.clear(), load_content(project.content))[1])
    timings["validate"], content = best(lambda: validate_content(loaded))
    timings["parity"], _ = best(lambda: check_parity(content))
    timings["references"], _ = best(lambda: check_references(content))
    timings["resolve"], document = best(lambda: resolve_document(content))
    environment = make_environment(project.theme)
    timings["render html"], _ = best(lambda: [
        render_language(document, lang.code, "screen", project.theme, environment=environment)
        for lang in document.languages])
    parts = {lang.code: [render_language(document, lang.code, "print", project.theme,
                                         environment=environment, part=part)
                         for part in PRINT_PARTS] for lang in document.languages}
    timings["pdf"], _ = best(lambda: [render_pdf(parts[code], project.theme.assets)
                                      for code in parts], repeat=1)
    return timings


def doubled_content(target: Path) -> Path:
    """The sample's content with every body section twice (footnote ids made unique)."""
    content = target / "content"
    shutil.copytree(ROOT / "content", content)
    report = (content / "report.yaml").read_text(encoding="utf-8")
    body = re.findall(r"^  - (body/\S+\.yaml)$", report, flags=re.M)
    copies = []
    for name in body:
        text = (content / name).read_text(encoding="utf-8")
        text = re.sub(r"(\[\^|^      )([a-z0-9][a-z0-9-]*)(\]|:$)", r"\1copy-\2\3", text,
                      flags=re.M)
        copy = name.replace(".yaml", "-copy.yaml")
        (content / copy).write_text(text, encoding="utf-8")
        copies.append(copy)
    listing = "\n".join(f"  - {name}" for name in body + copies)
    report = re.sub(r"(?ms)^body:\n(  - .*?\n)+", f"body:\n{listing}\n", report)
    (content / "report.yaml").write_text(report, encoding="utf-8")
    return content


def project_languages(project: Project):
    return validate_content(load_content(project.content)).report.languages


def main() -> None:
    project = Project.at(ROOT)
    timings = stages(project)
    total = sum(timings.values())
    languages = " ".join(language.code for language in project_languages(project))
    print(f"{'stage':<12} share of a full build (every language: {languages}; HTML + PDF)")
    for name, seconds in timings.items():
        print(f"{name:<12} {seconds / total:6.1%}")
    check = (timings["load"] + timings["validate"] + timings["parity"] + timings["references"]
             + timings["resolve"])
    print(f"\ncheck / build            {check / total:6.3f}")
    print(f"PDF / HTML rendering     {timings['pdf'] / timings['render html']:6.1f}")

    with tempfile.TemporaryDirectory() as folder:
        doubled = Project(doubled_content(Path(folder)), project.theme)
        doubled_timings = stages(doubled)
    print("\nscaling: the same report with its body twice (2x paragraphs and footnotes)")
    for name in ("load", "validate", "parity", "references", "render html", "pdf"):
        print(f"{name:<12} x{doubled_timings[name] / timings[name]:.2f}")
    print(f"{'total':<12} x{sum(doubled_timings.values()) / total:.2f}  (2.00 is linear)")


if __name__ == "__main__":
    main()
