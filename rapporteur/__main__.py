"""`python -m rapporteur`: the same command as `rapporteur` and `build.py`."""

import sys

from .cli import main

sys.exit(main())
