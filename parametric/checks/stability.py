"""Tipping stability under the model's load cases.

Tipping test (fabrication-reference.md section 4, ours): the resultant's floor point is
``cop = (sum W_i p_i + sum z_i H_i) / sum W_i`` over the vertical loads W_i (self weight at the
centre of mass included) and the horizontal forces H_i at heights z_i. The design is stable when
``cop`` lies inside the convex hull of the floor contacts; the margin is its signed distance to
the nearest hull edge (negative outside), which is required to be at least 10-20 mm. The extra
horizontal force that would tip it about that edge is ``F_tip = sum W_i d_i / z`` (d_i: each
vertical load's distance inside the edge, net of the horizontal loads already applied; z: the
height the push acts at). Load values and points come from each model (EN 1022:2018, ISO 7174-1
for seating; see :mod:`parametric.loads`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull, QhullError
from shapely.geometry import Point, Polygon

from ..design import Design, LoadCase
from .report import Finding

G = 9.81
#: a vertex this close to the lowest point touches the floor (mm)
FLOOR_TOL = 0.5
#: how far from z = 0 the lowest point may be before the product is "not on the floor" (mm)
FLOOR_Z_TOL = 1.0
#: tipping margin required by default, mm (fabrication-reference.md section 4: 10-20 mm)
MIN_MARGIN_MM = 10.0
#: stable codes for the usual seating cases (EN 1022:2018 directions); other cases get STAB-<NAME>
CASE_CODES = {"front_edge": "STAB-FRONT", "forward": "STAB-FRONT", "lean_back": "STAB-REAR",
              "rearward": "STAB-REAR", "sideways": "STAB-SIDE", "seated": "STAB-SEATED"}


def case_code(case: LoadCase | str) -> str:
    """The stable finding code of a stability load case (``lean_back`` -> ``STAB-REAR``)."""
    name = case if isinstance(case, str) else case.name
    return CASE_CODES.get(name, "STAB-" + name.upper().replace("_", "-").replace(" ", "-"))


def floor_contacts(design: Design) -> tuple[float, np.ndarray]:
    """Lowest z of the product and the xy of every mesh vertex within FLOOR_TOL of it.

    The extruded meshes' vertices are exactly the outline vertices at ``w = +-T/2``, so they are
    computed from the outlines directly (no mesh needed).
    """
    pts = []
    for part in design.parts:
        ring = np.asarray(part.outline.exterior.coords)[:-1]
        for w in (-part.thickness / 2, part.thickness / 2):
            pts.append(part.frame.to_world(ring, w))
    allpts = np.concatenate(pts)
    zmin = float(allpts[:, 2].min())
    return zmin, allpts[allpts[:, 2] <= zmin + FLOOR_TOL][:, :2]


def support_polygon(contacts: np.ndarray) -> Polygon | None:
    """Convex hull of the floor contacts (CCW), or None when they do not span an area."""
    if len(contacts) < 3:
        return None
    try:
        hull = ConvexHull(contacts)
    except QhullError:
        return None
    poly = Polygon(contacts[hull.vertices])  # scipy returns 2D hull vertices counter-clockwise
    return poly if poly.is_valid and poly.area > 1.0 else None


def edge_name(outward: np.ndarray) -> str:
    """front / rear / left / right (seen from the front) for an outward edge normal (x, y)."""
    if abs(outward[1]) >= abs(outward[0]):
        return "rear" if outward[1] > 0 else "front"
    return "right" if outward[0] > 0 else "left"


@dataclass(frozen=True)
class TipResult:
    """The tipping analysis of one load case.

    Attributes:
        case: load case name; code: its finding code.
        cop: the resultant's floor point (x, y), mm.
        margin: signed distance of cop to the support polygon's boundary (negative outside), mm.
        edge: the critical edge's name; edge_points: its two ends (x, y).
        tip_force: extra horizontal force at ``push_height`` that tips it about that edge, N
            (negative: it tips already).
        push_height: height of the highest horizontal load (or load point), mm.
        vertical: total vertical load including self weight, N.
    """

    case: str
    code: str
    cop: tuple[float, float]
    margin: float
    edge: str
    edge_points: tuple[tuple[float, float], tuple[float, float]]
    tip_force: float
    push_height: float
    vertical: float

    @property
    def stable(self) -> bool:
        """True when the resultant falls inside the support polygon."""
        return self.margin > 0


def tip_analysis(case: LoadCase, hull: Polygon, weight_n: float, com: np.ndarray) -> TipResult:
    """Resultant floor point, signed margin, critical edge and tipping force of one case.

    Args:
        hull: the support polygon (CCW).
        weight_n: the product's own weight (N), acting at ``com``.
    """
    com = np.asarray(com, dtype=float)
    w_sum, moment = weight_n, weight_n * com[:2]
    points_w = [(com[:2], weight_n)]
    horizontal = []
    for point, force in case.loads:
        p, f = np.asarray(point, dtype=float), np.asarray(force, dtype=float)
        down = -f[2]
        w_sum += down
        moment = moment + down * p[:2] + p[2] * f[:2]
        points_w.append((p[:2], down))
        if np.hypot(*f[:2]) > 0:
            horizontal.append((p, f))
    if w_sum <= 0:
        raise ValueError(f"load case {case.name!r} lifts the product (net vertical load {w_sum:.0f} N upwards)")
    cop = moment / w_sum
    ring = np.asarray(hull.exterior.coords)
    best = None
    for a, b in zip(ring[:-1], ring[1:]):
        e = b - a
        length = float(np.hypot(*e))
        if length < 1e-9:
            continue
        outward = np.array([e[1], -e[0]]) / length  # CCW ring: outward is to the right of each edge
        d_line = float((a - cop) @ outward)  # distance inside the edge's line
        t = float(np.clip((cop - a) @ e / length ** 2, 0.0, 1.0))
        d_seg = float(np.hypot(*(a + t * e - cop)))
        if best is None or d_seg < best[0]:
            best = (d_seg, d_line, outward, (tuple(map(float, a)), tuple(map(float, b))))
    _, d_line, outward, ends = best
    inside = hull.covers(Point(cop))
    margin = float(hull.exterior.distance(Point(cop)))
    margin = margin if inside else -margin
    # F_tip = sum W_i d_i / z, net of the horizontal loads already applied (their moment is in cop):
    # restoring moment about the edge line = w_sum * (cop's distance inside the line)
    heights = [p[2] for p, _ in horizontal] or [p[2] for p, _ in case.loads] or [com[2]]
    z = float(max(heights))
    tip = w_sum * d_line / z if z > 0 else math.inf
    return TipResult(case.name, case_code(case), (float(cop[0]), float(cop[1])), margin, edge_name(outward),
                     ends, float(tip), z, float(w_sum))


def finding_for(result: TipResult, case: LoadCase, min_margin: float) -> Finding:
    """The coded finding of one tipping analysis against the required margin."""
    where, margin, extra = result.edge, result.margin, result.tip_force
    if margin < 0:
        severity, msg = "error", (f"{case.name}: tips over its {where} edge; the loads' resultant lands "
                                  f"{-margin:.0f} mm outside the feet")
    elif margin < min_margin:
        severity, msg = "error", (f"{case.name}: only {margin:.0f} mm from tipping over its {where} edge "
                                  f"(at least {min_margin:.0f} mm needed); {extra:.0f} N more would tip it")
    else:
        severity, msg = "info", (f"{case.name}: stable, {margin:.0f} mm inside the {where} edge; "
                                 f"{extra:.0f} N more at {result.push_height:.0f} mm would tip it")
    return Finding(result.code, severity, msg + (f" ({case.standard})" if case.standard else ""), "",
                   margin, float(min_margin), margin - min_margin, "mm", case=case.name, edge=where,
                   tip_force=extra)


def check_stability(design: Design, weight_n: float, com: np.ndarray, min_margin: float = MIN_MARGIN_MM
                    ) -> tuple[list[Finding], Polygon | None, dict[str, TipResult]]:
    """Findings for every stability case, the support polygon and the per-case analyses.

    A product whose lowest point is off the floor, or whose floor contacts span no area, gets a
    ``STAB-NOFLOOR`` error instead.
    """
    cases = [c for c in design.load_cases if c.kind == "stability"]
    zmin, contacts = floor_contacts(design)
    hull = support_polygon(contacts)
    if abs(zmin) > FLOOR_Z_TOL or hull is None:
        why = (f"its lowest point is at z = {zmin:.1f} mm, not on the floor (z = 0)" if abs(zmin) > FLOOR_Z_TOL
               else "its floor contacts do not span an area (it stands on a point or a line)")
        return [Finding("STAB-NOFLOOR", "error", f"the product cannot stand: {why}", "", zmin, 0.0,
                        -abs(zmin), "mm")], hull, {}
    findings, results = [], {}
    for case in cases:
        result = tip_analysis(case, hull, weight_n, com)
        results[case.name] = result
        findings.append(finding_for(result, case, min_margin))
    return findings, hull, results
