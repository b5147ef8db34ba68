#!/usr/bin/env python3
"""Entry point: `python build.py build` or `python build.py check` (see `--help`)."""

import sys

from rapporteur.cli import main

if __name__ == "__main__":
    sys.exit(main())
