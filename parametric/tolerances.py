"""Tolerances in one place (the trimesh habit). All lengths in mm, areas in mm^2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class Tolerances:
    """Geometric tolerances used across d4d.

    Attributes:
        length: two lengths closer than this are equal (mm).
        area: areas below this are empty (mm^2).
        angle_deg: plates closer than this to parallel do not cross (degrees).
        simplify: outlines are simplified to this chord deviation (mm); far below any kerf.
        overlap_volume: designed joints must overlap by less than this volume (mm^3).
        slot_open_extra: slots are cut this far past the edge they open from, so they are open (mm).
        curve_segments_per_mm: sampling density of curves drawn from control points.
    """

    length: float = 1e-6
    area: float = 1e-6
    angle_deg: float = 1e-3
    simplify: float = 0.02
    overlap_volume: float = 1.0
    slot_open_extra: float = 1.0
    curve_segments_per_mm: float = 0.1


TOL = Tolerances()


def simplified(geom, tol: float = TOL.simplify):
    """``geom`` simplified to ``tol`` mm of chord deviation, its topology kept.

    Subnormal coordinates (closer to zero than 2.2e-308 mm) are set to zero first: GEOS's
    topology-preserving simplify never returns on a vertex a subnormal distance off an edge (seen at
    1e-322 mm), and an imported mesh or drawing could carry one. No other coordinate changes.
    """
    tiny = np.finfo(float).tiny
    geom = shapely.transform(geom, lambda c: np.where(np.abs(c) < tiny, 0.0, c))
    return shapely.simplify(geom, tol, preserve_topology=True)
