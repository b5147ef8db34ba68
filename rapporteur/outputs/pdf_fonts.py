"""One compact subset per font face in an assembled PDF, however many parts use the face.

Each part of the print edition is written by WeasyPrint on its own, with its own subset of every
font it uses. WeasyPrint subsets with HarfBuzz keeping the glyph ids of the original font
(`weasyprint/pdf/fonts.py: Font._harfbuzz_subset`): every id up to the last used one keeps a
slot, so a CJK subset carries ~60,000 empty glyphs and weighs ~185 KB even for three pages, and
three parts would carry three. The assembly subsets the original face again (found by the
subset's PostScript name through fontconfig), with WeasyPrint's HarfBuzz settings but renumbering
the glyphs, for the union of the glyphs the parts use, and points every part's font at one font
dictionary with the union of their widths and Unicode mappings. The content streams keep
WeasyPrint's codes (the original glyph ids), so the font says which glyph each code is now:
a TrueType font through a /CIDToGIDMap, a CFF font (Noto Sans CJK) as a bare CID-keyed CFF
program whose CIDs are those codes (/FontFile3 /CIDFontType0C, the glyphs found by the CFF's
charset). The Chinese PDF is 38 % smaller for it (`benchmarks/pdf_size.py`).

A face this cannot handle safely (not found, another version installed, a variable, colour or
bitmap font, a CFF font that is not CID-keyed, glyphs missing from the font) keeps WeasyPrint's
subset in each part: larger, still correct.
"""

from __future__ import annotations

import ctypes.util
import io
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import pikepdf

# WeasyPrint 70's subsetting flags (`Font._harfbuzz_subset`) but for HB_SUBSET_FLAGS_RETAIN_GIDS.
_NO_HINTING, _DESUBROUTINIZE, _PASSTHROUGH_UNRECOGNIZED = 0x1, 0x4, 0x20
_DROP_TABLE_TAG = 3  # HB_SUBSET_SETS_DROP_TABLE_TAG
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                   b"LTSH", b"PCLT", b"SVG ")
_UNSUPPORTED_TABLES = {"fvar", "COLR", "CBDT", "sbix", "SVG ", "EBDT"}  # WeasyPrint rewrites these

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create_from_file(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
hb_tag_t hb_tag_from_string(const char *str, int len);
void hb_set_add_sorted_array(hb_set_t *set, const hb_codepoint_t *sorted, unsigned int count);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
typedef struct hb_subset_plan_t hb_subset_plan_t;
typedef struct hb_map_t hb_map_t;
hb_subset_plan_t *hb_subset_plan_create_or_fail(hb_face_t *face, const hb_subset_input_t *input);
void hb_subset_plan_destroy(hb_subset_plan_t *plan);
const hb_map_t *hb_subset_plan_old_to_new_glyph_mapping(const hb_subset_plan_t *plan);
const hb_map_t *hb_subset_plan_new_to_old_glyph_mapping(const hb_subset_plan_t *plan);
unsigned int hb_map_get_population(const hb_map_t *map);
hb_face_t *hb_subset_plan_execute_or_fail(hb_subset_plan_t *plan);
hb_codepoint_t hb_map_get(const hb_map_t *map, hb_codepoint_t key);
unsigned int hb_face_get_glyph_count(const hb_face_t *face);
typedef struct hb_font_t hb_font_t;
int hb_font_get_nominal_glyph(hb_font_t *font, hb_codepoint_t unicode, hb_codepoint_t *glyph);
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data,
                          void *destroy);
hb_font_t *hb_font_create(hb_face_t *face);
void hb_font_destroy(hb_font_t *font);
typedef struct { int32_t x_bearing; int32_t y_bearing; int32_t width; int32_t height; }
    hb_glyph_extents_t;
int hb_font_get_glyph_extents(hb_font_t *font, hb_codepoint_t glyph,
                              hb_glyph_extents_t *extents);
"""


@lru_cache(maxsize=1)
def _harfbuzz():
    """HarfBuzz and its subsetter through cffi (as WeasyPrint binds them), without WeasyPrint:
    the assembly runs in the builder's process, which need not import the renderer."""
    import cffi  # noqa: PLC0415 - a dependency of WeasyPrint

    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    try:
        harfbuzz = ffi.dlopen(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
        subset = ffi.dlopen(ctypes.util.find_library("harfbuzz-subset")
                            or "libharfbuzz-subset.so.0")
    except OSError:
        return None  # the parts keep their own subsets
    if not hasattr(subset, "hb_subset_plan_old_to_new_glyph_mapping"):  # before HarfBuzz 4.0
        return None
    return ffi, harfbuzz, subset


_MISSING = 0xFFFFFFFF  # HB_MAP_VALUE_INVALID


def space_glyph(hb_font_address: int) -> int | None:
    """The glyph of U+0020 SPACE in a HarfBuzz font (given by its address), if it has one."""
    bindings = _harfbuzz()
    if bindings is None:
        return None
    ffi, harfbuzz, _ = bindings
    glyph = ffi.new("hb_codepoint_t *")
    font = ffi.cast("hb_font_t *", hb_font_address)
    return glyph[0] if harfbuzz.hb_font_get_nominal_glyph(font, 0x20, glyph) else None


def subset_font(file: str, index: int, glyphs: list[int]) -> tuple[bytes, list[int]] | None:
    """The face `index` of `file` cut down to `glyphs` as WeasyPrint 70 subsets a font (no
    hinting, no layout tables, desubroutinized outlines), but with the glyphs renumbered
    0, 1, 2, … instead of keeping their places: the program, and for each new glyph id the
    original one. HarfBuzz may keep a few glyphs more than asked (the parts of composites,
    the alternates a layout table reaches), which the list says too."""
    bindings = _harfbuzz()
    if bindings is None:
        return None
    ffi, harfbuzz, hb_subset = bindings
    kept = sorted(set(glyphs) | {0})
    blob = ffi.gc(harfbuzz.hb_blob_create_from_file(file.encode()), harfbuzz.hb_blob_destroy)
    face = ffi.gc(harfbuzz.hb_face_create(blob, index), harfbuzz.hb_face_destroy)
    subset_input = ffi.gc(hb_subset.hb_subset_input_create_or_fail(),
                          hb_subset.hb_subset_input_destroy)
    harfbuzz.hb_set_add_sorted_array(hb_subset.hb_subset_input_glyph_set(subset_input),
                                     ffi.new("hb_codepoint_t[]", kept), len(kept))
    hb_subset.hb_subset_input_set_flags(
        subset_input, _PASSTHROUGH_UNRECOGNIZED | _DESUBROUTINIZE | _NO_HINTING)
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(hb_subset.hb_subset_input_set(subset_input,
                                                                   _DROP_TABLE_TAG),
                                     ffi.new("hb_codepoint_t[]", tags), len(tags))
    plan = hb_subset.hb_subset_plan_create_or_fail(face, subset_input)
    if plan == ffi.NULL:
        return None
    plan = ffi.gc(plan, hb_subset.hb_subset_plan_destroy)
    # The kept glyphs are numbered 0, 1, 2, … (checked below): read by their new ids, a few
    # hundred, not by the original ones (65,535 in a CJK font).
    kept_count = harfbuzz.hb_map_get_population(
        hb_subset.hb_subset_plan_old_to_new_glyph_mapping(plan))
    old_ids = hb_subset.hb_subset_plan_new_to_old_glyph_mapping(plan)
    original_ids = {new: harfbuzz.hb_map_get(old_ids, new) for new in range(kept_count)}
    subset = hb_subset.hb_subset_plan_execute_or_fail(plan)
    if subset == ffi.NULL:
        return None
    subset = ffi.gc(subset, harfbuzz.hb_face_destroy)
    data = ffi.gc(harfbuzz.hb_face_reference_blob(subset), harfbuzz.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = harfbuzz.hb_blob_get_data(data, length)
    if not length[0] or _MISSING in original_ids.values():
        return None
    return bytes(ffi.buffer(pointer, length[0])), [original_ids[new] for new in
                                                    range(len(original_ids))]


_READONLY = 1  # HB_MEMORY_MODE_READONLY


def _control_boxes(program: bytes) -> list[tuple[int, int, int, int] | None] | None:
    """Each glyph's box by HarfBuzz, (x min, y min, x max, y max) rounded to units, or None
    for a glyph HarfBuzz finds empty or flat. For a CFF program HarfBuzz bounds the outline's
    points, control points included: each glyph's exact bounds lie within its box (give or take
    the rounding), which is what `_font_bbox` needs."""
    bindings = _harfbuzz()
    if bindings is None:
        return None
    ffi, harfbuzz, _ = bindings
    data = ffi.from_buffer(program)
    blob = ffi.gc(harfbuzz.hb_blob_create(data, len(program), _READONLY, ffi.NULL, ffi.NULL),
                  harfbuzz.hb_blob_destroy)
    face = ffi.gc(harfbuzz.hb_face_create(blob, 0), harfbuzz.hb_face_destroy)
    font = ffi.gc(harfbuzz.hb_font_create(face), harfbuzz.hb_font_destroy)  # scale: units
    extents = ffi.new("hb_glyph_extents_t *")
    boxes: list[tuple[int, int, int, int] | None] = []
    for glyph in range(harfbuzz.hb_face_get_glyph_count(face)):
        if harfbuzz.hb_font_get_glyph_extents(font, glyph, extents) and extents.width > 0 \
                and extents.height < 0:
            boxes.append((extents.x_bearing, extents.y_bearing + extents.height,
                          extents.x_bearing + extents.width, extents.y_bearing))
        else:
            boxes.append(None)
    del data  # the blob borrowed the program's bytes until here
    return boxes


def _font_bbox(top, names: list[str],
               boxes: list[tuple[int, int, int, int] | None]) -> list[int]:
    """What fontTools' `TopDict.recalcFontBBox` finds for the glyphs `names`, drawing few.

    That method draws every glyph for its exact bounds: most of the Chinese PDF's assembly
    time. A glyph's exact bounds lie within its HarfBuzz box (`boxes`, by glyph id) widened by a
    unit for the rounding, so on each side only the glyphs whose box reaches past the best exact
    bound found so far are drawn, and the glyphs without a box. The same four numbers.
    """
    from fontTools.misc.arrayTools import intRect  # noqa: PLC0415

    charstrings, exact = top.CharStrings, {}

    def bounds(name: str):
        if name not in exact:
            exact[name] = charstrings[name].calcBounds(charstrings)
        return exact[name]

    unboxed = [name for name, box in zip(names, boxes) if box is None]
    boxed = [(name, box) for name, box in zip(names, boxes) if box is not None]
    sides = []
    for side, sign in ((0, 1), (1, 1), (2, -1), (3, -1)):  # maxima negated: lowest is furthest
        best = min((sign * found[side] for found in map(bounds, unboxed) if found), default=None)
        for reach, name in sorted((sign * box[side] - 1, name) for name, box in boxed):
            if best is not None and reach >= best:
                break  # no glyph from here on reaches past `best`
            found = bounds(name)
            if found is not None:
                best = sign * found[side] if best is None else min(best, sign * found[side])
        sides.append(None if best is None else sign * best)
    if None in sides:
        return top.defaults["FontBBox"][:]
    return list(intRect(sides))


@dataclass(frozen=True)
class _Face:
    """What identifies a font program: its PostScript name and version."""

    postscript_name: str
    revision: float
    units_per_em: int


def _face_of(program: bytes) -> _Face | None:
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    try:
        with TTFont(io.BytesIO(program), lazy=True) as font:
            name = font["name"].getDebugName(6)
            return _Face(name, round(font["head"].fontRevision, 3), font["head"].unitsPerEm) \
                if name else None
    except Exception:  # noqa: BLE001 - an unreadable program only keeps its per-part subsets
        return None


@lru_cache(maxsize=64)
def original_font(face: _Face) -> tuple[str, int] | None:
    """The installed file and face index of `face`, if fontconfig knows exactly that face."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    try:
        listing = subprocess.run(["fc-list", f":postscriptname={face.postscript_name}",
                                  "--format", "%{file}\t%{index}\n"],
                                 capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(set(listing.splitlines())):
        file, _, index = line.partition("\t")
        try:
            with TTFont(file, fontNumber=int(index or 0), lazy=True) as font:
                tables = set(font.keys())
                same = (round(font["head"].fontRevision, 3) == face.revision
                        and font["head"].unitsPerEm == face.units_per_em)
        except Exception:  # noqa: BLE001 - not a font fontTools reads: not this face
            continue
        if same and not tables & _UNSUPPORTED_TABLES:
            return file, int(index or 0)
    return None


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, bytes]:
    """The glyph → text map of WeasyPrint's ToUnicode CMap (single `bfchar` entries)."""
    data = font.ToUnicode.read_bytes()
    mapping: dict[int, bytes] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.DOTALL):
        for glyph, text in _BFCHAR.findall(block):
            mapping.setdefault(int(glyph, 16), text)
    return mapping


def _widths(cid_font: pikepdf.Dictionary) -> dict[int, float]:
    widths: dict[int, float] = {}
    entries = list(cid_font.get("/W", []))
    for start, run in zip(entries[::2], entries[1::2]):
        for offset, width in enumerate(run):
            widths.setdefault(int(start) + offset, float(width))
    return widths


def _cmap_stream(pdf: pikepdf.Pdf, mapping: dict[int, bytes]) -> pikepdf.Stream:
    """A ToUnicode CMap as WeasyPrint writes it, for the merged map."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return pikepdf.Stream(pdf, b"\n".join(lines))


def _widths_array(widths: dict[int, float]) -> pikepdf.Array:
    """WeasyPrint's /W layout: a start id and the widths of each run of consecutive ids."""
    array = pikepdf.Array()
    run = None
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            run = pikepdf.Array()
            array.append(glyph)
            array.append(run)
        width = widths[glyph]
        run.append(int(width) if width == int(width) else width)
    return array


def _mergeable(font: pikepdf.Dictionary) -> bool:
    """A Type 0 font as WeasyPrint writes it for a vector font with every glyph present."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return False
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor")
    return descriptor is not None and ("/FontFile2" in descriptor or "/FontFile3" in descriptor)


def share_font_subsets(pdf: pikepdf.Pdf) -> None:
    """Make all pages of `pdf` use one compact subset per face (see the module's docstring)."""
    uses: dict[str, list[tuple[pikepdf.Dictionary, str]]] = {}
    fonts: dict[str, dict[tuple[int, int], pikepdf.Dictionary]] = {}
    seen_resources = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", {}).get("/Font")
        if resources is None or resources.objgen in seen_resources:
            continue
        seen_resources.add(resources.objgen)
        for key, font in resources.items():
            name = str(font.get("/BaseFont", ""))
            uses.setdefault(name, []).append((resources, key))
            fonts.setdefault(name, {})[font.objgen] = font
    for name, versions in fonts.items():
        if all(map(_mergeable, versions.values())):
            shared = _merge(pdf, list(versions.values()))
            if shared is not None:
                for resources, key in uses[name]:
                    resources[key] = shared


def _merge(pdf: pikepdf.Pdf, versions: list[pikepdf.Dictionary]) -> pikepdf.Dictionary | None:
    first = versions[0]
    descendant = first.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    file_key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
    face = _face_of(descriptor[file_key].read_bytes())
    original = original_font(face) if face else None
    if original is None:
        return None
    mapping: dict[int, bytes] = {}
    widths: dict[int, float] = {}
    for font in versions:
        for glyph, text in _to_unicode(font).items():
            mapping.setdefault(glyph, text)
        for glyph, width in _widths(font.DescendantFonts[0]).items():
            widths.setdefault(glyph, width)
    # The content streams name glyphs by their ids in the installed font (WeasyPrint's codes).
    codes = sorted({0, *mapping, *widths})
    subset = subset_font(*original, codes)
    if subset is None or _face_of(subset[0]) != face:
        return None
    program, kept = subset
    new_ids = {code: new for new, code in enumerate(kept)}
    if not set(codes) <= set(new_ids) or _glyph_count(program) != len(kept):
        return None  # a glyph lost, or ids unknown: keep WeasyPrint's subsets
    if file_key == "/FontFile3":
        # A CID-keyed CFF names each glyph by a CID: the glyph's original id, which is the
        # code the content streams use, so that the glyphs need not keep their places.
        program = _cid_keyed_cff(program, kept)
        if program is None:
            return None
        stream = pikepdf.Stream(pdf, program)
        stream.Subtype = pikepdf.Name.CIDFontType0C
    else:
        stream = pikepdf.Stream(pdf, program)
        stream.Length1 = len(program)
        # A TrueType CIDFont finds a code's glyph through this map (two bytes per code).
        table = bytearray(2 * (max(codes) + 1))
        for code in codes:
            table[2 * code:2 * code + 2] = new_ids[code].to_bytes(2, "big")
        descendant.CIDToGIDMap = pikepdf.Stream(pdf, bytes(table))
    descriptor[file_key] = stream
    # WeasyPrint's bounding box: from the widest glyph; fixed pitch if all widths are equal.
    bbox = descriptor.FontBBox
    descriptor.FontBBox = pikepdf.Array([0, bbox[1], _number(max(widths.values(), default=0)),
                                         bbox[3]])
    fixed = len(widths) > 1 and len(set(widths.values())) == 1
    descriptor.Flags = (int(descriptor.Flags) & ~1) | int(fixed)
    descendant.W = _widths_array(widths)
    first.ToUnicode = _cmap_stream(pdf, mapping)
    return first


def _glyph_count(program: bytes) -> int:
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    with TTFont(io.BytesIO(program), lazy=True) as font:
        return font["maxp"].numGlyphs


def _cid_keyed_cff(program: bytes, kept: list[int]) -> bytes | None:
    """The subset's CFF table alone, each glyph named by its original id as its CID."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    # The font's bounding box is set below, not by `compile` drawing every glyph.
    with TTFont(io.BytesIO(program), recalcBBoxes=False) as font:
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        names = font.getGlyphOrder()
        if not hasattr(top, "ROS") or len(names) != len(kept):
            return None  # not CID-keyed, or not the glyphs asked for: ids unknown
        cids = [".notdef", *(f"cid{code:05d}" for code in kept[1:])]
        charstrings = top.CharStrings
        charstrings.charStrings = {cid: charstrings.charStrings[name]
                                   for name, cid in zip(names, cids)}
        top.charset = cids
        boxes = _control_boxes(program)
        if boxes is not None and len(boxes) == len(cids):
            top.FontBBox = _font_bbox(top, cids, boxes)
        else:
            top.recalcFontBBox()
        output = io.BytesIO()
        cff.compile(output, font)
        return output.getvalue()


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value
