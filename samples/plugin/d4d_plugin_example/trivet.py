"""Trivet: two half-discs standing on their flat edges, interlocked at right angles."""

from __future__ import annotations

from shapely.geometry import Point, box

from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Length
from parametric.part import Frame


class Trivet(Model):
    """Trivet: two interlocking half-discs to stand a hot pot on."""

    name = "trivet"
    title = "Trivet"
    diameter = Length(200, min=120, max=320, step=5, group="Size", help="Diameter of the discs")
    thickness = MeasuredThickness(6.4, min=3, max=12)
    clearance = Clearance(0.1)
    presets = {"small": {"diameter": 150}, "large": {"diameter": 260}, "thin": {"thickness": 3.8}}

    def build(self, p) -> None:
        """Two half-discs, flat edge down, crossing at their centres."""
        half = Point(0, 0).buffer(p.diameter / 2, quad_segs=32).intersection(box(-p.diameter, 0, p.diameter, p.diameter))
        a = self.plate("disc-a", half, Frame.xz(), thickness=p.thickness, role="disc", label="A")
        b = self.plate("disc-b", half, Frame.yz(), thickness=p.thickness, role="disc", label="B")
        self.cross_lap(a, b)
        self.load("pot", [((0, 0, p.diameter / 2), (0, 0, -50.0))], standard="a 5 kg pot (ours)")
