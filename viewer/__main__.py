"""``python -m viewer [MODEL]``."""

import sys

from .app import run

sys.exit(run(*(sys.argv[1:2] or ["slice_chair"])))
