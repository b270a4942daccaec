"""DXF writer for parts and sheets (ezdxf; R2010, ``$INSUNITS`` mm or inches).

Conventions (fabrication-reference.md section 3): every contour is one closed LWPOLYLINE, with
relief arcs written as bulges (tan of a quarter of the sweep); one layer per operation, named
with the operation and the material thickness (``CUT_OUTSIDE_17.7MM``, ``CUT_INSIDE_17.7MM``),
ACI 1 (red) for cuts, 5 (blue) for engraving, 8 (grey) for the non-cutting sheet outline and
notes. Inside cuts are written before outside cuts, so a CAM that cuts in file order frees no
part before its holes are cut.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import ezdxf
import numpy as np
from ezdxf.enums import TextEntityAlignment
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from .. import units as _units
from ..layout import SheetLayout, transform_xy
from ..toolpath import place_label

ENGRAVE = "ENGRAVE"
SHEET = "NOTES_NOCUT"
#: side of the calibration square on the notes layer (the boxes.py habit), mm
CALIBRATION_MM = 100.0


def cut_layers(thickness: float) -> tuple[str, str]:
    """Names of the outside and inside cut layers for a sheet thickness (mm)."""
    t = f"{thickness:.2f}".rstrip("0").rstrip(".")
    return f"CUT_OUTSIDE_{t}MM", f"CUT_INSIDE_{t}MM"


def new_document(thickness: float, unit: str = "mm") -> ezdxf.document.Drawing:
    """An R2010 document in mm (or inches) with the operation layers defined."""
    doc = ezdxf.new("R2010", units=_units.INSUNITS[unit], setup=True)
    doc.header["$MEASUREMENT"] = 1 if unit == "mm" else 0
    outside, inside = cut_layers(thickness)
    for name, colour in ((outside, 1), (inside, 1), (ENGRAVE, 5), (SHEET, 8)):
        doc.layers.add(name, color=colour)
    return doc


def ring_with_bulges(coords: Sequence, arcs: Sequence[tuple[float, float, float]] = ()) -> list[tuple[float, float, float]]:
    """Vertices ``(x, y, bulge)`` of a closed ring, runs of vertices on a relief circle merged into arcs."""
    pts = np.asarray(coords, dtype=float)[:-1]
    n = len(pts)
    if not arcs or n < 3:
        return [(x, y, 0.0) for x, y in pts]
    circles = np.asarray(arcs, dtype=float)
    dist = np.linalg.norm(pts[:, None, :] - circles[None, :, :2], axis=2)
    hit = np.abs(dist - circles[None, :, 2]) < 1e-6 * max(1.0, float(circles[:, 2].max()))
    on = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    nxt = np.roll(np.arange(n), -1)
    chord = np.linalg.norm(pts[nxt] - pts, axis=1)
    arc_seg = (on >= 0) & (on == on[nxt]) & (chord < 0.1 * circles[np.maximum(on, 0), 2])
    if arc_seg.all():
        return [(x, y, 0.0) for x, y in pts]
    start = int(np.argmin(arc_seg)) + 1  # begin right after a straight segment
    order = [(start + k) % n for k in range(n)]
    out, k = [], 0
    while k < n:
        i = order[k]
        if not arc_seg[i]:
            out.append((pts[i][0], pts[i][1], 0.0))
            k += 1
            continue
        c = circles[on[i], :2]
        sweep, j = 0.0, k
        while j < n and arc_seg[order[j]] and on[order[j]] == on[i]:
            a, b = pts[order[j]] - c, pts[nxt[order[j]]] - c
            sweep += math.atan2(a[0] * b[1] - a[1] * b[0], a @ b)
            j += 1
        out.append((pts[i][0], pts[i][1], math.tan(sweep / 4)))
        k = j
    return out


def add_outline(msp, outline: Polygon, thickness: float, scale: float = 1.0,
                arcs: Sequence[tuple[float, float, float]] = ()) -> None:
    """Add a part outline: holes on the inside-cut layer first, then the exterior on the outside-cut layer."""
    outside, inside = cut_layers(thickness)
    outline = orient(outline, 1.0)
    for ring, layer in [*((r, inside) for r in outline.interiors), (outline.exterior, outside)]:
        verts = [(x * scale, y * scale, b) for x, y, b in ring_with_bulges(ring.coords, arcs)]
        msp.add_lwpolyline(verts, format="xyb", close=True, dxfattribs={"layer": layer})


def add_label(msp, label: tuple[str, float, float, float] | None, scale: float = 1.0) -> None:
    """Add a label (text, x, y, height) as engraved text centred on its anchor."""
    if label is None:
        return
    text, x, y, height = label
    msp.add_text(text, height=height * scale, dxfattribs={"layer": ENGRAVE}).set_placement(
        (x * scale, y * scale), align=TextEntityAlignment.MIDDLE_CENTER)


def write_part(part, path: str | Path, unit: str = "mm") -> None:
    """Write one part's finished outline (and label) to a DXF file in part-local coordinates."""
    scale = 1.0 / _units.PER_MM[unit]
    doc = new_document(part.thickness, unit)
    msp = doc.modelspace()
    add_outline(msp, part.outline, part.thickness, scale)
    add_label(msp, place_label(part.outline, part.label), scale)
    doc.saveas(Path(path))


def write_sheet(sheet: SheetLayout, path: str | Path, unit: str = "mm", cut_parts: dict | None = None) -> None:
    """Write one sheet: every placed part's contours (holes first) and label, the sheet outline and
    a calibration square on the non-cutting layer.

    Args:
        cut_parts: prepared parts by name (:class:`fabrication.toolpath.CutPart`), for relief arcs
            and label positions; without them labels are placed on the placed outlines.
    """
    scale = 1.0 / _units.PER_MM[unit]
    doc = new_document(sheet.thickness, unit)
    msp = doc.modelspace()
    w, h = sheet.width * scale, sheet.height * scale
    msp.add_lwpolyline([(0, 0), (w, 0), (w, h), (0, h)], close=True, dxfattribs={"layer": SHEET})
    sq = CALIBRATION_MM * scale
    msp.add_lwpolyline([(0, -2 * sq), (sq, -2 * sq), (sq, -sq), (0, -sq)], close=True, dxfattribs={"layer": SHEET})
    msp.add_text(f"{CALIBRATION_MM:g} mm calibration square (do not cut)", height=8 * scale,
                 dxfattribs={"layer": SHEET}).set_placement((sq * 1.1, -1.5 * sq))
    for placed in sheet.placed:
        cut = (cut_parts or {}).get(placed.part.name)
        arcs = [(*transform_xy(placed, [(cx, cy)])[0], r) for cx, cy, r in (cut.arcs if cut else ())]
        add_outline(msp, placed.outline, sheet.thickness, scale, arcs)
        if cut is not None:
            label = cut.label
            if label is not None:
                x, y = transform_xy(placed, [(label[1], label[2])])[0]
                label = (label[0], x, y, label[3])
        else:
            label = place_label(placed.outline, placed.part.label)
        add_label(msp, label, scale)
    doc.saveas(Path(path))
