"""The render cache and the build record as an attacker leaves them: links, fifos, hostile files.

A repository can commit `.rapporteur-cache` or `output/.rapporteur-build.json` as anything: a
link out of the project, a fifo, a file of its choosing. Whatever stands there, a build writes
nothing through a link, deletes nothing it did not write, never waits on a fifo, never reads a
file outside the output folder for the record, and never fails for it: the worst it costs is
speed (a full build, a render instead of a cache hit), with a warning naming the cache folder.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO, snapshot
from rapporteur import record
from rapporteur.build import CACHE_FOLDER
from rapporteur.cli import main
from rapporteur.outputs.cache import RenderCache

KEY = "ab" * 32  # a render's cache key: a SHA-256 in hex


@pytest.fixture
def project(tiny):
    """The tiny report as a project folder (`rapporteur --project`), with the real theme."""
    for folder in ("templates", "locales"):
        os.symlink(REPO / folder, tiny.root / folder)
    return tiny


def build(project, *options: str) -> int:
    return main(["--project", str(project.root), "build", *options])


@contextmanager
def watched_fifo(path: Path, spare: Path):
    """A fifo at `path`; the list it yields ends up holding True if anything opened it for
    reading while the block ran (a reader that would have waited for a writer, or read
    whatever one writes). A second name, `spare`, lets the check end even after the build
    replaced `path`."""
    os.mkfifo(path)
    os.link(path, spare)
    opened: list[bool] = []
    finished = threading.Event()

    def writer() -> None:
        handle = os.open(spare, os.O_WRONLY)  # waits for a reader
        opened.append(not finished.is_set())
        os.close(handle)  # the reader sees an empty file

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        yield opened
    finally:
        finished.set()
        reader = os.open(spare, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer go
        thread.join()
        os.close(reader)


# --- the render cache ---------------------------------------------------------------------------

def test_a_cache_folder_that_is_a_link_is_never_written_through(project, tmp_path, capsys):
    """A committed `.rapporteur-cache -> elsewhere`: elsewhere keeps every file, unchanged."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".gitignore").write_text("keep: my own ignore rules\n")
    for number in range(80):  # more than the cache keeps: the old code pruned the oldest
        victim = elsewhere / f"photo-{number:02}.bin"
        victim.write_bytes(b"someone's file")
        os.utime(victim, (1_000_000, 1_000_000))
    before = snapshot(elsewhere)
    (project.root / CACHE_FOLDER).symlink_to(elsewhere)
    assert build(project, "--format", "pdf") == 0
    assert snapshot(elsewhere) == before
    assert (project.output / "test-1-1.en.pdf").is_file()
    err = capsys.readouterr().err
    assert f"{CACHE_FOLDER}: warning: the render cache is a symbolic link" in err


def test_a_gitignore_link_in_the_cache_is_never_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(victim)
    cache = RenderCache(folder)
    cache.put(KEY, b"a render")
    assert victim.read_text() == "precious\n"
    assert cache.get(KEY) == b"a render" and cache.warning is None


def test_pruning_deletes_only_the_caches_own_entries(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    for number in range(40):
        foreign = folder / f"foreign-{number:02}.bin"
        foreign.write_bytes(b"not a cache entry")
        target = outside / f"target-{number:02}.bin"
        target.write_bytes(b"pointed at")
        (folder / f"link-{number:02}.bin").symlink_to(target)
        for path in (foreign, target):
            os.utime(path, (1_000_000, 1_000_000))
    cache = RenderCache(folder)
    for number in range(70):
        key = f"{number:064x}"
        cache.put(key, b"render %d" % number)
        os.utime(folder / f"{key}.bin", (2_000_000 + number, 2_000_000 + number))
    cache.put(KEY, b"the newest")
    names = {path.name for path in folder.iterdir()}
    assert {f"foreign-{number:02}.bin" for number in range(40)} <= names
    assert {f"link-{number:02}.bin" for number in range(40)} <= names
    assert all(path.read_bytes() == b"pointed at" for path in outside.iterdir())
    own = [name for name in names if len(name) == 68]
    assert len(own) == 64 and f"{KEY}.bin" in own  # the oldest of its own entries went
    assert cache.warning is None


def test_a_fifo_in_place_of_an_entry_is_a_miss_never_opened(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    with watched_fifo(folder / f"{KEY}.bin", tmp_path / "spare") as opened:
        assert RenderCache(folder).get(KEY) is None
    assert opened == [False]


def test_an_entry_that_is_a_link_is_never_read(tmp_path):
    """A link to a valid entry elsewhere: the bytes it points at are not served."""
    elsewhere = RenderCache(tmp_path / "elsewhere")
    elsewhere.put(KEY, b"planted render")
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / f"{KEY}.bin").symlink_to(tmp_path / "elsewhere" / f"{KEY}.bin")
    assert RenderCache(folder).get(KEY) is None
    assert elsewhere.get(KEY) == b"planted render"  # and it was not deleted either


def test_a_dangling_link_among_the_entries_costs_nothing(project, capsys):
    """The old code stopped with exit 4, naming the link, when it pruned after a render."""
    cache = project.root / CACHE_FOLDER
    cache.mkdir()
    (cache / "dangling.bin").symlink_to(project.root / "nothing")
    assert build(project, "--format", "pdf") == 0
    assert (project.output / "test-1-1.zh.pdf").is_file()
    assert len(list(cache.glob("*.bin"))) == 9  # six parts, two PDFs, and the link
    assert "warning" not in capsys.readouterr().err


def test_a_cache_that_cannot_be_written_costs_speed_and_says_where(project, capsys):
    """Every entry replaced by a folder: the renders cannot be kept, the build still ends well,
    and a warning names the cache folder."""
    assert build(project, "--format", "pdf") == 0
    cache = project.root / CACHE_FOLDER
    for entry in cache.glob("*.bin"):
        entry.unlink()
        entry.mkdir()
    shutil.rmtree(project.output)
    capsys.readouterr()
    assert build(project, "--format", "pdf") == 0
    assert (project.output / "test-1-1.zh.pdf").is_file()
    err = capsys.readouterr().err
    assert f"{CACHE_FOLDER}: warning: the render cache cannot be written (Is a directory)" in err


def test_a_cache_that_is_a_file_is_named_in_a_warning(project, capsys):
    (project.root / CACHE_FOLDER).write_text("not a folder")
    assert build(project, "--format", "pdf") == 0
    assert f"{CACHE_FOLDER}: warning: the render cache is not a folder" in capsys.readouterr().err
    assert (project.root / CACHE_FOLDER).read_text() == "not a folder"


def test_a_read_only_cache_costs_speed_never_the_build(tmp_path, monkeypatch):
    """As on a read-only mount, simulated (the tests may run as root, who writes anyway): a
    truncated entry that cannot be removed is a miss, a render that cannot be kept a warning."""
    folder = tmp_path / "cache"
    cache = RenderCache(folder)
    cache.put(KEY, b"a render")
    entry = folder / f"{KEY}.bin"
    entry.write_bytes(entry.read_bytes()[:-3])  # one of ours, truncated

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(args[0]))

    for name in ("unlink", "replace", "utime"):
        monkeypatch.setattr(os, name, read_only)
    assert cache.get(KEY) is None  # the old code failed removing it
    cache.put("cd" * 32, b"another")
    assert cache.warning == ("the render cache cannot be written (Read-only file system): "
                             "this build's renders are not kept for the next")


def test_git_ignores_the_cache_and_the_output_also_as_links(tmp_path):
    """git sees a link as a file: `/.rapporteur-cache/` would not ignore a committed link."""
    repository = tmp_path / "repository"
    repository.mkdir()
    shutil.copy(REPO / ".gitignore", repository / ".gitignore")
    names = [CACHE_FOLDER, "output", ".venv", "build", ".test-tools"]
    for name in names:
        (repository / name).symlink_to(tmp_path)
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    status = subprocess.run(["git", "-C", str(repository), "status", "--porcelain",
                             "--untracked-files=all"], check=True, capture_output=True,
                            text=True).stdout
    assert status.split() == ["??", ".gitignore"]


# --- the build record ----------------------------------------------------------------------------

@pytest.fixture
def recorded(project, capsys):
    """The project built once (HTML), its record in place; a second build is up to date."""
    assert build(project, "--format", "html") == 0
    capsys.readouterr()
    return project


def record_of(project) -> Path:
    return project.output / record.RECORD_NAME


def rebuilt(project, capsys) -> bool:
    """Build again: True if it ran in full (not "up to date"); it must end well either way."""
    assert build(project, "--format", "html") == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return "up to date" not in out


def test_the_record_unchanged_makes_the_build_up_to_date(recorded, capsys):
    assert not rebuilt(recorded, capsys)


def edited(project, change) -> None:
    path = record_of(project)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(data)), encoding="utf-8")


def bad_warning(**fields):
    warning = {"file": "content/report.yaml", "line": 1, "column": 1, "message": "planted",
               "hint": None, "severity": "warning", "source_line": "document:"}
    return lambda data: {**data, "warnings": [{**warning, **fields}]}


@pytest.mark.parametrize("change", [
    lambda data: [data],  # a list, not an object: the old code failed (exit 3)
    lambda data: {**data, "files": list(data["files"].items())},  # exit 3 before
    bad_warning(column="3"),  # shown with a caret: exit 3 before
    bad_warning(line=10 ** 20),
    bad_warning(severity="error"),  # an error, and yet exit 0
    bad_warning(message=["planted"]),
], ids=["list", "files-as-list", "column-as-text", "huge-line", "error-severity",
        "message-as-list"])
def test_a_malformed_record_is_a_full_build(recorded, capsys, change):
    edited(recorded, change)
    assert rebuilt(recorded, capsys)
    assert not rebuilt(recorded, capsys)  # and the record written then is good


def test_a_record_nested_too_deeply_is_a_full_build(recorded, capsys):
    record_of(recorded).write_text("[" * 100_000, encoding="ascii")  # exit 3 before
    assert rebuilt(recorded, capsys)


def test_a_fifo_as_the_record_is_never_opened(recorded, capsys, tmp_path):
    record_of(recorded).unlink()
    with watched_fifo(record_of(recorded), tmp_path / "spare") as opened:
        assert rebuilt(recorded, capsys)
    assert opened == [False]


def test_a_record_that_is_a_link_is_not_followed(recorded, capsys, tmp_path):
    """A good record, moved out and linked to: the old code trusted it."""
    moved = tmp_path / "planted.json"
    record_of(recorded).rename(moved)
    record_of(recorded).symlink_to(moved)
    assert rebuilt(recorded, capsys)


@pytest.mark.parametrize("named", ["../fifo", "absolute", "link-out"])
def test_a_record_never_reads_a_file_outside_the_output_folder(recorded, capsys, tmp_path,
                                                               named):
    fifo = tmp_path / "fifo"
    with watched_fifo(fifo, tmp_path / "spare") as opened:
        if named == "absolute":
            named = str(fifo)
        elif named == "link-out":
            (recorded.output / named).symlink_to(fifo)
        assert os.path.realpath(recorded.output / named) == str(fifo)

        def plant(data):
            entry = next(iter(data["files"].values()))
            return {**data, "files": {named: entry, **data["files"]}}

        edited(recorded, plant)
        rebuilt(recorded, capsys)
    assert opened == [False]
