"""The same design and the same nest, to the last bit, whichever BLAS kernel the CPU gets.

NumPy's matrix products and LAPACK's solve go to OpenBLAS, which picks a kernel for the CPU at
run time; kernels with and without fused multiply-add round differently, and a last-bit change in
a slot's corner changes a nested layout (that is how docs/fabrication.md once differed between two
machines). The geometry takes its products term by term instead (``parametric.part.dot``,
``parametric.curves.rotate``); here a subprocess forced to a plain SSE3 kernel and one
forced to an AVX2 + FMA kernel must agree.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

SCRIPT = """
import hashlib
from fabrication.export.bundle import fabricate
from fabrication.machines import load_machines
from parametric.materials import get_material
from parametric.registry import get_model
cls = get_model("slice_chair")
design = cls.design(cls.params({}, preset="dining"))
fab = fabricate(design, load_machines()["cnc-router-6mm"], get_material("birch-ply"), nest_rounds=4,
                nest_time=600.0, checks=False)
outlines = [(p.name, list(p.outline.exterior.coords), [list(r.coords) for r in p.outline.interiors])
            for p in design.parts]
sheets = [repr(s.placed) for s in fab.sheets]
print(hashlib.sha256(repr((outlines, sheets, fab.bom.cut_seconds)).encode()).hexdigest())
"""


def _fingerprint(coretype: str) -> str:
    env = {**os.environ, "OPENBLAS_CORETYPE": coretype, "OPENBLAS_VERBOSE": "0"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="OpenBLAS kernel names are x86 ones")
def test_the_chair_and_its_nest_do_not_depend_on_the_blas_kernel():
    import numpy as np

    if "openblas" not in str(np.show_config(mode="dicts")).lower():
        pytest.skip("NumPy is not built on OpenBLAS here: its kernel cannot be chosen")
    assert _fingerprint("Prescott") == _fingerprint("Haswell")
