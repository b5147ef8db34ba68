"""Running render jobs: from the cache when their key is known, otherwise in worker processes.

WeasyPrint lays out one document at a time on one core, so independent parts render in parallel
processes, one per core, while this process goes on with the cheap work (the other formats) and
keeps the all-or-nothing write (and `serve`'s process stays free to answer). A build that may
render starts the workers first thing (`warm_up`, one per core), so that they import WeasyPrint
while this process checks the content and renders the pages; when the content is faulty or the
cache has every part, they are stopped at once instead of awaited. They die with the build's
process, even one killed outright. With one core everything runs in this process. Jobs come a
language at a time and wait here; the workers get the longest of those that have come first
(`RenderJob.work`), so that the last job to finish is a short one and the workers end together.

A file assembled from parts (`AssembledJob`: a PDF from its separately rendered parts) is looked up
in the cache first; if it is not there, each of its parts is, and only the missing parts render.
It is assembled in this process as soon as its last part is ready, while the workers render the
others' parts. Renders are deterministic: where a job ran changes nothing in its bytes.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Hashable, Literal

from .base import AssembledJob, RenderJob
from .cache import RenderCache

Source = Literal["built", "cached", "shared"]  # shared: the result of the same job in this build


@dataclass(frozen=True)
class JobResult:
    data: bytes
    source: Source
    seconds: float
    rendered_parts: tuple[str, ...] = ()
    """The labels of the parts rendered for it in this build (of an assembled file)."""


class Cancelled(Exception):
    """The build was called off while its renders ran (in `serve`: a newer edit came in)."""


class JobEvents:
    """Hooks for a progress display; the default shows nothing."""

    def started(self, label: str) -> None: ...

    def finished(self, label: str, source: Source, seconds: float) -> None: ...


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """A worker's first act: ask Linux to kill it when the build's process dies.

    A build killed outright (SIGKILL, the OOM killer) cannot shut its pool down, and a worker
    blocked on its queue would wait forever.
    """
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: such workers may outlive a killed build
        pass
    if os.getppid() != parent:  # the build died before the request
        os._exit(1)


def _start_worker(parent: int) -> None:
    """A worker's start, before it takes a job: it dies with the build (`_die_with`), imports
    the renderer while the build's process checks the content, then freezes what it has.

    Frozen objects (every module a forked worker inherits and WeasyPrint's) are left out of the
    garbage collector's full collections, which otherwise walk them again and again while
    WeasyPrint's boxes come and go: a tenth of a worker's CPU time. What is frozen is what the
    worker inherited and imported, which it keeps to the end anyway; a worker lives one build.
    """
    _die_with(parent)
    try:
        import weasyprint  # noqa: F401, PLC0415 - the worker's one-time start-up cost
    except (ImportError, OSError):
        return  # the first render says what is missing, as it would without a warm-up
    gc.freeze()


def _started() -> None:
    """A task with nothing to do: submitting it starts the pool's workers."""


def _timed_run(job: RenderJob) -> tuple[bytes, float]:
    """The job's bytes and its duration, measured where it runs (not from its submission: a
    job may wait in the pool's queue).

    The garbage collector waits for the job's end, then collects once. WeasyPrint's boxes are
    young cycles, and collecting them while they are all alive is wasted: the sample's 18 parts
    take ~5 % less CPU so, and the most memory grows little and falls back after each job
    (one process rendering the parts one after the other: 211 MB at most, against 251 MB
    collecting as usual; the body five times over alone: 276 MB against 251 MB).
    """
    start = time.perf_counter()
    gc.disable()
    try:
        data = job.run()
    finally:
        gc.enable()
        gc.collect()
    return data, time.perf_counter() - start


@dataclass
class _Render:
    """One render job of this build, and where its bytes will come from."""

    job: RenderJob
    key: str
    data: bytes | None = None
    source: Source = "cached"
    seconds: float = 0.0
    future: Future | None = None


@dataclass
class _Assembly:
    job: AssembledJob
    key: str
    parts: list[_Render] = field(default_factory=list)


class JobRunner:
    """Takes jobs as the outputs produce them (`start`), then gives every result (`results`).

    Two outputs may ask for the same render (the site's PDFs are the pdf format's): same key,
    same bytes, so each key runs once and its copies share the result.
    """

    def __init__(self, cache: RenderCache | None, events: JobEvents | None = None,
                 workers: int | None = None, cancelled: Callable[[], bool] | None = None):
        self.cache = cache
        self.cancelled = cancelled
        self.events = events or JobEvents()
        self.workers = workers or available_cores()
        self.pool: ProcessPoolExecutor | None = None
        self.processes: list[multiprocessing.process.BaseProcess] = []
        self.results: dict[Hashable, JobResult] = {}
        self.renders: dict[str, _Render] = {}  # by key
        self.waiting: list[_Render] = []  # not yet handed to a worker (with one core: all)
        self.in_flight = 0  # handed to the workers, not yet finished
        self.owners: dict[Hashable, _Render | _Assembly] = {}  # what makes each named file
        self.first_by_key: dict[str, Hashable] = {}
        self.copies: dict[Hashable, Hashable] = {}

    def __enter__(self) -> "JobRunner":
        return self

    def __exit__(self, failure, *exc) -> None:
        if self.pool is None:
            return
        if failure is not None or not any(render.future for render in self.renders.values()):
            # Bad content, or nothing to render after all: nothing waits for the workers to
            # finish importing the renderer.
            for process in self.processes:
                process.terminate()
        # Always to the end: a pool's thread left running could hold a lock when the next build
        # forks its workers, which would inherit it locked and hang.
        self.pool.shutdown(wait=True, cancel_futures=True)

    def warm_up(self, renders: int | None = None) -> None:
        """Start the workers, one per core or fewer if there are only `renders` to share: they
        import the renderer while this process works on."""
        if self.pool is None and self.workers > 1:
            workers = min(self.workers, renders or self.workers)
            before = set(multiprocessing.active_children())
            # fork: the workers start at once and inherit what this process has imported.
            self.pool = ProcessPoolExecutor(workers,
                                            mp_context=multiprocessing.get_context("fork"),
                                            initializer=_start_worker, initargs=(os.getpid(),))
            self.pool.submit(_started)
            self.processes = [child for child in multiprocessing.active_children()
                              if child not in before]

    def start(self, jobs: dict[Hashable, RenderJob | AssembledJob]) -> None:
        missing: list[_Render] = []
        for name, job in jobs.items():
            key = job.cache_key()
            if key in self.first_by_key:
                self.copies[name] = self.first_by_key[key]
                continue
            self.first_by_key[key] = name
            cached = self.cache.get(key) if self.cache else None
            if cached is not None:
                self.results[name] = JobResult(cached, "cached", 0.0)
                self.events.finished(job.label, "cached", 0.0)
            elif hasattr(job, "assemble"):
                self.owners[name] = _Assembly(job, key, [self._render(part, missing)
                                                         for part in job.parts])
            else:
                self.owners[name] = self._render(job, missing)
        for render in missing:
            self.events.started(render.job.label)
        if self.workers > 1 and missing:
            self.warm_up(len(missing))
        self.waiting += missing
        self._feed()

    def _feed(self) -> None:
        """Hand the workers the longest waiting jobs, one more than they can run at once.

        The pool takes jobs in the order they come, and jobs come a language at a time: held
        back here, the longest of all that have come go first, so that the last to finish is a
        short one and the workers end together. The one extra keeps a worker that finishes
        while this process renders pages from waiting for it.
        """
        if self.pool is None:
            return  # one core: `finish` runs them here
        self.waiting.sort(key=lambda render: render.job.work)
        while self.waiting and self.in_flight < self.workers + 1:
            render = self.waiting.pop()
            render.future = self.pool.submit(_timed_run, render.job)
            self.in_flight += 1

    def _render(self, job: RenderJob, missing: list[_Render]) -> _Render:
        """The render of `job` in this build: from the cache, or added to `missing`."""
        key = job.cache_key()
        if key not in self.renders:
            render = self.renders[key] = _Render(job, key)
            render.data = self.cache.get(key) if self.cache else None
            if render.data is None:
                missing.append(render)
            else:
                self.events.finished(job.label, "cached", 0.0)
        return self.renders[key]

    def finish(self) -> dict[Hashable, JobResult]:
        """Every job's result, once all have run; raises Cancelled if `cancelled` says so first
        (checked every tenth of a second)."""
        if self.pool is None:
            for render in sorted(self.waiting, key=lambda render: -render.job.work):
                self._stop_if_cancelled()
                self._rendered(render, *_timed_run(render.job))
            self.waiting = []
        self._assemble_ready()
        while running := {render.future: render for render in self.renders.values()
                          if render.future and render.data is None}:
            done, _ = wait(running, timeout=0.1 if self.cancelled else None,
                           return_when=FIRST_COMPLETED)
            self._stop_if_cancelled()
            for future in done:
                self.in_flight -= 1
                self._rendered(running[future], *future.result())
            self._feed()
            self._assemble_ready()
        for name, original in self.copies.items():
            self.results[name] = JobResult(self.results[original].data, "shared", 0.0)
        return self.results

    def _stop_if_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled  # the workers are stopped on the way out (__exit__)

    def _rendered(self, render: _Render, data: bytes, seconds: float) -> None:
        render.data, render.source, render.seconds = data, "built", seconds
        if self.cache:
            self.cache.put(render.key, data)
        self.events.finished(render.job.label, "built", render.seconds)

    def _assemble_ready(self) -> None:
        """Each file whose renders are all done, assembled or taken as it is."""
        for name, owner in list(self.owners.items()):
            renders = owner.parts if isinstance(owner, _Assembly) else [owner]
            if any(render.data is None for render in renders):
                continue
            del self.owners[name]
            built = tuple(render.job.label for render in renders if render.source == "built")
            seconds = sum(render.seconds for render in renders)
            if isinstance(owner, _Assembly):
                start = time.perf_counter()
                data = owner.job.assemble([render.data for render in renders])
                seconds += time.perf_counter() - start
                if self.cache:
                    self.cache.put(owner.key, data)
                self.events.finished(owner.job.label, "built", seconds)
            else:
                data = owner.data
            self.results[name] = JobResult(data, "built", seconds, built)
