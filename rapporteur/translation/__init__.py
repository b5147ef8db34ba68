"""The translation workflow: which translations are current, and the files translators use.

A unit is one localized text mapping of the content ({zh: …, en: …}): a paragraph, an item, a
footnote, a title, an annex text. The source language (report.yaml's `source:`) is what the
others are translated from; each translation records, in the same mapping, the fingerprint of
the source text it was made from (`based-on: {zh: 8f3c2a91}`), so it moves with its text.

fingerprint: normalized source text → 8 hex digits; units: the walk over the YAML;
status: current / stale / missing per unit and language; yamledit: writes translations and
stamps back into the YAML in place; ack, xliff, tmx: the commands; draft: `build --draft`.
"""
