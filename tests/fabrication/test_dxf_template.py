"""Sheet documents are copies of a template built once per thickness and unit: the same DXF as a document
built anew (apart from its creation time and GUIDs), and independent of each other."""

from __future__ import annotations

import io
import re

import ezdxf
import pytest

from fabrication import units
from fabrication.export.dxf import APPID, ENGRAVE, SHEET, TABS, cut_layers, engrave_layer, new_document

#: header variables a document gets from the clock or a random GUID
_VOLATILE = ("$TDCREATE", "$TDUPDATE", "$TDINDWG", "$TDUSRTIMER", "$FINGERPRINTGUID", "$VERSIONGUID")


def _built_anew(thickness, unit):
    """What new_document built before it copied a template: ezdxf.new, the layers and the appid."""
    doc = ezdxf.new("R2010", units=units.INSUNITS[unit])
    doc.header["$MEASUREMENT"] = 1 if unit == "mm" else 0
    outside, inside = cut_layers(thickness)
    for name, colour in ((outside, 1), (inside, 1), (ENGRAVE, 5), (SHEET, 8), (TABS, 3)):
        doc.layers.add(name, color=colour)
    doc.appids.add(APPID)
    return doc


def _text(doc):
    """The DXF text with the clock, the GUIDs and ezdxf's time marks blanked, and the CLASS records sorted
    (ezdxf adds those of the entity types in use in set order)."""
    buf = io.StringIO()
    doc.write(buf)
    lines = buf.getvalue().split("\n")
    for i in range(len(lines) - 3):
        if lines[i].strip() == "9" and lines[i + 1] in _VOLATILE:
            lines[i + 3] = "<volatile>"
    txt = re.sub(r"\d+\.\d+\.\d+ @ \d{4}-\S+", "<ezdxf mark>", "\n".join(lines))
    head, rest = txt.split("  2\nCLASSES\n", 1)
    classes, tail = rest.split("  0\nENDSEC\n", 1)
    records = classes.split("  0\nCLASS\n")
    return head + records[0] + "".join(sorted(records[1:])) + tail


@pytest.mark.parametrize("thickness, unit", [(17.7, "mm"), (6.5, "in"), (18.0, "mm")])
def test_a_copied_document_is_the_document_built_anew(thickness, unit):
    doc = new_document(thickness, unit)
    assert _text(doc) == _text(_built_anew(thickness, unit))
    assert not doc.audit().has_errors


def test_copies_are_independent_and_each_its_own_drawing():
    first = new_document(12.0)
    engrave_layer(first, back=True)
    first.modelspace().add_line((0, 0), (1, 1))
    second = new_document(12.0)
    assert "ENGRAVE_BACK" not in second.layers and len(second.modelspace()) == 0
    assert first.header["$FINGERPRINTGUID"] != second.header["$FINGERPRINTGUID"]
    assert second.layers.get(cut_layers(12.0)[0]).dxf.color == 1
