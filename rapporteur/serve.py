"""`rapporteur serve`: the build on localhost, rebuilt and updated in the browser on every edit.

It reuses `build_report`; it has no build of its own. After an edit, a preview build (no parity
check, no PDFs) refreshes the pages first and the open pages patch it in, then a full build
checks everything and renders the PDFs in the background. A broken edit keeps the last good
outputs (the build writes nothing) and shows its `file:line` messages in the terminal and over
the page. The live script is added to pages as they are served, so the files in output/ stay
exactly what `build` writes.
"""

from __future__ import annotations

import argparse
import html
import http.server
import json
import mimetypes
import os
import stat
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from pathlib import Path

from .build import FORMATS, Project, build_report
from .cli import EXIT_INTERRUPTED
from .errors import ContentError, EnvironmentFailure, UsageError
from .outputs.jobs import Cancelled
from .publish import write_outputs

_EVENTS = "/__rapporteur/events"
_SCRIPT = "/__rapporteur/live.js"
FULL_BUILD_PAUSE = 0.3  # seconds after a preview without a new edit before the full build starts
FULL_BUILD_NICENESS = 10

# Runs in the page: follows the build's state. A newer good build is fetched and patched into
# the page in place, no reload: only the nodes that changed since the page was served are
# replaced (a changed text is one text node), so the scroll position and what the page's own
# scripts set up stay. Elements replaced whole are announced to those scripts in a
# "rapporteur:replaced" event. A change to the stylesheets or scripts the page loads, or to the
# theme (a stylesheet's content is not in the page's HTML), reloads the page whole.
_LIVE_JS = """(() => {
  let served = null;  // the page as served, to tell what changed in a newer version
  document.addEventListener("readystatechange", () => {
    // Parsed, and the page's deferred scripts have not run yet: this is the page as served.
    if (!served) served = document.cloneNode(true);
  });
  const loads = (page) => Array.from(page.head.querySelectorAll("link, style, script"),
                                     (element) => element.outerHTML).join("");
  // Makes the children of `live` show those of `next` where they differ from `old`, what `live`
  // held as served. False when a child was added or removed: the caller replaces `live` whole.
  function patch(live, old, next, replaced) {
    const [liveNodes, oldNodes, nextNodes] = [live, old, next].map(
      (node) => Array.from(node.childNodes));
    if (oldNodes.length !== nextNodes.length || liveNodes.length < oldNodes.length) return false;
    oldNodes.forEach((node, index) => {
      const [was, now] = [node, nextNodes[index]];
      if (was.isEqualNode(now)) return;
      const sameElement = was.nodeType === Node.ELEMENT_NODE &&
        was.cloneNode(false).isEqualNode(now.cloneNode(false)) &&
        liveNodes[index].nodeName === was.nodeName;
      if (sameElement && patch(liveNodes[index], was, now, replaced)) return;
      const fresh = document.importNode(now, true);
      liveNodes[index].replaceWith(fresh);
      if (fresh.nodeType === Node.ELEMENT_NODE) replaced.push(fresh);
    });
    return true;
  }
  async function update() {
    const response = await fetch(location.href, { cache: "no-store" });
    if (!response.ok) throw new Error(response.statusText);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const replaced = [];
    if (!served || loads(page) !== loads(served) ||
        !patch(document.documentElement, served.documentElement, page.documentElement, replaced)) {
      location.reload();
      return;
    }
    served = page;
    if (replaced.length) {
      document.dispatchEvent(new CustomEvent("rapporteur:replaced", { detail: replaced }));
    }
  }
  let updating = Promise.resolve();
  let seen = null;
  const source = new EventSource("%s");
  source.onmessage = (event) => {
    const state = JSON.parse(event.data);
    let overlay = document.getElementById("rapporteur-overlay");
    if (state.status === "error") {
      if (!overlay) {
        overlay = document.createElement("pre");
        overlay.id = "rapporteur-overlay";
        overlay.setAttribute("role", "alert");
        overlay.style.cssText = "position:fixed;inset:1rem;z-index:99999;margin:0;padding:1rem;" +
          "overflow:auto;background:#fff5f5;color:#7a0000;border:3px solid #c00;" +
          "font:13px/1.4 monospace;white-space:pre-wrap";
        document.body.append(overlay);
      }
      overlay.textContent = state.message;
      return;
    }
    overlay?.remove();
    if (seen !== null && state.version !== seen) {
      if (state.theme_version > seen) {
        location.reload();
        return;
      }
      // One update at a time, each to the newest page; anything unexpected reloads.
      updating = updating.then(update).catch(() => location.reload());
    }
    seen = state.version;
  };
})();
""" % _EVENTS


class BuildState:
    """The latest build's outcome, which every open page follows."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.version = 0
        # The latest version with an edit of the theme: a page older than it reloads whole.
        self.theme_version = 0
        self.status = "ok"
        self.message = ""

    def publish(self, status: str, message: str = "", theme_edited: bool = False) -> None:
        with self.changed:
            if status == "ok":
                self.version += 1
                if theme_edited:
                    self.theme_version = self.version
            self.status, self.message = status, message
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {"status": self.status, "version": self.version,
                "theme_version": self.theme_version, "message": self.message}


class Rebuilder:
    """Builds on request: a preview at once, then the full build in a background thread."""

    def __init__(self, project: Project, root: Path, output: Path, state: BuildState,
                 options: dict, log=print):
        self.project, self.root, self.output = project, root, output
        self.state, self.options, self.log = state, options, log
        self.full_requested = threading.Event()
        self.building = False  # a full build is under way
        self.lock = threading.Lock()
        self.generation = 0  # one more at each edit: a build of an older one must not write
        self.theme_edited = False  # an edit of the theme that no good build has shown yet

    def _writer(self, generation: int):
        def write(files: dict[Path, bytes], owned: list[Path]) -> list[Path]:
            with self.lock:
                if generation != self.generation:
                    raise _Superseded
                return write_outputs(files, owned)
        return write

    def rebuild(self, theme_edited: bool = False) -> float | None:
        """The preview build; returns its seconds, or None if the content is broken.

        `theme_edited`: the edit is to the templates, stylesheets or catalogues.
        """
        start = time.perf_counter()
        self.theme_edited |= theme_edited
        with self.lock:
            self.generation += 1
            generation = self.generation
        try:
            build_report(self.project, self.output, preview=True, write=self._writer(generation),
                         **self.options)
        except (ContentError, UsageError, EnvironmentFailure) as error:
            self._failed(error)
            return None
        seconds = time.perf_counter() - start
        self.state.publish("ok", theme_edited=self.theme_edited)
        self.theme_edited = False
        self.log(f"pages rebuilt in {seconds * 1000:.0f} ms; rendering the PDFs")
        self.full_requested.set()
        return seconds

    def full_builds(self, stop: threading.Event) -> None:
        """The background loop: a full build once the edits pause, at a lower priority.

        The pause leaves the CPU to the open pages while they fetch the preview, and saves in a
        row make one full build. On Linux a thread's niceness is its own, and the processes it
        forks (the PDF workers) inherit it: the next edit's preview and the browser come first.
        """
        os.nice(FULL_BUILD_NICENESS)
        while not stop.is_set():
            if not self.full_requested.wait(0.2):
                continue
            self.full_requested.clear()
            if self.full_requested.wait(FULL_BUILD_PAUSE):
                continue  # another edit: the pause starts again
            start, generation = time.perf_counter(), self.generation
            self.building = True
            try:
                result = build_report(self.project, self.output, write=self._writer(generation),
                                      cancelled=lambda: self.generation != generation,
                                      **self.options)
            except _Superseded:
                continue  # an edit came in meanwhile: its own full build follows
            except (Cancelled, ContentError, UsageError, EnvironmentFailure) as error:
                if self.generation != generation:
                    # A newer edit came in: this build's PDFs, or its errors (it may have read
                    # a file half saved), are out of date, and the newer edit's build follows.
                    self.log("full build dropped for a newer edit")
                elif not isinstance(error, Cancelled):
                    self._failed(error)
                continue
            finally:
                self.building = False
            for warning in result.warnings:
                self.log(warning.format(self.root))
            if result.written:
                self.state.publish("ok")
            self.log(f"full build in {time.perf_counter() - start:.1f} s "
                     f"({len(result.rendered)} PDF rendered)")

    def wait_for_full_build(self, builder: threading.Thread) -> None:
        """At the end of `serve`: the full build under way ends and writes, the last edit's PDFs
        included. The process may not end under it: its thread is inside C libraries (WeasyPrint,
        QPDF), which abort when the interpreter goes away. A second Ctrl-C drops it: it is marked
        superseded (so it writes nothing), and the process ends at once."""
        if self.building:
            print("stopping when the full build under way is written (Ctrl-C again: drop it)",
                  flush=True)
        try:
            builder.join()
        except KeyboardInterrupt:
            with self.lock:  # not while it writes: files are replaced whole or not at all
                self.generation += 1
                print("stopped; the full build under way was dropped", flush=True)
                os._exit(EXIT_INTERRUPTED)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ContentError):
            message = "\n".join(problem.format(self.root) for problem in error.problems)
        else:
            message = f"rapporteur: {error}"
        self.log(message + "\nthe last good outputs are kept; fix the content and save")
        self.state.publish("error", message)


class _Superseded(Exception):
    """A build finished after a newer edit: its files are not written."""


class _Server(http.server.ThreadingHTTPServer):
    """The preview server: on 127.0.0.1 only, answering only to its own names."""

    daemon_threads = True

    def __init__(self, root: Path, state: BuildState, port: int):
        self.root, self.state = root, state
        super().__init__(("127.0.0.1", port), _Handler)
        address, port = self.server_address[:2]
        # A page of another site can have its name point at 127.0.0.1 (DNS rebinding): the
        # browser then sends that name as Host, and only the Host tells the request apart.
        names = {"localhost", "127.0.0.1", "[::1]", address}
        self.hosts = frozenset(names | {f"{name}:{port}" for name in names})

    def handle_error(self, request, client_address) -> None:
        # A page closed or a download cancelled mid-answer resets the connection: normal, and
        # no business of the author's terminal. Anything else is a bug in serve: its traceback
        # is printed as http.server does.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers GET and HEAD for the live script, the build's events and the regular files inside
    the output folder; every other request gets a status saying why not, and nothing more."""

    server: _Server
    # A request line without a version is answered as HTTP/1.0: HTTP/0.9 has no status line.
    default_request_version = "HTTP/1.0"
    timeout = 60  # seconds: a connection that sends no request holds a thread until then
    url_path = ""  # the request's path, percent-decoded, once parse_request accepted it

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the terminal shows builds, not requests

    def parse_request(self) -> bool:
        """http.server's parsing, then what every request passes, whatever its method."""
        if not super().parse_request():
            if not self.requestline.strip():  # http.server answers nothing to a blank line
                self._refuse(HTTPStatus.BAD_REQUEST, "the request line is empty")
            return False
        hosts = [host.strip().lower() for host in self.headers.get_all("Host", [])]
        if len(hosts) != 1 or not hosts[0] or not hosts[0].isascii():
            return self._refuse(HTTPStatus.BAD_REQUEST, "one Host header must name the server")
        if hosts[0] not in self.server.hosts:
            return self._refuse(HTTPStatus.MISDIRECTED_REQUEST,
                                "this server answers only to localhost and 127.0.0.1")
        if len(self.requestline.split()) != 3:
            return self._refuse(HTTPStatus.BAD_REQUEST, "the request line has no HTTP version")
        if self.command not in ("GET", "HEAD"):
            return self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are served")
        url_path = _url_path(self.path)
        if url_path is None:
            return self._refuse(HTTPStatus.BAD_REQUEST, "the path is not a /path in UTF-8 without NUL")
        self.url_path = url_path
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.url_path == _EVENTS:
            return self._events()
        if self.url_path == _SCRIPT:
            return self._send(_LIVE_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        root = self.server.root
        file = served_file(root, self.url_path)
        if file is None and served_file(root, self.url_path + "/"):
            # A folder's page: its relative links need the address to end with a slash.
            return self._redirect("/" + urllib.parse.quote(self.url_path.strip("/")) + "/")
        if file is None:
            return self._refuse(HTTPStatus.NOT_FOUND, "no such file in the output folder")
        self._send_file(file)

    do_HEAD = do_GET  # noqa: N815 - the same headers; _send_head leaves out the body

    def _send_file(self, file: Path) -> None:
        # Opened without following a link or waiting for a writer: the file may have been
        # replaced by a link or a fifo since served_file looked at it.
        try:
            descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return self._refuse(HTTPStatus.NOT_FOUND, "no such file in the output folder")
        with open(descriptor, "rb") as stream:
            opened = os.fstat(descriptor)
            if not stat.S_ISREG(opened.st_mode):
                return self._refuse(HTTPStatus.NOT_FOUND, "no such file in the output folder")
            if file.suffix == ".html":
                return self._send(_with_live_script(stream.read()), "text/html; charset=utf-8")
            content_type, encoding = mimetypes.guess_type(file.name)
            if encoding or not content_type:  # data.json.gz is gzip, not JSON
                content_type = "application/octet-stream"
            if self._send_head(HTTPStatus.OK, content_type, opened.st_size):
                # No more than announced, should the file grow meanwhile.
                self.connection.sendfile(stream, 0, opened.st_size)

    def _send(self, body: bytes, content_type: str) -> None:
        if self._send_head(HTTPStatus.OK, content_type, len(body)):
            self.wfile.write(body)

    def _send_head(self, status: HTTPStatus, content_type: str, length: int | None,
                   *headers: tuple[str, str]) -> bool:
        """Sends the status and headers; whether the body follows (not for HEAD)."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")  # every edit changes what is served
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        return self.command != "HEAD"

    def _refuse(self, status: HTTPStatus, reason: str) -> bool:
        """Answers with `status` and why, in plain text that repeats nothing of the request."""
        body = f"{status.value} {status.phrase}: {reason}\n".encode("ascii")
        allow = [("Allow", "GET, HEAD")] if status == HTTPStatus.METHOD_NOT_ALLOWED else []
        if self._send_head(status, "text/plain; charset=utf-8", len(body), *allow):
            self.wfile.write(body)
        return False

    def _redirect(self, location: str) -> None:
        self._send_head(HTTPStatus.MOVED_PERMANENTLY, "text/plain", 0, ("Location", location))

    def _events(self) -> None:
        if not self._send_head(HTTPStatus.OK, "text/event-stream", None):
            return
        state = self.server.state
        last = None
        while True:  # until the page goes: the write fails, and the server drops the error
            with state.changed:
                current = state.snapshot()
                if current == last:
                    state.changed.wait(15)
                    current = state.snapshot()
            if current != last:
                self.wfile.write(f"data: {json.dumps(current)}\n\n".encode("utf-8"))
            else:
                self.wfile.write(b": keep-alive\n\n")
            self.wfile.flush()
            last = current


def _url_path(target: str) -> str | None:
    """The path of a request's target, percent-decoded; None unless it is a path in UTF-8."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None  # "*", or an absolute address: a browser asks this server for paths only
    try:
        # http.server read the line as Latin-1: back to its bytes, then the escapes decoded.
        path = urllib.parse.unquote_to_bytes(path.encode("iso-8859-1")).decode("utf-8")
    except UnicodeError:
        return None
    return None if "\0" in path else path


def served_file(root: Path, url_path: str) -> Path | None:
    """The regular file inside `root` that `url_path` names (a folder's index.html for a path
    ending in "/"), or None.

    Links are followed, and where they lead must be inside `root` too: a link in the output
    folder to /etc/passwd, or to a folder beside it, serves nothing. So does a fifo (opening it
    would wait for a writer forever) or a device.
    """
    relative = url_path.lstrip("/") + ("index.html" if url_path.endswith("/") else "")
    real_root = os.path.realpath(root)
    try:
        file = os.path.realpath(os.path.join(real_root, relative))
        if Path(file).is_relative_to(real_root) and stat.S_ISREG(os.stat(file).st_mode):
            return Path(file)
    except (OSError, ValueError):  # a name too long, a NUL
        pass
    return None


def _with_live_script(page: bytes) -> bytes:
    tag = f'<script src="{html.escape(_SCRIPT)}"></script>'.encode("ascii")
    return page.replace(b"</body>", tag + b"</body>", 1)


def make_server(output: Path, state: BuildState, port: int) -> _Server:
    return _Server(output, state, port)


def serve(project: Project, root: Path, arguments: argparse.Namespace) -> int:
    from watchfiles import watch

    output = (arguments.output or root / "output").resolve()
    options = {"languages": arguments.lang, "formats": arguments.format or FORMATS,
               "strict": arguments.strict, "use_cache": not arguments.no_cache,
               "draft": arguments.draft}
    state = BuildState()
    rebuilder = Rebuilder(project, root, output, state, options)
    output.mkdir(parents=True, exist_ok=True)
    try:
        server = make_server(output, state, arguments.port)
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{arguments.port}: {error.strerror}; "
                         "choose another port with --port") from None
    stop = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, daemon=True),
               threading.Thread(target=rebuilder.full_builds, args=(stop,), daemon=True)]
    for thread in threads:
        thread.start()
    rebuilder.rebuild()
    pages = [output / "site" / "index.html", *sorted(output.glob("*.html"))]
    page = next((page.relative_to(output).as_posix() for page in pages if page.is_file()), "")
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"serving {output} at {address}{page}  (Ctrl-C stops)")
    theme = project.theme
    watched = [folder for folder in (project.content, theme.templates, theme.locales)
               if folder.exists()]
    content = project.content.resolve()
    try:
        for changes in watch(*watched, stop_event=stop, debounce=50, step=10):
            names = sorted({Path(path).name for _, path in changes})
            print(f"changed: {', '.join(names)}")
            rebuilder.rebuild(theme_edited=any(not Path(path).resolve().is_relative_to(content)
                                               for _, path in changes))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        rebuilder.wait_for_full_build(threads[1])
    print("stopped")
    return 0
