"""Starter for a new product (copy to models/<name>.py; files starting with _ are not registered).

A model reads like its description: parameters, presets, constraints, and a build() that places
plates and says which of them interlock. Joints, solids, checks, cut files and the viewer's panel
come from the framework.
"""

from __future__ import annotations

from shapely.geometry import box

from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Length, require
from parametric.part import Frame


class Trestle(Model):
    """Trestle: two interlocking A-frames (a template, not in the catalogue)."""

    name = "trestle_template"
    height = Length(700, min=400, max=900, step=10, group="Size", help="Floor to top")
    span = Length(600, min=300, max=1000, step=10, group="Size", help="Width of each frame")
    thickness = MeasuredThickness()
    clearance = Clearance()
    presets = {"standard": {}}
    constraints = [require(lambda p: p.span >= 0.4 * p.height, "frames narrower than 0.4 x height tip over",
                           "span", "height")]

    def build(self, p) -> None:
        """Two full-height plates crossing at the middle; the framework cuts the slots."""
        outline = box(-p.span / 2, 0, p.span / 2, p.height)
        a = self.plate("frame-a", outline, Frame.xz(), thickness=p.thickness, role="frame")
        b = self.plate("frame-b", outline, Frame.yz(), thickness=p.thickness, role="frame")
        self.cross_lap(a, b)
