"""What the XLIFF files are made of: namespaces, schemas, and the ids of units."""

from __future__ import annotations

from pathlib import Path

from ..units import Unit

XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF_1 = "urn:oasis:names:tc:xliff:document:1.2"
OURS = "urn:rapporteur:translation:1"  # our attributes on units: the source fingerprint
VERSIONS = ("2.0", "1.2")
SCHEMA = Path(__file__).parent.parent / "schemas" / "xliff_core_2.0.xsd"
# Declares our attributes, as the strict XLIFF 1.2 schema wants of any foreign attribute.
OURS_SCHEMA = Path(__file__).parent.parent / "schemas" / "rapporteur_translation_1.xsd"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

PROTECTED_KINDS = {"footnote", "reference", "url", "link"}
STRUCTURE = {"xliff", "file", "body", "unit", "trans-unit", "notes", "segment",
             "ignorable", "originalData"}


def unit_id(file_name: str, unit: Unit) -> str:
    """The unit's id in an export, unique across the whole file (tools key units by id alone):
    the content file's name, then the unit's place in it, "body.01-opening:blocks.3.paragraph"."""
    return f"{file_key(file_name)}:{unit.id}"


def place_in_file(file_name: str | None, given: str | None) -> str | None:
    """A unit id as messages give it: its place in its content file."""
    prefix = f"{file_key(file_name or '')}:"
    return given[len(prefix):] if given and given.startswith(prefix) else given


def file_key(file_name: str) -> str:
    stem = file_name[:-len(".yaml")] if file_name.endswith(".yaml") else file_name
    return stem.replace("/", ".")

