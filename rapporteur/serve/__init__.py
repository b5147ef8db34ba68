"""`rapporteur serve`: the build on localhost, rebuilt and updated in the browser on every edit.

It reuses `build_report`; it has no build of its own. After an edit, a preview build (no parity
check, no PDFs) refreshes the pages first and the open pages patch it in, then a full build
checks everything and renders the PDFs in the background (rebuild.py). A broken edit keeps the
last good outputs (the build writes nothing) and shows its `file:line` messages in the terminal
and over the page. The server (server.py) answers this machine's pages only, with the files of
the output folder.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from ..build import FORMATS, Project
from ..errors import UsageError
from .rebuild import BuildState, Rebuilder
from .server import make_server, served_file

__all__ = ["BuildState", "Rebuilder", "make_server", "serve", "served_file"]


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
