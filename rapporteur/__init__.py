"""Rapporteur: multilingual reports from YAML content, rendered to HTML and PDF.

The pipeline reads top to bottom, one module per stage:

    load      YAML files -> plain data with source positions      (rapporteur.load)
    validate  plain data -> typed, cross-checked model            (rapporteur.validate)
    resolve   model -> numbered document (paragraphs, footnotes)  (rapporteur.resolve)
    render    numbered document -> HTML per language              (rapporteur.render)
    publish   HTML -> files in output/ and PDFs, written atomically (rapporteur.publish)

``rapporteur.build.build_report`` runs them in order.
"""
