"""A language's PDF assembled from its parts' PDFs, as if WeasyPrint had written it at once.

Each part (the body, Annex I, Annex II) is rendered and cached on its own (`pdf.PdfPartJob`), so
that an edit re-renders only the parts it touches. The assembly joins them with pikepdf into one
tagged PDF, in the parts' order:

- pages, and one structure tree: the parts' elements under the first part's Document element,
  the /ParentTree numbered again as WeasyPrint numbers it (pages first, then annotations), the
  /IDTree, /RoleMap and /ClassMap merged;
- named destinations merged (the first anchor of a name wins, as in WeasyPrint), and the links
  a part wrote to another part's anchor (`pdf_tags.OTHER_PART`) made internal links again, with
  the description of their target;
- the outline rebuilt from the parts' bookmarks with their levels (an annex heading is a child
  of the report's title, as when WeasyPrint writes the whole document);
- one embedded subset per font face (`pdf_fonts.py`);
- the catalog (/Lang, /MarkInfo, /ViewerPreferences, XMP metadata) and the Info dictionary of
  the first part, whose head carries the report's title, authors and dates.

Nothing depends on the clock or on where a part was rendered: the same parts give the same
bytes (the file identifier is a hash of the content).
"""

from __future__ import annotations

import io
import json
import warnings
from typing import Sequence

import pikepdf

from .pdf_fonts import share_font_subsets
from .pdf_tags import OTHER_PART, PART_DATA


class _Part:
    """One part's PDF opened for the assembly, and the data it left for it."""

    def __init__(self, data: bytes):
        self.pdf = pikepdf.open(io.BytesIO(data))
        stream = self.pdf.Root.get(PART_DATA)
        extra = json.loads(stream.read_bytes()) if stream is not None else {}
        if stream is not None:
            del self.pdf.Root[PART_DATA]
        self.bookmarks: list[list] = extra.get("bookmarks", [])
        self.descriptions: dict[str, str] = extra.get("descriptions", {})


def assemble_pdf(parts: Sequence[bytes]) -> bytes:
    """One PDF from the parts' PDFs, in order (see the module's docstring)."""
    opened = [_Part(data) for data in parts]
    try:
        return _assemble(opened)
    finally:
        for part in opened:
            part.pdf.close()


def _assemble(opened: list[_Part]) -> bytes:
    base = opened[0].pdf
    pages, structures, destinations, outlines = [], [], [], []
    for part in opened:
        if part.pdf is base:
            root, copy = base.Root, (lambda obj: obj)
        else:
            # Pages first: what is copied afterwards (tags, destinations, outlines) refers to
            # the pages, and pikepdf maps each foreign object to one copy.
            with warnings.catch_warnings():
                # The named destinations it says are lost are merged below.
                warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                base.pages.extend(part.pdf.pages)
            root, copy = part.pdf.Root, _copier(base, part.pdf)
        done = sum(map(len, pages))
        pages.append([page.obj for page in base.pages[done:]])
        structures.append(copy(root.StructTreeRoot) if "/StructTreeRoot" in root else None)
        names = root.get("/Names", {}).get("/Dests")
        destinations.append(copy(names) if names is not None else None)
        outline = root.get("/Outlines")
        outlines.append(copy(outline) if outline is not None else None)
    _join_structure(base, pages, structures)
    anchors = _join_destinations(base, destinations)
    descriptions = {}
    for part in opened:
        for name, text in part.descriptions.items():
            descriptions.setdefault(name, text)
    _link_across_parts(base, anchors, descriptions)
    _join_outlines(base, outlines, [part.bookmarks for part in opened])
    share_font_subsets(base)
    output = io.BytesIO()
    base.save(output, deterministic_id=True, compress_streams=True,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _copier(base: pikepdf.Pdf, foreign: pikepdf.Pdf):
    """Copies objects of `foreign` into `base` (pikepdf copies only indirect objects)."""
    def copy(obj):
        return base.copy_foreign(obj if obj.is_indirect else foreign.make_indirect(obj))
    return copy


def _join_structure(base: pikepdf.Pdf, pages: list[list], structures: list) -> None:
    """One structure tree: every part's top elements under the first part's Document."""
    if any(structure is None for structure in structures):
        raise ValueError("a part of the PDF has no structure tree: it cannot be tagged")
    root = structures[0]
    document = _document_element(root)
    page_entries, annotation_entries = [], []
    ids: dict[str, pikepdf.Object] = {}
    for structure, part_pages in zip(structures, pages):
        part_document = _document_element(structure)
        if structure is not root:
            for kid in part_document.K:
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = document
                document.K.append(kid)
            for key in ("/RoleMap", "/ClassMap"):
                for name, value in structure.get(key, {}).items():
                    if key not in root:
                        root[key] = pikepdf.Dictionary()
                    if name not in root[key]:
                        root[key][name] = value
        parents = _number_tree(structure.ParentTree)
        annotations = {}
        for page in part_pages:
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotations[int(annotation.StructParent)] = annotation
        for page in part_pages:
            key = int(page.StructParents)
            page_entries.append((page, parents[key]))
        for key in sorted(annotations):
            annotation_entries.append((annotations[key], parents[key]))
        names = structure.get("/IDTree", {}).get("/Names", [])
        for name, element in zip(names[::2], names[1::2]):
            ids.setdefault(str(name), element)
    numbers = []  # made a pikepdf.Array at once: growing one an item at a time is slow
    for key, (page, value) in enumerate(page_entries):
        page.StructParents = key
        numbers += [key, value]
    for key, (annotation, value) in enumerate(annotation_entries, start=len(page_entries)):
        annotation.StructParent = key
        numbers += [key, value]
    root.ParentTree = base.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    root.ParentTreeNextKey = len(page_entries) + len(annotation_entries)
    if ids:
        root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(
            [item for name in sorted(ids) for item in (pikepdf.String(name), ids[name])]))
    base.Root.StructTreeRoot = root


def _document_element(structure: pikepdf.Dictionary) -> pikepdf.Dictionary:
    kids = structure.K
    return kids[0] if isinstance(kids, pikepdf.Array) else kids


def _number_tree(tree: pikepdf.Dictionary) -> dict[int, pikepdf.Object]:
    """A number tree's entries (WeasyPrint writes a flat one; kids are read all the same)."""
    entries = {}
    numbers = tree.get("/Nums", [])
    for key, value in zip(numbers[::2], numbers[1::2]):
        entries[int(key)] = value
    for kid in tree.get("/Kids", []):
        entries.update(_number_tree(kid))
    return entries


def _join_destinations(base: pikepdf.Pdf, destinations: list) -> dict[str, pikepdf.Object]:
    """Every part's named destinations in one sorted name tree; the first of a name wins."""
    anchors: dict[str, pikepdf.Object] = {}
    for tree in destinations:
        names = tree.get("/Names", []) if tree is not None else []
        for name, destination in zip(names[::2], names[1::2]):
            anchors.setdefault(str(name), destination)
    if anchors:
        if "/Names" not in base.Root:
            base.Root.Names = pikepdf.Dictionary()
        base.Root.Names.Dests = base.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(
            [item for name in sorted(anchors) for item in (pikepdf.String(name),
                                                           anchors[name])])))
    return anchors


def _link_across_parts(base: pikepdf.Pdf, anchors: dict, descriptions: dict[str, str]) -> None:
    """A part's link to another part's anchor becomes an internal link, described by its
    target's text as any internal link is (`pdf_tags.complete_tagging`)."""
    for page in base.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or not str(action.get("/URI", "")).startswith(OTHER_PART):
                continue
            name = str(action.URI).removeprefix(OTHER_PART)
            del annotation["/A"]
            if name in anchors:  # else no link at all, as WeasyPrint does with a lost anchor
                annotation.Dest = pikepdf.String(name)
                if name in descriptions:
                    annotation.Contents = pikepdf.String(descriptions[name])


def _join_outlines(base: pikepdf.Pdf, outlines: list, bookmarks: list[list]) -> None:
    """One outline from the parts' items, nested by level as WeasyPrint nests bookmarks."""
    items = []
    for outline, levels in zip(outlines, bookmarks):
        part_items = list(_items(outline.get("/First"))) if outline is not None else []
        if len(part_items) != len(levels):
            raise ValueError("a part's outline does not match its bookmarks")
        items += [(item, level, state) for item, (level, state) in zip(part_items, levels)]
    if "/Outlines" in base.Root:
        del base.Root["/Outlines"]
    if not items:
        return
    top: list = []
    last_by_depth = [top]
    skipped: list[int] = []
    previous = 0
    children: dict = {}
    # weasyprint.anchors.make_page_bookmark_tree: a level deeper than the previous one nests
    # under it, however many levels it skips.
    for item, level, state in items:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temporary = level
            while temporary < previous:
                temporary += 1 + skipped.pop()
            if temporary > previous:
                skipped.append(temporary - previous - 1)
        previous = level
        depth = level - sum(skipped)
        node = (item, state, [])
        last_by_depth[depth - 1].append(node)
        del last_by_depth[depth:]
        last_by_depth.append(node[2])
    root = base.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    root.Count = _link_outline(root, top)
    base.Root.Outlines = root


def _items(item):
    """An outline's items in pre-order, as WeasyPrint wrote them."""
    while item is not None:
        yield item
        yield from _items(item.get("/First"))
        item = item.get("/Next")


def _link_outline(parent: pikepdf.Dictionary, nodes: list) -> int:
    """Link `nodes` under `parent` as `weasyprint.pdf.anchors.add_outlines` does; returns the
    count of visible descendants."""
    count = len(nodes)
    previous = None
    for item, state, children in nodes:
        for key in ("/First", "/Last", "/Next", "/Prev", "/Count"):
            if key in item:
                del item[key]
        item.Parent = parent
        item.Count = _link_outline(item, children) if children else 0
        if state == "closed":
            item.Count = -int(item.Count)
        else:
            count += int(item.Count)
        if previous is not None:
            item.Prev = previous
            previous.Next = item
        previous = item
    if nodes:
        parent.First = nodes[0][0]
        parent.Last = nodes[-1][0]
    return count
