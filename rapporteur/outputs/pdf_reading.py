"""A part's structure tree mended so that it reads as the document, not as its pages.

WeasyPrint 70 builds the structure tree of a tagged PDF page by page, from the boxes laid out on
each page (`weasyprint/pdf/tags.py`). What assistive technology then reads (a screen reader, an
accessibility-aware extractor: the marked content in structure order) differs from the document
in four ways, which an independent PDF/UA-1 validator reported and `mend_structure` corrects
once WeasyPrint has tagged a part:

- **running heads and page numbers** (the page's margin boxes) are marked as content of
  structure elements that hang outside the tree; they become pagination artifacts
  (`/Artifact <</Type /Pagination /Subtype /Header>>`), as the repeated header row of a table
  broken by a page break does;
- **an element broken by a page break is two elements** (a paragraph, a list, an item, a table,
  a row, and every element around them up to the page's `/Part`), and the page's notes stand
  between the halves; the halves become one element again, and the page's notes follow the
  deepest section, division or list item body that the page break cuts, after the paragraph
  they interrupted (never inside a paragraph, a list or a table's rows);
- **a list item holds more than its label and body** (a `display: block` line inside an `<li>`
  becomes a sibling of the `/LBody`, and the half of an item on the next page a bare `/Span`):
  every other child moves into the item's `/LBody` (Matterhorn 7.2-20);
- **words are glued at line breaks**: a line that breaks at a space does not draw that space
  (Pango leaves it between the line's text and the next line's; `skip_first_whitespace` drops
  it when it starts the next line), so the last word of a line and the first of the next read
  as one ("theDevelopment"), 1,614 times in the English PDF. Tagged PDF asks for word breaks
  to be explicit in the content (ISO 32000-1, 14.8.2.5), so such a line ends with a space
  glyph, which draws nothing, in the font of its last glyphs; a line trimmed by
  `remove_last_whitespace` keeps drawing its space already. It costs ~8 bytes a line, where
  an /ActualText repeating each line's text and a space (tried first) made the English PDF
  20 % larger.

WeasyPrint keeps none of what this needs in the PDF, so `record_layout` (called in the worker
before rendering, like the footnote correction) wraps four of its functions to remember it on
the objects they make: which layout box became which marked content (`add_tags`), which HTML
element each structure element comes from (`_build_box_tree`), which lines broke at a space
(`get_next_linebox`), and draws the space (`draw_first_line`). These are WeasyPrint's
internals, not its API; `tests/test_pdf_accessibility.py` tells when a release changes them.
"""

from __future__ import annotations

import functools

ROLES_NOTES_MAY_FOLLOW_IN = frozenset({"/Document", "/Part", "/Art", "/Sect", "/Div",
                                       "/BlockQuote", "/NonStruct", "/LBody"})
"""Where a page's notes may be placed: among blocks, not in a paragraph, list or table rows."""

LIST_ITEM_CHILDREN = frozenset({"/Lbl", "/LBody"})


def record_layout() -> None:
    """Make WeasyPrint remember what `mend_structure` needs (once per process)."""
    from weasyprint import pdf as weasyprint_pdf  # noqa: PLC0415 - only in the render worker
    from weasyprint.draw import text  # noqa: PLC0415
    from weasyprint.layout import inline  # noqa: PLC0415
    from weasyprint.pdf import tags  # noqa: PLC0415

    if getattr(inline.get_next_linebox, "records_layout", False):
        return
    import pydyf  # noqa: PLC0415 - loaded with WeasyPrint

    get_next_linebox = inline.get_next_linebox
    draw_first_line = text.draw_first_line
    add_tags = weasyprint_pdf.add_tags
    build_box_tree = tags._build_box_tree

    def get_next_linebox_and_remember(context, linebox, position_y, bottom_space, skip_stack,
                                      *arguments, **named):
        # `linebox` holds the paragraph's whole inline content; `skip_stack` is where this
        # line starts in it. A line that starts just after a space, or on one (skipped), is
        # the next line after a break at a space, which the line before no longer holds.
        previous = getattr(linebox, "last_line", None)
        if previous is not None and skip_stack is not None and _breaks_at_space(linebox,
                                                                                 skip_stack):
            drawn = _last_drawn_text_box(previous)
            if drawn is not None:
                drawn.lost_final_space = True  # `Box.copy` copies it with the box
        line, resume_at = get_next_linebox(context, linebox, position_y, bottom_space,
                                           skip_stack, *arguments, **named)
        linebox.last_line = line
        return line, resume_at

    def draw_first_line_and_space(stream, textbox, *arguments):
        emojis = draw_first_line(stream, textbox, *arguments)
        # A line trimmed by `remove_last_whitespace` still draws its layout's final space.
        if (getattr(textbox, "lost_final_space", False) and textbox.text.strip()
                and not textbox.pango_layout.text.endswith(" ")):
            _show_final_space(stream, textbox)
        return emojis

    class PagesAdded(pydyf.PDF):
        """A PDF whose pages are all there: its page references made once. pydyf makes them
        anew, from the list of pages, every time they are asked for, and `add_tags` asks for
        them for every structure element it makes (37,000 in the sample's 18 parts, each
        time listing up to 60 pages): a third of add_tags' time."""

        @functools.cached_property
        def page_references(self):
            return super().page_references

    def add_tags_and_remember(pdf, document, pdf_version, page_streams):
        # add_tags empties each stream's box → MCID map: keep a copy for the mending.
        pdf.marked_boxes = [{box: mark["mcid"] for box, mark in stream._tags.items()}
                            for stream in page_streams]
        pdf.page_streams = list(page_streams)
        original, pdf.__class__ = pdf.__class__, PagesAdded
        try:
            add_tags(pdf, document, pdf_version, page_streams)
        finally:
            pdf.__class__ = original
            vars(pdf).pop("page_references", None)

    def build_box_tree_and_remember(box, parent, *arguments):
        for element in build_box_tree(box, parent, *arguments):
            if not hasattr(element, "source"):  # set by the innermost call that made it
                element.source = getattr(box, "_box", box).element  # AbsolutePlaceholder
            yield element

    get_next_linebox_and_remember.records_layout = True
    inline.get_next_linebox = get_next_linebox_and_remember
    text.draw_first_line = draw_first_line_and_space
    weasyprint_pdf.add_tags = add_tags_and_remember
    tags._build_box_tree = build_box_tree_and_remember


def _breaks_at_space(linebox, skip_stack) -> bool:
    """Whether the text just before `skip_stack` in `linebox`, or at it, is a space that
    collapses at a line break (`white-space: normal`, `nowrap` or `pre-line`).

    Called for every line: it follows the skip stack down to its text box, and looks for the
    text before it only when the line starts at a box's start (not by listing the whole
    paragraph's text boxes, which made long paragraphs cost the square of their lines)."""
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415

    box, stack, path = linebox, skip_stack, []
    while not isinstance(box, boxes.TextBox):
        if not isinstance(box, (boxes.LineBox, boxes.InlineBox)) or not box.children:
            return False
        (index, stack), = stack.items() if stack else ((0, None),)
        if index >= len(box.children):
            return False
        path.append((box, index))
        box = box.children[index]
    (offset, _), = stack.items() if stack else ((0, None),)
    text = box.text.encode()
    if offset:
        before = text[offset - 1:offset]
    else:
        previous = _text_box_before(path, boxes)
        before = previous.text.encode()[-1:] if previous is not None else b""
    return (box.style["white_space"] in ("normal", "nowrap", "pre-line")
            and b" " in (before, text[offset:offset + 1]))


def _text_box_before(path, boxes):
    """The text box just before the end of `path` (its inline boxes and child indexes from the
    line down), in the order of the text, or None."""
    for parent, index in reversed(path):
        for sibling in reversed(parent.children[:index]):
            if (last := _last_text_box(sibling, boxes)) is not None:
                return last
    return None


def _last_text_box(box, boxes, drawn=False):
    """The last text box of an inline content (that draws something, if `drawn`), or None.

    Walked from the end with a stack: the last child comes off it first."""
    waiting = [box]
    while waiting:
        box = waiting.pop()
        if isinstance(box, boxes.TextBox):
            if not drawn or box.text.strip():
                return box
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            waiting += box.children
    return None


def _last_drawn_text_box(line):
    """The line's last text box that draws something (not only spaces), or None."""
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415

    return _last_text_box(line, boxes, drawn=True)


def _show_final_space(stream, textbox) -> None:
    """Show a space glyph after the line's text, in the font of its last glyphs: a space
    draws nothing, and the line reads "… the " instead of "… the" (see the docstring).

    Does for one more glyph what `weasyprint.draw.text.draw_first_line` does for each. Each
    font's space glyph is looked up once (`_space_glyph`): the same few fonts end most lines."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango  # noqa: PLC0415

    first_line, _ = textbox.pango_layout.get_first_line()
    run, pango_font = first_line.runs[0], None
    while run != ffi.NULL:
        pango_font = run.data.item.analysis.font
        run = run.next
    if pango_font is None:
        return
    font, font_size = stream.add_font(pango_font)
    if font.bitmap or (glyph := _space_glyph(font)) is None:
        return
    font.to_unicode.setdefault(glyph, " ")
    if glyph not in font.widths:
        if pango.pango_version() < 14802 or font.png:
            font_size = textbox.style["font_size"]
        pango.pango_font_get_glyph_extents(pango_font, glyph, stream.ink_rect,
                                           stream.logical_rect)
        font.widths[glyph] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
    stream.show_text(f"<{glyph:04x}>")


def _space_glyph(font) -> int | None:
    """The space glyph of one of WeasyPrint's fonts (they live as long as the document),
    kept on the font."""
    try:
        return font.rapporteur_space_glyph
    except AttributeError:
        from weasyprint.text.ffi import ffi  # noqa: PLC0415

        from .pdf_fonts import space_glyph  # noqa: PLC0415 - it imports pikepdf

        font.rapporteur_space_glyph = space_glyph(int(ffi.cast("uintptr_t", font.hb_font)))
        return font.rapporteur_space_glyph


def mend_structure(document, pdf) -> None:
    """Correct WeasyPrint's structure tree of a part (see the module's docstring)."""
    if not hasattr(pdf, "marked_boxes"):
        raise RuntimeError("record_layout() was not called before rendering")
    tree = _Tree(pdf)
    tree.mark_margins_as_artifacts(document)
    tree.join_pages()
    tree.keep_list_items_to_label_and_body()
    tree.write_parent_tree()


class _Tree:
    """The structure tree of a part as pydyf objects, with what the mending changes in it."""

    def __init__(self, pdf):
        import pydyf  # noqa: PLC0415 - loaded with WeasyPrint, in the job

        self.pydyf = pydyf
        self.pdf = pdf
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.document = self.get(self.root["K"][0])
        self.page_numbers = {reference: number
                             for number, reference in enumerate(pdf.page_references)}
        numbers = self.get(self.root["ParentTree"])["Nums"]
        # The parent tree: for each page its MCIDs' elements, then each annotation's element.
        self.parents = {int(key): value for key, value in zip(numbers[::2], numbers[1::2])}
        self.merged: dict[bytes, bytes] = {}  # an element joined into another
        self.header_ids: dict[str, str] = {}  # a repeated header cell's /ID → the first one's
        self._marks = [None] * len(pdf.page_streams)

    def get(self, reference):
        return self.pdf.objects[int(reference.split()[0])]

    def element(self, kid):
        """The structure element a /K entry refers to, or None (an MCID, an /OBJR, an /MCR)."""
        if isinstance(kid, int):
            return None
        element = self.get(kid) if isinstance(kid, bytes) else kid
        return element if element.get("Type") == "/StructElem" else None

    # --- marked content in the page streams --------------------------------------------------

    def marks(self, page: int) -> dict[int, int]:
        """Where each MCID's property list stands in the page's content."""
        if self._marks[page] is None:
            stream = self.pdf.page_streams[page].stream
            self._marks[page] = {item["MCID"]: index for index, item in enumerate(stream)
                                 if isinstance(item, dict) and "MCID" in item}
        return self._marks[page]

    def make_artifact(self, page: int, mcid: int, subtype: str | None) -> None:
        """Turn a marked-content sequence into a pagination artifact, out of the tree."""
        stream = self.pdf.page_streams[page].stream
        index = self.marks(page)[mcid]
        properties = self.pydyf.Dictionary({"Type": "/Pagination"})
        if subtype:
            properties["Subtype"] = subtype
        stream[index - 1:index + 1] = ["/Artifact", properties]
        self.parents[page][mcid] = b"null"

    def mark_margins_as_artifacts(self, document) -> None:
        """Running heads and page numbers: WeasyPrint tags them, but outside the tree."""
        from weasyprint.formatting_structure import boxes  # noqa: PLC0415

        for page, (laid_out, marked) in enumerate(zip(document.pages, self.pdf.marked_boxes)):
            for margin in laid_out._page_box.children:
                if not isinstance(margin, boxes.MarginBox):
                    continue
                subtype = "/Footer" if margin.at_keyword.startswith("@bottom") else "/Header"
                for box in margin.descendants():
                    if box in marked:
                        self.make_artifact(page, marked[box], subtype)

    def artifact_subtree(self, element) -> None:
        """Every marked-content sequence under `element` becomes a pagination artifact."""
        page = self.page_numbers[element["Pg"]]
        for kid in element.get("K", ()):
            if isinstance(kid, int):
                self.make_artifact(page, kid, None)
            elif (child := self.element(kid)) is not None:
                self.artifact_subtree(child)

    # --- elements broken by page breaks ------------------------------------------------------

    @staticmethod
    def continues(first, second) -> bool:
        """`second` is the rest, on a later page, of the element `first` began."""
        return (first is not None and second is not None
                and getattr(first, "source", None) is not None
                and getattr(first, "source", None) is getattr(second, "source", None)
                and first["S"] == second["S"] and first["Pg"] != second["Pg"])

    def is_notes(self, element) -> bool:
        """A page's footnote area, retagged by `pdf_tags._tag_notes`."""
        kids = [self.element(kid) for kid in element.get("K", ())]
        return (element["S"] == "/NonStruct" and bool(kids)
                and all(kid is not None and kid["S"] == "/Note" for kid in kids))

    def join_pages(self) -> None:
        """One element for each element that page breaks cut, the notes after the cut."""
        joined, notes = [], []
        for kid in self.document["K"]:
            element = self.element(kid)
            if element is not None and self.is_notes(element):
                notes.append(kid)
                continue
            previous = self.element(joined[-1]) if joined else None
            if self.continues(previous, element):
                if not self.join(previous, element, notes):
                    joined += notes
            else:
                joined += notes + [kid]
            notes = []
        self.document["K"] = self.pydyf.Array(joined + notes)
        self.rename_header_references(self.document)

    def join(self, first, second, notes: list) -> bool:
        """Append `second`'s children to `first` (same element, next page); True once the
        page's `notes` are placed in it."""
        kids, rest = list(first["K"]), list(second["K"])
        if first["S"] == "/Table":
            rest = self.without_repeated_header(kids, rest)
        # Each child the page break cut goes on in the next page's element: the last one
        # for running text, every cell of a row.
        placed, rest_left = False, []
        for kid in rest:
            following = self.element(kid)
            cut = next((self.element(earlier) for earlier in reversed(kids)
                        if self.continues(self.element(earlier), following)), None)
            if cut is None:
                rest_left.append(kid)
            else:
                placed = self.join(cut, following, [] if placed else notes) or placed
        rest = rest_left
        if not placed and notes and first["S"] in ROLES_NOTES_MAY_FOLLOW_IN:
            for note in notes:
                self.get(note)["P"] = first.reference
            kids += notes
            placed = True
        for kid in rest:
            if isinstance(kid, int):  # an MCID of the second page: named with its page
                kid = self.reference(self.pydyf.Dictionary({
                    "Type": "/MCR", "Pg": second["Pg"], "MCID": kid}))
            elif (child := self.element(kid)) is not None:
                child["P"] = first.reference
            kids.append(kid)
        first["K"] = self.pydyf.Array(kids)
        self.merged[second.reference] = first.reference
        return placed

    def without_repeated_header(self, kids: list, rest: list) -> list:
        """A table's header row repeated on the next page is a pagination artifact; its cells'
        /ID are those of the header read once (so the cells' /Headers still resolve)."""
        heads = [self.element(kid) for kid in kids]
        kept = []
        for kid in rest:
            element = self.element(kid)
            first = next((head for head in heads if head is not None and element is not None
                          and getattr(head, "source", None) is not None
                          and getattr(head, "source", None) is getattr(element, "source", None)
                          and head["S"] == element["S"] == "/THead"), None)
            if first is None:
                kept.append(kid)
                continue
            for repeated, cell in zip(self.cells(element), self.cells(first)):
                if "ID" in repeated and "ID" in cell:
                    self.header_ids[repeated["ID"].string] = cell["ID"]
            self.artifact_subtree(element)
        return kept

    def cells(self, element):
        for kid in element.get("K", ()):
            child = self.element(kid)
            if child is not None:
                if child["S"] in ("/TH", "/TD"):
                    yield child
                else:
                    yield from self.cells(child)

    def rename_header_references(self, element) -> None:
        if not self.header_ids:
            return
        attributes = element.get("A")
        if isinstance(attributes, dict) and "Headers" in attributes:
            attributes["Headers"] = self.pydyf.Array(
                self.header_ids.get(header.string, header) for header in attributes["Headers"])
        for kid in element.get("K", ()):
            if (child := self.element(kid)) is not None:
                self.rename_header_references(child)

    def reference(self, obj) -> bytes:
        self.pdf.add_object(obj)
        return obj.reference

    # --- list items --------------------------------------------------------------------------

    def keep_list_items_to_label_and_body(self, element=None) -> None:
        """Whatever a list item holds beside its /Lbl and /LBody goes into its /LBody."""
        element = self.document if element is None else element
        if element["S"] == "/LI":
            self.fold_into_body(element)
        for kid in element.get("K", ()):
            if (child := self.element(kid)) is not None:
                self.keep_list_items_to_label_and_body(child)

    def fold_into_body(self, item) -> None:
        kids = list(item["K"])
        if all((child := self.element(kid)) is not None and child["S"] in LIST_ITEM_CHILDREN
               for kid in kids):
            return
        labels = [kid for kid in kids if (child := self.element(kid)) is not None
                  and child["S"] == "/Lbl"]
        bodies = [self.element(kid) for kid in kids if (child := self.element(kid)) is not None
                  and child["S"] == "/LBody"]
        body = bodies[0] if bodies else None
        if body is None:
            body = self.pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody",
                                          "P": item.reference, "Pg": item["Pg"],
                                          "K": self.pydyf.Array()})
            self.pdf.add_object(body)
        content = []
        for kid in kids:
            child = self.element(kid)
            if child is not None and child["S"] == "/Lbl":
                continue
            if child is not None and child["S"] == "/LBody":
                content += [self.owned(grandchild, child, body) for grandchild in child["K"]]
                if child is not body:
                    self.merged[child.reference] = body.reference
                continue
            content.append(self.owned(kid, item, body))
        body["K"] = self.pydyf.Array(content)
        item["K"] = self.pydyf.Array(labels + [body.reference])

    def owned(self, kid, owner, body):
        """`kid` of `owner`, as a child of `body` (an MCID keeps its page)."""
        if isinstance(kid, int):
            if owner["Pg"] == body["Pg"]:
                self.merged[owner.reference] = body.reference
                return kid
            return self.reference(self.pydyf.Dictionary(
                {"Type": "/MCR", "Pg": owner["Pg"], "MCID": kid}))
        if (child := self.element(kid)) is not None:
            child["P"] = body.reference
        return kid

    # --- the parent tree ---------------------------------------------------------------------

    def write_parent_tree(self) -> None:
        """Each MCID and annotation points at the element it now belongs to."""
        def current(reference):
            while reference in self.merged:
                reference = self.merged[reference]
            return reference

        numbers = self.get(self.root["ParentTree"])["Nums"]
        for index in range(1, len(numbers), 2):
            value = numbers[index]
            if isinstance(value, list):
                numbers[index] = self.pydyf.Array(current(item) for item in value)
            else:
                numbers[index] = current(value)
