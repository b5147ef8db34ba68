"""Every file the builder reads stays inside content/: nothing else is read, nothing leaks.

A content folder is untrusted. A link from any content file to a secret outside it (the
environment of the process, a password file) or to a device must be refused before a byte is
read, and no byte of the target may appear in what the command prints.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO
from rapporteur import load
from rapporteur.build import check_report
from rapporteur.cli import main
from rapporteur.errors import ContentError, Problem
from rapporteur.load import load_content, load_yaml_file

SECRET = "TOP-SECRET-7f3a9c"


@pytest.fixture
def project(tiny):
    """The tiny report as a project folder (content plus the real theme), and a secret beside it."""
    for folder in ("templates", "locales"):
        os.symlink(REPO / folder, tiny.root / folder)
    # Valid YAML that fails validation: the old loader quoted its first line in the error.
    (tiny.root / "secret.yaml").write_text(f"{SECRET}: {SECRET}\n", encoding="utf-8")
    return tiny


def run(project, capsys) -> tuple[int, str]:
    code = main(["--project", str(project.root), "check"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("name", ["report.yaml", "body/01-opening.yaml", "data/results.yaml",
                                  "data/recommendations.yaml", "data/projects.yaml"])
def test_a_link_to_a_secret_outside_content_is_refused_without_a_byte(project, capsys, name):
    link = project.path(name)
    link.unlink()
    link.symlink_to(project.root / "secret.yaml")
    code, output = run(project, capsys)
    assert code == 1
    assert SECRET not in output
    assert "outside the content folder" in output
    assert "Traceback" not in output


def test_a_linked_glossary_is_refused_too(project, capsys):
    project.replace("report.yaml", "body:\n", "glossary: glossary.yaml\nbody:\n")
    project.path("glossary.yaml").symlink_to(project.root / "secret.yaml")
    code, output = run(project, capsys)
    assert code == 1
    assert SECRET not in output and "outside the content folder" in output


@pytest.mark.parametrize("name", ["report.yaml", "data/projects.yaml"])
def test_a_link_to_a_device_is_refused_without_reading_it(project, capsys, name):
    link = project.path(name)
    link.unlink()
    link.symlink_to("/dev/zero")  # the old loader read it until memory ran out
    code, output = run(project, capsys)
    assert code == 1
    assert "outside the content folder" in output


def test_a_fifo_inside_content_is_not_opened(project):
    os.mkfifo(project.path("data/fifo.yaml"))
    with pytest.raises(ContentError) as raised:
        load_yaml_file(project.path("data/fifo.yaml"), project.content)
    assert raised.value.problems[0].message == "not a regular file"


def test_the_environment_of_the_process_never_reaches_the_output(project):
    """/proc/self/environ as report.yaml, in a process whose environment holds a secret."""
    report = project.path("report.yaml")
    report.unlink()
    report.symlink_to("/proc/self/environ")
    process = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--project", str(project.root), "check"],
        capture_output=True, text=True, env={**os.environ, "RAPPORTEUR_SECRET": SECRET},
        cwd=REPO)
    assert process.returncode == 1
    assert SECRET not in process.stdout + process.stderr
    assert "outside the content folder" in process.stderr


def test_an_oversized_file_is_refused_before_it_is_read(project):
    # A sparse file: huge by its size, nothing on disk. Reading it first would exhaust memory.
    with project.path("data/results.yaml").open("r+b") as stream:
        stream.truncate(50 * 1024**3)
    with pytest.raises(ContentError) as raised:
        load_content(project.content)
    assert any("more than the" in p.message for p in raised.value.problems)


def test_the_content_as_a_whole_is_bounded(project, monkeypatch):
    monkeypatch.setattr(load, "MAX_TOTAL_BYTES", 20_000)  # the same check, on less disk
    filler = "# " + "x" * 4000 + "\n"
    body = project.read("body/01-opening.yaml")
    names = []
    for number in range(load.MAX_TOTAL_BYTES // len(filler) + 2):
        name = f"body/filler-{number}.yaml"
        project.write(name, filler + body.replace("first-note", f"note-{number}"))
        names.append(name)
    project.replace("report.yaml", "  - body/02-section.yaml\n",
                    "".join(f"  - {name}\n" for name in ["body/02-section.yaml", *names]))
    with pytest.raises(ContentError) as raised:
        load_content(project.content)
    over = [p for p in raised.value.problems if "larger than" in p.message]
    assert len(over) == 1 and over[0].file.name == "report.yaml"


def test_the_same_file_named_twice_is_refused(project):
    project.replace("report.yaml", "  - body/02-section.yaml\n",
                    "  - body/02-section.yaml\n  - body/./02-section.yaml\n")
    with pytest.raises(ContentError) as raised:
        load_content(project.content)
    problem = raised.value.problems[0]
    assert problem.message == "'body/./02-section.yaml' is named twice"
    assert problem.hint.startswith("it is already named on line ")


@pytest.mark.parametrize("name", ["body/" + "x" * 300 + ".yaml", "body/a\x00b.yaml"])
def test_unusable_file_names_are_content_errors(project, name):
    project.replace("report.yaml", "  - body/02-section.yaml\n", f'  - "{name!s}"\n'
                    .replace("\x00", "\\0"))
    with pytest.raises(ContentError) as raised:
        load_content(project.content)
    assert raised.value.problems[0].file.name == "report.yaml"


def test_excerpts_show_control_characters_escaped(tmp_path):
    path = tmp_path / "file.yaml"
    path.write_bytes(b"a: 1\nb: \x1b[31mred\x1b[0m\n")
    with pytest.raises(ContentError) as raised:
        load_yaml_file(path)
    text = raised.value.problems[0].format()
    assert "\x1b" not in text and "\\x1b[31mred" in text


def test_excerpts_come_from_what_the_loader_kept_not_from_the_disk(tmp_path):
    path = tmp_path / "file.yaml"
    path.write_text("a: 1\n")
    problem = Problem(path, 1, 1, "a problem")  # no source line kept: no excerpt, no read
    assert problem.format() == f"{path}:1:1: error: a problem"


def test_many_problems_cost_one_read_of_each_file(project, monkeypatch):
    """Reporting N problems is O(file + N): no excerpt re-reads its file (26k took minutes)."""
    count = 2000
    project.write("body/02-section.yaml", "blocks:\n" + "  - paragraph:\n      zh: 段\n" * count)
    reads: Counter[str] = Counter()
    real_read = load.read_confined
    monkeypatch.setattr(load, "read_confined",
                        lambda path, *args: reads.update([path.name]) or real_read(path, *args))
    with pytest.raises(ContentError) as raised:
        check_report(project.project)
    assert set(reads.values()) == {1}
    monkeypatch.setattr(Path, "open", lambda *args, **kwargs: pytest.fail("a file was reopened"))
    text = [problem.format() for problem in raised.value.problems]
    assert len(text) == count
    assert all("\n    |   - paragraph:\n" in message for message in text)
