"""Stage 5, publish: turn rendered pages into files — HTML as is, PDF through WeasyPrint.

Everything is produced in memory first, then written atomically: each file goes to a temporary
name beside its target and is renamed into place only once every output exists. A failure at
any point leaves the previous outputs as they were and no temporary files behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import ContentError, Problem


class AssetsOnlyFetcher(URLFetcher):
    """Lets the PDF renderer read files under the given folders and nothing else.

    Content is untrusted: a stylesheet or image pointing at file:///etc/passwd, at ../.. or at
    any network address stops the build with an error instead of being fetched.
    """

    def __init__(self, allowed_roots: list[Path]):
        super().__init__(fail_on_errors=True, allowed_protocols=["file"])
        self.allowed_roots = [root.resolve() for root in allowed_roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise FatalURLFetchingError(f"refused to fetch '{url}': only the project's own assets "
                                        "can be used in the PDF")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots) or not path.is_file():
            raise FatalURLFetchingError(f"refused to read '{url}': it is not one of the "
                                        "project's assets")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())


def render_pdf(html: str, assets: Path) -> bytes:
    """The PDF of a print-medium HTML page; relative URLs resolve inside `assets`."""
    try:
        document = HTML(string=html, base_url=assets.resolve().as_uri() + "/",
                        url_fetcher=AssetsOnlyFetcher([assets]))
        return document.write_pdf(uncompressed_pdf=False)
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error
        raise ContentError([Problem(assets, None, None, str(cause),
                                    "use only files from the templates' assets folder")]) from None


_TEMPORARY_SUFFIX = ".rapporteur-tmp"


def write_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every output atomically; returns the files whose content changed."""
    for folder in {target.parent for target in outputs}:
        # A build killed between writing and renaming leaves its temporaries: clear them.
        for stale in folder.glob(f".*{_TEMPORARY_SUFFIX}") if folder.is_dir() else []:
            stale.unlink(missing_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in outputs.items():
            if target.is_file() and target.read_bytes() == data:
                continue  # unchanged: keep the file (and its timestamp) as it is
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.",
                                                 suffix=_TEMPORARY_SUFFIX,
                                                 dir=target.parent)
            staged.append((Path(temporary), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, target in staged:
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        return [target for _, target in staged]
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
