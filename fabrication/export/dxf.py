"""DXF writer for parts and sheets (ezdxf; R2010, ``$INSUNITS`` mm or inches).

Conventions (fabrication-reference.md section 3): every contour is one closed LWPOLYLINE;
one layer per operation, named with the operation and the material thickness
(``CUT_OUTSIDE_17.7MM``, ``CUT_INSIDE_17.7MM``), ACI 1 (red) for cuts, 5 (blue) for engraving,
8 (grey) for the non-cutting sheet outline and notes.
"""

from __future__ import annotations

from pathlib import Path

import ezdxf
from ezdxf.enums import TextEntityAlignment
from shapely.ops import polylabel
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from .. import units as _units
from ..layout import SheetLayout

ENGRAVE = "ENGRAVE"
SHEET = "NOTES_NOCUT"
#: ACI colours by operation
COLOURS = {"CUT_OUTSIDE": 1, "CUT_INSIDE": 1, ENGRAVE: 5, SHEET: 8}


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


def add_outline(msp, outline: Polygon, thickness: float, scale: float = 1.0) -> None:
    """Add a part outline: the exterior on the outside-cut layer, holes on the inside-cut layer."""
    outside, inside = cut_layers(thickness)
    outline = orient(outline, 1.0)
    msp.add_lwpolyline([(x * scale, y * scale) for x, y in outline.exterior.coords[:-1]], close=True,
                       dxfattribs={"layer": outside})
    for ring in outline.interiors:
        msp.add_lwpolyline([(x * scale, y * scale) for x, y in ring.coords[:-1]], close=True,
                           dxfattribs={"layer": inside})


def add_label(msp, outline: Polygon, text: str, scale: float = 1.0) -> None:
    """Add an engraved label at the outline's pole of inaccessibility, sized to fit inside it."""
    pole = polylabel(outline, tolerance=0.5)
    room = outline.exterior.distance(pole)
    for ring in outline.interiors:
        room = min(room, ring.distance(pole))
    height = max(2.0, min(20.0, 0.6 * room))
    msp.add_text(text, height=height * scale, dxfattribs={"layer": ENGRAVE}).set_placement(
        (pole.x * scale, pole.y * scale), align=TextEntityAlignment.MIDDLE_CENTER)



def write_part(part, path: str | Path, unit: str = "mm") -> None:
    """Write one part's outline (and label) to a DXF file in part-local coordinates."""
    scale = 1.0 / _units.PER_MM[unit]
    doc = new_document(part.thickness, unit)
    msp = doc.modelspace()
    add_outline(msp, part.outline, part.thickness, scale)
    add_label(msp, part.outline, part.label, scale)
    doc.saveas(Path(path))


def write_sheet(sheet: SheetLayout, path: str | Path, unit: str = "mm") -> None:
    """Write one sheet: every placed part's contours and label, and the sheet outline (non-cutting)."""
    scale = 1.0 / _units.PER_MM[unit]
    doc = new_document(sheet.thickness, unit)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (sheet.width * scale, 0), (sheet.width * scale, sheet.height * scale),
                        (0, sheet.height * scale)], close=True, dxfattribs={"layer": SHEET})
    for placed in sheet.placed:
        add_outline(msp, placed.outline, sheet.thickness, scale)
        add_label(msp, placed.outline, placed.part.label, scale)
    doc.saveas(Path(path))
