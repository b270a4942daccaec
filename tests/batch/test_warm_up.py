"""A warm worker compiles nothing more: ``warm_up`` gives every numba kernel the argument types a batch
variant calls it with, so no variant pays a compilation (or a cache load) in the middle of its work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys, tempfile
from numba.core.registry import CPUDispatcher
from d4d_cad.batch import parse_sweep, run_batch
from d4d_cad.batch.worker import warm_up

def kernels():
    return {f"{name}.{k}": len(v.signatures) for name, mod in list(sys.modules.items())
            if name.split(".")[0] in ("parametric", "fabrication", "models", "d4d_cad")
            for k, v in list(vars(mod).items()) if isinstance(v, CPUDispatcher)}

warm_up()
before = kernels()
sweep = parse_sweep(sys.argv[1])
with tempfile.TemporaryDirectory() as out:
    rows = run_batch(sweep, out, workers=0).rows
after = kernels()
print(json.dumps({"statuses": [r["status"] for r in rows], "before": before,
                  "new": {k: n for k, n in after.items() if n != before.get(k, 0)}}))
"""

SWEEP = """
model: slice_chair
machine: cnc-router-6mm
material: birch-ply:18
random: {count: 3, seed: 5, params: [width, seat_height, back_angle, slat_count]}
outputs: [report, cut_files]
options: {nest_rounds: 2}
"""


def test_a_batch_variant_after_the_warm_up_compiles_no_kernel():
    proc = subprocess.run([sys.executable, "-c", SCRIPT, SWEEP], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "ok" in found["statuses"] or "failed" in found["statuses"]  # a chair was made and cut
    assert len(found["before"]) >= 10  # the kernels were seen
    assert found["new"] == {}, f"compiled after warm_up: {found['new']}"
