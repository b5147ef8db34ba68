#!/usr/bin/env python3
"""Fast rebuilds, measured as a user meets them: whole `rapporteur build` processes.

Prints ratios measured in one run, interleaved (A, B, A, B, …) so that the machine's load
hits both sides alike; each figure is the best and the median of REPEAT runs.

    .venv/bin/python benchmarks/rebuild_speed.py            # everything (about 25 minutes)
    .venv/bin/python benchmarks/rebuild_speed.py --quick    # skip the ×10 report
    .venv/bin/python benchmarks/rebuild_speed.py --builds   # the builds alone (about 5 minutes)

- cold full build (every language of the report, six in the sample; HTML + PDF formats, no
  cache) against the floor: bare WeasyPrint rendering the same print HTML (`build
  --keep-print-html`), one file after the other, in one process; in wall time (the issue's
  target: at most 0.6) and in CPU time of all processes (target: at most 1.2);
- a no-op rebuild (and one without the build record, which only the render cache then spares)
  and a one-paragraph edit in the source language (English) and in a translation (French),
  against the cold build, with the PDF parts each edit rendered (only that language's body);
- `serve`: from saving a file to the page showing the edit, in headless Chromium;
- the report with its body ×10 against ×1: time and peak memory.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rapporteur.record import RECORD_NAME

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 3
EDITED = {"en": "the source", "fr": "a translation"}  # languages whose paragraph is edited
SERVE_EDITS = 10  # each waits for the previous full build: about a minute in all

# WeasyPrint alone, one print HTML file after the other: as it comes ("plain"), or writing the
# kind of PDF the build writes ("pdf/ua-1": tagged, which costs more).
FLOOR = """
import sys, time
from pathlib import Path
from weasyprint import HTML
assets, variant = Path(sys.argv[1]), sys.argv[2]
options = {} if variant == "plain" else {"pdf_variant": variant}
for name in sys.argv[3:]:
    HTML(filename=name, base_url=assets.as_uri() + "/").write_pdf(**options)
"""


def project_copy(folder: Path, copies: int = 1) -> Path:
    """A project in `folder` with the sample's content (body `copies` times) and our theme."""
    root = folder / f"project-x{copies}"
    shutil.copytree(ROOT / "content", root / "content")
    for name in ("templates", "locales"):
        (root / name).symlink_to(ROOT / name)
    if copies > 1:
        multiply_body(root / "content", copies)
    return root


def multiply_body(content: Path, copies: int) -> None:
    """Every body file `copies` times, footnote ids made unique in each copy."""
    report = (content / "report.yaml").read_text(encoding="utf-8")
    body = re.findall(r"^  - (body/\S+\.yaml)$", report, flags=re.M)
    names = list(body)
    for copy in range(2, copies + 1):
        for name in body:
            text = (content / name).read_text(encoding="utf-8")
            text = re.sub(r"(\[\^|^      )([a-z0-9][a-z0-9-]*)(\]|:$)", rf"\1c{copy}-\2\3",
                          text, flags=re.M)
            target = name.replace(".yaml", f"-c{copy}.yaml")
            (content / target).write_text(text, encoding="utf-8")
            names.append(target)
    listing = "\n".join(f"  - {name}" for name in names)
    report = re.sub(r"(?ms)^body:\n(  - .*?\n)+", f"body:\n{listing}\n", report)
    (content / "report.yaml").write_text(report, encoding="utf-8")


def timed(command: list[str], cpu: list[float] | None = None) -> float:
    """Wall-clock seconds of `command`; its CPU seconds (workers included) go to `cpu`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Warnings (the edits below make translations stale) are not what is measured.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if cpu is not None:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return time.perf_counter() - start


# A build in a process of its own that prints its peak memory: its own or a worker's.
PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def rendered_parts(command: list[str]) -> tuple[float, list[str]]:
    """Wall-clock seconds of a build, and the PDF parts it rendered (its --json summary)."""
    start = time.perf_counter()
    done = subprocess.run([*command, "--json"], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, sorted(json.loads(done.stdout)["rendered_parts"])


def load() -> str:
    """How busy the machine is: the load averages against its cores."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def build(root: Path, *options: str) -> list[str]:
    """The issue's "full build": every language, HTML and PDF (the site adds its own work)."""
    return [sys.executable, str(ROOT / "build.py"), "--project", str(root), "build", "--quiet",
            "--format", "html", "--format", "pdf", *options]


def figures(samples: list[float]) -> tuple[float, float]:
    return min(samples), statistics.median(samples)


def report(name: str, numerator: list[float], denominator: list[float],
           target: float | None = None) -> None:
    best = min(numerator) / min(denominator)
    median = statistics.median(numerator) / statistics.median(denominator)
    verdict = "" if target is None else \
        f"   target <= {target}: {'met' if median <= target else 'MISSED'} (median)"
    print(f"{name:<44} best {best:5.2f}   median {median:5.2f}   "
          f"({statistics.median(numerator):.2f} s / {statistics.median(denominator):.2f} s)"
          f"{verdict}")


def cold_and_incremental(root: Path) -> None:
    output = root / "output"
    subprocess.run(build(root, "--keep-print-html"), check=True, stdout=subprocess.DEVNULL)
    print_html = sorted(str(path) for path in output.glob("*.print.html"))
    floor, tagged_floor = ([sys.executable, "-c", FLOOR, str(ROOT / "templates" / "assets"),
                            variant, *print_html] for variant in ("plain", "pdf/ua-1"))
    paragraph = root / "content" / "body" / "01-introduction.yaml"
    original = paragraph.read_text(encoding="utf-8")
    languages = sorted({path.name.split(".")[1] for path in output.glob("*.print.html")})
    print(f"{len(languages)} languages ({' '.join(languages)}), {len(print_html)} PDF parts; "
          f"{load()}")
    samples: dict[str, list[float]] = {name: [] for name in (
        "cold", "floor", "tagged floor", "noop", "unrecorded", "cold cpu", "floor cpu",
        "tagged floor cpu",
        *(f"edit {code}" for code in EDITED))}
    parts: dict[str, set[tuple[str, ...]]] = {code: set() for code in EDITED}
    for run in range(REPEAT):
        samples["floor"].append(timed(floor, samples["floor cpu"]))
        samples["tagged floor"].append(timed(tagged_floor, samples["tagged floor cpu"]))
        samples["cold"].append(timed(build(root, "--no-cache"), samples["cold cpu"]))
        samples["noop"].append(timed(build(root)))
        # Without the build record: every check and page again, the PDFs from the render cache.
        (output / RECORD_NAME).unlink()
        samples["unrecorded"].append(timed(build(root)))
        # One paragraph changes in one language, a different word each run: the source, then
        # a translation on top of it.
        for code in EDITED:
            edited = paragraph.read_text(encoding="utf-8").replace(
                f"{code}: ", f"{code}: (edit {run}) ", 1)
            paragraph.write_text(edited, encoding="utf-8")
            seconds, rendered = rendered_parts(build(root))
            samples[f"edit {code}"].append(seconds)
            parts[code].add(tuple(rendered))
        paragraph.write_text(original, encoding="utf-8")
        subprocess.run(build(root), check=True, stdout=subprocess.DEVNULL)  # back to the start
    report("cold full build / sequential WeasyPrint floor", samples["cold"], samples["floor"],
           target=0.6)
    report("cold full build / the same floor, tagged PDF", samples["cold"],
           samples["tagged floor"])
    report("cold full build / floor: CPU time", samples["cold cpu"], samples["floor cpu"],
           target=1.2)
    report("cold full build / tagged floor: CPU time", samples["cold cpu"],
           samples["tagged floor cpu"])
    report("no-op rebuild / cold build", samples["noop"], samples["cold"])
    report("no-op, build record deleted / cold build", samples["unrecorded"], samples["cold"])
    for code, which in EDITED.items():
        report(f"one {code} paragraph edited / cold build", samples[f"edit {code}"],
               samples["cold"])
        rendered = " | ".join(", ".join(found) or "nothing" for found in sorted(parts[code]))
        print(f"{'':<4}rendered ({which}): {rendered}")
    print(load())


def serve_latency(root: Path) -> None:
    """Save → the edit's text in the open site page, in Chromium, as `serve` runs for a writer."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-u", "-m", "rapporteur", "--project", str(root),
                                "serve", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while "serving" not in (process.stdout.readline() or "serving"):
        pass
    previews: list[float] = []  # serve's own "pages rebuilt in N ms", the build within the wait

    def read_output() -> None:
        for line in process.stdout:
            found = re.match(r"pages rebuilt in (\d+) ms", line)
            if found:
                previews.append(int(found.group(1)) / 1000)
    threading.Thread(target=read_output, daemon=True).start()
    # The section's title: it stands in its heading and in the site's table of contents.
    paragraph = root / "content" / "body" / "11-conclusion.yaml"
    original = paragraph.read_text(encoding="utf-8")
    latencies = []
    reloads = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/site/cdip-28-2.en.html")
            page.on("framenavigated", lambda frame: reloads.append(frame.url))
            for run in range(SERVE_EDITS):
                marker = f"Latency probe {run}"
                time.sleep(6)  # let the previous full build (PDFs) finish: an idle editor
                start = time.perf_counter()
                paragraph.write_text(original.replace("en: ", f"en: {marker} ", 1),
                                     encoding="utf-8")
                page.wait_for_function(
                    "marker => document.body && document.body.textContent.includes(marker)",
                    arg=marker, timeout=30000, polling=5)
                latencies.append(time.perf_counter() - start)
            browser.close()
    finally:
        paragraph.write_text(original, encoding="utf-8")
        # Ctrl-C, as a writer stops it: a killed server would leave its PDF workers behind.
        process.send_signal(signal.SIGINT)
        process.wait(60)
    best, median = figures(latencies)
    print(f"{'serve: save to refreshed page':<44} best {best * 1000:5.0f} ms   "
          f"median {median * 1000:5.0f} ms   (of which the preview build: median "
          f"{statistics.median(previews) * 1000:.0f} ms; {len(reloads)} page reloads "
          f"in {SERVE_EDITS} edits)")


def scaling(folder: Path) -> None:
    small, large = project_copy(folder, 1), project_copy(folder, 10)
    samples: dict[int, list[float]] = {1: [], 10: []}
    memory: dict[int, int] = {}
    for _ in range(REPEAT):
        for copies, root in ((1, small), (10, large)):
            start = time.perf_counter()
            peak = subprocess.run([sys.executable, "-c", PEAK, *build(root, "--no-cache")],
                                  check=True, capture_output=True, text=True).stdout
            samples[copies].append(time.perf_counter() - start)
            memory[copies] = max(memory.get(copies, 0), int(peak))
    report("report x10 / x1: time", samples[10], samples[1])
    print(f"{'report x10 / x1: peak memory (largest process)':<44} "
          f"{memory[10] / memory[1]:5.2f}   ({memory[10] / 1024:.0f} MB / "
          f"{memory[1] / 1024:.0f} MB)")


def main() -> None:
    quick, builds = "--quick" in sys.argv, "--builds" in sys.argv
    with tempfile.TemporaryDirectory() as folder:
        root = project_copy(Path(folder))
        cold_and_incremental(root)
        if not builds:
            serve_latency(root)
        if not (quick or builds):
            scaling(Path(folder) / "scaling")


if __name__ == "__main__":
    main()
