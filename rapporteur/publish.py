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

from .errors import ContentError, Problem


class AssetsOnlyFetcher:
    """Lets the PDF renderer read files under the given folders and nothing else.

    Content is untrusted: a stylesheet or image pointing at file:///etc/passwd, at ../.., at a
    data: URL or at any network address is refused (never read), and the build then fails.
    """

    def __init__(self, allowed_roots: list[Path]):
        self.allowed_roots = [root.resolve() for root in allowed_roots]
        self.refused: list[str] = []

    def __call__(self, url: str, *args, **kwargs) -> dict:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or not path.is_file() or not any(
                path.is_relative_to(root) for root in self.allowed_roots):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url}")
        return {"string": path.read_bytes(), "redirected_url": path.as_uri()}


def render_pdf(parts: list[str] | str, assets: Path) -> bytes:
    """One PDF from print-medium HTML pages, each paginated on its own, in order.

    Relative URLs resolve inside `assets`. The first part gives the PDF its metadata.
    """
    parts = [parts] if isinstance(parts, str) else parts
    fetcher = AssetsOnlyFetcher([assets])
    base_url = assets.resolve().as_uri() + "/"
    documents = [HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
                 for html in parts]
    if fetcher.refused:
        raise ContentError([Problem(assets, None, None,
                                    f"refused to fetch '{url}': the PDF may only use the "
                                    "project's own assets",
                                    "use only files from the templates' assets folder")
                            for url in dict.fromkeys(fetcher.refused)])
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


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
