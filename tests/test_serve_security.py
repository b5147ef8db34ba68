"""`rapporteur serve` as an attacker meets it: a web page of another site (DNS rebinding), links
planted in the output folder, malformed requests, clients that hang up. Each test starts the
real server on a free port over a handmade output folder (no build) and sends raw requests."""

from __future__ import annotations

import os
import re
import socket
import struct
import threading
from pathlib import Path

import pytest

from rapporteur.cli import main
from rapporteur.serve import BuildState, make_server

SECRET = b"TOP-SECRET-outside-the-output-folder"
PAGE = b"<html><body><p>the report page</p></body></html>"


def start(output: Path, state: BuildState | None = None):
    server = make_server(output, state or BuildState(), 0)
    # Polled often so that shutdown() returns at once.
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    return server


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder with a page, a site and, planted in it, ways out of it."""
    tmp_path = tmp_path_factory.mktemp("serve")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "beside").mkdir()
    (tmp_path / "beside" / "index.html").write_bytes(SECRET)
    output = tmp_path / "output"
    (output / "site").mkdir(parents=True)
    (output / "page.html").write_bytes(PAGE)
    (output / "style.css").write_bytes(b"p { color: black }")
    (output / "site" / "index.html").write_bytes(PAGE)
    (output / "secret.txt").symlink_to(tmp_path / "secret.txt")
    (output / "beside").symlink_to(tmp_path / "beside")
    (output / "passwd").symlink_to("/etc/passwd")
    os.mkfifo(output / "pipe")
    return output


@pytest.fixture(scope="module")
def port(output: Path):
    """One server for the tests that only read: none of them changes the folder."""
    server = start(output)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def ask(port: int, request: bytes) -> tuple[int, bytes]:
    """Sends `request` as it is; the status and the whole answer (the server closes after it).

    The timeout only keeps a server that stops answering from hanging the test run; it is
    below the 15 s between the event stream's keep-alives, which would otherwise go on."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1."), f"no status line: {answer[:200]!r}"
    return int(answer.split(b" ", 2)[1]), answer


def get(port: int, path: str, host: str = "localhost", method: str = "GET") -> tuple[int, bytes]:
    return ask(port, f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("ascii"))


# Who it answers ----------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "127.0.0.1",
                                  "127.0.0.1:{port}", "[::1]", "[::1]:{port}", "LocalHost:{port}"])
def test_its_own_names_are_answered(port, host):
    status, answer = get(port, "/page.html", host.format(port=port))
    assert status == 200 and b"the report page" in answer


@pytest.mark.parametrize("path", ["/page.html", "/site/", "/style.css", "/__rapporteur/events",
                                  "/__rapporteur/live.js", "/nothing-here"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost.evil.example",
                                  "127.0.0.1.evil.example:{port}", "localhost:1",
                                  "localhost:{port}.evil.example", "127.0.0.2"])
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_a_foreign_host_gets_421_and_nothing_of_the_output(port, host, path, method):
    """A page of another site whose name was made to point at 127.0.0.1 (DNS rebinding) sends
    its own name as Host: it may not read a page, the build's errors or the live script."""
    status, answer = get(port, path, host.format(port=port), method)
    assert status == 421
    for content in (b"the report page", b"color", b"EventSource", b"data:"):
        assert content not in answer


@pytest.mark.parametrize("headers", [
    "",  # no Host at all
    "Host: localhost\r\nHost: evil.example\r\n",  # two, so that one may be trusted by mistake
    "Host: evil.example\r\nHost: localhost\r\n",
    "Host: localh\xf6st\r\n",  # not ASCII
    "Host:\r\n",
])
def test_a_request_without_one_clear_host_gets_400(port, headers):
    status, answer = ask(port, f"GET /page.html HTTP/1.1\r\n{headers}\r\n".encode("latin-1"))
    assert status == 400 and b"the report page" not in answer


def test_the_server_listens_on_loopback_only(output):
    server = make_server(output, BuildState(), 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


# What it serves ----------------------------------------------------------------------------

def test_pages_get_the_live_script_and_other_files_come_as_they_are(port):
    status, answer = get(port, "/page.html")
    assert status == 200 and re.search(rb'<script src="/__rapporteur/live.js" data-version="\d+"></script></body>', answer)
    status, answer = get(port, "/site/")
    assert status == 200 and b"the report page" in answer
    status, answer = get(port, "/style.css?v=2")
    assert status == 200 and answer.endswith(b"\r\n\r\np { color: black }")
    status, answer = get(port, "/style.css", method="HEAD")
    assert status == 200 and b"Content-Length: 18\r\n" in answer and b"color" not in answer


def test_a_folder_without_its_slash_is_redirected_to_it(port):
    """The site's pages link relative to their folder: /site must become /site/."""
    status, answer = get(port, "/site")
    assert status == 301 and b"\r\nLocation: /site/\r\n" in answer


@pytest.mark.parametrize("path", ["/secret.txt", "/beside/", "/beside/index.html", "/beside",
                                  "/passwd", "/site/../secret.txt", "/site/%2e%2e/secret.txt"])
def test_a_link_out_of_the_output_folder_serves_nothing(port, path):
    status, answer = get(port, path)
    assert status == 404 and SECRET not in answer and b"root:" not in answer


@pytest.mark.parametrize("path", ["/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/secret.txt",
                                  "/..%2fsecret.txt", "/site/..%2f..%2fsecret.txt",
                                  "//etc/passwd", "/%2fetc%2fpasswd"])
def test_a_path_that_climbs_out_serves_nothing(port, path):
    status, answer = get(port, path)
    assert 400 <= status < 500 and SECRET not in answer and b"root:" not in answer


def test_a_fifo_is_not_served_and_does_not_hold_the_server(port):
    """Opening a fifo waits for a writer: the request would hang, and its thread forever."""
    status, _ = get(port, "/pipe")
    assert status == 404
    assert get(port, "/page.html")[0] == 200


# Every request gets a status -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/page.html%00", "/%00", "/%ff%fe", "/page%c3.html",
                                  "/\xff\xfe", "/%e9t%e9.html", "/" + "a" * 5000,
                                  "/" + "a/" * 3000, "/" + "%2e%2e%2f" * 1000 + "etc/passwd",
                                  "*", "page.html", "http://evil.example/page.html"])
def test_a_malformed_path_gets_a_4xx_status(port, path):
    status, answer = ask(port, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode("latin-1"))
    assert 400 <= status < 500 and b"the report page" not in answer


def test_an_address_longer_than_http_server_reads_gets_414(port):
    status, _ = get(port, "/" + "a" * 70000)
    assert status == 414


@pytest.mark.parametrize("request_line", ["GET /page.html", "\r\n", "GET", "GET / HTTP/9.9",
                                          "GET / HTTP/1.x", "GET / / HTTP/1.1"])
def test_a_malformed_request_line_gets_a_status_line(port, request_line):
    status, answer = ask(port, f"{request_line}\r\nHost: localhost\r\n\r\n".encode("ascii"))
    assert 400 <= status < 600 and b"the report page" not in answer


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_only_get_and_head_are_allowed(port, method):
    body = b"x" * 100_000
    status, answer = ask(port, f"{method} /page.html HTTP/1.1\r\nHost: localhost\r\n"
                               f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
    assert status == 405 and b"\r\nAllow: GET, HEAD\r\n" in answer
    assert b"the report page" not in answer


# Clients that hang up ----------------------------------------------------------------------

def hang_up(connection: socket.socket) -> None:
    """Closes as a browser tab does when it is closed: a reset, not a polite end."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def test_a_client_that_leaves_mid_download_leaves_no_traceback(tmp_path, capfd):
    with open(tmp_path / "big.pdf", "wb") as big:
        big.truncate(64 * 1024 * 1024)  # more than the sockets' buffers hold
    server = start(tmp_path)
    server.daemon_threads = False  # so that server_close waits for the request's thread
    connection = socket.create_connection(server.server_address, timeout=30)
    connection.sendall(b"GET /big.pdf HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert connection.recv(65536).startswith(b"HTTP/1.0 200")
    hang_up(connection)
    server.shutdown()
    server.server_close()
    assert capfd.readouterr().err == ""


def test_a_page_closed_while_following_the_builds_leaves_no_traceback(tmp_path, capfd):
    state = BuildState()
    server = start(tmp_path, state)
    server.daemon_threads = False
    connection = socket.create_connection(server.server_address, timeout=30)
    connection.sendall(b"GET /__rapporteur/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    received = b""
    while b"data:" not in received:
        received += connection.recv(65536)
    hang_up(connection)
    state.publish("error", "content/report.yaml:3: error: a message")  # a write to the gone page
    server.shutdown()
    server.server_close()
    assert capfd.readouterr().err == ""


# The port --------------------------------------------------------------------------------------

@pytest.mark.parametrize("port", ["70000", "65536", "-1", "eighty"])
def test_a_port_out_of_range_is_a_usage_error(tiny, capsys, port):
    with pytest.raises(SystemExit) as stopped:
        main(["--project", str(tiny.root), "serve", "--port", port])
    assert stopped.value.code == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--port" in message and "65535" in message and "Traceback" not in message
