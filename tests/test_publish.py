"""Stage 5, publish: atomic outputs, and a PDF renderer that reads nothing but our assets."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import snapshot
from rapporteur import publish
from rapporteur.cli import main
from rapporteur.errors import ContentError, EnvironmentFailure
from rapporteur.outputs.pdf import render_pdf
from rapporteur.publish import write_outputs


@pytest.fixture
def built(tiny):
    """The tiny report built once; the test then changes its content and builds again."""
    tiny.build()
    tiny.replace("body/01-opening.yaml", "The second paragraph", "The changed second paragraph")
    return tiny


def test_write_outputs_replaces_and_reports_changes(tmp_path):
    target = tmp_path / "a.txt"
    assert write_outputs({target: b"one"}) == [target]
    assert write_outputs({target: b"one"}) == []  # unchanged: not rewritten
    assert write_outputs({target: b"two"}) == [target]
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_full_disk_leaves_previous_outputs_and_no_temporaries(built, monkeypatch):
    before = snapshot(built.output)
    real_fdopen = os.fdopen
    calls = []

    def failing_fdopen(handle, mode="r", *args, **kwargs):
        if mode != "wb":  # the loader reading content
            return real_fdopen(handle, mode, *args, **kwargs)
        calls.append(handle)
        if len(calls) == 2:  # the second output file hits a full disk
            os.close(handle)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fdopen(handle, mode, *args, **kwargs)

    monkeypatch.setattr(publish.os, "fdopen", failing_fdopen)
    with pytest.raises(EnvironmentFailure) as raised:
        built.build()
    assert len(calls) == 2
    # The folder of the file that found the disk full: the output folder or one inside it.
    assert raised.value.path.is_relative_to(built.output)
    assert "No space left" in raised.value.reason
    assert snapshot(built.output) == before  # nothing renamed, no temporary left


def test_renderer_crash_is_reported_without_traceback(built, monkeypatch, capsys, tmp_path):
    before = snapshot(built.output)

    def crash(html, assets):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("rapporteur.outputs.pdf.render_part", crash)
    root = built.root
    for folder in ("templates", "locales"):
        os.symlink(built.project.theme.templates if folder == "templates"
                   else built.project.theme.locales, root / folder)
    assert main(["--project", str(root), "build"]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "nothing was written" in err and "Traceback" not in err
    assert snapshot(built.output) == before


def test_killed_build_never_leaves_a_half_written_output(built):
    """Kill builds at different moments: each output is always the old or the new file whole."""
    old = snapshot(built.output)
    command = built.build_command(built.output)
    appeared = {}  # files with new names (the search index's), seen after a killed build
    for delay in (0.3, 0.8, 1.2, 1.6, 2.0):
        process = subprocess.Popen(command)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Its PDF workers die with it (forks: the same command line), not left waiting forever.
        deadline = time.monotonic() + 10
        while _running(command) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _running(command) == []
        for name, data in snapshot(built.output).items():
            if not name.startswith(".") and "/." not in name and name not in old:
                assert "/pagefind/" in name, name
                appeared[name] = data
    process = subprocess.run(command, check=True)
    new = snapshot(built.output)
    # Temporaries of killed builds are cleared by the next build (the search index's files are
    # named by content hashes: the changed content has new ones, and the old ones are gone).
    assert {name for name in new if "/pagefind/" not in name} == \
        {name for name in old if "/pagefind/" not in name}
    fresh = built.root / "fresh"
    subprocess.run(built.build_command(fresh), check=True)
    fresh_files = snapshot(fresh)
    assert {name for name in new if "/pagefind/" in name} == \
        {name for name in fresh_files if "/pagefind/" in name}
    for name, data in appeared.items():
        assert fresh_files.get(name) == data, name  # a whole file of the new build
    assert new["test-1-1.en.html"] != old["test-1-1.en.html"]


def _running(command: list[str]) -> list[int]:
    """The processes running exactly `command`."""
    wanted = "\0".join(command).encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().rstrip(b"\0") == wanted:
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile
    return found


PAGE = '<html><head>{head}</head><body><p>Hello</p>{body}</body></html>'


@pytest.mark.parametrize("head, body", [
    ("", '<img src="file:///etc/passwd">'),
    ('<link rel="stylesheet" href="file:///etc/passwd">', ""),
    ('<link rel="stylesheet" href="../../../../../../etc/passwd">', ""),
    ("", '<img src="http://127.0.0.1:9/x.png">'),
    ("<style>@import url(https://example.org/x.css);</style>", ""),
    ("<style>body { background: url(data:image/png;base64,iVBORw0KGgo=) }</style>", ""),
])
def test_pdf_renderer_refuses_anything_outside_the_assets(head, body, tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    with pytest.raises(ContentError) as raised:
        render_pdf(PAGE.format(head=head, body=body), assets)
    assert "refused" in raised.value.problems[0].message


def test_pdf_renderer_reads_its_own_assets(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "extra.css").write_text("p { color: red }")
    pdf = render_pdf(PAGE.format(head='<link rel="stylesheet" href="extra.css">', body=""), assets)
    assert pdf.startswith(b"%PDF")
