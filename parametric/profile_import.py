"""Import a closed profile drawn elsewhere: an SVG path (Inkscape) or a closed DXF polyline/spline
(LibreCAD), scaled by the file's units to millimetres.

The largest closed shape becomes the outline; closed shapes inside it become holes. SVG is read
without entity expansion (a file declaring entities is refused) and with transforms, groups, arcs
and curves honoured (svgelements); curves are flattened to about 0.05 mm.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon

from .errors import GeometryError

CHORD_MM = 0.05
PX_MM = 25.4 / 96.0  # CSS pixels (Inkscape, browsers)
DXF_UNITS = {1: 25.4, 2: 304.8, 4: 1.0, 5: 10.0, 6: 1000.0}


def import_profile(path: str | Path, *, unit: str | None = None) -> Polygon:
    """Read the closed profile of an SVG or DXF file as a polygon in mm (y up).

    Args:
        unit: for DXF files that do not declare their units: ``"mm"``, ``"cm"`` or ``"in"``.

    Raises:
        GeometryError: unreadable file, no closed shape, an open path, a self-intersecting outline.
    """
    path = Path(path)
    if not path.is_file():
        raise GeometryError(f"profile file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".svg":
        rings, open_paths = _svg_rings(path)
    elif suffix == ".dxf":
        rings, open_paths = _dxf_rings(path, unit)
    else:
        raise GeometryError(f"{path}: profiles are read from .svg or .dxf files")
    return _outline(rings, open_paths, path)


def _outline(rings: list[np.ndarray], open_paths: int, path: Path) -> Polygon:
    polys = []
    for ring in rings:
        if len(ring) < 3:
            continue
        poly = Polygon(ring)
        if not poly.is_valid:
            raise GeometryError(f"{path}: the outline crosses itself ({shapely.is_valid_reason(poly)}); "
                                "redraw it without self-intersections")
        if poly.area > 1.0:
            polys.append(poly)
    if not polys:
        why = (f"{open_paths} open path(s) and no closed shape: close the path (Path > Close in Inkscape, "
               "or join the polyline in LibreCAD)" if open_paths else "no closed shape")
        raise GeometryError(f"{path}: {why}")
    polys.sort(key=lambda p: -p.area)
    outer = polys[0]
    holes = [p.exterior for p in polys[1:] if outer.contains(p)]
    return shapely.geometry.polygon.orient(Polygon(outer.exterior, holes), 1.0)


def _svg_rings(path: Path) -> tuple[list[np.ndarray], int]:
    import svgelements

    text = path.read_text(encoding="utf-8", errors="replace")
    if re.search(r"<!ENTITY", text, re.I) or re.search(r"<!DOCTYPE[^>]*\[", text, re.I):
        raise GeometryError(f"{path}: the SVG declares XML entities, which d4d does not expand; save it as "
                            "plain SVG")
    try:
        svg = svgelements.SVG.parse(io.StringIO(text), ppi=96.0)
    except Exception as exc:  # svgelements raises several kinds on malformed XML
        raise GeometryError(f"{path}: not a readable SVG ({type(exc).__name__}: {exc})") from None
    rings, open_paths = [], 0
    for element in svg.elements():
        if not isinstance(element, svgelements.Shape):
            continue
        shape = svgelements.Path(element)
        shape.reify()  # apply transforms (groups, the viewBox) to the coordinates
        for sub in shape.as_subpaths():
            sub = svgelements.Path(sub)
            pts = _flatten_svg(sub, svgelements)
            if len(pts) < 3:
                continue
            closed = any(isinstance(seg, svgelements.Close) for seg in sub) or np.allclose(pts[0], pts[-1], atol=0.01)
            if not closed:
                open_paths += 1
                continue
            pts = pts * PX_MM
            pts[:, 1] *= -1.0  # SVG y runs down
            rings.append(pts)
    return rings, open_paths


def _flatten_svg(sub, svgelements) -> np.ndarray:
    out = []
    for seg in sub:
        if isinstance(seg, svgelements.Move):
            out.append((seg.end.x, seg.end.y))
        elif isinstance(seg, (svgelements.Line, svgelements.Close)):
            if seg.end is not None:
                out.append((seg.end.x, seg.end.y))
        else:
            n = max(4, int(seg.length() * PX_MM / 0.5))
            out.extend(map(tuple, np.asarray(seg.npoint(np.linspace(0, 1, n + 1)))[1:]))
    return np.asarray(out, dtype=float)


def _dxf_rings(path: Path, unit: str | None) -> tuple[list[np.ndarray], int]:
    import ezdxf
    from ezdxf import path as ezpath

    try:
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFError, UnicodeDecodeError) as exc:
        raise GeometryError(f"{path}: not a readable DXF ({exc})") from None
    code = doc.header.get("$INSUNITS", 0)
    if unit is not None:
        scale = {"mm": 1.0, "cm": 10.0, "in": 25.4}[unit]
    elif code in DXF_UNITS:
        scale = DXF_UNITS[code]
    else:
        raise GeometryError(f"{path} does not declare its units ($INSUNITS); save it in mm or inches, or pass the "
                            "unit (e.g. side_outline=@file.dxf:mm)")
    rings, open_paths = [], 0
    for e in doc.modelspace().query("LWPOLYLINE POLYLINE SPLINE"):
        closed = e.closed if e.dxftype() == "SPLINE" else e.is_closed
        try:
            pts = np.asarray([(v.x, v.y) for v in ezpath.make_path(e).flattening(CHORD_MM / scale)]) * scale
        except Exception as exc:  # a broken entity
            raise GeometryError(f"{path}: cannot flatten a {e.dxftype()}: {exc}") from None
        if not closed and len(pts) > 2 and np.allclose(pts[0], pts[-1], atol=0.01):
            closed = True
        if closed:
            rings.append(pts)
        else:
            open_paths += 1
    return rings, open_paths
