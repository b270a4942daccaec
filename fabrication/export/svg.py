"""SVG per sheet for laser services: mm units, hairline strokes, one colour per operation.

The root is sized in millimetres with a matching viewBox (fabrication-reference.md section 3,
avoiding the 96/90/72 px-per-inch ambiguity); strokes only, pure RGB, hairline; colours come
from the machine profile's convention (red = cut at most shops, blue = cut at Ponoko). Labels
are the single-stroke lettering (no fonts needed at the shop); back-face labels (``--labels
hidden-face``) are mirrored, in their own group ``engrave-back``. The non-cutting notes are left
out: laser drivers map every stroke colour to some operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..layout import SheetLayout
from ..machines import Machine
from .sheetwalk import Operation, draw_sheet

#: hairline stroke width in mm (a vector line for laser drivers; ULS treats >= 0.2 mm as engrave)
HAIRLINE = 0.01
#: SVG group ids by operation kind, in cutting order
GROUPS = {"inside": "cut-inside", "outside": "cut-outside", "engrave": "engrave", "engrave-back": "engrave-back"}


def path_data(path, closed: bool) -> str:
    """SVG path data for vertices ``(x, y, bulge)``: bulges become elliptical-arc commands."""
    import math

    out = [f"M{path[0][0]:.4f},{path[0][1]:.4f}"]
    n = len(path)
    for i, (x0, y0, bulge) in enumerate(path[: n if closed else n - 1]):
        x1, y1, _ = path[(i + 1) % n]
        if bulge:
            sweep = 4 * math.atan(bulge)
            r = math.hypot(x1 - x0, y1 - y0) / (2 * abs(math.sin(sweep / 2)))
            out.append(f"A{r:.4f},{r:.4f} 0 {int(abs(sweep) > math.pi)} {int(sweep > 0)} {x1:.4f},{y1:.4f}")
        elif i + 1 < n or not closed:
            out.append(f"L{x1:.4f},{y1:.4f}")
    return " ".join(out) + (" Z" if closed else "")


class SvgSheetWriter:
    """Collects a sheet's operations into SVG text (a :class:`.sheetwalk.SheetWriter`)."""

    def __init__(self, machine: Machine):
        self.colours = {"inside": machine.colours["cut"], "outside": machine.colours["cut"],
                        "engrave": machine.colours["engrave"], "engrave-back": machine.colours["engrave"]}

    def begin(self, sheet: SheetLayout) -> None:
        """Start a sheet."""
        self.sheet = sheet
        self.groups: dict[str, list[str]] = {k: [] for k in GROUPS}

    def draw(self, op: Operation) -> None:
        """Add one path element per operation (notes are skipped)."""
        kind = "engrave-back" if op.back else op.kind
        if kind not in GROUPS:
            return
        d = " ".join(path_data(p, op.closed) for p in op.paths)
        self.groups[kind].append(f'<path data-part={quoteattr(op.part)} data-label={quoteattr(op.label)} '
                                    f'd="{d}"/>')

    def finish(self) -> str:
        """The SVG document text."""
        s = self.sheet
        w, h = s.width, s.height
        body = []
        for kind, gid in GROUPS.items():
            if kind == "engrave-back" and not self.groups[kind]:
                continue  # only sheets with back-face labels have the group
            body.append(f'<g id="{gid}" fill="none" stroke={quoteattr(self.colours[kind])} '
                        f'stroke-width="{HAIRLINE}">')
            body += self.groups[kind]
            body.append("</g>")
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}mm" height="{h:g}mm" '
                f'viewBox="0 0 {w:g} {h:g}">\n'
                f'<title>{s.material} {s.thickness:g} mm, sheet {s.index}</title>\n'
                f'<g transform="matrix(1 0 0 -1 0 {h:g})">\n' + "\n".join(body) + "\n</g>\n</svg>\n")


def sheet_svg(sheet: SheetLayout, machine: Machine, cut_parts: dict | None = None,
              ops: Sequence[Operation] | None = None) -> str:
    """The SVG text of one sheet (inside cuts before outside cuts, then engraving); ``ops``: the sheet
    already walked (:func:`.sheetwalk.walk`)."""
    return draw_sheet(sheet, SvgSheetWriter(machine), cut_parts, ops)


def write_sheet(sheet: SheetLayout, path: str | Path, machine: Machine, cut_parts: dict | None = None,
                ops: Sequence[Operation] | None = None) -> None:
    """Write one sheet as SVG (``ops``: the sheet already walked)."""
    Path(path).write_text(sheet_svg(sheet, machine, cut_parts, ops), encoding="utf-8")
