"""Shared fixtures: the real project, a tiny fixture report to break on purpose, and builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from rapporteur.build import Project, build_report
from rapporteur.render import Theme

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
THEME = Theme(templates=REPO / "templates", locales=REPO / "locales")


class TinyReport:
    """A writable copy of tests/fixtures/tiny, rendered with the project's real theme."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.project = Project(self.content, THEME)

    def path(self, name: str) -> Path:
        return self.content / name

    def read(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str | bytes) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert old in text, f"{old!r} not in {name}"
        self.write(name, text.replace(old, new, 1))

    def build(self, **options):
        return build_report(self.project, self.output, **options)

    def build_command(self, output: Path) -> list[str]:
        """A command that builds this report into `output` in a separate Python process."""
        script = ("import sys; from pathlib import Path; from rapporteur.build import Project, "
                  "build_report; from rapporteur.render import Theme; "
                  "build_report(Project(Path(sys.argv[1]), Theme(Path(sys.argv[2]), "
                  "Path(sys.argv[3]))), Path(sys.argv[4]))")
        theme = self.project.theme
        return [sys.executable, "-c", script, str(self.content), str(theme.templates),
                str(theme.locales), str(output)]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to compare outputs before and after."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def tiny(tmp_path: Path) -> TinyReport:
    shutil.copytree(FIXTURES / "tiny" / "content", tmp_path / "content")
    return TinyReport(tmp_path)


@pytest.fixture(scope="session")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample report, with a render cache of the test run's own: tests write nothing
    outside their temporary folders, and a cold render of the report takes seconds."""
    return replace(Project.at(REPO), cache=tmp_path_factory.mktemp("render-cache"))


# What a test run may leave in the repository: the set-up's and the test tools' own caches.
LEFT_BY_TOOLS = (".venv", ".test-tools", ".pytest_cache", ".hypothesis", ".rapporteur-cache")


def _files_git_does_not_track() -> set[str] | None:
    try:
        listing = subprocess.run(["git", "status", "--porcelain", "--ignored",
                                  "--untracked-files=all"], cwd=REPO, capture_output=True,
                                 text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None  # not a git checkout: nothing to compare with
    paths = {line[3:] for line in listing.splitlines() if line[:2] in ("??", "!!")}
    return {path for path in paths if not path.startswith(LEFT_BY_TOOLS)
            and "__pycache__/" not in path and ".egg-info/" not in path}


@pytest.fixture(scope="session", autouse=True)
def tests_leave_no_files_in_the_repository():
    """Every test writes in its temporary folder: a file left in the checkout (a lock, an
    output, a file created through a link) is an error of the run."""
    before = _files_git_does_not_track()
    yield
    after = _files_git_does_not_track()
    if before is not None and after is not None:
        assert after <= before, f"the tests left files in the repository: {sorted(after - before)}"


@pytest.fixture(scope="session")
def real_build(real_project: Project, tmp_path_factory: pytest.TempPathFactory):
    """The sample report, built once for the whole run: HTML and PDF in both languages."""
    output = tmp_path_factory.mktemp("output")
    result = build_report(real_project, output)
    return output, result


@pytest.fixture(scope="session")
def source_text() -> str:
    """The text layer of the Chinese PDF of CDIP/28/2: what the content must reproduce."""
    return (FIXTURES / "source" / "CDIP-28-2.zh.txt").read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    """Counts per test file, so `make test` shows how many cases each stage's suite ran."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            name = report.nodeid.split("::")[0]
            counts.setdefault(name, {}).setdefault(outcome, 0)
            counts[name][outcome] += 1
    if counts:
        terminalreporter.section("tests per file")
        for name in sorted(counts):
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts[name].items()))
            terminalreporter.write_line(f"{name:<32} {summary}")
