"""Mass properties and tipping stability under the model's load cases.

Tipping test (fabrication-reference.md section 4, ours): the resultant's floor point is
``cop = (sum W_i p_i + sum z_i H_i) / sum W_i`` over the vertical loads W_i (self weight at the
centre of mass included) and the horizontal forces H_i at heights z_i. The design is stable when
``cop`` lies inside the convex hull of the floor contacts; the margin is its signed distance to
the nearest hull edge (negative outside), and the extra horizontal force that would tip it about
that edge is ``margin * sum W_i / z``. Load values and points come from each model (EN 1022:2018,
ISO 7174-1 for seating).

Where a case pushes sideways, the edge it tips about and the extra force are taken along the
push: from the floor point of the vertical loads alone, a ray in the push's direction leaves
the support polygon through the tipping edge, and the push that carries the resultant there is
``distance * sum W_i / z``; the extra force is that minus the push already applied. Every
product is also checked alone (self weight only, ``STAB-ALONE``: :func:`alone_case`), and a
push that would slide the product before tipping it is a ``STAB-SLIDE`` warning.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import ConvexHull, QhullError
from shapely.geometry import LineString, Point, Polygon

from ..design import Design, LoadCase
from ..loads import FLOOR_MU
from .report import Finding

G = 9.81
#: a vertex this close to the lowest point touches the floor (mm)
FLOOR_TOL = 0.5
#: tipping margin required by default, mm (reference: 10-20 mm)
MIN_MARGIN_MM = 10.0
#: stable codes for the usual seating cases; other cases get STAB-<NAME>
CASE_CODES = {"front_edge": "STAB-FRONT", "lean_back": "STAB-REAR", "sideways": "STAB-SIDE",
              "seated": "STAB-SEATED", "alone": "STAB-ALONE"}


def alone_case() -> LoadCase:
    """The product standing on its own: self weight only (added for every model by the checks)."""
    return LoadCase("alone", (), standard="self weight only")


def case_code(case: LoadCase) -> str:
    """The stable finding code of a stability load case (its own ``code`` when it has one)."""
    if case.code:
        return case.code
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


def _push_exit(hull: Polygon, start: np.ndarray, direction: np.ndarray) -> tuple[float, LineString]:
    """Distance from ``start`` (inside ``hull``) along ``direction`` to the hull's boundary, and the
    edge it leaves through."""
    size = math.hypot(*(np.asarray(hull.bounds[2:]) - np.asarray(hull.bounds[:2]))) + 1.0
    ray = LineString([start, start + direction * size])
    coords = np.asarray(hull.exterior.coords)
    best = (math.inf, LineString(coords[:2]))
    for i in range(len(coords) - 1):
        edge = LineString(coords[i:i + 2])
        hit = ray.intersection(edge)
        if not hit.is_empty:
            d = Point(start).distance(hit)
            if d < best[0]:
                best = (d, edge)
    return best


def _slide(case: LoadCase, w_sum: float, push: float, extra: float) -> Finding | None:
    """STAB-SLIDE for a case that pushes: a warning when friction (mu x the vertical load) gives way
    before the product tips, else a pass with the grip to spare (N); None when nothing pushes."""
    if push <= 0:
        return None
    grip, tip = FLOOR_MU * w_sum, push + extra
    if grip >= tip:
        return Finding("STAB-SLIDE", "pass", f"{case.name}: tips at {tip:.0f} N before the floor's grip "
                       f"({grip:.0f} N at friction {FLOOR_MU:g}) lets it slide", "", float(grip), float(tip),
                       float(grip - tip), "N", case=case.name)
    what = "already slides under this load" if grip < push else f"slides at {grip:.0f} N, before it tips"
    return Finding("STAB-SLIDE", "warning", f"{case.name}: on a floor with friction {FLOOR_MU:g} the product {what} "
                   f"({tip:.0f} N would tip it): it will skid rather than fall; a non-slip foot or a wall fixing "
                   "holds it", "", float(grip), float(tip), float(grip - tip), "N", case=case.name)


def check_case(case: LoadCase, hull: Polygon, mass_kg: float, com: np.ndarray,
               min_margin: float) -> tuple[Finding, tuple[float, float]]:
    """Tip test of one load case; returns the finding and the resultant's floor point.

    The finding's ``edge`` and ``tip_force`` are taken along the case's push (see the module
    docstring); a case without one (self weight, a load straight down) tips over the nearest edge,
    pushed at the height of its highest load (or the centre of mass)."""
    return check_case_slide(case, hull, mass_kg, com, min_margin)[:2]


def check_case_slide(case: LoadCase, hull: Polygon, mass_kg: float, com: np.ndarray,
                     min_margin: float) -> tuple[Finding, tuple[float, float], Finding | None]:
    """:func:`check_case` plus this case's STAB-SLIDE finding (None when nothing pushes or a restraint
    holds the product)."""
    weight = mass_kg * G
    w_sum, moment = weight, weight * com[:2]
    push_xy, push_moment = np.zeros(2), np.zeros(2)
    tip_heights = []
    for point, force in case.loads:
        p, f = np.asarray(point, dtype=float), np.asarray(force, dtype=float)
        down = -f[2]
        w_sum += down
        moment = moment + down * p[:2]
        push_moment = push_moment + p[2] * f[:2]
        push_xy = push_xy + f[:2]
        if np.hypot(*f[:2]) > 0:
            tip_heights.append(p[2])
    still = moment / w_sum  # the floor point of the vertical loads alone
    cop = (moment + push_moment) / w_sum
    point = Point(cop)
    ring = hull.exterior
    inside = hull.covers(point)
    dist = ring.distance(point)
    margin = dist if inside else -dist
    coords = np.asarray(ring.coords)
    edges = [LineString(coords[i:i + 2]) for i in range(len(coords) - 1)]
    z = max(tip_heights) if tip_heights else max([p[2] for p, _ in case.loads] + [float(com[2])])
    push = float(np.hypot(*push_xy))
    if push > 0 and hull.covers(Point(still)) and z > 0:
        reach, edge = _push_exit(hull, still, push_xy / push)
        extra = reach * w_sum / z - push
    else:
        edge = min(edges, key=lambda e: e.distance(point))
        extra = margin * w_sum / z if z > 0 else math.inf
    where = _edge_name(edge, hull.centroid)
    code = case_code(case)
    at = f"{z:.0f} mm" + (" along the push" if push > 0 else "")
    if margin < min_margin and case.restraint:
        severity, msg = "warning", (f"{case.name}: standing free it would tip over its {where} edge (resultant "
                                    f"{margin:.0f} mm from it, {min_margin:.0f} mm needed; the push tips it at "
                                    f"{push + extra:.0f} N): {case.restraint} must hold it")
    elif margin < 0:
        severity, msg = "error", (f"{case.name}: tips over its {where} edge; the load's resultant lands "
                                  f"{-margin:.0f} mm outside the feet")
    elif margin < min_margin:
        severity, msg = "error", (f"{case.name}: only {margin:.0f} mm from tipping over its {where} edge "
                                  f"(at least {min_margin:.0f} mm needed); {extra:.0f} N more at {at} would tip it")
    else:
        severity, msg = "pass", (f"{case.name}: stable, {margin:.0f} mm inside the nearest edge; "
                                 f"{extra:.0f} N more at {at} would tip it over its {where} edge")
    finding = Finding(code, severity, msg + (f" ({case.standard})" if case.standard else ""), "",
                      float(margin), float(min_margin), float(margin - min_margin), "mm", case=case.name,
                      edge=where, tip_force=float(extra))
    slide = None if case.restraint else _slide(case, w_sum, push, float(extra))
    return finding, (float(cop[0]), float(cop[1])), slide
