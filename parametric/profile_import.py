"""Import a closed profile drawn elsewhere: an SVG path (Inkscape) or a closed DXF polyline/spline
(LibreCAD), scaled by the file's units to millimetres.

A drawing must hold exactly one shape: one closed outline, with any closed shapes inside it kept
as its holes (a shape inside a hole is a separate part again). Several separate shapes, or open
paths, are refused with a list of them (sizes and bounding boxes in the drawing's units) and the
ways to choose: ``file.svg#id`` (an element or group), ``file.dxf#LAYER`` (a layer), or
``?pick=largest`` (keep the largest shape, ignore the rest). Open pieces whose ends meet (within
0.05 mm) are joined first, so an outline drawn as separate lines and arcs (common in LibreCAD) or
as several open SVG sub-paths still closes.

SVG: parsed with entity declarations refused (defusedxml when installed, otherwise any DOCTYPE
with an internal subset is refused); transforms on paths and groups, ``<use>``, arcs and curves
honoured (svgelements); hidden elements and ``<defs>`` skipped; units from ``width``/``height``
and ``viewBox`` (mm, cm, in, pt, pc; px at 96 per inch, also assumed, and said so on the
``d4d.profile`` logger, when ``width`` carries no unit); curves flattened to a 0.05 mm chord.

DXF: closed LWPOLYLINE/POLYLINE (bulges become arcs), SPLINE (closed/periodic ones too), CIRCLE,
full ELLIPSE, and chains of LINE/ARC/open polylines, including those inside blocks (INSERT); units
from ``$INSUNITS`` (in, ft, mm, cm, m); a file without units is refused unless the caller names
the unit (nothing is assumed).

Example:
    >>> poly = import_profile("side.svg")                 # the one shape (with its holes), mm, y up
    >>> poly = import_profile("side.svg", select="seat")  # the element (or group) with id "seat"
    >>> poly = import_profile("side.dxf#CUT", unit="in")  # layer CUT of a DXF that does not declare units
    >>> poly = import_profile("parts.svg", pick="largest")  # the largest of several shapes
    >>> shapes = read_drawing("parts.dxf").shapes          # every separate shape (nesting loose parts)
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from .errors import GeometryError
from .profile_readers import (CHORD_MM, DXF_UNITS, JOIN_MM, MIN_AREA_MM2, PX_MM, SVG_UNITS, UNITS,  # noqa: F401
                              _dxf_pieces, _Piece, _svg_pieces, _svg_unit)

#: the ways to choose one shape, for ``pick``
PICKS = ("largest",)
#: shapes listed by name in a refusal (the rest are counted)
LIST_MAX = 8
#: largest drawing read, bytes: a drawn profile or a parts DXF is kilobytes; parsing is linear in size
#: (~0.2 ms per SVG element here), so a 10 MB file would take minutes
MAX_DRAWING_BYTES = 4 << 20
#: most SVG elements (tags) read, for the same reason: 10,000 take a few seconds
MAX_SVG_ELEMENTS = 10_000

log = logging.getLogger("d4d.profile")

_HOW_TO_CLOSE = ("close it (Inkscape: select the two end nodes and join them, or Path > Close; LibreCAD: "
                 "draw it as one closed polyline, or join the pieces end to end)")


@dataclass
class Shape:
    """One separate closed shape of a drawing: its outline with its holes (mm, y up, counter-clockwise)."""

    polygon: Polygon
    source: str


@dataclass
class Drawing:
    """What a drawing holds, sorted into separate shapes (largest first, holes attached) and open paths.

    Attributes:
        path: the file read.
        shapes: every separate closed shape; a closed shape inside another is its hole, a shape
            inside a hole is a separate shape again.
        open_paths: open chains left after joining pieces whose ends meet: ``(source, points)``.
        unit: the drawing's unit (``mm``, ``in``, ``px``...); ``unit_mm`` is its length in mm.
        unit_note: how the unit was found (``"declared"``, ``"named by you"`` or why it was assumed).
        y_down: the drawing's own y axis runs down (SVG), for reporting positions as the file has them.
        kind: ``"svg"`` or ``"dxf"``; layers: the DXF layers anything was read from.
    """

    path: Path
    shapes: list[Shape]
    open_paths: list[tuple[str, np.ndarray]]
    unit: str
    unit_mm: float
    unit_note: str
    y_down: bool = False
    kind: str = ""
    layers: frozenset[str] = frozenset()

    def where(self, bounds) -> str:
        """A bounding box (mm, y up) as ``W x H unit at (x0, y0)-(x1, y1)`` in the drawing's own units."""
        minx, miny, maxx, maxy = (b / self.unit_mm for b in bounds)
        if self.y_down:
            miny, maxy = -maxy, -miny
        u = self.unit
        return (f"{_num(maxx - minx)} x {_num(maxy - miny)} {u} at ({_num(minx)}, {_num(miny)})-({_num(maxx)}, "
                f"{_num(maxy)}) {u}")

    def listing(self) -> str:
        """The shapes and open paths, one per line, for messages."""
        lines = []
        for k, shape in enumerate(self.shapes[:LIST_MAX]):
            holes = len(shape.polygon.interiors)
            extra = f", {holes} hole{'s' * (holes != 1)}" if holes else ""
            lines.append(f"  shape {k + 1}: {shape.source}, {self.where(shape.polygon.bounds)}{extra}")
        if len(self.shapes) > LIST_MAX:
            lines.append(f"  ... and {len(self.shapes) - LIST_MAX} more shapes")
        for source, pts in self.open_paths[:LIST_MAX]:
            gap = float(np.linalg.norm(pts[0] - pts[-1])) / self.unit_mm
            lines.append(f"  open path: {source}, {self.where((*pts.min(axis=0), *pts.max(axis=0)))}, its ends "
                         f"{_num(gap)} {self.unit} apart")
        if len(self.open_paths) > LIST_MAX:
            lines.append(f"  ... and {len(self.open_paths) - LIST_MAX} more open paths")
        return "\n".join(lines)


def _num(v: float) -> str:
    return f"{v:.4g}" if abs(v) < 1000 else f"{v:.0f}"


def parse_ref(text: str) -> tuple[str, str | None, str | None, str | None]:
    """Split a drawing reference ``PATH[:UNIT][#NAME][?pick=largest]`` into (path, unit, name, pick).

    ``UNIT`` is one of :data:`UNITS` (for a DXF without ``$INSUNITS``); ``NAME`` an SVG element or
    group id, or a DXF layer; ``?pick=largest`` keeps the largest of several shapes. A part that is
    not one of these stays in the path (``#`` or ``?`` in a file name still works when the file exists).
    """
    path, unit, name, pick = text, None, None, None
    head, sep, query = path.rpartition("?")
    if sep and query.startswith("pick=") and not Path(path).is_file():
        pick, path = query[5:], head
        if pick not in PICKS:
            raise GeometryError(f"{text}: unknown choice ?pick={pick}; the one choice is ?pick=largest (or name "
                                "an element id / layer after #)")
    head, sep, tail = path.rpartition("#")
    if sep and head and not Path(path).is_file():
        path, name = head, tail
        sub, sep, u = name.rpartition(":")
        if sep and u in UNITS:  # "file.dxf#LAYER:in" is read like "file.dxf:in#LAYER"
            name, unit = sub, u
    head, sep, tail = path.rpartition(":")
    if sep and head and tail in UNITS and not Path(path).is_file():
        path, unit = head, tail
    return path, unit, (name or None), pick


def import_profile(path: str | Path, *, unit: str | None = None, select: str | None = None,
                   pick: str | None = None) -> Polygon:
    """Read the one closed profile of an SVG or DXF file as a polygon in mm (y up, counter-clockwise).

    ``path`` may carry ``:unit``, ``#name`` and ``?pick=largest`` (see :func:`parse_ref`) instead of
    the keyword arguments.

    Args:
        path: an ``.svg`` or ``.dxf`` file.
        unit: for a DXF, the drawing unit (``mm``, ``cm``, ``m``, ``in``, ``ft``); needed when the
            file does not declare ``$INSUNITS`` and wins over it when given. Ignored for SVG.
        select: only this SVG element (a path or a group, by id) or this DXF layer.
        pick: ``"largest"``: of several separate shapes keep the largest (with its holes) and
            ignore the others and any open path.

    Returns:
        The shape, with the closed shapes inside it as holes.

    Raises:
        GeometryError: a missing, empty, unreadable or hostile file; no closed shape; several
            separate shapes or open paths (listed, with the ways to choose); a self-intersecting
            outline; an unknown ``select`` name, unit or pick. The message names the file and the way out.
    """
    return read_drawing_profile(path, unit=unit, select=select, pick=pick)[0]


def read_drawing_profile(path: str | Path, *, unit: str | None = None, select: str | None = None,
                         pick: str | None = None) -> tuple[Polygon, Drawing]:
    """:func:`import_profile`, also returning the :class:`Drawing` it came from (units, other shapes)."""
    drawing = read_drawing(path, unit=unit, select=select)
    if pick is None and not Path(path).is_file():
        pick = parse_ref(str(path))[3]
    if pick is not None and pick not in PICKS:
        raise GeometryError(f"unknown pick {pick!r}; the one choice is 'largest'")
    shapes, opens = drawing.shapes, drawing.open_paths
    if not shapes:
        if opens:
            source, pts = max(opens, key=lambda o: float(np.linalg.norm(np.diff(o[1], axis=0), axis=1).sum()))
            a, b = pts[0], pts[-1]
            raise GeometryError(
                f"{drawing.path}: {len(opens)} open path(s) and no closed shape; the ends of {source} are "
                f"{np.linalg.norm(a - b):.1f} mm apart, at ({a[0]:.1f}, {a[1]:.1f}) and ({b[0]:.1f}, {b[1]:.1f}) "
                f"mm: {_HOW_TO_CLOSE}")
        raise GeometryError(f"{drawing.path}: no closed shape found; draw the profile as one closed path or "
                            "polyline")
    if (len(shapes) > 1 or opens) and pick != "largest":
        what = [f"{len(shapes)} separate shapes" if len(shapes) > 1 else "1 shape"]
        if opens:
            what.append(f"{len(opens)} open path{'s' * (len(opens) != 1)}")
        name = drawing.path.name
        choose = (f"name the element or group after the file, e.g. @{name}#seat (Inkscape: Object > Object "
                  "Properties shows the id)" if drawing.kind == "svg" else
                  f"name the layer after the file, e.g. @{name}#PROFILE (or @{name}:in#PROFILE with a unit)")
        raise GeometryError(
            f"{drawing.path}: the drawing holds {' and '.join(what)}, but a profile is one closed shape (shapes "
            f"inside it are its holes):\n{drawing.listing()}\nTo choose, {choose}; or add ?pick=largest to keep "
            "the largest shape and ignore the rest; or delete the others"
            + (f", and {_HOW_TO_CLOSE} for the open ones" if opens else "") + ".")
    return shapes[0].polygon, drawing


def read_drawing(path: str | Path, *, unit: str | None = None, select: str | None = None,
                 layers: Callable[[str], bool] | None = None) -> Drawing:
    """Read every closed shape (with its holes) and open path of an SVG or DXF file, in mm (y up).

    Args:
        path: an ``.svg`` or ``.dxf`` file; may carry ``:unit`` and ``#name`` (see :func:`parse_ref`).
        unit: for a DXF, the drawing unit when it declares none (or to override it).
        select: only this SVG element or group (id) or this DXF layer (case-insensitive).
        layers: for a DXF, keep only entities on layers this returns True for.

    Raises:
        GeometryError: see :func:`import_profile` (but several shapes are fine here).
    """
    path = Path(path)
    if not path.is_file():
        text, ref_unit, ref_name, _ = parse_ref(str(path))
        path, unit, select = Path(text), unit or ref_unit, select or ref_name
    if not path.is_file():
        raise GeometryError(f"profile file {path} " + ("is not a regular file (a folder or a device); name the "
                                                       "drawing itself" if path.exists() else "does not exist"))
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".dxf"):
        raise GeometryError(f"{path}: profiles are read from .svg or .dxf files; export the drawing as one")
    with path.open("rb") as fh:
        data = fh.read(MAX_DRAWING_BYTES + 1)  # never more into memory (a 10 MB file, /dev/zero)
    if len(data) > MAX_DRAWING_BYTES:
        raise GeometryError(f"{path} is larger than {MAX_DRAWING_BYTES >> 20} MB; a profile or parts drawing is far "
                            "smaller: save only the outlines (Inkscape: Save As > Plain SVG; or a DXF of the parts)")
    if suffix == ".svg" and data.count(b"<") > MAX_SVG_ELEMENTS:
        raise GeometryError(f"{path} holds more than {MAX_SVG_ELEMENTS:,} SVG elements; keep only the outlines to "
                            "cut (delete text, hatching and traced detail) and save it again")
    if not data.strip():
        raise GeometryError(f"{path} is empty: save the drawing again (Inkscape: plain or Inkscape SVG; "
                            "LibreCAD: DXF)")
    if suffix == ".svg":
        pieces, (name, unit_mm, note) = _svg_pieces(path, data, select), _svg_unit(data)
    else:
        pieces, name, unit_mm, note = _dxf_pieces(path, unit, select, layers)
    for piece in pieces:
        if not np.isfinite(piece.points).all():
            raise GeometryError(f"{path}: {piece.source} has coordinates that are not finite numbers (nan or "
                                "infinity); redraw it or delete it and save the drawing again")
    if note.startswith("assumed"):
        log.warning("%s declares no units; %s", path, note)
    shapes, opens = _shapes(pieces, path)
    return Drawing(path, shapes, opens, name, unit_mm, note, y_down=suffix == ".svg", kind=suffix[1:],
                   layers=frozenset(p.layer for p in pieces if p.layer))


# -- shared ---------------------------------------------------------------------------------------
def _clean(points: np.ndarray) -> np.ndarray:
    """Drop repeated consecutive points and a closing point equal to the first."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(points) < 2:
        return points
    keep = np.concatenate([[True], np.linalg.norm(np.diff(points, axis=0), axis=1) > 1e-9])
    points = points[keep]
    if len(points) > 1 and np.linalg.norm(points[0] - points[-1]) <= 1e-9:
        points = points[:-1]
    return points


def _join(pieces: list[_Piece]) -> list[_Piece]:
    """Chain open pieces end to end (either direction) where their ends meet within JOIN_MM.

    Ends are found through a grid of JOIN_MM cells, so thousands of LINE entities join quickly.
    """
    closed = [p for p in pieces if p.closed]
    todo = {k: p for k, p in enumerate(pieces) if not p.closed}
    grid: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def cell(pt) -> tuple[int, int]:
        return math.floor(pt[0] / JOIN_MM), math.floor(pt[1] / JOIN_MM)

    for k, piece in todo.items():
        for end in (0, -1):
            grid.setdefault(cell(piece.points[end]), []).append((k, end))

    def partner(pt) -> tuple[int, int] | None:
        cx, cy = cell(pt)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for k, end in grid.get((cx + dx, cy + dy), ()):
                    if k in todo and np.linalg.norm(todo[k].points[end] - pt) <= JOIN_MM:
                        return k, end
        return None

    chains: list[_Piece] = []
    while todo:
        chain = todo.pop(next(iter(todo)))
        parts, sources = [chain.points], [chain.source]
        for at_tail in (True, False):  # grow from the tail, then from the head
            while np.linalg.norm(parts[0][0] - parts[-1][-1]) > JOIN_MM or len(sources) == 1:
                found = partner(parts[-1][-1] if at_tail else parts[0][0])
                if found is None:
                    break
                k, end = found
                q = todo.pop(k).points
                sources.append(pieces[k].source)
                if at_tail:
                    parts.append((q if end == 0 else q[::-1])[1:])
                else:
                    parts.insert(0, (q if end == -1 else q[::-1])[:-1])
        pts = np.vstack(parts)
        is_closed = len(pts) > 2 and np.linalg.norm(pts[0] - pts[-1]) <= JOIN_MM
        source = sources[0] if len(sources) == 1 else f"{len(sources)} joined pieces ({', '.join(sources[:3])}...)"
        chains.append(_Piece(_clean(pts) if is_closed else pts, source, is_closed, chain.layer))
    return closed + chains


def _where(text: str) -> str:
    """``'Self-intersection[12.3 45.6]'`` -> ``'near (12.3, 45.6) mm'``."""
    nums = re.findall(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text)
    if len(nums) >= 2:
        return f"near ({float(nums[0]):.1f}, {float(nums[1]):.1f}) mm"
    return text


def _shapes(pieces: list[_Piece], path: Path) -> tuple[list[Shape], list[tuple[str, np.ndarray]]]:
    """Join open pieces, then sort the closed ones into separate shapes with holes (even depth of
    nesting: a shape; odd: a hole of the shape around it). Returns (shapes largest first, open paths)."""
    pieces = _join(pieces)
    polys: list[tuple[Polygon, str]] = []
    for piece in pieces:
        if not piece.closed:
            continue
        ring = _clean(piece.points)
        if len(ring) < 3 or np.ptp(ring, axis=0).max() < 1.0:
            continue  # a stray dot
        poly = Polygon(ring)
        if not poly.is_valid:
            reason = shapely.is_valid_reason(poly)
            raise GeometryError(f"{path}: the outline of {piece.source} crosses itself {_where(reason)}; redraw "
                                "it so its boundary never crosses or touches itself")
        if poly.area >= MIN_AREA_MM2:
            polys.append((poly, piece.source))
    opens = [(p.source, p.points) for p in pieces if not p.closed and len(p.points) > 1
             and np.ptp(p.points, axis=0).max() >= 1.0]
    polys.sort(key=lambda ps: -ps[0].area)
    geoms = [p for p, _ in polys]
    parent = [-1] * len(geoms)
    if geoms:  # containers of each polygon; the smallest one (latest in area order) is its parent
        tree = shapely.STRtree(geoms)
        outer, inner = tree.query(geoms, predicate="contains")
        for o, i in zip(outer.tolist(), inner.tolist()):
            if o != i and o < i and o > parent[i]:
                parent[i] = o
    depth = [0] * len(geoms)
    for i, p in enumerate(parent):
        depth[i] = 0 if p < 0 else depth[p] + 1
    shapes = []
    for k, (poly, source) in enumerate(polys):
        if depth[k] % 2:
            continue
        holes = [geoms[i].exterior for i in range(k + 1, len(geoms)) if parent[i] == k]
        result = Polygon(poly.exterior, holes)
        if not result.is_valid:  # holes touching each other or the outline
            raise GeometryError(f"{path}: the shapes inside {source} touch it or each other "
                                f"({_where(shapely.is_valid_reason(result))}); keep holes clear of the edge")
        shapes.append(Shape(orient(result.simplify(CHORD_MM / 5, preserve_topology=True), 1.0), source))
    return shapes, opens
