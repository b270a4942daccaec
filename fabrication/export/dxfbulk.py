"""LWPOLYLINEs in bulk: the same entities and the same DXF text as ezdxf's ``add_lwpolyline``, made faster.

ezdxf builds a polyline one vertex at a time (an array per vertex, concatenated) and writes it one
tag object per vertex: about 0.6 ms per entity, most of a sheet file's cost with its ~60 entities
(cuts and label strokes). Here the vertices are set as one array (ezdxf's own ``VertexArray.set``),
and when the document is written as ASCII DXF the vertex tags are formatted in one pass, exactly as
ezdxf formats them (group code ``%3d``, then ``str`` of the value: 10/20 per vertex, 42 for a
non-zero bulge). Everything else of the entity (handle, owner, layer, flags, count, XDATA) is still
written by ezdxf; any other tag writer (binary DXF, ezdxf's tag collectors) gets ezdxf's own export.
``tests/fabrication/test_dxfbulk.py`` checks the text against ezdxf's.
"""

from __future__ import annotations

import numpy as np
from ezdxf.entities import LWPolyline, factory
from ezdxf.entities.dxfgfx import DXFGraphic
from ezdxf.lldxf.const import SUBCLASS_MARKER
from ezdxf.lldxf.tagwriter import TagWriter


class BulkPolyline(LWPolyline):
    """An LWPOLYLINE whose vertex tags are written in one pass (module docstring)."""

    def export_entity(self, tagwriter) -> None:
        """Export as :class:`~ezdxf.entities.LWPolyline` does; the vertices formatted at once for text DXF."""
        if type(tagwriter) is not TagWriter:
            super().export_entity(tagwriter)
            return
        DXFGraphic.export_entity(self, tagwriter)
        tagwriter.write_tag2(SUBCLASS_MARKER, "AcDbPolyline")
        self.dxf.export_dxf_attribs(tagwriter, ["count", "flags", "const_width", "elevation", "thickness"])
        tagwriter.write_str(vertex_tags(self.lwpoints.values))
        self.dxf.export_dxf_attribs(tagwriter, "extrusion")


def vertex_tags(points: np.ndarray) -> str:
    """The DXF text of LWPOLYLINE vertices ``(x, y, start width, end width, bulge)``, as ezdxf writes them
    (widths only when one is set, both then; the bulge only when non-zero)."""
    out = []
    for x, y, start, end, bulge in points.tolist():
        out.append(" 10\n%s\n 20\n%s\n" % (x, y))
        if start or end:
            out.append(" 40\n%s\n 41\n%s\n" % (start, end))
        if bulge:
            out.append(" 42\n%s\n" % bulge)
    return "".join(out)


def add_polyline(layout, vertices, *, closed: bool, layer: str, scale: float = 1.0) -> LWPolyline:
    """Add an LWPOLYLINE of ``vertices`` ``(x, y)`` or ``(x, y, bulge)`` (coordinates times ``scale``) on
    ``layer`` to an ezdxf layout (the model space); the entity ezdxf's ``add_lwpolyline`` would make."""
    v = np.asarray(vertices, dtype=float)
    if v.ndim != 2 or v.shape[1] not in (2, 3) or not len(v):
        raise ValueError(f"a polyline needs vertices (x, y) or (x, y, bulge), not an array of shape {v.shape}")
    points = np.zeros((len(v), 5))
    points[:, :2] = v[:, :2] * scale
    if v.shape[1] == 3:
        points[:, 4] = v[:, 2]
    entity = BulkPolyline.new(dxfattribs={"layer": layer})
    factory.bind(entity, layout.doc)
    layout.add_entity(entity)
    entity.lwpoints.set(points)
    entity.closed = closed
    return entity
