"""The CadQuery adapter: flat parts -> exact B-rep solids, a ``cq.Assembly`` and STEP (STL: see export_stl).

This is the only module that imports CadQuery (and through it OCP). Each plate is built as one
face (outline + holes) extruded once: cutting slots one by one in 3D is ~10x slower
(fabrication-reference.md section 5).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cadquery as cq
import shapely

from .design import Design
from .memo import wkb
from .part import FlatPart

#: colours per part role for the assembly (RGBA 0..1)
ROLE_COLOURS = {"rib": (0.80, 0.62, 0.40, 1.0), "slat": (0.90, 0.76, 0.55, 1.0)}
DEFAULT_COLOUR = (0.85, 0.70, 0.50, 1.0)


def _wire(coords) -> cq.Wire:
    pts = [cq.Vector(x, y, 0.0) for x, y in list(coords)[:-1]]
    return cq.Wire.makePolygon(pts, close=True)


def local_solid(part: FlatPart) -> cq.Solid:
    """The part's solid in its own frame: the outline extruded symmetric about w = 0.

    Cached by outline and thickness, so identical parts (a chair's ribs, most of its slats) share
    one solid and become instances of one product in the STEP file; do not mutate the result.
    """
    return _local_solid(wkb(part.outline), float(part.thickness))


@lru_cache(maxsize=256)
def _local_solid(wkb: bytes, thickness: float) -> cq.Solid:
    outline = shapely.from_wkb(wkb)
    outer = _wire(outline.exterior.coords)
    holes = [_wire(r.coords) for r in outline.interiors]
    face = cq.Face.makeFromWires(outer, holes)
    solid = cq.Solid.extrudeLinear(face, cq.Vector(0, 0, thickness))
    return solid.translate(cq.Vector(0, 0, -thickness / 2))


def location(part: FlatPart) -> cq.Location:
    """The part's placement as a CadQuery Location."""
    f = part.frame
    plane = cq.Plane(origin=f.origin, xDir=f.xdir, normal=tuple(f.normal))
    return cq.Location(plane)


def part_solid(part: FlatPart) -> cq.Solid:
    """The part's solid placed in the product frame."""
    return local_solid(part).moved(location(part))


def assembly(design: Design) -> cq.Assembly:
    """The product as a ``cq.Assembly``: one named, coloured, located solid per part."""
    asm = cq.Assembly(name=design.model)
    for part in design.parts:
        colour = cq.Color(*ROLE_COLOURS.get(part.role, DEFAULT_COLOUR))
        asm.add(local_solid(part), name=part.name, loc=location(part), color=colour)
    return asm


def export_step(design: Design, path: str | Path) -> None:
    """Write the product's assembly as STEP (AP214, millimetres): one named instance per part,
    identical parts sharing one product. Without p-curves (the 2D copies of every edge on its
    faces, which readers rebuild): about half the time and a third of the size."""
    from cadquery.occ_impl.exporters.assembly import exportAssembly

    exportAssembly(assembly(design), str(path), write_pcurves=False)


def fused(design: Design) -> cq.Shape:
    """The product as one solid: every part fused (slot bottoms touch, so the chair is one body)."""
    parts = [part_solid(p) for p in design.parts]
    return parts[0].fuse(*parts[1:]).clean() if len(parts) > 1 else parts[0]


def export_stl(design: Design, path: str | Path) -> None:
    """Write the product as one watertight STL: the exact part extrusions unioned by the fast mesh path
    (:func:`parametric.mesh.export_stl`; the OCC fuse + tessellation took ~1 s for a chair)."""
    from .mesh import export_stl as mesh_stl

    mesh_stl(design, path)


def solids(design: Design) -> dict[str, cq.Solid]:
    """Placed solids by part name."""
    return {p.name: part_solid(p) for p in design.parts}
