"""`rapporteur serve` as a person uses it: edit, see the page change; break it, see the error."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import REPO
from test_site import CHROMIUM, FLAGS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Terminal:
    """`rapporteur serve` in a process of its own, its terminal read line by line."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "rapporteur", "--project", str(root), "serve",
             "--port", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")  # serve ended

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Reads on until a line contains `text`; fails if serve ends or stays silent first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"serve did not say {text!r} in {timeout} s: {''.join(self.seen)}")
            assert line, f"serve stopped before saying {text!r}: {''.join(self.seen)}"
            self.seen.append(line)
            if text in line:
                return

    def wait_for_either(self, first: str, second: str, timeout: float = 60) -> str:
        """Reads on until a line contains one of two texts; returns the one it said."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"serve said neither {first!r} nor {second!r} in {timeout} s: "
                            f"{''.join(self.seen)}")
            assert line, f"serve stopped: {''.join(self.seen)}"
            self.seen.append(line)
            for text in (first, second):
                if text in line:
                    return text

    def wait_for_full_build_to_start(self) -> None:
        """The full build has started once its PDF workers are forked."""
        deadline = time.monotonic() + 30
        while not self.children() and time.monotonic() < deadline:
            time.sleep(0.01)

    def children(self) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        finally:
            self.process.kill()


@pytest.fixture
def served(tiny):
    # The theme is copied: a test edits its stylesheet and templates as a designer would.
    shutil.copytree(REPO / "templates", tiny.root / "templates")
    (tiny.root / "locales").symlink_to(REPO / "locales")
    terminal = Terminal(tiny.root)
    terminal.wait_for("serving")  # once the first preview is written
    yield tiny, f"http://127.0.0.1:{terminal.port}/test-1-1.en.html"
    terminal.stop()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_edit_break_and_fix_while_the_page_is_open(served, browser):
    tiny, url = served
    page = browser.new_page(viewport={"width": 800, "height": 300})
    page.goto(url)
    expect(page.locator("main")).to_contain_text("The second paragraph, in 2021.")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 100
    page.evaluate("window.openedOnce = true")  # gone if the page is loaded again

    tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                 "The second paragraph, edited in 2021.")
    expect(page.locator("main")).to_contain_text("edited in 2021", timeout=15000)
    # The edit is patched into the open page: no reload, the reader stays where they were.
    assert page.evaluate("window.openedOnce") is True
    assert page.evaluate("window.scrollY") == scrolled

    good = tiny.read("body/01-opening.yaml")
    tiny.write("body/01-opening.yaml", good.replace("  - paragraph:", "  - paragraph", 1))
    overlay = page.locator("#rapporteur-overlay")
    expect(overlay).to_be_visible(timeout=15000)
    expect(overlay).to_contain_text("body/01-opening.yaml:")
    # The last good outputs are kept and still shown under the message.
    expect(page.locator("main")).to_contain_text("edited in 2021")

    tiny.write("body/01-opening.yaml", good)
    expect(overlay).to_have_count(0, timeout=15000)
    expect(page.locator("main")).to_contain_text("edited in 2021")
    assert page.evaluate("window.openedOnce") is True
    # The files on disk are what `build` writes: the reload script is added only when served.
    assert b"__rapporteur" not in (tiny.output / "test-1-1.en.html").read_bytes()
    # The PDFs follow in the background.
    deadline = time.monotonic() + 60
    while not (tiny.output / "test-1-1.en.pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (tiny.output / "test-1-1.en.pdf").exists()
    assert os.path.getsize(tiny.output / "test-1-1.en.pdf") > 1000


def test_the_site_page_keeps_working_after_an_edit_in_place(served, browser):
    tiny, url = served
    page = browser.new_page()
    page.goto(url.replace("test-1-1.en.html", "site/test-1-1.en.html"))
    page.evaluate("window.openedOnce = true")
    contents = page.locator("nav.toc")
    expect(contents).to_contain_text("Regional Sector")

    # A new word in emphasis: the paragraph with the note call is replaced whole, and a
    # section title changes in the table of contents too, outside <main>.
    tiny.replace("body/01-opening.yaml", "en: The first paragraph;",
                 "en: The *very* first paragraph;")
    tiny.replace("body/02-section.yaml", "en: Regional Sector", "en: Regional Sector, renamed")
    expect(page.locator("main")).to_contain_text("The very first paragraph", timeout=15000)
    expect(contents).to_contain_text("Regional Sector, renamed", timeout=15000)
    assert page.evaluate("window.openedOnce") is True

    # The site's script set the new paragraph up: its note call still shows the note.
    page.locator("main p", has_text="The very first paragraph").locator("a.fn-call").hover()
    expect(page.locator(".note-preview")).to_contain_text("The first footnote")

    # A new note before it renumbers a later note call: that link alone is replaced, and the
    # site's script sets it up too.
    tiny.write("body/01-opening.yaml", tiny.read("body/01-opening.yaml").replace(
        "en: The second paragraph, in 2021.",
        "en: The second paragraph, in 2021.[^new-note]\n    footnotes:\n      new-note:\n"
        "        zh: 新脚注。\n        en: A new footnote.").replace(
        "zh: 第二段于 2021 年。", "zh: 第二段于 2021 年。[^new-note]"))
    third = page.locator("main p", has_text="The third paragraph").locator("a.fn-call")
    expect(third).to_have_text("3", timeout=15000)
    third.hover()
    expect(page.locator(".note-preview")).to_contain_text("The third footnote")
    assert page.evaluate("window.openedOnce") is True


def test_an_edit_to_the_stylesheet_or_a_template_takes_effect(served, browser):
    tiny, url = served
    page = browser.new_page()
    page.goto(url)
    stylesheet = tiny.root / "templates" / "assets" / "report.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") +
                          "\nmain { color: rgb(1, 2, 3); }\n", encoding="utf-8")
    expect(page.locator("main")).to_have_css("color", "rgb(1, 2, 3)", timeout=15000)

    template = tiny.root / "templates" / "report.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '<main id="main">', '<main id="main"><p class="edited">From the edited template</p>', 1),
        encoding="utf-8")
    expect(page.locator("main .edited")).to_have_text("From the edited template", timeout=15000)
    expect(page.locator("main")).to_have_css("color", "rgb(1, 2, 3)")


@pytest.fixture
def terminal(tiny):
    for folder in ("templates", "locales"):
        (tiny.root / folder).symlink_to(REPO / folder)
    # A longer English body: its PDF part takes a second or two, long enough to act meanwhile.
    tiny.replace("body/01-opening.yaml", "The first paragraph;",
                 "The first paragraph" + " of many words" * 3000 + ";")
    terminal = Terminal(tiny.root)
    terminal.wait_for("full build in")  # the first, PDFs included
    yield terminal
    terminal.stop()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_ctrl_c_during_a_full_build_lets_it_finish_and_ends_cleanly(tiny, terminal):
    tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                 "The second paragraph, stopped in 2021.")
    terminal.wait_for("rendering the PDFs")
    terminal.wait_for_full_build_to_start()
    terminal.process.send_signal(signal.SIGINT)
    terminal.process.wait(60)
    terminal.wait_for("stopped")
    output = "".join(terminal.seen)
    # Not killed by a C library under the interpreter's feet (it used to abort: exit -6).
    assert terminal.process.returncode == 0, output
    assert "terminate called" not in output
    assert terminal.lines.get(timeout=10) == ""  # nothing after "stopped"
    # The full build under way finished and wrote the edit's PDF.
    assert "stopping when the full build under way is written" in output
    assert "stopped in 2021" in pdf_text(tiny.output / "test-1-1.en.pdf")


def test_a_newer_edit_drops_the_full_build_of_an_older_one(tiny, terminal):
    """An edit saved while the PDFs of the one before are rendering stops that render. The
    tiny report renders in a second or two: on a busy machine serve may finish it before it
    notices the newer edit, so the test saves again during the next one (at most five times)."""
    opening = tiny.path("body/01-opening.yaml")

    def save(old: str, new: str) -> None:
        # Saved as editors do, in one step: serve never reads a half-written file here.
        scratch = opening.with_name(".01-opening.yaml.saving")
        scratch.write_text(opening.read_text(encoding="utf-8").replace(old, new, 1),
                           encoding="utf-8")
        os.replace(scratch, opening)

    save("The second paragraph, in 2021.", "The second paragraph, edit 0, in 2021.")
    for edit in range(1, 6):
        terminal.wait_for("rendering the PDFs")
        terminal.wait_for_full_build_to_start()
        save(f"paragraph, edit {edit - 1}, in", f"paragraph, edit {edit}, in")
        said = terminal.wait_for_either("full build dropped for a newer edit", "full build in")
        if said.startswith("full build dropped"):
            break
    else:
        pytest.fail(f"five edits saved during full builds, none dropped: {''.join(terminal.seen)}")
    # The newer edit's PDFs are built.
    terminal.wait_for("full build in")
    assert f"paragraph, edit {edit}, in 2021" in pdf_text(tiny.output / "test-1-1.en.pdf")


def test_an_edit_built_while_the_page_loads_is_shown(served, browser):
    """The page knows which build it was served from: an edit built before its live script
    hears from the server still reaches it (it was taken for the page's own state)."""
    tiny, url = served
    page = browser.new_page()
    held = []
    page.route("**/__rapporteur/events", lambda route: held.append(route))  # events wait
    page.goto(url)
    stylesheet = tiny.root / "templates" / "assets" / "report.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") +
                          "\nmain { color: rgb(4, 5, 6); }\n", encoding="utf-8")
    written = tiny.output / "assets" / "report.css"
    deadline = time.monotonic() + 60
    while "rgb(4, 5, 6)" not in written.read_text(encoding="utf-8") or not held:
        assert time.monotonic() < deadline, f"no rebuild, or no request for events ({held})"
        page.wait_for_timeout(50)  # Playwright's events (the held request) come in meanwhile
    held[0].continue_()  # only now does the page hear of the build
    expect(page.locator("main")).to_have_css("color", "rgb(4, 5, 6)", timeout=15000)
