"""The readers behind :mod:`parametric.profile_import`: SVG and DXF files flattened to pieces in mm (y up).

Each reader returns open or closed pieces with where they came from; sorting them into shapes
and holes, and every refusal about the drawing as a whole, is ``profile_import``'s job.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
#: SVG length units (mm per unit), CSS values
SVG_UNITS = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": PX_MM}


@dataclass
class _Piece:
    """A flattened path in mm (y up): closed ring or open chain, with where it came from."""

    points: np.ndarray
    source: str
    closed: bool
    layer: str = ""


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
def _svg_unit(data: bytes) -> tuple[str, float, str]:
    """The SVG's document unit: (name, mm per unit, how it was found), from the root ``width``."""
    root = re.search(rb"<svg\b[^>]*>", data)
    width = re.search(rb"""\swidth\s*=\s*["']\s*[-+]?[\d.]+(?:[eE][-+]?\d+)?\s*([a-zA-Z%]*)""",
                      root.group(0)) if root else None
    unit = width.group(1).decode().lower() if width else ""
    if unit in SVG_UNITS:
        return unit, SVG_UNITS[unit], "declared"
    why = f"its width is in {unit}" if unit else "its width has no unit" if width else "it has no width"
    return "px", PX_MM, f"assumed px at 96 per inch ({why}); set the document units in Inkscape (Document " \
                        "Properties) if the size is wrong"


def _dxf_pieces(path: Path, unit: str | None, select: str | None,
                layers: Callable[[str], bool] | None = None) -> tuple[list[_Piece], str, float, str]:
    """Flattened pieces of a DXF (mm, y up) and its unit: (pieces, unit name, mm per unit, how found)."""
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
        scale, note = UNITS[unit], "named by you"
    elif code in DXF_UNITS:
        scale, note = DXF_UNITS[code], "declared"
        unit = {v: k for k, v in UNITS.items()}[scale]
    else:
        what = "does not declare its units ($INSUNITS)" if not code else f"uses unit code {code} ($INSUNITS)"
        raise GeometryError(f"{path} {what}; save it in mm or inches (LibreCAD: Options > Drawing Preferences > "
                            "Units), or name the unit after the file name, e.g. side_outline=@side.dxf:mm or d4d nest "
                            "parts.dxf:in")
    pieces, used = [], set()
    for index, e in enumerate(recursive_decompose(doc.modelspace())):
        kind = e.dxftype()
        if kind not in ("LWPOLYLINE", "POLYLINE", "SPLINE", "CIRCLE", "ELLIPSE", "ARC", "LINE"):
            continue
        layer = _layer(e)
        used.add(layer)
        if (select is not None and layer.lower() != select.lower()) or (layers is not None and not layers(layer)):
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
        pieces.append(_Piece(pts, f"{kind} #{index + 1} on layer {layer!r}", closed, layer))
    if select is not None and not pieces:
        raise GeometryError(f"{path}: nothing to read on layer {select!r}; layers with shapes: "
                            f"{', '.join(sorted(used, key=str.lower)) or 'none'}")
    return pieces, unit, scale, note


def _layer(entity) -> str:
    """An entity's layer; one on layer 0 inside a block takes the layer of the INSERT that placed it (DXF rule)."""
    layer = entity.dxf.get("layer", "0")
    ref = getattr(entity, "source_block_reference", None)
    while layer == "0" and ref is not None:
        layer = ref.dxf.get("layer", "0")
        ref = getattr(ref, "source_block_reference", None)
    return layer
