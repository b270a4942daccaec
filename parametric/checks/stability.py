"""Mass properties and tipping stability under the model's load cases.

Tipping test (fabrication-reference.md section 4, ours): the resultant's floor point is
``cop = (sum W_i p_i + sum z_i H_i) / sum W_i`` over the vertical loads W_i (self weight at the
centre of mass included) and the horizontal forces H_i at heights z_i. The design is stable when
``cop`` lies inside the convex hull of the floor contacts; the margin is its signed distance to
the nearest hull edge (negative outside), and the extra horizontal force that would tip it about
that edge is ``margin * sum W_i / z``. Load values and points come from each model (EN 1022:2018,
ISO 7174-1 for seating).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import ConvexHull, QhullError
from shapely.geometry import LineString, Point, Polygon

from ..design import Design, LoadCase
from .report import Finding

G = 9.81
#: a vertex this close to the lowest point touches the floor (mm)
FLOOR_TOL = 0.5
#: tipping margin required by default, mm (reference: 10-20 mm)
MIN_MARGIN_MM = 10.0
#: stable codes for the usual seating cases; other cases get STAB-<NAME>
CASE_CODES = {"front_edge": "STAB-FRONT", "lean_back": "STAB-REAR", "sideways": "STAB-SIDE",
              "seated": "STAB-SEATED"}


def case_code(case: LoadCase) -> str:
    """The stable finding code of a stability load case."""
    return CASE_CODES.get(case.name, "STAB-" + case.name.upper().replace("_", "-"))


def mass_properties(design: Design, densities: dict[str, float]) -> tuple[float, np.ndarray]:
    """Total mass (kg) and centre of mass (mm) from the flat parts: area * t * rho, exact.

    Args:
        densities: kg/m^3 by material name.
    """
    total, moment = 0.0, np.zeros(3)
    for part in design.parts:
        mass = part.volume * 1e-9 * densities[part.material] * part.quantity
        total += mass
        moment += mass * part.centroid_world()
    return total, (moment / total if total > 0 else moment)


def floor_contacts(design: Design) -> tuple[float, np.ndarray]:
    """Lowest z of the product and the xy points within FLOOR_TOL of it."""
    pts = []
    for part in design.parts:
        ring = np.asarray(part.outline.exterior.coords)[:-1]
        for w in (-part.thickness / 2, part.thickness / 2):
            pts.append(part.frame.to_world(ring, w))
    allpts = np.concatenate(pts)
    zmin = float(allpts[:, 2].min())
    return zmin, allpts[allpts[:, 2] <= zmin + FLOOR_TOL][:, :2]


def support_polygon(contacts: np.ndarray) -> Polygon | None:
    """Convex hull of the floor contacts, or None when they do not span an area."""
    if len(contacts) < 3:
        return None
    try:
        hull = ConvexHull(contacts)
    except QhullError:
        return None
    poly = Polygon(contacts[hull.vertices])
    return poly if poly.area > 1.0 else None


def _edge_name(edge: LineString, centre: Point) -> str:
    mid = np.asarray(edge.interpolate(0.5, normalized=True).coords[0])
    d = mid - np.asarray(centre.coords[0])
    if abs(d[1]) >= abs(d[0]):
        return "rear" if d[1] > 0 else "front"
    return "right" if d[0] > 0 else "left"


def check_case(case: LoadCase, hull: Polygon, mass_kg: float, com: np.ndarray,
               min_margin: float) -> tuple[Finding, tuple[float, float]]:
    """Tip test of one load case; returns the finding and the resultant's floor point."""
    weight = mass_kg * G
    w_sum, moment = weight, weight * com[:2]
    tip_heights = []
    for point, force in case.loads:
        p, f = np.asarray(point), np.asarray(force)
        down = -f[2]
        w_sum += down
        moment = moment + down * p[:2] + p[2] * f[:2]
        if np.hypot(*f[:2]) > 0:
            tip_heights.append(p[2])
    cop = moment / w_sum
    point = Point(cop)
    ring = hull.exterior
    inside = hull.covers(point)
    dist = ring.distance(point)
    margin = dist if inside else -dist
    coords = np.asarray(ring.coords)
    edges = [LineString(coords[i:i + 2]) for i in range(len(coords) - 1)]
    edge = min(edges, key=lambda e: e.distance(point))
    z = max(tip_heights) if tip_heights else max(p[2] for p, _ in case.loads)
    extra = margin * w_sum / z if z > 0 else math.inf
    where = _edge_name(edge, hull.centroid)
    code = case_code(case)
    if margin < 0:
        severity, msg = "error", (f"{case.name}: tips over its {where} edge; the load's resultant lands "
                                  f"{-margin:.0f} mm outside the feet")
    elif margin < min_margin:
        severity, msg = "error", (f"{case.name}: only {margin:.0f} mm from tipping over its {where} edge "
                                  f"(at least {min_margin:.0f} mm needed); {extra:.0f} N more would tip it")
    else:
        severity, msg = "pass", (f"{case.name}: stable, {margin:.0f} mm inside the {where} edge; "
                                 f"{extra:.0f} N more at {z:.0f} mm would tip it")
    finding = Finding(code, severity, msg + (f" ({case.standard})" if case.standard else ""), "",
                      float(margin), float(min_margin), float(margin - min_margin), "mm", case=case.name,
                      edge=where, tip_force=float(extra))
    return finding, (float(cop[0]), float(cop[1]))
