"""One embedded subset per font face in an assembled PDF, however many parts use the face.

Each part of the print edition is written by WeasyPrint on its own, with its own subset of every
font it uses. WeasyPrint subsets with HarfBuzz keeping the glyph ids of the original font
(`weasyprint/pdf/fonts.py: Font._harfbuzz_subset`), so a CJK subset weighs about 185 KB even for
three pages, and three parts would carry three. Since every part keeps the original glyph ids, one
subset serves them all: the original face (found by the subset's PostScript name through
fontconfig) is subset again, with WeasyPrint's own HarfBuzz settings, for the union of the glyphs
the parts use, and every part's font points at one font dictionary with the union of their widths
and Unicode mappings. Content streams name glyphs by id, so they stay as they are.

A face this cannot handle safely (not found, another version installed, a variable, colour or
bitmap font, glyphs missing from the font) keeps one subset per part: larger, still correct.
"""

from __future__ import annotations

import ctypes.util
import io
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import pikepdf

# WeasyPrint 70's subsetting (`Font._harfbuzz_subset`), pass by pass: keep the used glyphs at
# their ids, then keep every id up to the last used one, without hinting.
_NO_HINTING, _RETAIN_GIDS, _DESUBROUTINIZE, _PASSTHROUGH_UNRECOGNIZED = 0x1, 0x2, 0x4, 0x20
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
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
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
    if not hasattr(subset, "hb_subset_input_set"):  # HarfBuzz older than WeasyPrint asks
        return None
    return ffi, harfbuzz, subset


def subset_font(file: str, index: int, glyphs: list[int]) -> bytes | None:
    """The face `index` of `file` subset to `glyphs` exactly as WeasyPrint 70 subsets a font."""
    bindings = _harfbuzz()
    if bindings is None:
        return None
    ffi, harfbuzz, hb_subset = bindings
    blob = ffi.gc(harfbuzz.hb_blob_create_from_file(file.encode()), harfbuzz.hb_blob_destroy)
    face = ffi.gc(harfbuzz.hb_face_create(blob, index), harfbuzz.hb_face_destroy)
    passes = ((sorted(glyphs), _RETAIN_GIDS | _PASSTHROUGH_UNRECOGNIZED | _DESUBROUTINIZE),
              (range(max(glyphs) + 1), _PASSTHROUGH_UNRECOGNIZED | _DESUBROUTINIZE | _NO_HINTING))
    for kept, flags in passes:
        subset_input = ffi.gc(hb_subset.hb_subset_input_create_or_fail(),
                              hb_subset.hb_subset_input_destroy)
        kept = list(kept)
        harfbuzz.hb_set_add_sorted_array(hb_subset.hb_subset_input_glyph_set(subset_input),
                                         ffi.new("hb_codepoint_t[]", kept), len(kept))
        hb_subset.hb_subset_input_set_flags(subset_input, flags)
        tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
        harfbuzz.hb_set_add_sorted_array(hb_subset.hb_subset_input_set(subset_input,
                                                                       _DROP_TABLE_TAG),
                                         ffi.new("hb_codepoint_t[]", tags), len(tags))
        face = hb_subset.hb_subset_or_fail(face, subset_input)
        if face == ffi.NULL:
            return None
        face = ffi.gc(face, harfbuzz.hb_face_destroy)
    data = ffi.gc(harfbuzz.hb_face_reference_blob(face), harfbuzz.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = harfbuzz.hb_blob_get_data(data, length)
    return bytes(ffi.buffer(pointer, length[0])) if length[0] else None


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
    """Make all pages of `pdf` use one subset per face (see the module's docstring)."""
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
        if len(versions) > 1 and all(map(_mergeable, versions.values())):
            shared = _merge(pdf, list(versions.values()))
            if shared is not None:
                for resources, key in uses[name]:
                    resources[key] = shared


def _merge(pdf: pikepdf.Pdf, versions: list[pikepdf.Dictionary]) -> pikepdf.Dictionary | None:
    first = versions[0]
    descriptor = first.DescendantFonts[0].FontDescriptor
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
    program = subset_font(*original, sorted(mapping))
    if program is None or _face_of(program) != face:
        return None
    stream = pikepdf.Stream(pdf, program)
    if file_key == "/FontFile3":
        stream.Subtype = pikepdf.Name.OpenType
    else:
        stream.Length1 = len(program)
    descriptor[file_key] = stream
    # WeasyPrint's bounding box: from the widest glyph; fixed pitch if all widths are equal.
    bbox = descriptor.FontBBox
    descriptor.FontBBox = pikepdf.Array([0, bbox[1], _number(max(widths.values(), default=0)),
                                         bbox[3]])
    fixed = len(widths) > 1 and len(set(widths.values())) == 1
    descriptor.Flags = (int(descriptor.Flags) & ~1) | int(fixed)
    first.DescendantFonts[0].W = _widths_array(widths)
    first.ToUnicode = _cmap_stream(pdf, mapping)
    return first


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value
