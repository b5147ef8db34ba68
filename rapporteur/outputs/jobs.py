"""Running render jobs: from the cache when their key is known, otherwise in worker processes.

WeasyPrint lays out one document at a time on one core, so independent PDFs render in parallel
processes, one per core; the parent meanwhile does the cheap work and keeps the all-or-nothing
write. With one core (or one job) everything runs in this process. Renders are deterministic, so
where a job ran changes nothing in its bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
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


def run_jobs(jobs: dict[Hashable, RenderJob], cache: RenderCache | None,
             events: JobEvents | None = None,
             workers: int | None = None) -> dict[Hashable, JobResult]:
    """Every job's bytes, by the same names as `jobs`."""
    events = events or JobEvents()
    results: dict[Hashable, JobResult] = {}
    pending: dict[Hashable, tuple[RenderJob, str | None]] = {}
    # Two outputs may ask for the same render (the site's PDFs are the pdf format's): same key,
    # same bytes, so each key runs once and its copies share the result.
    copies: dict[Hashable, Hashable] = {}
    first_by_key: dict[str, Hashable] = {}
    for name, job in jobs.items():
        key = job.cache_key()
        if key in first_by_key:
            copies[name] = first_by_key[key]
            continue
        first_by_key[key] = name
        key = key if cache else None
        cached = cache.get(key) if cache and key else None
        if cached is not None:
            results[name] = JobResult(cached, "cached", 0.0)
            events.finished(job.label, "cached", 0.0)
        else:
            pending[name] = (job, key)

    workers = min(workers or available_cores(), len(pending))
    if workers > 1:
        # fork: the workers start at once and inherit what the parent has imported.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {}
            for name, (job, _) in pending.items():
                events.started(job.label)
                futures[pool.submit(job.run)] = (name, time.perf_counter())
            for future in as_completed(futures):
                name, start = futures[future]
                _finish(name, pending[name], future.result(), start, cache, events, results)
    else:
        for name, (job, key) in pending.items():
            events.started(job.label)
            start = time.perf_counter()
            _finish(name, (job, key), job.run(), start, cache, events, results)
    for name, original in copies.items():
        results[name] = JobResult(results[original].data, "shared", 0.0)
    return {name: results[name] for name in jobs}


def _finish(name: Hashable, pending: tuple[RenderJob, str | None], data: bytes, start: float,
            cache: RenderCache | None, events: JobEvents,
            results: dict[Hashable, JobResult]) -> None:
    job, key = pending
    seconds = time.perf_counter() - start
    if cache and key:
        cache.put(key, data)
    results[name] = JobResult(data, "built", seconds)
    events.finished(job.label, "built", seconds)
