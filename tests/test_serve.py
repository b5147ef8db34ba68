"""`rapporteur serve` as a person uses it: edit, see the page change; break it, see the error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import REPO
from test_site import CHROMIUM, FLAGS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tiny):
    for folder in ("templates", "locales"):
        (tiny.root / folder).symlink_to(REPO / folder)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "rapporteur", "--project", str(tiny.root), "serve",
         "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()  # "pages rebuilt ..." once the first preview is written
    while "serving" not in line:
        assert line, "serve stopped before serving"
        line = process.stdout.readline()
    yield tiny, f"http://127.0.0.1:{port}/test-1-1.en.html", process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(10)
    finally:
        process.kill()


def test_edit_break_and_fix_while_the_page_is_open(served):
    tiny, url, process = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(url)
        expect(page.locator("main")).to_contain_text("The second paragraph, in 2021.")

        tiny.replace("body/01-opening.yaml", "The second paragraph, in 2021.",
                     "The second paragraph, edited in 2021.")
        expect(page.locator("main")).to_contain_text("edited in 2021", timeout=15000)

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
        browser.close()
    # The files on disk are what `build` writes: the reload script is added only when served.
    assert b"__rapporteur" not in (tiny.output / "test-1-1.en.html").read_bytes()
    # The PDFs follow in the background.
    deadline = time.monotonic() + 60
    while not (tiny.output / "test-1-1.en.pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (tiny.output / "test-1-1.en.pdf").exists()
    assert os.path.getsize(tiny.output / "test-1-1.en.pdf") > 1000
