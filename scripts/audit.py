"""Lighthouse on the built site, as a reader's browser sees it: `make audit`.

The site folder is served from a sub-path on 127.0.0.1, as a web host would serve it (text
compressed: Lighthouse's mobile score counts the bytes of the 250 KB pages); Lighthouse
(installed by scripts/ensure-audit-tools.sh) runs Debian's Chromium on the landing page and
each report page, with its mobile (throttled) and desktop settings. It prints the four scores
of each run and fails when accessibility, best practices or SEO is below 100, or performance
below 95. The reports (HTML and JSON) go to build/audit/.

    python scripts/audit.py [output/site]

Performance depends on the machine: on a busy one, run it again before believing a low score.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / ".test-tools" / "audit" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "build" / "audit"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LEAST = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host: files as they are, text gzip-compressed for a browser that accepts it."""

    TEXT = {".html", ".css", ".js", ".json", ".svg", ".csv"}

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.suffix not in self.TEXT or not path.is_file() \
                or "gzip" not in self.headers.get("Accept-Encoding", ""):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def pages(site: Path) -> list[str]:
    """The landing page as a reader who picks a language sees it, then every report page."""
    reports = sorted(path.name for path in site.glob("*.html") if path.name != "index.html")
    return ["index.html#languages", *reports]


def audit(url: str, preset: str, report: Path) -> dict[str, int]:
    command = [str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", "--output=json", "--output=html",
               f"--output-path={report}"]
    if preset == "desktop":
        command.append("--preset=desktop")  # mobile is Lighthouse's default
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    saved = report.parent / f"{report.name}.report.json"  # Lighthouse adds the suffixes
    result = json.loads(saved.read_text(encoding="utf-8"))
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main(site: Path) -> int:
    if not LIGHTHOUSE.is_file():
        print("Lighthouse is missing: run scripts/ensure-audit-tools.sh (make audit does)",
              file=sys.stderr)
        return 2
    if not (site / "index.html").is_file():
        print(f"no site in {site}: build it first (make, or rapporteur build --format site)",
              file=sys.stderr)
        return 2
    REPORTS.mkdir(parents=True, exist_ok=True)
    # Served from a sub-path (/site/), as a host would: the site must not assume the root.
    handler = functools.partial(_Host, directory=str(site.resolve().parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/{site.resolve().name}/"
    failures = []
    print(f"{'page':<28} {'preset':<8} " + " ".join(f"{name:>14}" for name in CATEGORIES))
    try:
        for page in pages(site):
            for preset in ("mobile", "desktop"):
                report = REPORTS / f"{page.split('#')[0].removesuffix('.html')}.{preset}"
                scores = audit(base + page, preset, report)
                print(f"{page:<28} {preset:<8} "
                      + " ".join(f"{scores[name]:>14}" for name in CATEGORIES), flush=True)
                failures += [f"{page} ({preset}): {name} {scores[name]} < {LEAST[name]}"
                             for name in CATEGORIES if scores[name] < LEAST[name]]
    finally:
        server.shutdown()
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"reports: {REPORTS}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "output" / "site")))
