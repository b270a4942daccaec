"""Import a closed profile drawn elsewhere: an SVG path (Inkscape) or a closed DXF polyline/spline
(LibreCAD), scaled by the file's units to millimetres.

The largest closed shape becomes the outline; closed shapes inside it become holes. Open pieces
whose ends meet (within 0.05 mm) are joined first, so an outline drawn as separate lines and arcs
(common in LibreCAD) or as several open SVG sub-paths still closes.

SVG: parsed with entity declarations refused (defusedxml when installed, otherwise any DOCTYPE
with an internal subset is refused); transforms on paths and groups, ``<use>``, arcs and curves
honoured (svgelements); hidden elements and ``<defs>`` skipped; units from ``width``/``height``
and ``viewBox`` (mm, cm, in; px at 96 per inch); curves flattened to a 0.05 mm chord.

DXF: closed LWPOLYLINE/POLYLINE (bulges become arcs), SPLINE (closed/periodic ones too), CIRCLE,
full ELLIPSE, and chains of LINE/ARC/open polylines, including those inside blocks (INSERT); units
from ``$INSUNITS`` (in, ft, mm, cm, m); a file without units is refused unless the caller names
the unit.

Example:
    >>> poly = import_profile("side.svg")                 # the largest closed shape, mm, y up
    >>> poly = import_profile("side.svg", select="seat")  # the element (or group) with id "seat"
    >>> poly = import_profile("side.dxf", unit="in")      # a DXF that does not declare its units
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from .errors import GeometryError

#: largest distance between a curve and its flattened polyline (mm)
CHORD_MM = 0.05
#: ends of open pieces closer than this are joined (mm)
JOIN_MM = 0.05
#: shapes smaller than this are ignored (mm^2): stray dots, zero-area slivers
MIN_AREA_MM2 = 1.0
#: CSS pixels (Inkscape, browsers): 96 per inch
PX_MM = 25.4 / 96.0
#: units a caller may name for a DXF without ``$INSUNITS`` (mm per unit)
UNITS = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "ft": 304.8}
#: ``$INSUNITS`` codes d4d reads (mm per unit)
DXF_UNITS = {1: 25.4, 2: 304.8, 4: 1.0, 5: 10.0, 6: 1000.0}

_HOW_TO_CLOSE = ("close it (Inkscape: select the two end nodes and join them, or Path > Close; LibreCAD: "
                 "draw it as one closed polyline, or join the pieces end to end)")


@dataclass
class _Piece:
    """A flattened path in mm (y up): closed ring or open chain, with where it came from."""

    points: np.ndarray
    source: str
    closed: bool


def import_profile(path: str | Path, *, unit: str | None = None, select: str | None = None) -> Polygon:
    """Read the closed profile of an SVG or DXF file as a polygon in mm (y up, counter-clockwise).

    ``path`` may end in ``#name`` (``"side.svg#seat"``) instead of passing ``select``.

    Args:
        path: an ``.svg`` or ``.dxf`` file.
        unit: for a DXF, the drawing unit (``mm``, ``cm``, ``m``, ``in``, ``ft``); needed when the
            file does not declare ``$INSUNITS`` and wins over it when given. Ignored for SVG.
        select: only this SVG element (a path or a group, by id) or this DXF layer.

    Returns:
        The largest closed shape, with the closed shapes inside it as holes.

    Raises:
        GeometryError: a missing, empty, unreadable or hostile file; no closed shape; an open
            path; a self-intersecting outline; an unknown ``select`` name or unit. The message
            names the file and the way out.
    """
    path = Path(path)
    if not path.is_file() and "#" in path.name and select is None:
        name, _, select = path.name.rpartition("#")
        path = path.with_name(name)
    if not path.is_file():
        raise GeometryError(f"profile file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".dxf"):
        raise GeometryError(f"{path}: profiles are read from .svg or .dxf files; export the drawing as one")
    data = path.read_bytes()
    if not data.strip():
        raise GeometryError(f"{path} is empty: save the drawing again (Inkscape: plain or Inkscape SVG; "
                            "LibreCAD: DXF)")
    pieces = _svg_pieces(path, data, select) if suffix == ".svg" else _dxf_pieces(path, unit, select)
    return _outline(pieces, path)


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
        chains.append(_Piece(_clean(pts) if is_closed else pts, source, is_closed))
    return closed + chains


def _where(text: str) -> str:
    """``'Self-intersection[12.3 45.6]'`` -> ``'near (12.3, 45.6) mm'``."""
    nums = re.findall(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text)
    if len(nums) >= 2:
        return f"near ({float(nums[0]):.1f}, {float(nums[1]):.1f}) mm"
    return text


def _outline(pieces: list[_Piece], path: Path) -> Polygon:
    """The largest closed shape with the closed shapes inside it as holes."""
    pieces = _join(pieces)
    polys: list[Polygon] = []
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
            polys.append(poly)
    if not polys:
        open_pieces = [p for p in pieces if not p.closed and len(p.points) > 1]
        if open_pieces:
            longest = max(open_pieces, key=lambda p: float(np.linalg.norm(np.diff(p.points, axis=0), axis=1).sum()))
            a, b = longest.points[0], longest.points[-1]
            raise GeometryError(
                f"{path}: {len(open_pieces)} open path(s) and no closed shape; the ends of {longest.source} are "
                f"{np.linalg.norm(a - b):.1f} mm apart, at ({a[0]:.1f}, {a[1]:.1f}) and ({b[0]:.1f}, {b[1]:.1f}) "
                f"mm: {_HOW_TO_CLOSE}")
        raise GeometryError(f"{path}: no closed shape found; draw the profile as one closed path or polyline")
    polys.sort(key=lambda p: -p.area)
    outer = polys[0]
    holes = [p.exterior for p in polys[1:] if outer.contains(p)]
    holes = [h for i, h in enumerate(holes) if not any(Polygon(o).contains(Polygon(h)) for o in holes[:i])]
    result = Polygon(outer.exterior, holes)
    if not result.is_valid:  # holes touching each other or the outline
        raise GeometryError(f"{path}: the shapes inside the outline touch it or each other "
                            f"({_where(shapely.is_valid_reason(result))}); keep holes clear of the edge")
    return orient(result.simplify(CHORD_MM / 5, preserve_topology=True), 1.0)


def _flatten(evaluate, t0: float, t1: float, tol: float) -> np.ndarray:
    """Points of a parametric curve on ``[t0, t1]``, subdivided from 16 even steps until every
    chord's midpoint is within ``tol`` of the curve's midpoint (``evaluate(ts)`` -> ``(n, 2)``)."""
    ts = np.linspace(t0, t1, 17)
    for _ in range(16):
        pts = evaluate(ts)
        mid_t = (ts[:-1] + ts[1:]) / 2
        dev = np.linalg.norm(evaluate(mid_t) - (pts[:-1] + pts[1:]) / 2, axis=1)
        bad = dev > tol
        if not bad.any():
            return pts
        ts = np.sort(np.concatenate([ts, mid_t[bad]]))
    return evaluate(ts)


# -- SVG ------------------------------------------------------------------------------------------
def _refuse_entities(data: bytes, path: Path) -> None:
    """Refuse XML that declares entities (billion laughs, external entities); report malformed XML."""
    hostile = (f"{path}: the SVG declares XML entities, which d4d does not expand; save it as plain SVG "
               "(Inkscape: File > Save As > Plain SVG)")
    try:
        import defusedxml
        from defusedxml import ElementTree as SafeET
    except ImportError:  # fall back to refusing any DOCTYPE with an internal subset
        text = _decode(data)
        if re.search(r"<!ENTITY", text, re.IGNORECASE) or re.search(r"<!DOCTYPE[^>]*\[", text, re.IGNORECASE):
            raise GeometryError(hostile) from None
        return
    from xml.etree.ElementTree import ParseError

    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise GeometryError(hostile) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise GeometryError(f"{path}: not a readable SVG (malformed XML at line {line}, column {col + 1}); open "
                            "it in Inkscape and save it again") from None


def _decode(data: bytes) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    return data.decode("utf-8", errors="replace")


def _svg_pieces(path: Path, data: bytes, select: str | None) -> list[_Piece]:
    import svgelements as S

    _refuse_entities(data, path)
    try:
        svg = S.SVG.parse(io.BytesIO(data), ppi=96.0)
    except Exception as exc:  # noqa: BLE001 - svgelements raises several kinds on malformed input
        raise GeometryError(f"{path}: not a readable SVG ({type(exc).__name__}: {exc}); open it in Inkscape and "
                            "save it again") from None
    if select is None:
        shapes = [e for e in svg.elements() if isinstance(e, S.Shape)]
    else:
        target = svg.get_element_by_id(select)
        if target is None:
            ids = [e.id for e in svg.elements() if isinstance(e, (S.Shape, S.Group)) and e.id][:12]
            raise GeometryError(f"{path}: no element with id {select!r}; ids in the file: "
                                f"{', '.join(ids) or 'none'} (Inkscape: Object > Object Properties)")
        shapes = [e for e in target.select() if isinstance(e, S.Shape)] if isinstance(target, S.Group) else [target]
    tol_px = CHORD_MM / PX_MM
    pieces = []
    for index, element in enumerate(shapes):
        name = f"{type(element).__name__.lower()} {element.id!r}" if element.id else \
            f"{type(element).__name__.lower()} #{index + 1}"
        shape = S.Path(element)
        shape.reify()  # apply the element's and its groups' transforms (and the viewBox) to the points
        for sub in shape.as_subpaths():
            sub = S.Path(sub)
            pts = _flatten_svg(sub, S, tol_px)
            if len(pts) < 2:
                continue
            pts = pts * PX_MM
            pts[:, 1] *= -1.0  # SVG y runs down
            closed = any(isinstance(seg, S.Close) for seg in sub) or np.linalg.norm(pts[0] - pts[-1]) <= JOIN_MM
            pieces.append(_Piece(pts, name, closed))
    return pieces


def _flatten_svg(sub, S, tol: float) -> np.ndarray:
    """A sub-path's points, curves subdivided until each chord is within ``tol`` of the curve."""
    out: list[tuple[float, float]] = []
    for seg in sub:
        if isinstance(seg, S.Move):
            out.append((seg.end.x, seg.end.y))
        elif isinstance(seg, (S.Line, S.Close)):
            if seg.end is not None and seg.start is not None:
                out.append((seg.end.x, seg.end.y))
        elif seg.start is not None and seg.end is not None:
            curve = _flatten(lambda ts, seg=seg: np.asarray(seg.npoint(ts), dtype=float), 0.0, 1.0, tol)
            out.extend(map(tuple, curve[1:]))
    return np.asarray(out, dtype=float).reshape(-1, 2)


# -- DXF ------------------------------------------------------------------------------------------
def _dxf_pieces(path: Path, unit: str | None, select: str | None) -> list[_Piece]:
    import ezdxf
    from ezdxf import path as ezpath
    from ezdxf.disassemble import recursive_decompose

    try:
        doc = ezdxf.readfile(path)
    except Exception as exc:  # noqa: BLE001 - ezdxf raises DXFStructureError, UnicodeDecodeError... on junk
        raise GeometryError(f"{path}: not a readable DXF ({type(exc).__name__}: {exc}); open it in LibreCAD and "
                            "save it again as DXF") from None
    code = doc.header.get("$INSUNITS", 0)
    if unit is not None:
        if unit not in UNITS:
            raise GeometryError(f"{path}: unknown unit {unit!r}; use one of {', '.join(UNITS)}")
        scale = UNITS[unit]
    elif code in DXF_UNITS:
        scale = DXF_UNITS[code]
    else:
        what = "does not declare its units ($INSUNITS)" if not code else f"uses unit code {code} ($INSUNITS)"
        raise GeometryError(f"{path} {what}; save it in mm or inches (LibreCAD: Options > Drawing Preferences > "
                            "Units), or name the unit after the file name, e.g. side_outline=@side.dxf:mm")
    pieces = []
    for index, e in enumerate(recursive_decompose(doc.modelspace())):
        kind = e.dxftype()
        if kind not in ("LWPOLYLINE", "POLYLINE", "SPLINE", "CIRCLE", "ELLIPSE", "ARC", "LINE"):
            continue
        if select is not None and e.dxf.get("layer", "0") != select:
            continue
        if kind == "POLYLINE" and not e.is_2d_polyline:
            continue  # 3D polylines and meshes are not profiles
        try:
            if kind == "SPLINE":  # evaluated on its valid knot span: closed (periodic) splines too
                curve = e.construction_tool()
                knots = list(curve.knots())
                pts = _flatten(lambda ts, c=curve: np.asarray([(v.x, v.y) for v in c.points(ts)], dtype=float),
                               knots[curve.degree], knots[curve.count], CHORD_MM / scale)
            else:
                pts = np.asarray([(v.x, v.y) for v in ezpath.make_path(e).flattening(CHORD_MM / scale)],
                                 dtype=float)
        except Exception as exc:  # noqa: BLE001 - a broken entity
            raise GeometryError(f"{path}: cannot read a {kind} (handle {e.dxf.get('handle', '?')}): {exc}; "
                                "redraw it") from None
        if len(pts) < 2:
            continue
        pts = pts * scale
        if kind in ("LWPOLYLINE", "POLYLINE"):
            closed = e.is_closed
        elif kind == "SPLINE":
            closed = e.closed
        elif kind == "CIRCLE":
            closed = True
        elif kind == "ELLIPSE":
            closed = math.isclose(abs(e.dxf.end_param - e.dxf.start_param) % math.tau, 0.0, abs_tol=1e-9)
        else:
            closed = False
        closed = closed or (len(pts) > 2 and np.linalg.norm(pts[0] - pts[-1]) <= JOIN_MM)
        pieces.append(_Piece(pts, f"{kind} #{index + 1} on layer {e.dxf.get('layer', '0')!r}", closed))
    if select is not None and not pieces:
        layers = sorted({layer.dxf.name for layer in doc.layers})
        raise GeometryError(f"{path}: nothing to read on layer {select!r}; layers: {', '.join(layers)}")
    return pieces
