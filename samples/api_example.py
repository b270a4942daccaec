"""Build a slice chair from Python and write its files (run: python samples/api_example.py OUT_DIR)."""

import sys

from parametric import build_design
from d4d_cad.pipeline import write_build

design = build_design("slice_chair", preset="kids", thickness=11.6)
print(design.title, design.hash, len(design.parts), "parts")
outputs = write_build(design, sys.argv[1] if len(sys.argv) > 1 else "out/kids-chair")
print("wrote", len(outputs.files), "files")
