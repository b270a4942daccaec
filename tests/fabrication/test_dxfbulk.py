"""The bulk LWPOLYLINE writer (fabrication/export/dxfbulk.py) against ezdxf's own add_lwpolyline."""

from __future__ import annotations

import io
import re

import ezdxf
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrication.export.dxfbulk import BulkPolyline, add_polyline, vertex_tags

coordinate = st.one_of(st.floats(-1e4, 1e4, allow_nan=False), st.sampled_from([0.0, -0.0, 1e-9, 123.456, 1e-5]))
bulge = st.one_of(st.just(0.0), st.floats(-3.0, 3.0, allow_nan=False), st.sampled_from([-0.0, 1.0, 1e-7]))
paths = st.lists(st.tuples(coordinate, coordinate, bulge), min_size=1, max_size=12)


def _text(doc) -> str:
    """The document's DXF text without what differs per save (time stamps, GUIDs, the ezdxf stamp)."""
    buf = io.StringIO()
    doc.write(buf)
    text = re.sub(r"(\$TD\w+\n 40\n)[^\n]*", r"\1T", buf.getvalue())
    text = re.sub(r"\{[0-9A-F-]{36}\}", "{GUID}", text)
    return re.sub(r"\d+\.\d+\.\d+ @ \S+", "STAMP", text)


def _entities(text: str) -> str:
    return text[text.index("ENTITIES"):text.index("ENDSEC", text.index("ENTITIES"))]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(paths, st.booleans(), st.sampled_from([1.0, 1 / 25.4])), min_size=1, max_size=4))
def test_the_same_text_as_ezdxf(polylines):
    """Polylines added in bulk are written exactly as ezdxf writes those of add_lwpolyline (scaled,
    closed or open, bulges of any sign, -0.0 and tiny values included)."""
    ours, theirs = ezdxf.new("R2010"), ezdxf.new("R2010")
    for path, closed, scale in polylines:
        add_polyline(ours.modelspace(), path, closed=closed, layer="CUT", scale=scale)
        theirs.modelspace().add_lwpolyline([(x * scale, y * scale, b) for x, y, b in path], format="xyb",
                                          close=closed, dxfattribs={"layer": "CUT"})
    a, b = _text(ours), _text(theirs)
    assert _entities(a) == _entities(b)
    assert a == b


def test_widths_are_written_as_ezdxf_writes_them():
    """A vertex with a width gets both width tags (ezdxf's rule, which BricsCAD needs); the rest none."""
    points = np.array([[0.0, 0.0, 0.5, 0.0, 0.0], [10.0, 0.0, 0.0, 0.0, 0.25], [10.0, 5.0, 0.0, 0.0, 0.0]])
    doc = ezdxf.new("R2010")
    ours = add_polyline(doc.modelspace(), points[:, :2], closed=False, layer="0")
    ours.lwpoints.set(points)
    theirs = doc.modelspace().add_lwpolyline(points.tolist(), format="xyseb")
    assert isinstance(ours, BulkPolyline) and not isinstance(theirs, BulkPolyline)
    assert vertex_tags(points) == " 10\n0.0\n 20\n0.0\n 40\n0.5\n 41\n0.0\n 10\n10.0\n 20\n0.0\n 42\n0.25\n" \
                                  " 10\n10.0\n 20\n5.0\n"
    text = _entities(_text(doc))
    first, second = text.split("LWPOLYLINE")[1:]
    assert first.split("AcDbPolyline")[1] == second.split("AcDbPolyline")[1]


def test_binary_dxf_and_audit_read_back(tmp_path):
    """Other tag writers get ezdxf's own export: a binary DXF reads back with the same vertices, and the
    document passes ezdxf's audit."""
    doc = ezdxf.new("R2010", units=4)
    path = [(0.0, 0.0, 0.0), (100.0, 0.0, 0.41421356237309503), (100.0, 50.0, 0.0), (0.0, 50.0, -1.0)]
    add_polyline(doc.modelspace(), path, closed=True, layer="CUT")
    assert not doc.audit().has_errors
    doc.saveas(tmp_path / "a.dxf", fmt="bin")
    back = ezdxf.readfile(tmp_path / "a.dxf")
    (e,) = back.modelspace()
    assert e.dxftype() == "LWPOLYLINE" and e.closed and e.dxf.layer == "CUT"
    assert e.get_points("xyb") == path


@pytest.mark.parametrize("bad", [[], [(1.0,)], [[1.0, 2.0, 3.0, 4.0]]])
def test_bad_vertices_are_refused(bad):
    """No vertices, or vertices of the wrong width, are refused with the shape that came."""
    with pytest.raises(ValueError, match="shape"):
        add_polyline(ezdxf.new("R2010").modelspace(), bad, closed=False, layer="0")
