"""Fit after toolpath preparation: the play a maker will feel at every joint (``FIT-PLAY``).

The design's joints are exact (slot = mating thickness + clearance); what the machine leaves is
not: a dogbone eats a few tenths of each wall at a corner, and on a 3 mm finger with a 6 mm bit
it eats the whole wall. Here the *finished* outlines of both mating parts (reliefs included,
laser kerf offset undone: :attr:`fabrication.toolpath.CutPart.finished`) are measured where the
parts meet, and compared with the design.

Play at the face: along the direction the joint locates (along the edge for fingers and tabs,
across the slot for cross-laps and through-slots), the width of the void (notch, slot, hole)
minus the width of what goes in it (finger, tab, mating plate), each taken as the median of its
profile over the mating depth: the walls must bear over at least half their depth
(:data:`fabrication.toolpath.BEARING`), so a relief that eats a short wall whole counts fully, and
one that nicks the bottom of a long slot does not. The limit is the machine's ``fit_play``
(fabrication-reference.md section 2, slot fit). Each measurement also reports the depth the
part's reliefs add beyond the drawn void (a T-bone deepens a notch by about the bit's radius).

``fit_findings(design, cut_parts, machine)`` takes the ``{name: CutPart}`` mapping the bundle
already computes and returns :class:`parametric.checks.report.Finding` objects for ``check.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon

from parametric.checks.chords import Chords, edge_arrays, stacked_edges, window_chords
from parametric.checks.manufacturability import joint_axes
from parametric.checks.report import Finding
from parametric.design import Design, Joint
from parametric.memo import wkb
from parametric.part import FlatPart

from .machines import Machine
from .relief import relief_areas, relief_depth, relief_depths
from .toolpath import CutPart

#: depth samples per measured profile
SAMPLES = 17
#: keep the sample lines this far inside the mating depth (mm), off the corners themselves
EDGE_EPS = 0.02


@dataclass(frozen=True)
class Fit:
    """The measured fit of one void in ``part`` around what ``mate`` puts in it.

    Attributes:
        kind: the joint kind (``finger``, ``cross_lap``, ``tab``).
        part: the part with the void (notch, slot, hole); mate: the part that goes in.
        direction: ``"along"`` (the joint line) or ``"across"`` it.
        play: finished void width minus finished mate width at the face (mm, median over depth).
        design_play: the same on the drawn outlines (the clearance, mm).
        relief_depth: how far the part's reliefs cut beyond the drawn void near this joint (mm).
        where: the void's centre, part-local mm.
    """

    kind: str
    part: str
    mate: str
    direction: str
    play: float
    design_play: float
    relief_depth: float
    where: tuple[float, float]


def _unit(v) -> np.ndarray:
    """``v``'s first two components scaled to length 1."""
    x, y = float(v[0]), float(v[1])
    n = math.hypot(x, y)
    return np.array([x / n, y / n])


def _edges_of(memo: dict, poly) -> tuple[np.ndarray, np.ndarray]:
    """``poly``'s edge arrays (:func:`parametric.checks.chords.edge_arrays`), made once per polygon
    object in one :func:`measure_fits` call."""
    return _per_polygon(memo, poly, "edges", edge_arrays)


def _sample(stacked: tuple, origin, along, across, s0: float, s1: float, y0: float, y1: float) -> list[Chords]:
    """Chords of each polygon of ``stacked`` (:func:`_stacked`) along ``along`` over ``[s0, s1]`` at
    :data:`SAMPLES` depths ``y0..y1`` (along ``across``), all in one compiled call."""
    return window_chords(stacked, origin, along, across, s0, s1, y0 + EDGE_EPS, y1 - EDGE_EPS, SAMPLES)


def _stacked(memo: dict, *polys) -> tuple:
    """The edge arrays of ``polys`` stacked for :func:`_sample` (:func:`parametric.checks.chords.stacked_edges`),
    made once per tuple of polygon objects in one :func:`measure_fits` call."""
    return _per_polygon(memo, polys, "stacked", lambda ps: stacked_edges([_edges_of(memo, p) for p in ps]))


def _edges(sampled: Chords, centre: float, void: bool) -> tuple[float | None, float | None]:
    """Median positions (from the window's start) of the two walls of the material (or, with
    ``void``, the gap) interval holding ``centre``; a side is None where the interval runs to the
    window's end in most samples (no wall there: an open corner)."""
    left, right, n = sampled.median_walls(centre, void)
    if n * 2 < len(sampled):
        return None, None
    return (left if left > 1e-6 else None), (right if right < sampled.length[0] - 1e-6 else None)


def _gap(void: tuple, solid: tuple) -> float | None:
    """Play between a void's walls and the walls of what sits in it, over the sides both have."""
    sides = [(solid[0], void[0]), (void[1], solid[1])]
    gaps = [hi - lo for hi, lo in sides if hi is not None and lo is not None]
    return float(sum(gaps)) if gaps else None


def _relief_depth(memo: dict, part: FlatPart, finished: Polygon, near: Polygon) -> float:
    """How far the finished outline's extra cuts reach beyond the drawn voids, near ``near`` (mm)
    (:func:`fabrication.relief.relief_depth`, the part's pieces made once per :func:`measure_fits` call)."""
    return relief_depth(_relief_areas(memo, part, finished), part.outline, near)


def _relief_areas(memo: dict, part: FlatPart, finished: Polygon) -> tuple:
    """:func:`fabrication.relief.relief_areas` of the part's drawn and ``finished`` outlines, made once per
    :func:`measure_fits` call."""
    return _per_polygon(memo, (part.outline, finished), "relief", relief_areas)


def _finger_fits(design: Design, joint: Joint, cut: dict[str, Polygon], arcs: dict[str, float],
                 memo: dict) -> list[Fit]:
    """Fingers of each part in the other's notches: the play along the joint at every finger."""
    fits = []
    geo = {}
    for part, other in ((design.part(joint.a), design.part(joint.b)), (design.part(joint.b), design.part(joint.a))):
        o = part.frame.to_local([joint.point])[0, :2]
        d = _unit(part.frame.dir_to_local(joint.direction))
        perp = np.array([-d[1], d[0]])
        half = other.thickness / 2
        window = (o, d, perp, joint.lo, joint.hi, -half, half)
        band = Polygon([o + joint.lo * d - half * perp, o + joint.hi * d - half * perp,
                        o + joint.hi * d + half * perp, o + joint.lo * d + half * perp])
        drawn, finished = _sample(_stacked(memo, part.outline, cut[part.name]), *window)
        geo[part.name] = {"drawn": drawn, "cut": finished, "o": o, "d": d, "band": band}
    for p_name, m_name in ((joint.a, joint.b), (joint.b, joint.a)):
        gp, gm = geo[p_name], geo[m_name]
        depth = _relief_depth(memo, design.part(p_name), cut[p_name], gp["band"].buffer(design.part(m_name).thickness))
        mid = gm["drawn"].line(len(gm["drawn"]) // 2)  # the mate's drawn fingers at mid-depth
        for a, b in mid:
            c = (a + b) / 2
            drawn = _gap(_edges(gp["drawn"], c, True), _edges(gm["drawn"], c, False))
            play = _gap(_edges(gp["cut"], c, True), _edges(gm["cut"], c, False))
            if drawn is None or play is None:
                continue
            where = gp["o"] + (joint.lo + c) * gp["d"]
            fits.append(Fit("finger", p_name, m_name, "along", play, drawn, depth, (float(where[0]), float(where[1]))))
    return fits


def _slot_sides(design: Design, joint: Joint, arcs: dict[str, float], axes: dict, keys: dict,
                windows: dict) -> list[tuple]:
    """Both sides of a cross-lap, to measure across each part's slot: ``(key, part, mate, where)`` each (the
    measurement is :func:`_measure_slots`' under ``key``). A key is the part's drawn and finished outlines
    (``keys``: their WKB by part name) and the slot's place in them, so equal parts (a chair's ribs) are
    measured once per slot; the first window of a key is kept in ``windows``. ``axes``: the joint's line in
    each part (:func:`parametric.checks.manufacturability.joint_axes`, this joint's entries)."""
    out = []
    sin = max(math.sin(math.radians(joint.angle_deg)), 1e-6)
    cot = abs(math.cos(math.radians(joint.angle_deg))) / sin
    sides = ((joint.a, joint.b, joint.a_opens == "lo"), (joint.b, joint.a, joint.a_opens != "lo"))
    for p_name, m_name, opens_lo in sides:
        part, mate = design.part(p_name), design.part(m_name)
        (px, py), (vx, vy) = (v.tolist() for v in axes[p_name])  # plain floats: numpy's numbers, less overhead
        n = math.hypot(vx, vy)
        dx, dy = vx / n, vy / n
        need = mate.thickness / sin + part.thickness * cot
        s0, s1 = (joint.lo, joint.mid) if opens_lo else (joint.mid, joint.hi)
        half = need + 4.0 + 2 * arcs.get(p_name, 0.0)
        # the window from where the slot starts: equal slots, equal keys
        ox, oy, s0, s1 = px + s0 * dx, py + s0 * dy, 0.0, s1 - s0
        key = (*keys[p_name], round(ox, 6), round(oy, 6), round(dx, 9), round(dy, 9), round(need, 6),
               round(s1, 6), round(half, 6))
        if key not in windows:
            windows[key] = (p_name, (ox, oy), (dx, dy), need, s1, half)
        centre = (s0 + s1) / 2
        out.append((key, p_name, m_name, (float(ox + centre * dx), float(oy + centre * dy))))
    return out


def _measure_slots(design: Design, cut: dict[str, Polygon], memo: dict, windows: dict) -> dict:
    """The play across each slot of ``windows`` (:func:`_slot_sides`), at each sampled depth, and the depth
    the part's reliefs add there (None where a sample finds no wall): ``{key: (plays, depth)}``. Each
    part's windows are sampled one by one, and their relief depths measured together
    (:func:`fabrication.relief.relief_depths`)."""
    out: dict = {}
    by_part: dict[str, list] = {}
    for key, (p_name, *window) in windows.items():
        by_part.setdefault(p_name, []).append((key, *window))
    for p_name, slots in by_part.items():
        part = design.part(p_name)
        stacked = _stacked(memo, part.outline, cut[p_name])
        rings, reliefs = [], []
        for key, (ox, oy), (dx, dy), need, s1, half in slots:
            qx, qy = -dy, dx  # across the slot
            mate_walls = (half - need / 2, half + need / 2)
            sampled = _sample(stacked, (ox, oy), (qx, qy), (dx, dy), -half, half, 0.0, s1)
            plays = [_gap(_edges(ch, half, True), mate_walls) for ch in sampled]
            out[key] = plays, None
            if None not in plays:  # the window's corners, as numpy would add the vectors up
                x0, y0, x1, y1 = ox + 0.0 * dx, oy + 0.0 * dy, ox + s1 * dx, oy + s1 * dy
                rings.append([(x0 - half * qx, y0 - half * qy), (x1 - half * qx, y1 - half * qy),
                              (x1 + half * qx, y1 + half * qy), (x0 + half * qx, y0 + half * qy),
                              (x0 - half * qx, y0 - half * qy)])
                reliefs.append(key)
        if reliefs:
            areas = _relief_areas(memo, part, cut[p_name])
            for key, depth in zip(reliefs, relief_depths(areas, part.outline, np.array(rings))):
                out[key] = out[key][0], depth
    return out


def _per_polygon(memo: dict, poly, what: str, make):
    """``make(poly)``, remembered in ``memo`` per polygon object (or tuple of them; the objects are kept,
    so their ids stay their own while the memo lives)."""
    objs = poly if isinstance(poly, tuple) else (poly,)
    key = (what, *map(id, objs))
    found = memo.get(key)
    if found is None or any(kept is not obj for kept, obj in zip(found[0], objs)):
        found = memo[key] = (objs, make(poly))
    return found[1]


def _tab_fits(design: Design, joint: Joint, cut: dict[str, Polygon], arcs: dict[str, float],
              memo: dict) -> list[Fit]:
    """Tabs of ``a`` through the holes of ``b``: along the edge (hole length vs tab width) and
    across (hole width vs a's thickness)."""
    a, b = design.part(joint.a), design.part(joint.b)
    ob = b.frame.to_local([joint.point])[0, :2]
    db = _unit(b.frame.dir_to_local(joint.direction))
    pb = np.array([-db[1], db[0]])
    oa = a.frame.to_local([joint.point])[0, :2]
    da = _unit(a.frame.dir_to_local(joint.direction))
    pa = np.array([-da[1], da[0]])
    fits = []
    for ring in b.outline.interiors:
        hole = Polygon(ring)
        c = np.asarray(hole.centroid.coords[0])
        s_c, y_c = float((c - ob) @ db), float((c - ob) @ pb)
        if abs(y_c) > a.thickness + 1.0 or not joint.lo - 2 * joint.width_b <= s_c <= joint.hi + 2 * joint.width_b:
            continue
        xy = np.asarray(ring.coords)
        s_min, s_max = float(((xy - ob) @ db).min()), float(((xy - ob) @ db).max())
        y_min, y_max = float(((xy - ob) @ pb).min()), float(((xy - ob) @ pb).max())
        pad = 2 * b.thickness + 10
        s0, s1 = s_min - pad, s_max + pad
        # the tab's side of a's edge line: where a's drawn material around s_c is the short tab
        sides = {}
        for sg in (1.0, -1.0):
            y0, y1 = sorted((0.0, sg * b.thickness))
            (tab,) = _sample(_stacked(memo, a.outline), oa, da, pa, s0, s1, y0, y1)
            left, right = _edges(tab, s_c - s0, False)
            sides[sg] = (right - left) if left is not None and right is not None else math.inf
        y0, y1 = sorted((0.0, min(sides, key=sides.get) * b.thickness))
        depth = _relief_depth(memo, b, cut[b.name], hole.buffer(2 * b.thickness + 1.0))
        along, across = [], []
        for poly_b, poly_a in ((b.outline, a.outline), (cut[b.name], cut[a.name])):
            poly_b, poly_a = _stacked(memo, poly_b), _stacked(memo, poly_a)
            hole_walls = _edges(_sample(poly_b, ob, db, pb, s0, s1, y_min, y_max)[0], s_c - s0, True)
            tab_walls = _edges(_sample(poly_a, oa, da, pa, s0, s1, y0, y1)[0], s_c - s0, False)
            along.append(_gap(hole_walls, tab_walls))
            w0 = y_min - pad
            across_walls = _edges(_sample(poly_b, ob, pb, db, w0, y_max + pad, s_min, s_max)[0], y_c - w0, True)
            across.append(_gap(across_walls, (-a.thickness / 2 - w0, a.thickness / 2 - w0)))
        for direction, (design_play, play) in (("along", along), ("across", across)):
            if design_play is not None and play is not None:
                fits.append(Fit("tab", b.name, a.name, direction, play, design_play, depth, (float(c[0]), float(c[1]))))
    return fits


def measure_fits(design: Design, cut_parts: dict[str, CutPart]) -> list[Fit]:
    """Every joint's fit on the prepared parts (finger, cross-lap and tab joints; glue has none), in the
    design's joint order."""
    out: list = []
    cut = {n: c.finished for n, c in cut_parts.items()}
    arcs = {n: max((a[2] for a in c.arcs), default=0.0) for n, c in cut_parts.items()}
    memo: dict = {}
    axes = joint_axes(design)
    keys: dict[str, tuple[bytes, bytes]] = {}
    windows: dict = {}
    for i, joint in enumerate(design.joints):
        if joint.a not in cut_parts or joint.b not in cut_parts:
            continue
        if joint.kind == "finger":
            out.extend(_finger_fits(design, joint, cut, arcs, memo))
        elif joint.kind == "cross_lap":
            for name in (joint.a, joint.b):
                if name not in keys:
                    keys[name] = (wkb(design.part(name).outline), wkb(cut[name]))
            out.extend(_slot_sides(design, joint, arcs, {n: axes[i, n] for n in (joint.a, joint.b)}, keys, windows))
        elif joint.kind == "tab":
            out.extend(_tab_fits(design, joint, cut, arcs, memo))
    if not windows:
        return out
    slots = _measure_slots(design, cut, memo, windows)
    fits = []
    for f in out:
        if isinstance(f, Fit):
            fits.append(f)
            continue
        key, p_name, m_name, where = f
        plays, depth = slots[key]
        if None not in plays:
            fits.append(Fit("cross_lap", p_name, m_name, "across", plays[1], plays[0], depth, where))
    return fits


#: plays within this (mm) of each other count as equal when picking the worst fit: far below what a
#: machine can cut, far above the last-bit noise of the arithmetic (~1e-13 mm)
PLAY_TIE = 1e-9


def worst_fit(fits: list[Fit]) -> Fit:
    """The fit of ``fits`` with the most play; among those within :data:`PLAY_TIE` of it, the first in
    ``fits``' order (which :func:`measure_fits` takes from the design's joints, not from the arithmetic),
    so the pick, and the message naming it, never hang on the last bit of a play."""
    if not fits:
        raise ValueError("worst_fit needs at least one fit: measure the joints first (measure_fits)")
    most = max(f.play for f in fits)
    return next(f for f in fits if f.play >= most - PLAY_TIE)


def fit_findings(design: Design, cut_parts: dict[str, CutPart], machine: Machine) -> list[Finding]:
    """``FIT-PLAY`` findings for ``check.json``: one error per part pair whose worst play at the face
    exceeds ``machine.fit_play``, with the measured play, the limit and a fix; else one pass.

    Args:
        design: the design the parts come from.
        cut_parts: ``{part name: CutPart}`` as :func:`fabrication.toolpath.prepare` made them.
        machine: the machine they were prepared for (its ``fit_play`` is the limit).
    """
    limit = float(machine.fit_play)
    fits = measure_fits(design, cut_parts)
    if not fits:
        return [Finding("FIT-PLAY", "pass", "no slotted, tabbed or finger joints to fit", unit="mm")]
    pairs: dict[tuple[str, str], list[Fit]] = {}
    for f in fits:
        pairs.setdefault((f.part, f.mate), []).append(f)
    worst = {key: worst_fit(group) for key, group in pairs.items()}
    out = []
    for (part, mate), f in sorted(worst.items()):
        if f.play <= limit + 1e-9:
            continue
        added = f.play - f.design_play
        if machine.is_router and added > 0.05:
            fix = ("export with relief 'auto' (or 'tbone'), which keeps the walls a finger or tab bears on, or use a "
                   f"smaller bit than {machine.tool_diameter:g} mm")
            why = f"the reliefs add {added:.2f} mm and cut {f.relief_depth:.1f} mm beyond the drawn corner"
        else:
            fix = f"reduce the clearance by {f.play - limit:.2f} mm"
            why = f"the drawn clearance is {f.design_play:.2f} mm"
        out.append(Finding("FIT-PLAY", "error", f"the {f.kind} joint of {mate} in {part} has {f.play:.2f} mm of play "
                           f"{f.direction} the joint at ({f.where[0]:.0f}, {f.where[1]:.0f}) mm, more than the "
                           f"{limit:g} mm {machine.name} allows: {why}", f"{part} + {mate}", float(f.play), limit,
                           float(limit - f.play), "mm", fix=fix))
    if not out:
        top = worst_fit(fits)
        out.append(Finding("FIT-PLAY", "pass", f"every joint fits: worst play {top.play:.2f} mm ({top.mate} in "
                           f"{top.part}), at most {limit:g} mm", f"{top.part} + {top.mate}", float(top.play), limit,
                           float(limit - top.play), "mm"))
    return out
