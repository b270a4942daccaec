"""Single-stroke lettering for part labels: open polylines a laser scores or a V-bit follows once.

Glyphs are drawn on a 4 x 6 grid (cap height 6) with straight strokes, so the exact ink of a
label is known: label placement (:func:`fabrication.labels.place_label`) keeps it inside the part,
clear of every cut, and the DXF, SVG and PDF writers all draw the same strokes. Fonts in CAD
``TEXT`` entities differ per program, so their extents cannot be guaranteed; these can.
Letters are upper case; characters without a glyph draw as ``?``.
"""

from __future__ import annotations

import math

#: glyph strokes on a 4 (wide) x 6 (tall) grid, "x,y x,y|x,y x,y" (one polyline per "|" part)
_GLYPHS = {
    "0": "1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0|1,1 3,5", "1": "1,5 2,6 2,0|1,0 3,0",
    "2": "0,5 1,6 3,6 4,5 4,4 0,0 4,0", "3": "0,5 1,6 3,6 4,5 4,4 3,3 4,2 4,1 3,0 1,0 0,1|1,3 3,3",
    "4": "3,0 3,6 0,2 4,2", "5": "4,6 0,6 0,3 3,3 4,2 4,1 3,0 0,0",
    "6": "4,5 3,6 1,6 0,5 0,1 1,0 3,0 4,1 4,2 3,3 0,3", "7": "0,6 4,6 1,0",
    "8": "1,3 0,4 0,5 1,6 3,6 4,5 4,4 3,3 1,3 0,2 0,1 1,0 3,0 4,1 4,2 3,3",
    "9": "0,1 1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,4 1,3 4,3",
    "A": "0,0 0,4 2,6 4,4 4,0|0,3 4,3", "B": "0,0 0,6 3,6 4,5 4,4 3,3 0,3|3,3 4,2 4,1 3,0 0,0",
    "C": "4,5 3,6 1,6 0,5 0,1 1,0 3,0 4,1", "D": "0,0 0,6 2,6 4,4 4,2 2,0 0,0",
    "E": "4,6 0,6 0,0 4,0|0,3 3,3", "F": "4,6 0,6 0,0|0,3 3,3",
    "G": "4,5 3,6 1,6 0,5 0,1 1,0 3,0 4,1 4,3 2,3", "H": "0,0 0,6|4,0 4,6|0,3 4,3",
    "I": "1,6 3,6|2,6 2,0|1,0 3,0", "J": "4,6 4,1 3,0 1,0 0,1", "K": "0,0 0,6|4,6 0,2|1,3 4,0",
    "L": "0,6 0,0 4,0", "M": "0,0 0,6 2,3 4,6 4,0", "N": "0,0 0,6 4,0 4,6",
    "O": "1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0", "P": "0,0 0,6 3,6 4,5 4,4 3,3 0,3",
    "Q": "1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0|2,2 4,0", "R": "0,0 0,6 3,6 4,5 4,4 3,3 0,3|2,3 4,0",
    "S": "4,5 3,6 1,6 0,5 0,4 1,3 3,3 4,2 4,1 3,0 1,0 0,1", "T": "0,6 4,6|2,6 2,0",
    "U": "0,6 0,1 1,0 3,0 4,1 4,6", "V": "0,6 2,0 4,6", "W": "0,6 1,0 2,3 3,0 4,6",
    "X": "0,0 4,6|0,6 4,0", "Y": "0,6 2,3 4,6|2,3 2,0", "Z": "0,6 4,6 0,0 4,0",
    "-": "1,3 3,3", "_": "0,0 4,0", "/": "0,0 4,6", ".": "2,0 2,0.6", "+": "0,3 4,3|2,1 2,5",
    "?": "0,5 1,6 3,6 4,5 4,4 2,3 2,2|2,0.6 2,0", " ": "",
}
_CELL_W, _CELL_H, _GAP = 4.0, 6.0, 1.6


def _glyph(ch: str) -> list[list[tuple[float, float]]]:
    spec = _GLYPHS.get(ch.upper(), _GLYPHS["?"])
    return [[tuple(float(v) for v in p.split(",")) for p in stroke.split()] for stroke in spec.split("|") if stroke]


def text_size(text: str, height: float) -> tuple[float, float]:
    """Width and height (mm) of the strokes of ``text`` at cap height ``height``."""
    s = height / _CELL_H
    n = max(len(text), 1)
    return (n * (_CELL_W + _GAP) - _GAP) * s, height


def strokes(text: str, x: float, y: float, height: float, angle: float = 0.0,
            mirror: bool = False) -> list[list[tuple[float, float]]]:
    """The polylines of ``text`` centred on ``(x, y)``, cap height ``height`` mm, turned ``angle`` degrees;
    ``mirror``: reflected across the text's vertical centre line (same extent), so that it reads true
    seen from the other side of the sheet (a back-face label). ``strokes(*label)`` draws a
    :class:`fabrication.labels.Label` (its ``back`` is ``mirror``).

    Returns:
        One list of points per stroke (open polylines, at least two points each).
    """
    s = height / _CELL_H
    width, _ = text_size(text, height)
    a = math.radians(angle)
    c, sn = math.cos(a), math.sin(a)
    out = []
    for i, ch in enumerate(text):
        x0 = i * (_CELL_W + _GAP) * s - width / 2
        for stroke in _glyph(ch):
            pts = []
            for gx, gy in stroke:
                lx, ly = x0 + gx * s, gy * s - height / 2
                lx = -lx if mirror else lx
                pts.append((x + c * lx - sn * ly, y + sn * lx + c * ly))
            out.append(pts)
    return out
