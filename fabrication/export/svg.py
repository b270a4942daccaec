"""SVG per sheet for laser services: mm units, hairline strokes, one colour per operation.

The root is sized in millimetres with a matching viewBox (fabrication-reference.md section 3,
avoiding the 96/90/72 px-per-inch ambiguity); colours come from the machine profile (red = cut at
most shops, blue = cut at Ponoko). Labels are converted to paths (no fonts needed at the shop).
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..layout import SheetLayout, transform_xy
from ..machines import Machine
from .dxf import ring_with_bulges

#: hairline stroke width in mm (laser drivers treat it as a vector line, ULS: < 0.2 mm)
HAIRLINE = 0.01


def _ring_path(coords, arcs) -> str:
    verts = ring_with_bulges(coords, arcs)
    out = [f"M{verts[0][0]:.4f},{verts[0][1]:.4f}"]
    for (x0, y0, bulge), (x1, y1, _) in zip(verts, verts[1:] + verts[:1]):
        if bulge:
            chord = math.hypot(x1 - x0, y1 - y0)
            sweep = 4 * math.atan(bulge)
            r = chord / (2 * abs(math.sin(sweep / 2)))
            out.append(f"A{r:.4f},{r:.4f} 0 {int(abs(sweep) > math.pi)} {int(sweep > 0)} {x1:.4f},{y1:.4f}")
        else:
            out.append(f"L{x1:.4f},{y1:.4f}")
    return " ".join(out) + " Z"


def _text_path(text: str, x: float, y: float, height: float) -> str:
    """Outline of the label text as path data, centred on (x, y) (matplotlib's vector font)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    tp = TextPath((0, 0), text, size=height, prop=FontProperties(family="DejaVu Sans"))
    ext = tp.get_extents()
    dx, dy = x - (ext.x0 + ext.x1) / 2, y - (ext.y0 + ext.y1) / 2
    parts = []
    for poly in tp.to_polygons():
        if len(poly):
            parts.append("M" + " L".join(f"{px + dx:.3f},{py + dy:.3f}" for px, py in poly) + " Z")
    return " ".join(parts)


def sheet_svg(sheet: SheetLayout, machine: Machine, cut_parts: dict | None = None) -> str:
    """The SVG text of one sheet (inside cuts before outside cuts, then engraving)."""
    w, h = sheet.width, sheet.height
    cut, engrave = machine.colours["cut"], machine.colours["engrave"]
    inner, outer, labels = [], [], []
    for placed in sheet.placed:
        c = (cut_parts or {}).get(placed.part.name)
        arcs = [(*transform_xy(placed, [(cx, cy)])[0], r) for cx, cy, r in (c.arcs if c else ())]
        inner += [_ring_path(r.coords, arcs) for r in placed.outline.interiors]
        outer.append(_ring_path(placed.outline.exterior.coords, arcs))
        if c is not None and c.label is not None:
            text, lx, ly, lh = c.label
            (x, y), = transform_xy(placed, [(lx, ly)])
            labels.append((text, x, y, lh, placed.part.name))
    style = f'fill="none" stroke-width="{HAIRLINE}"'
    body = [f'<g id="cut-inside" stroke={quoteattr(cut)} {style}>']
    body += [f'<path d="{d}"/>' for d in inner] + ["</g>", f'<g id="cut-outside" stroke={quoteattr(cut)} {style}>']
    body += [f'<path d="{d}"/>' for d in outer] + ["</g>", f'<g id="engrave" stroke={quoteattr(engrave)} {style}>']
    body += [f'<path data-part={quoteattr(name)} d="{_text_path(t, x, y, lh)}"/>' for t, x, y, lh, name in labels]
    body.append("</g>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}mm" height="{h:g}mm" viewBox="0 0 {w:g} {h:g}">\n'
            f'<title>{sheet.material} {sheet.thickness:g} mm, sheet {sheet.index}</title>\n'
            f'<g transform="matrix(1 0 0 -1 0 {h:g})">\n' + "\n".join(body) + "\n</g>\n</svg>\n")


def write_sheet(sheet: SheetLayout, path: str | Path, machine: Machine, cut_parts: dict | None = None) -> None:
    """Write one sheet as SVG."""
    Path(path).write_text(sheet_svg(sheet, machine, cut_parts), encoding="utf-8")
