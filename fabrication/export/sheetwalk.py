"""One sheet walker: the ordered operations of a sheet, which every writer (DXF, SVG, PDF) draws.

The walker decides *what* is on a sheet and in which order; writers only decide how to draw it
(the "one frontend, many backends" habit of ezdxf's drawing add-on). Order: every inside cut,
then every outside cut (a CAM that cuts in file order frees no part before its holes are cut),
then the holding tabs when asked for (router sheets, :mod:`.tabs`), then the engraved labels (back-face
labels mirrored, see :mod:`fabrication.faces`), then the non-cutting notes (sheet outline, calibration square).
Coordinates are sheet mm, origin at the lower-left corner; contours carry relief arcs, and the
model's sampled curves fitted as arcs (:mod:`.arcfit`), as DXF bulges (tan of a quarter of the sweep).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

from parametric.memo import wkb

from ..labels import Label, place_label
from ..layout import PlacedPart, SheetLayout, transform_xy
from ..lettering import strokes
from ..toolpath import CutPart, x_range_pairs
from .arcfit import fit_arcs

#: side of the calibration square on the notes layer (the boxes.py ``--reference`` habit), mm
CALIBRATION_MM = 100.0
#: clearance between the calibration square and parts or the sheet edge, mm
CALIBRATION_GAP = 10.0
#: outlines are simplified by this much (mm) before the calibration square's spot search
_SIMPLIFY_MM = 0.01

#: how far (relative to the radius, at least 1 mm) a vertex may lie off a relief circle and still be on
#: it: a relief polygon's vertices lie on its circle (its chords inside), and where a wall meets a
#: relief the vertex is snapped onto the circle (``toolpath.snap_to_circles``), so round-off is all
#: this absorbs; a tighter tolerance once left a 0.002-0.009 mm straight segment between the wall
#: and the arc (CAM reads those as noise, issue 13.4)
ON_CIRCLE_REL_TOL = 1e-4
#: distinct part outlines whose fitted contours are remembered (:func:`part_contours`)
CACHE_SIZE = 256

Vertex = tuple[float, float, float]


@dataclass(frozen=True)
class Operation:
    """One thing to draw on a sheet.

    Attributes:
        kind: ``"inside"`` or ``"outside"`` (cuts), ``"tab"`` (holding tabs: stretches of the
            outside cut to leave as bridges, see :mod:`.tabs`), ``"engrave"`` (label strokes) or
            ``"note"`` (never cut: sheet outline, calibration square).
        paths: vertices ``(x, y, bulge)`` per path, sheet mm; cut and note paths are closed rings
            (last vertex not repeated), tab and engrave paths are open polylines.
        part: the part's name (empty for notes); label: its label (the BOM's labels).
        text: a note's caption.
        back: engraving on the part's back face (``--labels hidden-face``): the strokes are drawn
            mirrored, as seen from the front through the sheet, and need a second setup.
    """

    kind: str
    paths: tuple[tuple[Vertex, ...], ...]
    part: str = ""
    label: str = ""
    text: str = ""
    back: bool = False

    @property
    def closed(self) -> bool:
        """Whether the paths are closed rings."""
        return self.kind not in ("engrave", "tab")


class SheetWriter(Protocol):
    """What a sheet writer implements (see :func:`draw_sheet`)."""

    def begin(self, sheet: SheetLayout) -> None:
        """Start a sheet."""

    def draw(self, op: Operation) -> None:
        """Draw one operation (called in cutting order)."""

    def finish(self):
        """End the sheet; returns the writer's result (document, text...)."""


def ring_with_bulges(coords: Sequence, arcs: Sequence[tuple[float, float, float]] = (), *,
                     rel_tol: float = ON_CIRCLE_REL_TOL) -> list[Vertex]:
    """Vertices ``(x, y, bulge)`` of a closed ring, runs of vertices on a relief circle merged into arcs.

    A vertex is on a circle when its distance from the centre is the radius within ``rel_tol`` x
    max(1, largest radius) mm; a segment is part of an arc when both its ends are on the same circle
    (a vertex where two reliefs meet is on both) and it is short against the radius; a run of such
    segments becomes one vertex whose bulge is ``tan(sweep / 4)``. The output starts right after a
    straight segment (vectorised: a loop over circles, none over vertices).
    """
    pts = np.asarray(coords, dtype=float)[:-1]
    n = len(pts)
    if not len(arcs) or n < 3:
        return [(x, y, 0.0) for x, y in pts.tolist()]
    circles = np.asarray(arcs, dtype=float)
    tol = rel_tol * max(1.0, float(circles[:, 2].max()))
    nxt = np.roll(np.arange(n), -1)
    chord = np.linalg.norm(pts[nxt] - pts, axis=1)
    on = segment_circles(pts, circles, tol, chord)
    arc_seg = on >= 0
    if arc_seg.all():
        return [(x, y, 0.0) for x, y in pts.tolist()]
    start = int(np.argmin(arc_seg)) + 1  # begin right after a straight segment
    order = (start + np.arange(n)) % n
    seg, circle = arc_seg[order], on[order]
    # a vertex is written unless it continues the previous segment's arc on the same circle
    cont = np.zeros(n, dtype=bool)
    cont[1:] = seg[1:] & seg[:-1] & (circle[1:] == circle[:-1])
    keep = ~cont
    bulge = np.zeros(n)
    if seg.any():
        c = circles[np.maximum(circle, 0), :2]
        a, b = pts[order] - c, pts[nxt[order]] - c
        sweep = np.where(seg, np.arctan2(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], (a * b).sum(axis=1)), 0.0)
        run = np.cumsum(keep) - 1  # which written vertex each segment belongs to
        total = np.zeros(int(keep.sum()))
        np.add.at(total, run, sweep)
        bulge[keep] = np.where(seg[keep], np.tan(total / 4), 0.0)
    kept = order[keep]
    return [(x, y, w) for (x, y), w in zip(pts[kept].tolist(), bulge[keep].tolist())]  # plain floats


def segment_circles(pts: np.ndarray, circles: np.ndarray, tol: float, chord: np.ndarray) -> np.ndarray:
    """The circle of each segment ``pts[i] -> pts[i + 1]`` of a closed ring: the lowest index of the
    circles ``(cx, cy, r)`` both its ends lie on (within ``tol`` of the radius) and that it is short
    against (``chord`` < 0.1 r), -1 for none. Only the vertex-circle pairs whose boxes meet are measured
    (vertices sorted by x, each circle's x range found by bisection, then the box test itself)."""
    n, m = len(pts), len(circles)
    cx, cy, r = circles.T
    reach = r + tol  # a vertex's box test, as a loop over circles wrote it
    vertex, circle = x_range_pairs(pts, circles, reach * 1.001 + 1e-6)  # a little wider: the box test decides
    dx, dy = pts[vertex, 0] - cx[circle], pts[vertex, 1] - cy[circle]
    hit = (np.abs(dx) <= reach[circle]) & (np.abs(dy) <= reach[circle])
    hit[hit] = np.abs(np.hypot(dx[hit], dy[hit]) - r[circle[hit]]) < tol
    vertex, circle = vertex[hit], circle[hit]
    if not len(vertex):
        return np.full(n, -1)
    keys = np.sort(vertex * m + circle)  # every (vertex, circle) on it
    follow = ((vertex + 1) % n) * m + circle  # the segment's other end on the same circle?
    found = keys[np.minimum(np.searchsorted(keys, follow), len(keys) - 1)] == follow
    arc = found & (chord[vertex] < 0.1 * r[circle])
    on = np.full(n, m)
    np.minimum.at(on, vertex[arc], circle[arc])
    on[on == m] = -1
    return on


def flatten(path: Sequence[Vertex], closed: bool = True, max_angle: float = 5.0) -> list[tuple[float, float]]:
    """Points of a bulged path with arcs split every ``max_angle`` degrees (for drawing)."""
    pts: list[tuple[float, float]] = []
    n = len(path)
    for i, (x0, y0, bulge) in enumerate(path):
        pts.append((x0, y0))
        if not bulge or (not closed and i == n - 1):
            continue
        x1, y1, _ = path[(i + 1) % n]
        sweep = 4 * math.atan(bulge)
        chord = math.hypot(x1 - x0, y1 - y0)
        r = chord / (2 * abs(math.sin(sweep / 2)))
        # centre: left of the chord for a positive (counter-clockwise) bulge
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        d = r * math.cos(sweep / 2) * (1 if sweep > 0 else -1)
        ux, uy = (x1 - x0) / chord, (y1 - y0) / chord
        cx, cy = mx - uy * d, my + ux * d
        a0 = math.atan2(y0 - cy, x0 - cx)
        steps = max(2, int(abs(math.degrees(sweep)) / max_angle))
        pts += [(cx + r * math.cos(a0 + sweep * k / steps), cy + r * math.sin(a0 + sweep * k / steps))
                for k in range(1, steps)]
    return pts


def path_bounds(path: Sequence[Vertex], closed: bool = True) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` of a bulged path, its arcs included (where an arc passes a point of
    its circle due east, north, west or south of the centre, that point bounds it), without
    flattening it."""
    return paths_bounds([path], [closed])


def paths_bounds(paths: Sequence[Sequence[Vertex]], closed: Sequence[bool]) -> tuple[float, float, float, float]:
    """The union of :func:`path_bounds` of many paths (``closed``: per path), in one vectorised pass."""
    lengths = np.array([len(p) for p in paths])
    v = np.fromiter(chain.from_iterable(chain.from_iterable(paths)), dtype=float,
                    count=3 * int(lengths.sum())).reshape(-1, 3)  # every vertex in one pass
    first = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(len(paths)), lengths)
    index = np.arange(len(v))
    last = index == (first + lengths - 1)[owner]
    nxt = np.where(last, first[owner], index + 1)  # the vertex each segment runs to (a ring wraps round)
    lo, hi = v[:, :2].min(axis=0), v[:, :2].max(axis=0)
    segs = np.flatnonzero((v[:, 2] != 0) & ~(last & ~np.asarray(closed, dtype=bool)[owner]))
    if len(segs):
        p0, p1, bulge = v[segs, :2], v[nxt[segs], :2], v[segs, 2]
        sweep = 4 * np.arctan(bulge)
        chord = p1 - p0
        length = np.hypot(chord[:, 0], chord[:, 1])
        r = length / (2 * np.abs(np.sin(sweep / 2)))
        d = r * np.cos(sweep / 2) * np.sign(sweep) / np.where(length > 0, length, 1.0)
        centre = (p0 + p1) / 2 + np.c_[-chord[:, 1], chord[:, 0]] * d[:, None]  # left of the chord when ccw
        a0 = np.arctan2(p0[:, 1] - centre[:, 1], p0[:, 0] - centre[:, 0])
        for k, (dx, dy) in enumerate(((1, 0), (0, 1), (-1, 0), (0, -1))):
            # does the arc from a0 over sweep pass the angle k * 90 degrees?
            rel = np.mod((k * np.pi / 2 - a0) * np.sign(sweep), 2 * np.pi)
            hit = rel <= np.abs(sweep)
            if hit.any():
                pts = centre[hit] + r[hit, None] * np.array([dx, dy])
                lo, hi = np.minimum(lo, pts.min(axis=0)), np.maximum(hi, pts.max(axis=0))
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def sheet_label(placed: PlacedPart, cut: CutPart | None) -> Label | None:
    """A placed part's label in sheet mm (the prepared one moved with the part, else placed anew)."""
    if cut is None:
        return place_label(placed.outline, placed.part.label)
    if cut.label is None:
        return None
    (x, y), = transform_xy(placed, [(cut.label.x, cut.label.y)])
    return cut.label._replace(x=x, y=y, angle=(cut.label.angle + placed.rotation) % 180.0)


def calibration_square(sheet: SheetLayout) -> Polygon:
    """Where the calibration square goes: a free spot on the sheet (top right first), else below it.

    Spots on a 25 mm grid are scanned from the top right (rows top down, each right to left); a
    spot is free when no part comes within :data:`CALIBRATION_GAP` of it (and, on an offcut, it
    lies that far inside the outline). Bulk queries: the first spot whose gap-widened box meets no
    part's bounding box is found with array arithmetic over every spot and part (no geometry made);
    the spots before it get a distance test against the outlines they near, simplified by
    :data:`_SIMPLIFY_MM` (the gap widened to match) and prepared, in scan order a batch at a time
    (:func:`_first_clear`): the scan stops at the first free spot.
    """
    s, g = CALIBRATION_MM, CALIBRATION_GAP
    ys = np.arange(sheet.height - g - s, g - 1e-9, -25.0)
    xs = np.arange(sheet.width - g - s, g - 1e-9, -25.0)
    fallback = box(0, -s - g, s, -g)
    if not len(ys) or not len(xs):
        return fallback
    x0, y0 = (a.ravel() for a in np.meshgrid(xs, ys))  # y outer (top down), x inner (right to left)
    ok = np.ones(len(x0), dtype=bool)
    if sheet.outline is not None:
        inside = sheet.outline.buffer(-g)
        shapely.prepare(inside)
        ok = shapely.contains(inside, shapely.box(x0, y0, x0 + s, y0 + s))
    if sheet.placed:
        outlines = np.array([p.outline for p in sheet.placed], dtype=object)
        lo_x, lo_y, hi_x, hi_y = shapely.bounds(outlines).T
        # the widened spot's box meets the part's (boundaries touching count, as an STRtree's envelopes)
        near = ((x0[:, None] - g <= hi_x) & (x0[:, None] + s + g >= lo_x)
                & (y0[:, None] - g <= hi_y) & (y0[:, None] + s + g >= lo_y))
        clear = ok & ~near.any(axis=1)
        stop = int(np.argmax(clear)) if clear.any() else len(x0)
        # before ``stop`` every spot inside the sheet nears some part: the first one far enough from them
        k = _first_clear(np.flatnonzero(ok[:stop]), near, outlines, (x0, y0, s, g))
        if k is None:
            k = stop if stop < len(x0) else None
        return fallback if k is None else box(x0[k], y0[k], x0[k] + s, y0[k] + s)
    first = np.flatnonzero(ok)
    if not len(first):
        return fallback
    k = first[0]
    return box(x0[k], y0[k], x0[k] + s, y0[k] + s)


#: spots distance-tested per batch by :func:`_first_clear` (the first batch; each next one twice as many)
_SPOT_BATCH = 16


def _first_clear(spots: np.ndarray, near: np.ndarray, outlines: np.ndarray, grid) -> int | None:
    """The first of ``spots`` (indices in scan order) whose square lies farther than the gap from every part
    its widened box nears (``near[spot, part]``), or None; the outlines are simplified by
    :data:`_SIMPLIFY_MM` and prepared once each, when a spot first nears them."""
    x0, y0, s, g = grid
    simple: dict[int, object] = {}
    start, size = 0, _SPOT_BATCH
    while start < len(spots):
        batch = spots[start:start + size]
        near_sq, near_part = np.nonzero(near[batch])
        for part in np.unique(near_part).tolist():
            if part not in simple:
                simple[part] = shapely.simplify(outlines[part], _SIMPLIFY_MM)
                shapely.prepare(simple[part])
        sq = batch[near_sq]
        parts = np.array([simple[p] for p in near_part.tolist()], dtype=object)
        within = shapely.dwithin(parts, shapely.box(x0[sq], y0[sq], x0[sq] + s, y0[sq] + s), g + _SIMPLIFY_MM)
        free = np.ones(len(batch), dtype=bool)
        free[near_sq[within]] = False
        if free.any():
            return int(batch[int(np.argmax(free))])
        start, size = start + size, 2 * size
    return None


@functools.lru_cache(maxsize=CACHE_SIZE)
def part_contours(outline_wkb: bytes, arcs: tuple[tuple[float, float, float], ...] = ()
                  ) -> tuple[tuple[Vertex, ...], tuple[tuple[Vertex, ...], ...]]:
    """A part outline's cut contours in part mm, counter-clockwise: the exterior and the holes, each with
    its relief ``arcs`` (circles ``(cx, cy, r)``) as bulges and its sampled curves fitted as arcs.

    Fitted once per distinct outline (equal ribs, every copy of a part): placing a part only turns
    and moves it, which changes neither its arcs nor its bulges (:func:`_placed_ring`)."""
    outline = orient(shapely.from_wkb(outline_wkb), 1.0)
    holes = tuple(tuple(fit_arcs(ring_with_bulges(ring.coords, arcs))) for ring in outline.interiors)
    return tuple(fit_arcs(ring_with_bulges(outline.exterior.coords, arcs))), holes


def _placed_ring(placed: PlacedPart, ring: tuple[Vertex, ...]) -> tuple[Vertex, ...]:
    """A part-mm contour where ``placed`` puts it on the sheet (a turn keeps every bulge)."""
    xy = transform_xy(placed, [(x, y) for x, y, _ in ring])
    return tuple((x, y, b) for (x, y), (_, _, b) in zip(xy, ring))


def walk(sheet: SheetLayout, cut_parts: dict[str, CutPart] | None = None, *,
         notes: bool = True, tabs: bool = False) -> list[Operation]:
    """The operations of one sheet in cutting order (see the module docstring); ``tabs``: add each
    part's holding tabs (:func:`.tabs.tab_stretches`) right after the outside cuts."""
    from .tabs import tab_stretches

    inside, outside, held, engrave = [], [], [], []
    fitted = {}  # contours by outline object: the copies of a part share theirs (no WKB made per copy)
    for placed in sheet.placed:
        name, label = placed.part.name, placed.part.label
        cut = (cut_parts or {}).get(name)
        outline = placed.part.outline
        if id(outline) not in fitted:
            fitted[id(outline)] = part_contours(wkb(outline), tuple(cut.arcs) if cut else ())
        exterior, holes = fitted[id(outline)]
        for hole in holes:
            inside.append(Operation("inside", (_placed_ring(placed, hole),), name, label))
        ring = _placed_ring(placed, exterior)
        outside.append(Operation("outside", (ring,), name, label))
        if tabs:
            stretches = tab_stretches(ring)
            if stretches:
                held.append(Operation("tab", tuple(((a[0], a[1], 0.0), (b[0], b[1], 0.0)) for a, b in stretches),
                                      name, label))
        mark = sheet_label(placed, cut)
        if mark is not None:
            lines = strokes(mark.text, mark.x, mark.y, mark.height, mark.angle, mirror=mark.back)
            engrave.append(Operation("engrave", tuple(tuple((x, y, 0.0) for x, y in s) for s in lines), name,
                                     label, mark.text, mark.back))
    ops = inside + outside + held + engrave
    if notes:
        w, h = sheet.width, sheet.height
        ring = (((0.0, 0.0, 0.0), (w, 0.0, 0.0), (w, h, 0.0), (0.0, h, 0.0)) if sheet.outline is None else
                tuple((float(x), float(y), 0.0) for x, y in list(orient(sheet.outline, 1.0).exterior.coords)[:-1]))
        kind = "sheet" if sheet.outline is None else "offcut"
        ops.append(Operation("note", (ring,), text=f"{kind} {sheet.index}: {w:.0f} x {h:.0f} mm, {sheet.material} "
                                                   f"{sheet.thickness:g} mm"))
        sq = calibration_square(sheet)
        ring = tuple((float(x), float(y), 0.0) for x, y in list(sq.exterior.coords)[:-1])
        ops.append(Operation("note", (ring,), text=f"{CALIBRATION_MM:g} mm calibration square\n(do not cut)"))
    return ops


def draw_sheet(sheet: SheetLayout, writer: SheetWriter, cut_parts: dict[str, CutPart] | None = None,
               ops: Sequence[Operation] | None = None):
    """Draw one sheet into a writer; returns ``writer.finish()``.

    ``ops`` are the sheet's operations from :func:`walk` when already walked (walk a sheet once and
    share its operations between the DXF, SVG and PDF writers); otherwise the sheet is walked here.
    """
    writer.begin(sheet)
    for op in (walk(sheet, cut_parts) if ops is None else ops):
        writer.draw(op)
    return writer.finish()
