"""Regenerate the example side-profile drawings in this folder (run from anywhere).

Each profile is a closed polygon of corners (y forward to back, z up, mm) with a fillet radius per
corner, written the way the tools people draw with save it:

- ``dining_side.svg``: Inkscape style: mm page, a layer group with a transform, one path of lines
  and arcs (``A``), y down;
- ``dining_side.dxf``: LibreCAD style: R2000, ``$INSUNITS`` = mm, one closed LWPOLYLINE with bulges;
- ``bench_side.dxf``: LibreCAD style as separate LINE and ARC entities meeting end to end.

``d4d build slice_chair --set side_outline=@samples/profiles/dining_side.svg --out out/drawn``.
"""

from __future__ import annotations

import math
from pathlib import Path

import ezdxf
import numpy as np

HERE = Path(__file__).resolve().parent

#: a dining chair side: seat front 447 mm high, seat/back line about 430 mm back, back top 835 mm
DINING = [  # (y, z, fillet radius), counter-clockwise (material on the left)
    (15, 0, 0), (85, 0, 0),                           # front foot
    (110, 300, 45), (300, 285, 900), (470, 300, 45),  # under the seat: a shallow arch
    (500, 0, 0), (575, 0, 0),                         # rear foot
    (605, 835, 25), (525, 835, 25),                   # the top of the back
    (432, 412, 70),                                   # where the back meets the seat
    (220, 425, 1500),                                 # a gently scooped seat
    (0, 447, 22),                                     # the seat's rounded front edge
]

#: a garden bench side with a low back: seat front 452 mm, back top 720 mm
BENCH = [
    (20, 0, 0), (95, 0, 0),
    (115, 320, 40), (455, 320, 40),
    (480, 0, 0), (560, 0, 0),
    (590, 720, 20), (510, 720, 20),
    (440, 420, 60),
    (0, 452, 20),
]


def filleted(corners) -> list[tuple[tuple[float, float], float]]:
    """The closed outline as ``(point, bulge)`` vertices: straight edges and tangent fillet arcs.

    The bulge belongs to the edge from that vertex to the next (DXF LWPOLYLINE convention: the tan
    of a quarter of the arc's angle, positive counter-clockwise).
    """
    pts = np.array([c[:2] for c in corners], dtype=float)
    out = []
    for k in range(len(pts)):
        prev, here, nxt = pts[k - 1], pts[k], pts[(k + 1) % len(pts)]
        r = corners[k][2]
        if r <= 0:
            out.append(((float(here[0]), float(here[1])), 0.0))
            continue
        u, v = (prev - here) / np.linalg.norm(prev - here), (nxt - here) / np.linalg.norm(nxt - here)
        theta = math.acos(float(np.clip(u @ v, -1.0, 1.0)))  # the corner's inner angle
        trim = r / math.tan(theta / 2)
        assert trim < 0.5 * min(np.linalg.norm(prev - here), np.linalg.norm(nxt - here)), (here, r)
        left = (u[0] * v[1] - u[1] * v[0]) < 0  # a counter-clockwise turn
        a, b = here + u * trim, here + v * trim
        out.append(((float(a[0]), float(a[1])), math.tan((math.pi - theta) / 4) * (1 if left else -1)))
        out.append(((float(b[0]), float(b[1])), 0.0))
    return out


def arc_of(p, q, bulge):
    """Centre, radius and start/end angles (degrees, counter-clockwise) of a bulge arc from p to q."""
    p, q = np.asarray(p), np.asarray(q)
    angle = 4 * math.atan(bulge)
    chord = np.linalg.norm(q - p)
    r = chord / (2 * math.sin(abs(angle) / 2))
    mid, normal = (p + q) / 2, np.array([-(q - p)[1], (q - p)[0]]) / chord
    offset = math.copysign(math.sqrt(max(r * r - chord * chord / 4, 0.0)), bulge)
    centre = mid + normal * offset * (1 if abs(angle) < math.pi else -1)
    a, b = (math.degrees(math.atan2(x[1] - centre[1], x[0] - centre[0])) for x in (p, q))
    return centre, r, (a, b) if bulge > 0 else (b, a)


def write_svg(verts, path: Path, *, shift=(20.0, -30.0), margin=10.0) -> None:
    """An Inkscape-style SVG: mm page, y down, the path inside a translated layer group."""
    ys, zs = [p[0] for p, _ in verts], [p[1] for p, _ in verts]
    width, height = max(ys) + 2 * margin, max(zs) + 2 * margin

    def page(p):  # chair (y, z) -> the layer's own coordinates (before its transform)
        return p[0] + margin - shift[0], height - margin - p[1] - shift[1]

    x0, y0 = page(verts[0][0])
    d = [f"M {x0:.3f},{y0:.3f}"]
    for k, (p, bulge) in enumerate(verts):
        q = verts[(k + 1) % len(verts)][0]
        x, y = page(q)
        if bulge == 0:
            d.append(f"L {x:.3f},{y:.3f}")
        else:
            _, r, _ = arc_of(p, q, bulge)
            large = int(abs(4 * math.atan(bulge)) > math.pi)
            sweep = int(bulge < 0)  # the page shows y down: counter-clockwise stays so; SVG sweep 1 is clockwise
            d.append(f"A {r:.3f},{r:.3f} 0 {large},{sweep} {x:.3f},{y:.3f}")
    d.append("Z")
    path.write_text(f'''<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- a dining chair side profile drawn in mm (Inkscape style), for slice_chair side_outline=@{path.name} -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   width="{width:.0f}mm" height="{height:.0f}mm" viewBox="0 0 {width:.0f} {height:.0f}" version="1.1" id="svg1"
   inkscape:version="1.3.2" sodipodi:docname="{path.name}">
  <sodipodi:namedview id="namedview1" inkscape:document-units="mm" showgrid="false"/>
  <defs id="defs1"/>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1" transform="translate({shift[0]:g},{shift[1]:g})">
    <path id="side" inkscape:label="side profile" style="fill:none;stroke:#000000;stroke-width:0.5"
       d="{' '.join(d)}"/>
    <text x="{margin:.0f}" y="{height - 2 * margin:.0f}" style="font-size:8px">dining side, mm</text>
  </g>
</svg>
''')


def write_dxf_polyline(verts, path: Path) -> None:
    """A LibreCAD-style DXF: R2000, mm, one closed LWPOLYLINE with bulges on layer 'profile'."""
    doc = ezdxf.new("R2000", units=4)
    doc.layers.add("profile", color=7)
    doc.layers.add("notes", color=3)
    msp = doc.modelspace()
    msp.add_lwpolyline([(p[0], p[1], b) for p, b in verts], format="xyb", close=True,
                       dxfattribs={"layer": "profile"})
    msp.add_text("dining side, mm", dxfattribs={"layer": "notes", "height": 8}).set_placement((10, -20))
    doc.saveas(path)


def write_dxf_pieces(verts, path: Path) -> None:
    """A LibreCAD-style DXF drawn as separate LINE and ARC entities meeting end to end (mm)."""
    doc = ezdxf.new("R2000", units=4)
    msp = doc.modelspace()
    for k, (p, bulge) in enumerate(verts):
        q = verts[(k + 1) % len(verts)][0]
        if bulge == 0:
            msp.add_line(p, q)
        else:
            centre, r, (a, b) = arc_of(p, q, bulge)
            msp.add_arc((float(centre[0]), float(centre[1])), r, a, b)
    doc.saveas(path)


if __name__ == "__main__":
    dining = filleted(DINING)
    write_svg(dining, HERE / "dining_side.svg")
    write_dxf_polyline(dining, HERE / "dining_side.dxf")
    write_dxf_pieces(filleted(BENCH), HERE / "bench_side.dxf")
