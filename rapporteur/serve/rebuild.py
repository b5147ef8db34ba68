"""`serve`'s builds: a preview at once after an edit, the full build in the background.

The open pages follow `BuildState`; `Rebuilder` runs the builds, and makes sure a build of an
older edit never writes over the outputs of a newer one.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from ..build import Project, build_report
from ..cli import EXIT_INTERRUPTED
from ..errors import ContentError, EnvironmentFailure, UsageError
from ..outputs.jobs import Cancelled
from ..publish import write_outputs

FULL_BUILD_PAUSE = 0.3  # seconds after a preview without a new edit before the full build starts
FULL_BUILD_NICENESS = 10


class BuildState:
    """The latest build's outcome, which every open page follows."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.version = 0
        # The latest version with an edit of the theme: a page older than it reloads whole.
        self.theme_version = 0
        self.status = "ok"
        self.message = ""

    def publish(self, status: str, message: str = "", theme_edited: bool = False) -> None:
        with self.changed:
            if status == "ok":
                self.version += 1
                if theme_edited:
                    self.theme_version = self.version
            self.status, self.message = status, message
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {"status": self.status, "version": self.version,
                "theme_version": self.theme_version, "message": self.message}


class Rebuilder:
    """Builds on request: a preview at once, then the full build in a background thread."""

    def __init__(self, project: Project, root: Path, output: Path, state: BuildState,
                 options: dict, log=print):
        self.project, self.root, self.output = project, root, output
        self.state, self.options, self.log = state, options, log
        self.full_requested = threading.Event()
        self.building = False  # a full build is under way
        self.lock = threading.Lock()
        self.generation = 0  # one more at each edit: a build of an older one must not write
        self.theme_edited = False  # an edit of the theme that no good build has shown yet

    def _writer(self, generation: int):
        def write(files: dict[Path, bytes], owned: list[Path]) -> list[Path]:
            with self.lock:
                if generation != self.generation:
                    raise _Superseded
                return write_outputs(files, owned)
        return write

    def rebuild(self, theme_edited: bool = False) -> float | None:
        """The preview build; returns its seconds, or None if the content is broken.

        `theme_edited`: the edit is to the templates, stylesheets or catalogues.
        """
        start = time.perf_counter()
        self.theme_edited |= theme_edited
        with self.lock:
            self.generation += 1
            generation = self.generation
        try:
            build_report(self.project, self.output, preview=True, write=self._writer(generation),
                         **self.options)
        except (ContentError, UsageError, EnvironmentFailure) as error:
            self._failed(error)
            return None
        seconds = time.perf_counter() - start
        self.state.publish("ok", theme_edited=self.theme_edited)
        self.theme_edited = False
        self.log(f"pages rebuilt in {seconds * 1000:.0f} ms; rendering the PDFs")
        self.full_requested.set()
        return seconds

    def full_builds(self, stop: threading.Event) -> None:
        """The background loop: a full build once the edits pause, at a lower priority.

        The pause leaves the CPU to the open pages while they fetch the preview, and saves in a
        row make one full build. On Linux a thread's niceness is its own, and the processes it
        forks (the PDF workers) inherit it: the next edit's preview and the browser come first.
        """
        os.nice(FULL_BUILD_NICENESS)
        while not stop.is_set():
            if not self.full_requested.wait(0.2):
                continue
            self.full_requested.clear()
            if self.full_requested.wait(FULL_BUILD_PAUSE):
                continue  # another edit: the pause starts again
            start, generation = time.perf_counter(), self.generation
            self.building = True
            try:
                result = build_report(self.project, self.output, write=self._writer(generation),
                                      cancelled=lambda: self.generation != generation,
                                      **self.options)
            except _Superseded:
                # An edit came in before it could write (its PDFs were done, or it was still
                # checking): dropped all the same, and said so; the newer edit's build follows.
                self.log("full build dropped for a newer edit")
                continue
            except (Cancelled, ContentError, UsageError, EnvironmentFailure) as error:
                if self.generation != generation:
                    # A newer edit came in: this build's PDFs, or its errors (it may have read
                    # a file half saved), are out of date, and the newer edit's build follows.
                    self.log("full build dropped for a newer edit")
                elif not isinstance(error, Cancelled):
                    self._failed(error)
                continue
            finally:
                self.building = False
            for warning in result.warnings:
                self.log(warning.format(self.root))
            if result.written:
                self.state.publish("ok")
            self.log(f"full build in {time.perf_counter() - start:.1f} s "
                     f"({len(result.rendered)} PDF rendered)")

    def wait_for_full_build(self, builder: threading.Thread) -> None:
        """At the end of `serve`: the full build under way ends and writes, the last edit's PDFs
        included. The process may not end under it: its thread is inside C libraries (WeasyPrint,
        QPDF), which abort when the interpreter goes away. A second Ctrl-C drops it: it is marked
        superseded (so it writes nothing), and the process ends at once."""
        if self.building:
            print("stopping when the full build under way is written (Ctrl-C again: drop it)",
                  flush=True)
        try:
            builder.join()
        except KeyboardInterrupt:
            with self.lock:  # not while it writes: files are replaced whole or not at all
                self.generation += 1
                print("stopped; the full build under way was dropped", flush=True)
                os._exit(EXIT_INTERRUPTED)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ContentError):
            message = "\n".join(problem.format(self.root) for problem in error.problems)
        else:
            message = f"rapporteur: {error}"
        self.log(message + "\nthe last good outputs are kept; fix the content and save")
        self.state.publish("error", message)


class _Superseded(Exception):
    """A build finished after a newer edit: its files are not written."""
