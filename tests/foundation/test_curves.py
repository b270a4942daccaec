"""2D curve helpers (``parametric/curves.py``)."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely import affinity

from parametric.curves import rotate


@given(st.sampled_from([0.0, 90.0, 180.0, 270.0, -90.0, 450.0, 30.0, 137.5]),
       st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)), min_size=1, max_size=8))
def test_a_rotation_is_shapelys_and_quarter_turns_are_exact(degrees, points):
    pts = np.array(points, dtype=float)
    got = rotate(pts, degrees)
    turned = affinity.rotate(shapely.MultiPoint(points), degrees, origin=(0, 0))
    want = np.array([g.coords[0] for g in turned.geoms])
    assert np.allclose(got, want, atol=1e-9 * (1 + np.abs(pts).max()))
    if degrees % 90 == 0:  # a quarter turn only swaps and negates coordinates: no rounding at all
        x, y = pts[:, 0], pts[:, 1]
        exact = {0: (x, y), 90: (-y, x), 180: (-x, -y), 270: (y, -x)}[int(degrees % 360)]
        assert (got[:, 0] == exact[0]).all() and (got[:, 1] == exact[1]).all()
