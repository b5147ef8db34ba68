"""What the machine does to a build: exit codes, targets that are not files, concurrent builds.

Exit codes mean something: 1 the content, 2 the command line, 4 the environment (with the path
named), 130 an interruption, 3 only a genuine bug. Whatever happens, the outputs are all those of
one build: a target that cannot be replaced is found before anything is replaced, an interruption
waits until every output is renamed, and two builds never mix their files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, snapshot
from rapporteur import publish
from rapporteur.cli import main
from rapporteur.errors import EnvironmentFailure


@pytest.fixture
def project(tiny):
    """The tiny report as a project folder, built once; its content then changes everywhere."""
    for folder in ("templates", "locales"):
        os.symlink(REPO / folder, tiny.root / folder)
    assert main(["--project", str(tiny.root), "build", "--format", "html"]) == 0
    tiny.replace("report.yaml", "en: Test Report", "en: Changed Report")
    tiny.replace("report.yaml", "zh: 测试报告", "zh: 改过的报告")
    return tiny


def build(project, *options: str) -> int:
    return main(["--project", str(project.root), "build", "--format", "html", *options])


def outputs(project) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(project.output).items()
            if not name.startswith(".")}


def test_a_missing_project_is_a_usage_error(tmp_path, capsys):
    assert main(["--project", str(tmp_path / "nowhere"), "check"]) == 2
    err = capsys.readouterr().err
    assert "no project at" in err and "nowhere" in err and "Traceback" not in err


def test_an_output_folder_that_is_a_file_is_an_environment_error(project, capsys):
    target = project.root / "not-a-folder"
    target.write_text("keep me")
    assert build(project, "--output", str(target)) == 4
    err = capsys.readouterr().err
    assert str(target) in err and "Traceback" not in err
    assert target.read_text() == "keep me"


def test_a_device_as_output_folder_is_an_environment_error(project, capsys):
    assert build(project, "--output", "/dev/null") == 4
    assert "/dev/null" in capsys.readouterr().err


def test_a_folder_at_a_target_path_stops_the_build_before_anything_is_replaced(project, capsys):
    before = outputs(project)
    blocked = project.output / "test-1-1.zh.html"
    blocked.unlink()
    blocked.mkdir()
    assert build(project) == 4
    err = capsys.readouterr().err
    assert str(blocked) in err and "a folder stands where" in err
    after = outputs(project)
    before.pop("test-1-1.zh.html")
    assert after == before  # the English page, renamed first by the old code, is the old one


def test_a_fifo_at_a_target_path_is_refused(project, capsys):
    target = project.output / "test-1-1.en.html"
    target.unlink()
    os.mkfifo(target)
    assert build(project) == 4
    assert "not a regular file" in capsys.readouterr().err


def test_an_unwritable_output_folder_is_an_environment_error(project, monkeypatch, capsys):
    before = outputs(project)

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", dir)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert build(project) == 4
    err = capsys.readouterr().err
    assert f"{project.output}: Permission denied" in err
    assert outputs(project) == before


def test_ctrl_c_exits_with_130_without_a_traceback(project, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("rapporteur.cli.check_report", interrupted)
    assert main(["--project", str(project.root), "check"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err


def test_ctrl_c_while_outputs_are_renamed_waits_until_all_are_new(project, monkeypatch, capsys):
    real_replace = os.replace
    renamed = []

    def replace_then_interrupt(source, target):
        if not renamed:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C arrives after the first rename
        real_replace(source, target)
        renamed.append(Path(target).name)

    monkeypatch.setattr(publish.os, "replace", replace_then_interrupt)
    assert build(project) == 130
    assert "Traceback" not in capsys.readouterr().err
    pages = [name for name in outputs(project) if name.endswith(".html")]
    assert sorted(renamed) == sorted(pages)  # every page was renamed: all new, none old
    assert all("Changed Report" in (project.output / name).read_text() or "改过的报告" in
               (project.output / name).read_text() for name in pages)


def test_an_ascii_only_terminal_gets_escapes_not_a_crash(project):
    command = [sys.executable, str(REPO / "build.py"), "--project", str(project.root)]
    environment = {**os.environ, "PYTHONIOENCODING": "ascii:strict", "LC_ALL": "C"}
    output = project.root / "输出"  # printed on stdout, which is strict
    process = subprocess.run(command + ["build", "--format", "html", "--output", str(output)],
                             capture_output=True, env=environment)
    assert process.returncode == 0, process.stderr
    assert "\\u8f93\\u51fa/test-1-1.en.html" in process.stdout.decode("ascii")


def test_two_builds_at_once_end_with_the_outputs_of_one(project, monkeypatch):
    """Build A stops between its writes; build B starts, must wait, and writes after A."""
    a_is_writing = threading.Event()
    b_is_waiting = threading.Event()
    real_replace = os.replace

    def replace(source, target):
        if threading.current_thread().name == "A" and not a_is_writing.is_set():
            a_is_writing.set()
            assert b_is_waiting.wait(timeout=120)  # a deadlock guard, not a timing assumption
        real_replace(source, target)

    monkeypatch.setattr(publish.os, "replace", replace)
    monkeypatch.setattr(publish, "_announce_wait", lambda *_: b_is_waiting.set())
    results = {}

    def run(name: str) -> None:
        results[name] = project.build(formats=["html"])

    thread_a = threading.Thread(target=run, args=("A",), name="A")
    thread_a.start()
    assert a_is_writing.wait(timeout=120)
    project.replace("report.yaml", "en: Changed Report", "en: Report of build B")
    thread_b = threading.Thread(target=run, args=("B",), name="B")
    thread_b.start()
    thread_a.join()
    thread_b.join()
    assert b_is_waiting.is_set()
    english = (project.output / "test-1-1.en.html").read_text()
    assert "Report of build B" in english  # B wrote last, whole, after A
    assert not [name for name in snapshot(project.output) if name.endswith(".rapporteur-tmp")]
    assert results["A"].written and results["B"].written


def test_the_lock_file_is_refused_if_the_folder_is_not_one(tmp_path):
    (tmp_path / "out").write_text("")
    with pytest.raises(EnvironmentFailure) as raised:
        with publish.output_lock(tmp_path / "out"):
            pass
    assert raised.value.path == tmp_path / "out"


def pdf_links(path: Path) -> list[str]:
    links = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                links.append(str(action["/URI"]))
    return links


@pytest.mark.parametrize("base_url", [None, "https://example.org/reports/"])
def test_relative_links_in_the_pdf_never_become_file_uris(tiny, base_url):
    tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                 "The second paragraph, in 2021, see [the annex](annex.html) and "
                 "[the site](https://www.wipo.int/).")
    if base_url:
        tiny.replace("report.yaml", "  prepared_by:", f"  base_url: {base_url}\n  prepared_by:")
    tiny.build(languages=["en"], formats=["pdf", "html"])
    links = pdf_links(tiny.output / "test-1-1.en.pdf")
    assert not [link for link in links if link.startswith("file:")], links
    assert "https://www.wipo.int/" in links
    expected = [base_url + "annex.html"] if base_url else []
    assert [link for link in links if "annex" in link] == expected
    text = subprocess.run(["pdftotext", str(tiny.output / "test-1-1.en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "see the annex and" in " ".join(text.split())
    html = (tiny.output / "test-1-1.en.html").read_text()
    assert 'href="annex.html"' in html  # the site keeps its relative link


def test_a_build_in_another_process_waits_for_the_lock(project):
    """The lock holds across processes: a build started while we hold it says so and waits."""
    command = [sys.executable, str(REPO / "build.py"), "--project", str(project.root), "build",
               "--format", "html"]
    with publish.output_lock(project.output):
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        assert "waiting for it to finish" in process.stderr.readline()
        assert "Changed Report" not in (project.output / "test-1-1.en.html").read_text()
    out, err = process.communicate()
    assert process.returncode == 0, err
    assert "Changed Report" in (project.output / "test-1-1.en.html").read_text()
