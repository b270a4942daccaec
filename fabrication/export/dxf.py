"""DXF writer for parts and sheets (ezdxf; R2010, ``$INSUNITS`` mm or inches).

Conventions (fabrication-reference.md section 3): every contour is one closed LWPOLYLINE, with
relief arcs and the model's curves (fitted within 0.05 mm, :mod:`.arcfit`) written as bulges (tan of a
quarter of the sweep); one layer per operation, named
with the operation and the material thickness (``CUT_OUTSIDE_17.7MM``, ``CUT_INSIDE_17.7MM``),
ACI 1 (red) for cuts, 5 (blue) for engraving, 6 (magenta) for back-face engraving
(``ENGRAVE_BACK``, ``--labels hidden-face``: mirrored text, engraved from a second setup),
8 (grey) for the non-cutting sheet outline and notes (``NOTES_NOCUT``), 3 (green) for holding tab
positions (``HOLDING_TABS``, when asked for); pockets would go on ``POCKET_<depth>MM``
(:func:`pocket_layer`). Inside cuts come before outside cuts (entity order, from :mod:`.sheetwalk`).
Every cut and engrave entity carries XDATA (application ``D4D``): the part's name and its label, as in the BOM.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ezdxf
from ezdxf.enums import TextEntityAlignment

from .. import units as _units
from ..labels import Label, place_label
from ..layout import SheetLayout
from ..lettering import strokes
from .arcfit import fit_arcs
from .dxfbulk import add_polyline
from .sheetwalk import (  # noqa: F401 (re-exported)
    CALIBRATION_MM,
    Operation,
    draw_sheet,
    flatten,
    path_bounds,
    paths_bounds,
    ring_with_bulges,
)

ENGRAVE = "ENGRAVE"
#: labels engraved on the part's back face, drawn mirrored as seen from the front (``fabrication.faces``)
ENGRAVE_BACK = "ENGRAVE_BACK"
SHEET = "NOTES_NOCUT"
#: holding tab positions (stretches of the outside cuts to leave as bridges; see ``export/tabs.py``)
TABS = "HOLDING_TABS"
#: XDATA application id for part names and labels on cut entities
APPID = "D4D"
#: note text: largest cap height, padding from the note's box, line pitch (x height), mm
NOTE_TEXT_MM, NOTE_PAD_MM, NOTE_LINE_SPACING = 5.0, 2.0, 1.6
#: assumed advance per character, in cap heights: the widest glyphs (M, W) of common CAD fonts are
#: about one cap height wide, so a note sized with it stays in its box (and on the sheet) in any reader
NOTE_CHAR_WIDTH = 1.0


def _mm(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def cut_layers(thickness: float) -> tuple[str, str]:
    """Names of the outside and inside cut layers for a sheet thickness (mm)."""
    t = _mm(thickness)
    return f"CUT_OUTSIDE_{t}MM", f"CUT_INSIDE_{t}MM"


def pocket_layer(depth: float) -> str:
    """Name of the pocket layer for a depth (mm), e.g. ``POCKET_6MM``."""
    return f"POCKET_{_mm(depth)}MM"


def new_document(thickness: float, unit: str = "mm") -> ezdxf.document.Drawing:
    """An R2010 document in mm (or inches) with the operation layers defined."""
    doc = ezdxf.new("R2010", units=_units.INSUNITS[unit])  # no setup: no text style, linetype or dimstyle is used
    doc.header["$MEASUREMENT"] = 1 if unit == "mm" else 0
    outside, inside = cut_layers(thickness)
    for name, colour in ((outside, 1), (inside, 1), (ENGRAVE, 5), (SHEET, 8), (TABS, 3)):
        doc.layers.add(name, color=colour)
    doc.appids.add(APPID)
    return doc


def add_outline(msp, outline, thickness: float, scale: float = 1.0, arcs=()) -> None:
    """Add a part outline: holes on the inside-cut layer first, then the exterior on the outside-cut layer."""
    from shapely.geometry.polygon import orient

    outside, inside = cut_layers(thickness)
    outline = orient(outline, 1.0)
    for ring, layer in [*((r, inside) for r in outline.interiors), (outline.exterior, outside)]:
        add_polyline(msp, fit_arcs(ring_with_bulges(ring.coords, arcs)), closed=True, layer=layer, scale=scale)


def add_label(msp, label: Label | None, scale: float = 1.0, *, as_strokes: bool = False) -> None:
    """Add a label on the engrave layer (:data:`ENGRAVE_BACK` and mirrored for a back-face label): a
    ``TEXT`` entity centred on its anchor, or (``as_strokes``) the single-stroke polylines of
    :mod:`fabrication.lettering`, whose extent is exact."""
    if label is None:
        return
    label = Label(*label)
    layer = engrave_layer(msp.doc, label.back)
    if as_strokes:
        for line in strokes(*label):
            add_polyline(msp, line, closed=False, layer=layer, scale=scale)
        return
    text = msp.add_text(label.text, height=label.height * scale, dxfattribs={"layer": layer, "rotation": label.angle})
    text.set_placement((label.x * scale, label.y * scale), align=TextEntityAlignment.MIDDLE_CENTER)
    if label.back:
        text.dxf.text_generation_flag = 2  # mirrored in X: reads true from the back


def engrave_layer(doc, back: bool = False) -> str:
    """The engrave layer's name; ``back``: :data:`ENGRAVE_BACK`, added to ``doc`` on first use (ACI 6)."""
    if not back:
        return ENGRAVE
    if ENGRAVE_BACK not in doc.layers:
        doc.layers.add(ENGRAVE_BACK, color=6)
    return ENGRAVE_BACK


def add_note_text(msp, text: str, ring, scale: float = 1.0) -> None:
    """Write a note's lines (``\\n``-separated) inside its ring's box, bottom-left, on the notes layer.

    The height is :data:`NOTE_TEXT_MM` or less, so that the longest line fits the box at
    :data:`NOTE_CHAR_WIDTH` cap heights per character whatever font the reader substitutes.
    """
    xs, ys = [v[0] for v in ring], [v[1] for v in ring]
    x0, y0, width = min(xs), min(ys), max(xs) - min(xs)
    lines = text.splitlines()
    height = min(NOTE_TEXT_MM, (width - 2 * NOTE_PAD_MM) / (NOTE_CHAR_WIDTH * max(len(line) for line in lines)))
    for k, line in enumerate(reversed(lines)):
        y = y0 + NOTE_PAD_MM + k * NOTE_LINE_SPACING * height
        msp.add_text(line, height=height * scale, dxfattribs={"layer": SHEET}).set_placement(
            ((x0 + NOTE_PAD_MM) * scale, y * scale))


def set_extents(doc: ezdxf.document.Drawing, box: tuple[float, float, float, float] | None = None) -> None:
    """Set ``$EXTMIN``/``$EXTMAX`` (and the model space's own extents, which ezdxf copies into the
    header on save) to what the model space holds: CAM programs zoom and place by them.

    ``box``: ``(xmin, ymin, xmax, ymax)`` when the caller already knows it (the sheet writer tracks
    what it draws); else ezdxf's bounding box of the model space."""
    from ezdxf import appsettings

    if box is None:
        appsettings.update_extents(doc)
        return
    msp = doc.modelspace()
    lo, hi = (box[0], box[1], 0.0), (box[2], box[3], 0.0)
    msp.dxf.extmin, msp.dxf.extmax = lo, hi
    doc.header["$EXTMIN"], doc.header["$EXTMAX"] = lo, hi


def write_part(part, path: str | Path, unit: str = "mm") -> None:
    """Write one part's finished outline (and label) to a DXF file in part-local coordinates."""
    scale = 1.0 / _units.PER_MM[unit]
    doc = new_document(part.thickness, unit)
    msp = doc.modelspace()
    add_outline(msp, part.outline, part.thickness, scale)
    add_label(msp, place_label(part.outline, part.label), scale)
    set_extents(doc)
    doc.saveas(Path(path))


class DxfSheetWriter:
    """Draws a sheet's operations into an ezdxf document (a :class:`.sheetwalk.SheetWriter`)."""

    def __init__(self, unit: str = "mm"):
        self.unit = unit
        self.scale = 1.0 / _units.PER_MM[unit]
        self.doc = None

    def begin(self, sheet: SheetLayout) -> None:
        """Start a new document for the sheet's thickness."""
        self.doc = new_document(sheet.thickness, self.unit)
        self.drawn: tuple[list, list[bool]] = ([], [])  # every path and whether it is closed, for the extents
        self.layers = {"outside": cut_layers(sheet.thickness)[0], "inside": cut_layers(sheet.thickness)[1],
                       "engrave": ENGRAVE, "note": SHEET, "tab": TABS}

    def draw(self, op: Operation) -> None:
        """Add the operation's paths as LWPOLYLINEs on its layer (cuts and engraving tagged with the part)."""
        msp, s, layer = self.doc.modelspace(), self.scale, self.layers[op.kind]
        if op.back:
            layer = engrave_layer(self.doc, back=True)
        for path in op.paths:
            e = add_polyline(msp, path, closed=op.closed, layer=layer, scale=s)
            if op.part:
                e.set_xdata(APPID, [(1000, op.part), (1000, op.label)])
        self.drawn[0].extend(op.paths)
        self.drawn[1].extend([op.closed] * len(op.paths))
        if op.kind == "note" and op.text:
            add_note_text(msp, op.text, op.paths[0], s)

    def finish(self):
        """The finished document, with its drawing extents in the header: the bounds of every path drawn,
        arcs included (they bulge past their ends; note captions lie inside their boxes)."""
        box = None
        if self.drawn[0]:
            box = tuple(c * self.scale for c in paths_bounds(*self.drawn))
        set_extents(self.doc, box)
        return self.doc


def sheet_document(sheet: SheetLayout, cut_parts: dict | None = None, unit: str = "mm",
                   ops: Sequence[Operation] | None = None) -> ezdxf.document.Drawing:
    """The DXF document of one sheet (see :func:`write_sheet`); ``ops``: the sheet already walked."""
    return draw_sheet(sheet, DxfSheetWriter(unit), cut_parts, ops)


def write_sheet(sheet: SheetLayout, path: str | Path, unit: str = "mm", cut_parts: dict | None = None,
                ops: Sequence[Operation] | None = None) -> None:
    """Write one sheet: inside cuts, outside cuts, single-stroke labels, then the sheet outline and a
    calibration square on the non-cutting layer.

    Args:
        unit: ``"mm"`` or ``"in"`` (coordinates scaled, ``$INSUNITS`` set to match).
        cut_parts: prepared parts by name (:class:`fabrication.toolpath.CutPart`), for relief arcs
            and label positions; without them labels are placed on the placed outlines.
        ops: the sheet's operations from :func:`.sheetwalk.walk`, when already walked.
    """
    sheet_document(sheet, cut_parts, unit, ops).saveas(Path(path))
