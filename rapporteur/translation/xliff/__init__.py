"""XLIFF export and import: the files translators open in their CAT tools.

Export writes, for one target language, a <file> per content file and a <unit> per text unit
(id: its place in the file, "blocks.3.paragraph"), carrying the fingerprint of the source text
it shows (and of the translation it shows as target, if any), notes with the unit's place, the
glossary terms it uses and, for a stale unit, the previous translation. Inline Markdown becomes
protected codes (inline.py): footnote references, cross-references and URLs as
<ph canDelete="no">, links and emphasis as <pc> whose start and end (the URL) stay in
<originalData>, symbols and years as <mrk translate="no">.

Import trusts the returned file with words only. It is all or nothing, like build: the file
must be a small, well-formed XLIFF without DOCTYPE (2.0: valid against the OASIS core schema),
name the report's languages in every place it gives them, the report's content files and units
(each once), carry the source fingerprints the content still has, and use the source's codes
by id, each once, start and end paired. Every code is rebuilt from the export's (its data is
never read from the file); the translation must then have the links, references and footnote
calls of its source, as the renderer reads them, and the merged content must pass every check
of `rapporteur check`. Only then are the translations written into the YAML (yamledit.py) and
stamped. Every refusal points at the XLIFF file's line, or at the content file after the merge.

One module per step: names.py (namespaces, unit ids), codes.py (inline codes, written),
notes.py (what a unit tells its translator), export.py (writing an export), read.py (reading a
returned file), parts.py (its sources and targets as words and codes by id), rebuild.py (their
Markdown), accept.py (whether a target is a translation), merge.py (into the YAML, then every
check). lxml builds and reads all XML; no XML is written as strings.
"""

from .export import TARGETS, export_xliff, shown_target
from .merge import Imported, import_xliff
from .names import OURS, OURS_SCHEMA, VERSIONS, XLIFF_1, XLIFF_2, file_key, unit_id
from .notes import glossary_terms

__all__ = ["OURS", "OURS_SCHEMA", "TARGETS", "VERSIONS", "XLIFF_1", "XLIFF_2", "Imported",
           "export_xliff", "file_key", "glossary_terms", "import_xliff", "shown_target",
           "unit_id"]
