"""`serve`'s HTTP server: the output folder, the build's events and the live script, on
127.0.0.1, to this machine's own pages only.

The live script (live.js beside this file) is added to pages as they are served, so the files
in output/ stay exactly what `build` writes.
"""

from __future__ import annotations

import html
import http.server
import json
import mimetypes
import os
import stat
import sys
import urllib.parse
from http import HTTPStatus
from importlib.resources import files
from pathlib import Path

from .rebuild import BuildState

_EVENTS = "/__rapporteur/events"  # live.js listens here
_SCRIPT = "/__rapporteur/live.js"
_LIVE_JS = files(__package__).joinpath("live.js").read_bytes()


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
            return self._send(_LIVE_JS, "text/javascript; charset=utf-8")
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
        # The build it is from, read before the file is opened: a build publishing meanwhile
        # makes the page seem older than it is (one update too many), never newer.
        version = self.server.state.version
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
                return self._send(_with_live_script(stream.read(), version),
                                  "text/html; charset=utf-8")
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


def _with_live_script(page: bytes, version: int) -> bytes:
    """The page with the live script, which learns from its tag which build it is."""
    tag = f'<script src="{html.escape(_SCRIPT)}" data-version="{version}"></script>'
    return page.replace(b"</body>", tag.encode("ascii") + b"</body>", 1)


def make_server(output: Path, state: BuildState, port: int) -> _Server:
    return _Server(output, state, port)
