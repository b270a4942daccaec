"""Which face of each flat part is hidden once the product is assembled (for ``--labels hidden-face``).

A part lies on the sheet with its local ``(u, v)`` as drawn, so its *front* face (the ``+w`` side,
the :class:`~parametric.part.Frame` normal) faces the cutter and its *back* face the bed. The hidden
face is chosen by the first rule that applies:

1. **glued**: a face glued face to face to another part (a lid's lip) is covered for good;
2. **underside**: a plate lying flat (its normal within 45 degrees of vertical: a seat, shelf, table
   top, box bottom or lid) hides its face pointing down;
3. **inner**: a standing plate hides the face pointing towards the product's centre (the centre of
   its bounding box): a box wall's inside, a bookshelf side's inner face, a back rail's front;
4. **none**: a standing plate whose mid-plane passes within half its thickness of the centre (a
   chair's middle rib, a stool's crossing legs) shows both faces; its label stays on the front,
   where it needs no second setup.

A label on the back face is engraved from the back: the exporters draw it mirrored (it reads true
seen from the back) on its own layer, so the operator flips the part, or the sheet, for it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from parametric.design import Design

#: a plate whose normal is within this angle of vertical lies flat (degrees; ours: the nearer of the
#: two classes, so every plate gets one)
FLAT_WITHIN_DEG = 45.0
#: the rules of the module docstring, in order
RULES = ("glued", "underside", "inner", "none")


class HiddenFace(NamedTuple):
    """The hidden face of one part: ``face`` is ``"front"`` (the ``+w`` face, up on the sheet) or
    ``"back"`` (the ``-w`` face, down on the sheet); ``rule`` is which rule chose it (:data:`RULES`)."""

    face: str
    rule: str

    @property
    def back(self) -> bool:
        """Whether the label goes on the back face (engraved mirrored, from a second setup)."""
        return self.face == "back"


def product_centre(design: Design) -> np.ndarray:
    """Centre of the bounding box of every part's outline placed in 3D (product mm)."""
    pts = np.vstack([p.frame.to_world(np.asarray(p.outline.exterior.coords)) for p in design.parts])
    return (pts.min(axis=0) + pts.max(axis=0)) / 2


def hidden_faces(design: Design) -> dict[str, HiddenFace]:
    """The hidden face of every part of ``design``, by name (rules in the module docstring)."""
    glued: dict[str, np.ndarray] = {}
    for j in design.joints:
        if j.kind == "glue":  # direction: from a towards b
            d = np.asarray(j.direction, dtype=float)
            glued.setdefault(j.a, d)
            glued.setdefault(j.b, -d)
    centre = product_centre(design)
    cos_flat = math.cos(math.radians(FLAT_WITHIN_DEG))
    out = {}
    for part in design.parts:
        normal = part.frame.normal
        if part.name in glued:
            toward, rule = glued[part.name], "glued"
        elif abs(float(normal[2])) >= cos_flat:
            toward, rule = np.array([0.0, 0.0, -1.0]), "underside"
        else:
            toward, rule = centre - np.asarray(part.frame.origin), "inner"
            if abs(float(toward @ normal)) <= part.thickness / 2:
                out[part.name] = HiddenFace("front", "none")
                continue
        out[part.name] = HiddenFace("front" if float(toward @ normal) > 0 else "back", rule)
    return out
