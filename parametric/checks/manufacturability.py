"""Can every part be cut and assembled? Necks, slot depths, sheet size, slivers, connectivity, sliding.

Limits (fabrication-reference.md section 2): router bridges and necks >= max(2 x bit, T) (ours);
laser widths >= T; parts under 6 mm can drop through a laser bed (Ponoko).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from ..design import Design, Joint
from ..memo import wkb
from ..part import FlatPart
from .chords import chords, edge_arrays, grazes
from .report import Finding

SLIVER_MM = 6.0
MIN_THICKNESS_MM = 0.5


def min_feature(part: FlatPart, tool_diameter: float) -> float:
    """Smallest width a neck or strip of this part may have (mm)."""
    return max(2.0 * tool_diameter, part.thickness)


def eroded(part: FlatPart, limit: float):
    """The part's outline shrunk by half of ``limit`` (mitre joins: corners stay sharp), for the
    strip opening."""
    return part.outline.buffer(-limit / 2, join_style="mitre")


#: a neck must be this much narrower than the pieces it joins (each piece's own width >= this
#: factor x the neck), so the root of a finger or a corner cube is not a neck (ours)
NECK_RATIO = 1.25
#: the fixed grid of widths the neck search steps through (mm): tool-independent, so a larger bit
#: sees every neck a smaller one sees (monotonic)
NECK_STEP = 0.5


def _splits(outline, width: float) -> bool:
    """True when eroding by ``width / 2`` (round joins: a Euclidean erosion, so a diagonal neck is
    measured across its true width, not along the axes of its corners) leaves two or more pieces
    each at least ``NECK_RATIO`` x ``width`` wide (the piece's largest inscribed circle plus the
    erosion)."""
    shape = outline.buffer(-width / 2)
    pieces = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type == "Polygon" and not g.is_empty]
    if len(pieces) < 2:
        return False
    need = (NECK_RATIO - 1.0) * width / 2
    big = [g for g in pieces if shapely.maximum_inscribed_circle(g, max(need, 1e-3) / 4).length >= need]
    return len(big) >= 2


def opening_loss(part: FlatPart, limit: float, shrunk=None):
    """What a morphological opening by ``limit`` takes off the outline: the outline less its erosion by
    ``limit / 2`` (``shrunk``, :func:`eroded`, when the caller has it) grown back, both mitred (grown 1e-6
    mm more, so the edges it keeps leave no slivers). Shared by :func:`neck_width` and :func:`strip_width`."""
    shrunk = shrunk if shrunk is not None else eroded(part, limit)
    return part.outline.difference(shrunk.buffer(limit / 2, join_style="mitre").buffer(1e-6, join_style="mitre"))


def neck_width(part: FlatPart, limit: float, shrunk=None, lost=None) -> float | None:
    """Width of the narrowest neck when it is below ``limit``, else None.

    A neck is a narrowing that an erosion splits into two substantial pieces (see
    :data:`NECK_RATIO`); widths are searched on a fixed grid (:data:`NECK_STEP`) from the
    smallest up, so the result depends on the geometry only and ``limit`` just compares: a neck
    found under a small tool's limit is found under every larger one. (Before, a mitred erosion
    at exactly ``limit / 2`` measured diagonal necks along the axes, and a piece that vanished
    under a larger erosion hid the neck: the 1/8" bit failed the 3 mm box where 6 mm passed.)
    ``shrunk`` is ``eroded(part, limit)`` and ``lost`` is :func:`opening_loss` when the caller has
    them: when the round erosion leaves one piece and the opening loses nothing, no neck below
    ``limit`` exists and the search is skipped.
    """
    outline = part.outline
    lost = lost if lost is not None else opening_loss(part, limit, shrunk)
    if all(g.area < 1.0 for g in getattr(lost, "geoms", [lost])) and outline.buffer(-limit / 2).geom_type == "Polygon":
        return None
    prev, w = 0.0, NECK_STEP
    while w < limit + NECK_STEP:
        if _splits(outline, w):
            lo, hi = prev, w
            for _ in range(8):
                mid = (lo + hi) / 2
                lo, hi = (lo, mid) if _splits(outline, mid) else (mid, hi)
            return lo if lo < limit else None
        prev, w = w, w + NECK_STEP
    return None


#: a thin piece counts as a strip (a tooth between slots, a finger) when its area is at least
#: this many T^2 (T = the part's thickness; ours: a tooth as long as half the sheet is thick). The
#: threshold does not depend on the tool, so a larger bit flags every strip a smaller one flags.
STRIP_AREA = 0.5


def strip_width(part: FlatPart, limit: float, shrunk=None, lost=None) -> float | None:
    """Width of the narrowest strip (a tooth, finger or web the part keeps, but narrower than
    ``limit``), else None. Found by a morphological opening (shrink by ``limit / 2``, grow back,
    mitred): what vanishes with more area than ``STRIP_AREA * T**2``, measured by its
    largest inscribed circle. ``shrunk`` (:func:`eroded`) or ``lost`` (:func:`opening_loss`): when the
    caller has them."""
    lost = lost if lost is not None else opening_loss(part, limit, shrunk)
    pieces = [g for g in getattr(lost, "geoms", [lost])
              if g.geom_type == "Polygon" and g.area > STRIP_AREA * part.thickness**2]
    if not pieces:
        return None
    return min(2.0 * shapely.maximum_inscribed_circle(g, limit / 200).length for g in pieces)


@lru_cache(maxsize=512)
def _thin_features(outline_wkb: bytes, limit: float, thickness: float) -> tuple[float | None, float | None]:
    """(neck width, strip width) of an outline, cached by its exact geometry: a slice chair's ribs
    and slats repeat one outline, and a slider drag rebuilds many unchanged parts."""
    part = FlatPart("cached", shapely.from_wkb(outline_wkb), thickness)
    lost = opening_loss(part, limit)  # the same opening for both
    neck = neck_width(part, limit, lost=lost)
    return neck, (None if neck is not None else strip_width(part, limit, lost=lost))


def joint_axes(design: Design) -> dict[tuple[int, str], tuple[np.ndarray, np.ndarray]]:
    """Each joint's line in the plane of each of its two parts, ``(joint index, part name) -> (point,
    direction)`` in part-local mm (the direction as the frame maps it, not rescaled): one numpy call per
    part instead of one per joint and side."""
    rows: dict[str, list[int]] = {}
    for i, joint in enumerate(design.joints):
        for name in (joint.a, joint.b):
            rows.setdefault(name, []).append(i)
    out = {}
    for name, idx in rows.items():
        frame = design.part(name).frame
        points = frame.to_local([design.joints[i].point for i in idx])[:, :2]
        dirs = np.array([design.joints[i].direction for i in idx], dtype=float) @ np.array([frame.xdir, frame.ydir]).T
        out.update(((i, name), (points[k], dirs[k])) for k, i in enumerate(idx))
    return out


#: the slide test stops this far short of a slot's bottom (mm), so the bottom edge itself does not block
SLOT_INSET = 0.05
#: how far beyond a slot's bottom the material left there is looked for (mm)
BEYOND = 1e4


def _slot_axes(design: Design) -> dict[tuple[int, int], tuple[float, float]]:
    """For each side ``(joint index, 0 for a / 1 for b)`` of every cross-lap: (length of material on the
    slot's path from outside the edge to just short of its bottom, length of the material piece that
    starts at the bottom and runs on away from the opening, 0 when none).

    One line per slot from outside the part's edge, along the slot's axis, through its bottom and
    :data:`BEYOND` on: chords (:mod:`.chords`) of all of a part's slot lines at once; where a line passes
    through a vertex or along an edge, shapely's intersection (which keeps pieces on the boundary)
    decides, as before."""
    lines: dict[str, list] = {}
    axes = joint_axes(design)
    for i, joint in enumerate(design.joints):
        if joint.kind != "cross_lap":
            continue
        for k, (name, opens_low) in enumerate(((joint.a, joint.a_opens == "lo"), (joint.b, joint.a_opens != "lo"))):
            origin, d = axes[i, name]
            entry = joint.lo - 1.0 if opens_low else joint.hi + 1.0
            scale = math.sqrt(d.dot(d))  # numpy's norm of a vector, without its overhead
            (ox, oy), (dx, dy), sign = origin.tolist(), d.tolist(), 1.0 if opens_low else -1.0
            lines.setdefault(name, []).append(((i, k), (ox + entry * dx, oy + entry * dy),
                                               (sign * dx / scale, sign * dy / scale), abs(joint.mid - entry) * scale))
    out = {}
    for name, sides in lines.items():
        part = design.part(name)
        edges = edge_arrays(part.outline)
        starts, dirs = np.array([s[1] for s in sides]), np.array([s[2] for s in sides])
        bottoms = np.array([s[3] for s in sides])
        found, exact = chords(edges, starts, dirs, bottoms + BEYOND), grazes(edges, starts, dirs)
        for m, (key, start, d, bottom) in enumerate(sides):
            if exact[m]:
                out[key] = _along_slot(part, start, d, bottom)
                continue
            spans = found.line(m)
            on = sum(max(0.0, min(b, bottom - SLOT_INSET) - a) for a, b in spans)
            rest = [b - max(a, bottom) for a, b in spans if b - max(a, bottom) > 1e-6 and a < bottom + 1e-3]
            out[key] = on, min(rest, default=0.0)
    return out


def _along_slot(part: FlatPart, start, d, bottom: float) -> tuple[float, float]:
    """:func:`_slot_axes` for one line (from ``start`` along the unit vector ``d``, two numbers each) by
    shapely's intersection."""
    start, d = np.asarray(start, dtype=float), np.asarray(d, dtype=float)
    slot = LineString([start, start + (bottom - SLOT_INSET) * d])
    on = part.outline.intersection(slot).length if part.outline.intersects(slot) else 0.0
    inside = part.outline.intersection(LineString([start + bottom * d, start + (bottom + BEYOND) * d]))
    pieces = [g for g in getattr(inside, "geoms", [inside]) if g.length > 1e-6]
    point = Point(start + bottom * d)
    return on, min((g.length for g in pieces if g.distance(point) < 1e-3), default=0.0)


def _slot_findings(design: Design, joint: Joint, tool: float, measured: tuple) -> list[Finding]:
    """MFG-SLIDE (material on a slot's path) and MFG-SLOT-DEPTH (too little material beyond its bottom)
    for both sides of a cross-lap, from ``measured``: (on the path, beyond) per side (:func:`_slot_axes`)."""
    out = []
    for part, (on, rest) in zip((design.part(joint.a), design.part(joint.b)), measured):
        if on > 1e-6:
            other = joint.a if part.name == joint.b else joint.b
            out.append(Finding("MFG-SLIDE", "error", f"the slot in {part.name} for {other} is blocked, so the pair "
                               "cannot be slid together", part.name, unit="mm"))
        limit = min_feature(part, tool)
        if rest < limit:
            out.append(Finding("MFG-SLOT-DEPTH", "error", f"the slot in {part.name} leaves only {rest:.1f} mm of "
                               f"material beyond its bottom (at least {limit:.1f} mm)", part.name, rest, limit,
                               rest - limit, "mm"))
    return out


def _fits(part: FlatPart, sheets: list[tuple[float, float]], margin: float) -> bool:
    rect = part.outline.minimum_rotated_rectangle
    xy = np.asarray(rect.exterior.coords)
    sides = sorted(np.linalg.norm(np.diff(xy[:3], axis=0), axis=1))
    return any(sides[0] <= min(s) - 2 * margin and sides[1] <= max(s) - 2 * margin for s in sheets)


def _components(design: Design) -> list[set[str]]:
    parent = {p.name: p.name for p in design.parts}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for j in design.joints:
        parent[find(j.a)] = find(j.b)
    groups: dict[str, set[str]] = {}
    for name in parent:
        groups.setdefault(find(name), set()).add(name)
    return sorted(groups.values(), key=len, reverse=True)


def check_manufacturability(design: Design, *, tool_diameter: float, sheets: dict[str, list[tuple[float, float]]],
                            margin: float = 10.0) -> list[Finding]:
    """Necks, slot depths, sheet fit, slivers, zero thickness, connectivity and sliding for every part."""
    out: list[Finding] = []
    for part in design.parts:
        if part.thickness < MIN_THICKNESS_MM:
            out.append(Finding("MFG-THICKNESS", "error", f"{part.name} is {part.thickness:g} mm thick: nothing to "
                               "cut; check the thickness parameter", part.name, part.thickness, MIN_THICKNESS_MM,
                               part.thickness - MIN_THICKNESS_MM, "mm"))
            continue
        limit = min_feature(part, tool_diameter)
        neck, strip = _thin_features(wkb(part.outline), limit, part.thickness)
        if neck is not None:
            out.append(Finding("MFG-NECK", "error", f"{part.name} has a neck only {neck:.1f} mm wide; a "
                               f"{tool_diameter:g} mm tool needs {limit:.1f} mm to keep it strong and whole",
                               part.name, neck, limit, neck - limit, "mm"))
        elif strip is not None:
            out.append(Finding("MFG-STRIP", "warning", f"{part.name} has a strip (e.g. a tooth between slots) only "
                               f"{strip:.1f} mm wide; with a {tool_diameter:g} mm tool, {limit:.1f} mm cuts cleanly "
                               "and does not snap off: space the joints further apart or use fewer of them",
                               part.name, strip, limit, strip - limit, "mm"))
        w, h = sorted(part.size)
        if w < SLIVER_MM:
            out.append(Finding("MFG-SLIVER", "warning", f"{part.name} is only {w:.1f} mm across: small parts drop "
                               "through a laser bed or fly off a router", part.name, w, SLIVER_MM, w - SLIVER_MM, "mm"))
        stock = sheets.get(part.material) or []
        if stock and not _fits(part, stock, margin):
            big = max(stock, key=lambda s: s[0] * s[1])
            out.append(Finding("MFG-SHEET", "error", f"{part.name} ({h:.0f} x {w:.0f} mm) is larger than the largest "
                               f"{part.material} sheet ({big[0]:.0f} x {big[1]:.0f} mm less {margin:.0f} mm margins): "
                               "split the part or use a bigger sheet", part.name, h, max(big) - 2 * margin,
                               max(big) - 2 * margin - h, "mm"))
    slots = _slot_axes(design)
    for i, joint in enumerate(design.joints):
        if joint.kind == "cross_lap":
            out.extend(_slot_findings(design, joint, tool_diameter, (slots[i, 0], slots[i, 1])))
    groups = _components(design)
    removable = set(design.removable)
    stray = [g for g in groups[1:] if not g <= removable]  # a lift-off lid may stand apart
    if stray:
        loose = sorted(set().union(*stray))
        out.append(Finding("MFG-DISCONNECTED", "error", f"{', '.join(loose)} not joined to the rest of the product",
                           ", ".join(loose), float(len(stray) + 1), 1.0, -float(len(stray)), "groups"))
    codes = {f.code for f in out}
    for code, what in (("MFG-NECK", "necks"), ("MFG-STRIP", "teeth and strips"),
                       ("MFG-SLOT-DEPTH", "material under every slot"),
                       ("MFG-SHEET", "every part fits a sheet"), ("MFG-SLIDE", "every cross-lap slides together"),
                       ("MFG-DISCONNECTED", "all parts joined")):
        if code not in codes:
            out.append(Finding(code, "pass", f"{what}: ok"))
    return out
