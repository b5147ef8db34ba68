"""Shared fixtures: the real project, a tiny fixture report to break on purpose, and builds."""

from __future__ import annotations

import shutil
import sys
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
def real_project() -> Project:
    return Project.at(REPO)


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
