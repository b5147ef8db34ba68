"""Rapporteur: multilingual reports from YAML content, rendered to HTML and PDF.

The pipeline reads top to bottom, one module per stage:

    load      YAML files -> plain data with source positions      (rapporteur.load)
    validate  plain data -> typed, cross-checked model            (rapporteur.validate,
              model, parity, references; translation: stale or missing translations)
    resolve   model -> numbered document (paragraphs, footnotes)  (rapporteur.resolve)
    render    numbered document -> HTML page per language/medium (rapporteur.render)
    outputs   pages -> files per format: html, pdf, data, site     (rapporteur.outputs)
    publish   files -> output/, all written or none              (rapporteur.publish)

``rapporteur.build.build_report`` runs them in order; ``rapporteur.serve`` runs it again on every
edit; ``rapporteur.cli`` is the command line over both.
"""
