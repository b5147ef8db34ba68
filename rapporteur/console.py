"""What a person sees in the terminal during a build: progress while PDFs render, then a summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .build import BuildResult, OutputFile
from .outputs.jobs import JobEvents, Source


class ProgressEvents(JobEvents):
    """A spinner per render job while it runs (only on a terminal: CI logs get the summary)."""

    def __init__(self, console: Console):
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TimeElapsedColumn(), console=console, transient=True)
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> "ProgressEvents":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def started(self, label: str) -> None:
        self.tasks[label] = self.progress.add_task(f"rendering {label}", total=None)

    def finished(self, label: str, source: Source, seconds: float) -> None:
        if label in self.tasks:
            self.progress.update(self.tasks[label], total=1, completed=1)


_LOG_WIDTH = 140
_FOLDER_ROWS = 20  # more files than this in one folder are summed up in one row


def _shown(path: Path, output: Path) -> str:
    """`output/cdip-28-2.en.pdf`: the path as the user names the output folder."""
    return str(path.relative_to(output.parent)) if path.is_relative_to(output.parent) else str(path)


def _render(file: OutputFile) -> str:
    """"built", "cached", or for a file of parts "built: body" (the others were cached)."""
    if not file.rendered_parts:
        return file.source
    prefix = f"{file.path.name} ("
    parts = [label.removeprefix(prefix).removesuffix(")") for label in file.rendered_parts]
    return f"{file.source}: {', '.join(parts)}"


def print_summary(result: BuildResult, output: Path, console: Console) -> None:
    if result.up_to_date:
        console.print(f"{_shown(output, output)}: up to date ({len(result.files)} files); "
                      "nothing changed since the last build")
        return
    rows = []
    folders: dict[Path, list] = {}
    for file in result.files:
        folders.setdefault(file.path.parent, []).append(file)
    shown_folders = set()
    for file in result.files:
        siblings = folders[file.path.parent]
        if len(siblings) > _FOLDER_ROWS:
            # A folder of many small files (the search index's) is one row, not hundreds.
            if file.path.parent not in shown_folders:
                shown_folders.add(file.path.parent)
                written = sum(sibling.written for sibling in siblings)
                rows.append((f"{_shown(file.path.parent, output)}/ ({len(siblings)} files)",
                             file.format, "", f"{written} written" if written else "unchanged",
                             "–"))
            continue
        rows.append((_shown(file.path, output), file.format, _render(file),
                     "written" if file.written else "unchanged",
                     f"{file.seconds:.2f} s" if file.seconds else "–"))
    table = Table(box=None, pad_edge=False)
    table.add_column("file", overflow="fold")  # a path folds onto the next line, whole
    table.add_column("format")
    table.add_column("render")
    table.add_column("file on disk")
    table.add_column("time", justify="right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def summary_json(result: BuildResult, output: Path, seconds: float) -> str:
    return json.dumps({
        "output": str(output),
        "seconds": round(seconds, 3),
        "up_to_date": result.up_to_date,
        "files": [{"path": _shown(file.path, output), "format": file.format,
                   "source": file.source, "written": file.written,
                   "seconds": round(file.seconds, 3)} for file in result.files],
        "rendered": [_shown(path, output) for path in result.rendered],
        "rendered_parts": result.rendered_parts,
        "warnings": len(result.warnings),
    }, ensure_ascii=False, indent=2)


def stderr_console() -> Console:
    return Console(file=sys.stderr, highlight=False)


def stdout_console() -> Console:
    # A log (CI, a file) has no width: rich's 80 columns would cut the summary's paths.
    width = None if sys.stdout.isatty() else _LOG_WIDTH
    return Console(file=sys.stdout, highlight=False, width=width)
