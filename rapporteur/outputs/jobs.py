"""Running render jobs: from the cache when their key is known, otherwise in worker processes.

WeasyPrint lays out one document at a time on one core, so independent PDFs render in parallel
processes, one per core, while this process goes on with the cheap work (the other formats) and
keeps the all-or-nothing write. The workers start, and import WeasyPrint, at the first job the cache
does not have (`warm_up`): a build with nothing new to render never pays for them. With one core
everything runs in this process. Renders are deterministic: where a job ran changes nothing in
its bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Hashable, Literal

from .base import RenderJob
from .cache import RenderCache

Source = Literal["built", "cached", "shared"]  # shared: the result of the same job in this build


@dataclass(frozen=True)
class JobResult:
    data: bytes
    source: Source
    seconds: float


class JobEvents:
    """Hooks for a progress display; the default shows nothing."""

    def started(self, label: str) -> None: ...

    def finished(self, label: str, source: Source, seconds: float) -> None: ...


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _import_renderer() -> None:
    import weasyprint  # noqa: F401, PLC0415 - the worker's one-time start-up cost


class JobRunner:
    """Takes jobs as the outputs produce them (`start`), then gives every result (`results`).

    Two outputs may ask for the same render (the site's PDFs are the pdf format's): same key,
    same bytes, so each key runs once and its copies share the result.
    """

    def __init__(self, cache: RenderCache | None, events: JobEvents | None = None,
                 workers: int | None = None):
        self.cache = cache
        self.events = events or JobEvents()
        self.workers = workers or available_cores()
        self.pool: ProcessPoolExecutor | None = None
        self.results: dict[Hashable, JobResult] = {}
        self.running: dict[Hashable, tuple[RenderJob, str, Future, float]] = {}
        self.local: dict[Hashable, tuple[RenderJob, str]] = {}
        self.first_by_key: dict[str, Hashable] = {}
        self.copies: dict[Hashable, Hashable] = {}

    def __enter__(self) -> "JobRunner":
        return self

    def __exit__(self, failure, *exc) -> None:
        if self.pool is not None:
            # After a failure (bad content) nothing waits for the workers' start-up.
            self.pool.shutdown(wait=failure is None, cancel_futures=True)

    def warm_up(self) -> None:
        """Start the workers: they import the renderer while this process works on."""
        if self.workers > 1 and self.pool is None:
            # fork: the workers start at once and inherit what this process has imported.
            self.pool = ProcessPoolExecutor(self.workers,
                                            mp_context=multiprocessing.get_context("fork"))
            for _ in range(self.workers):
                self.pool.submit(_import_renderer)

    def start(self, jobs: dict[Hashable, RenderJob]) -> None:
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
            elif self.workers > 1:
                self.warm_up()
                self.events.started(job.label)
                self.running[name] = (job, key, self.pool.submit(job.run), time.perf_counter())
            else:
                self.local[name] = (job, key)

    def finish(self) -> dict[Hashable, JobResult]:
        """Every job's result, once all have run."""
        for name, (job, key) in self.local.items():
            self.events.started(job.label)
            start = time.perf_counter()
            self._done(name, job, key, job.run(), start)
        for name, (job, key, future, start) in self.running.items():
            self._done(name, job, key, future.result(), start)
        for name, original in self.copies.items():
            self.results[name] = JobResult(self.results[original].data, "shared", 0.0)
        return self.results

    def _done(self, name: Hashable, job: RenderJob, key: str, data: bytes, start: float) -> None:
        seconds = time.perf_counter() - start
        if self.cache:
            self.cache.put(key, data)
        self.results[name] = JobResult(data, "built", seconds)
        self.events.finished(job.label, "built", seconds)

