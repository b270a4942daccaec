"""Ergonomic fit of a seat or worktop for named figures (:mod:`parametric.figure`): coded findings.

Per figure, on the seat the model declared (``Model.seat``):

- ``ERGO-SEAT-HIGH``: the seat's front edge must be no higher than the figure's popliteal height plus
  shoes, so the feet reach the floor and the edge does not press under the thighs
  (fabrication-reference.md section 4: seat height <= popliteal height + shoes);
  ``ERGO-SEAT-LOW`` warns when it is more than :data:`LOW_MM` lower (knees rise above the hips);
- ``ERGO-SEAT-DEEP``: the seat's front edge must stay clear of the back of the knee when the
  figure sits back (seat depth <= buttock-popliteal length, measured on the posed figure);
- ``ERGO-SEAT-WIDTH``: the seat (per place) at least as wide as the figure's hips sitting; an error
  where arms close the seat in, a warning on an open seat (the hips overhang it);
- ``ERGO-BACK-LOW`` (a warning): a back should reach the top of the figure's lumbar region,
  :data:`LUMBAR` of the trunk above the hip joint, to support it (a lower back is a rail to lean on);
- ``ERGO-RECLINE``: the angle between seat and back within :data:`RECLINE_DEG` (one finding, not
  per figure);
- ``ERGO-COLLIDE`` (:func:`collisions`, the ``collision`` check family, so searches for the other
  codes skip it): the figure, upright and leaning back, pressed less than ``SOFT_MM`` into any part
  (capsules shrunk by that much must not intersect a part);

and on a worktop (``Model.worktop``), ``ERGO-THIGH``: the figure on a seat of its own popliteal
height + shoes, the seat's front edge under the top's edge, must have room for its thighs under
every part above them (vertical rays from the seat up through the thighs).

The fix search (:mod:`parametric.checks.fixes`) suggests parameters for the warnings here as well as
the errors; ``--fix`` fixes the errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..design import Design, Seat
from ..figure import (
    SHOE_MM,
    SOFT_MM,
    capsule_points,
    capsule_radius,
    get_body,
    pose,
    poses,
    recline_deg,
)
from ..tolerances import TOL
from .report import Finding

#: a seat more than this below the figure's popliteal height + shoes lifts the knees (mm): ours
LOW_MM = 100.0
#: comfortable angle between seat and back (degrees): about 100-105 for dining (Pheasant,
#: fabrication-reference.md section 4); 95 and 120 are our bounds, taking in lounge chairs
RECLINE_DEG = (95.0, 120.0)
#: the lumbar region reaches this fraction of the hip-to-shoulder trunk above the hip joint: ours
LUMBAR = 0.3


def resolve_figures(design: Design, figures: Sequence[str] | None = None) -> tuple[str, ...]:
    """The figures to check: ``figures`` when given (validated), else the ones the design is for."""
    if figures is None:
        holder = design.seat or design.worktop
        figures = holder.figures if holder else ()
    for name in figures:
        get_body(name)
    return tuple(dict.fromkeys(figures))


def check_ergonomics(design: Design, figures: Sequence[str] | None = None, meshes: dict | None = None) -> list[Finding]:
    """The fit findings of ``design`` for ``figures`` (default: the ones it is for); the collisions are
    :func:`collisions` (the ``collision`` check family)."""
    names = resolve_figures(design, figures)
    out: list[Finding] = []
    if design.seat is not None and figures is None and design.seat.perched:
        out.append(perch_finding(design.seat))
    if design.seat is not None:
        out += _recline(design.seat)
        for name in names:
            out += seat_fit(design.seat, name)
    if design.worktop is not None:
        for name in names:
            out += [thigh_clearance(design, name, meshes)]
    return out


def perch_finding(seat: Seat) -> Finding:
    """A warning that the edited seat is too high for some figures it is for, so they are not checked
    (a perch: feet on a rail or rung); names the height that would seat them all."""
    limit = min(get_body(f).popliteal + SHOE_MM for f in seat.perched)
    height = seat.front[2]
    return Finding("ERGO-PERCH", "warning", f"the seat's front edge ({height:.0f} mm) is above the popliteal height "
                   f"with shoes of {', '.join(seat.perched)}: checked as a perch (feet on a rail), not for them; "
                   "name a figure (--figure) to check it for someone", "", height, limit, limit - height, "mm",
                   fix=f"decrease the seat height to <= {limit:.0f} mm to seat {', '.join(seat.perched)}")


def seat_fit(seat: Seat, name: str) -> list[Finding]:
    """Seat height, depth, width and back height for one figure."""
    body = get_body(name)
    out = []
    height, limit = seat.front[2], body.popliteal + SHOE_MM
    if height > limit:
        out.append(Finding("ERGO-SEAT-HIGH", "error", f"{name}: the seat's front edge ({height:.0f} mm) is "
                           f"{height - limit:.0f} mm above the popliteal height with shoes ({limit:.0f} mm): the "
                           "feet do not reach the floor and the edge presses under the thighs", "", height, limit,
                           limit - height, "mm", case=name))
    else:
        out.append(Finding("ERGO-SEAT-HIGH", "pass", f"{name}: feet reach the floor ({limit - height:.0f} mm to "
                           f"spare under a {limit:.0f} mm popliteal height with shoes)", "", height, limit,
                           limit - height, "mm", case=name))
        if limit - height > LOW_MM:
            out.append(Finding("ERGO-SEAT-LOW", "warning", f"{name}: the seat is {limit - height:.0f} mm below "
                               f"the popliteal height with shoes ({limit:.0f} mm), more than {LOW_MM:.0f} mm: the "
                               "knees rise above the hips", "", height, limit - LOW_MM, height - (limit - LOW_MM),
                               "mm", case=name))
    p = poses(seat, name)[0]  # the upright pose the stability cases made: its sitting depth is every place's
    clear = p.popliteal_clearance
    out.append(Finding("ERGO-SEAT-DEEP", "error" if clear < 0 else "pass",
                       f"{name}: " + (f"the seat's front edge reaches {-clear:.0f} mm past the back of the knee "
                                      "when sitting back: the seat is too deep" if clear < 0 else
                                      f"the seat's front edge is {clear:.0f} mm clear of the back of the knee"),
                       "", p.sitting_depth, body.buttock_popliteal, clear, "mm", case=name))
    hips = body.hip_breadth
    if seat.width < hips:
        severity = "error" if seat.arms else "warning"
        why = "the arms pinch the hips" if seat.arms else "the hips overhang the seat"
        out.append(Finding("ERGO-SEAT-WIDTH", severity, f"{name}: the seat ({seat.width:.0f} mm per place) is "
                           f"narrower than the hips sitting ({hips:.0f} mm): {why}", "", seat.width, hips,
                           seat.width - hips, "mm", case=name))
    else:
        out.append(Finding("ERGO-SEAT-WIDTH", "pass", f"{name}: the seat is {seat.width - hips:.0f} mm wider than "
                           "the hips sitting", "", seat.width, hips, seat.width - hips, "mm", case=name))
    if seat.back_top is not None:
        rise = seat.back_top[2] - seat.back[2]
        need = body.thigh_clearance / 2 + LUMBAR * body.length("trunk")
        out.append(Finding("ERGO-BACK-LOW", "warning" if rise < need else "pass",
                           f"{name}: the back reaches {rise:.0f} mm above the seat's rear, "
                           + (f"below the lumbar region's top ({need:.0f} mm)" if rise < need
                              else f"{rise - need:.0f} mm above the lumbar region's top"),
                           "", rise, need, rise - need, "mm", case=name))
    return out


def _recline(seat: Seat) -> list[Finding]:
    angle = recline_deg(seat)
    if angle is None:
        return []
    lo, hi = RECLINE_DEG
    margin = min(angle - lo, hi - angle)
    if margin < 0:
        what = "upright" if angle < lo else "reclined"
        return [Finding("ERGO-RECLINE", "error", f"the back is {angle:.0f} degrees from the seat, too {what} to lean "
                        f"on (comfortable: {lo:.0f}-{hi:.0f})", "", angle, lo if angle < lo else hi, margin, "deg")]
    return [Finding("ERGO-RECLINE", "pass", f"the back is {angle:.0f} degrees from the seat (comfortable: "
                    f"{lo:.0f}-{hi:.0f})", "", angle, lo if angle - lo < hi - angle else hi, margin, "deg")]


def collisions(design: Design, names: Sequence[str], meshes: dict | None = None,
               manifolds: dict | None = None) -> list[Finding]:
    """ERGO-COLLIDE: each figure, upright and (with a back) leaning back, against every part (bounding
    boxes first, then the exact proofs of :mod:`.clearance` that a capsule misses a part, then exact
    manifold3d volumes of the rest; a segment placed alike in both postures is tested once).
    ``manifolds``: the parts' solids when the caller shares them (:class:`parametric.mesh.Manifolds`), else
    made from ``meshes`` or the parts; either must be the parts' own extrusions (:func:`parametric.mesh.part_mesh`),
    as the proofs that skip a boolean read the parts."""
    from ..mesh import Manifolds, PartMeshes
    from .clearance import PartSlabs

    if manifolds is None:  # the solids of the few parts a capsule may press into, made when first needed
        manifolds = Manifolds(meshes if meshes else PartMeshes(design))
    postures = ("upright", "lean_back") if design.seat.back_top is not None else ("upright",)
    placed = {(name, posture): _keyed(name, [seg for p in poses(design.seat, name, posture) for seg in p.segments])
              for name in names for posture in postures}
    segments: dict[tuple, object] = {}  # one per figure and placement: the first posture's
    for segs in placed.values():
        for key, seg in segs:
            segments.setdefault(key, seg)
    volumes = dict(zip(segments, _pressed(list(segments.values()), PartSlabs(design.parts), manifolds)))
    out = []
    for name in names:
        hits: dict[str, tuple[float, set]] = {}
        for posture in postures:
            for key, seg in placed[name, posture]:
                for part, volume in volumes[key].items():
                    worst, where = hits.get(part, (0.0, set()))
                    where.add(f"{seg.name.split('-')[0].replace('_', ' ')} ({posture.replace('_', ' ')})")
                    hits[part] = (max(worst, volume), where)
        for part, (volume, where) in sorted(hits.items()):
            out.append(Finding("ERGO-COLLIDE", "error", f"{name}: {', '.join(sorted(where))} press(es) into {part} "
                               f"(up to {volume / 1000:.1f} cm^3 beyond {SOFT_MM:.0f} mm of soft tissue)", part, volume,
                               TOL.overlap_volume, TOL.overlap_volume - volume, "mm^3", case=name))
        if not hits:
            out.append(Finding("ERGO-COLLIDE", "pass", f"{name}: sits clear of every part ({' and '.join(postures)})",
                               "", 0.0, TOL.overlap_volume, TOL.overlap_volume, "mm^3", case=name))
    return out


def _keyed(name: str, segs: list) -> list[tuple[tuple, object]]:
    """``(key, segment)`` pairs, the key the figure and the segment's placement (ends to 1e-6 mm, radius)."""
    ends = np.round(np.array([np.concatenate([s.p0, s.p1]) for s in segs], dtype=float).reshape(-1, 6), 6)
    return [((name, *e, s.radius), s) for e, s in zip(ends.tolist(), segs)]


def _pressed(segments: list, slabs, manifolds) -> list[dict[str, float]]:
    """Per segment, part name -> the volume (mm^3) its shrunk capsule takes out of the part, for the parts
    it presses into by more than ``TOL.overlap_volume``: bounding boxes, then the proofs of
    :mod:`.clearance`, then exact manifold3d booleans of the pairs left."""
    import manifold3d

    out: list[dict[str, float]] = [{} for _ in segments]
    if not segments:
        return out
    p0, p1 = np.array([s.p0 for s in segments], float), np.array([s.p1 for s in segments], float)
    radius = np.array([capsule_radius(s, SOFT_MM) for s in segments])
    seg_i, part_i = slabs.near(p0, p1, radius)
    left = ~slabs.clear(p0[seg_i], p1[seg_i], radius[seg_i], part_i)
    seg_i, part_i = seg_i[left], part_i[left]
    for i in np.unique(seg_i):
        solid = manifold3d.Manifold.hull_points(capsule_points(segments[i], shrink=SOFT_MM))
        for j in part_i[seg_i == i]:
            volume = (solid ^ manifolds[slabs.names[j]]).volume()
            if volume > TOL.overlap_volume:
                out[i][slabs.names[j]] = volume
    return out


def thigh_clearance(design: Design, name: str, meshes: dict | None = None) -> Finding:
    """ERGO-THIGH: the room above the thighs of ``name`` seated at the worktop's edge (mm)."""
    from ..mesh import design_meshes, product_mesh

    body, top = get_body(name), design.worktop
    edge, inward = np.asarray(top.edge, float), np.array([*top.inward, 0.0])
    seat_z = body.popliteal + SHOE_MM
    seat = Seat(front=(edge[0], edge[1], seat_z), back=tuple(edge - inward * 400.0 + [0, 0, seat_z - edge[2]]),
                width=body.hip_breadth)
    placed = pose(body, seat)
    thighs = [s for s in placed.segments if s.name.startswith("thigh")]
    mesh = product_mesh(design, meshes or design_meshes(design))
    starts = np.array([s.p0 + f * (s.p1 - s.p0) for s in thighs for f in np.linspace(0.0, 1.0, 9)])
    starts[:, 2] = seat_z  # from the seat, up through the thigh
    thick = body.thigh_clearance
    room = np.array([first_hit_above(mesh.triangles, pt) for pt in starts]) - seat_z - thick
    gap = float(room.min())
    if not np.isfinite(gap):
        return Finding("ERGO-THIGH", "pass", f"{name}: nothing above the thighs at the edge", "", None, 0.0, None,
                       "mm", case=name)
    if gap < 0:
        return Finding("ERGO-THIGH", "error", f"{name}: seated at the edge (seat {seat_z:.0f} mm), the thighs "
                       f"({thick:.0f} mm thick) hit the underside {-gap:.0f} mm too low", "", gap, 0.0, gap, "mm",
                       case=name)
    return Finding("ERGO-THIGH", "pass", f"{name}: {gap:.0f} mm above the thighs under the top (seat {seat_z:.0f} mm)",
                   "", gap, 0.0, gap, "mm", case=name)


def first_hit_above(triangles: np.ndarray, point: np.ndarray) -> float:
    """The lowest z above ``point`` where a vertical ray from it meets one of ``triangles`` (``(n, 3, 3)``),
    or infinity (barycentric test in plan, numpy)."""
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    v0, v1, v2 = (b - a)[:, :2], (c - a)[:, :2], point[:2] - a[:, :2]
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    ok = np.abs(den) > 1e-12
    den = np.where(ok, den, 1.0)
    u = (v2[:, 0] * v1[:, 1] - v1[:, 0] * v2[:, 1]) / den
    v = (v0[:, 0] * v2[:, 1] - v2[:, 0] * v0[:, 1]) / den
    inside = ok & (u >= 0) & (v >= 0) & (u + v <= 1)
    z = a[:, 2] + u * (b[:, 2] - a[:, 2]) + v * (c[:, 2] - a[:, 2])
    hits = z[inside & (z >= point[2])]
    return float(hits.min()) if len(hits) else float("inf")
