"""The document's life: its issues compared, a redline, a corrigendum, next year's edition.

compare.py matches the units of two versions and diffs them word by word (words.py); the
redline (redline.py, marks.py) and the corrigendum (corrigendum.py) are made from that
comparison; edition.py starts next year's project from this one; source.py reads the earlier
version (`--from REV|PATH`); commands.py holds the commands. Nothing here is imported by a
build, except marks.py, which the renderer uses to show revision marks.
"""
