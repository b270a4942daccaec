"""Box: the classic laser-cut box, finger-jointed on every edge, with an optional lid panel."""

from __future__ import annotations

from shapely.geometry import box as rect

from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Count, Flag, Length, require
from parametric.part import Frame


class Box(Model):
    """Box: five or six panels finger-jointed on every edge (fingers in multiples of the thickness)."""

    name = "box"
    title = "Finger-jointed box"
    width = Length(200, min=60, max=800, step=1, group="Size", help="Outside width (x)")
    depth = Length(150, min=60, max=800, step=1, group="Size", help="Outside depth (y)")
    height = Length(100, min=40, max=600, step=1, group="Size", help="Outside height (z)")
    finger = Count(3, min=2, max=8, group="Joints", help="Finger width in multiples of the sheet thickness")
    lid = Flag(True, group="Size", help="Close the box with a finger-jointed top panel")
    thickness = MeasuredThickness(3.0, min=2.5, max=12.0)
    clearance = Clearance(0.05)
    presets = {"3mm-ply": {}, "6mm-ply": {"width": 360, "depth": 260, "height": 180, "thickness": 6.4, "finger": 3},
               "open-tray": {"lid": False, "height": 60, "width": 300, "depth": 200}}
    constraints = [require(lambda p: min(p.width, p.depth, p.height) >= 3 * p.finger * p.thickness + 2 * p.thickness,
                           "the box is too small for {finger}-thickness fingers: make it larger or the fingers "
                           "smaller", "finger", "width", "depth", "height")]

    def build(self, p) -> None:
        """Full-size panels whose corner columns overlap; the fingers are derived where they meet."""
        t, w, d, h = p.thickness, p.width, p.depth, p.height
        plate = lambda n, o, f: self.plate(n, o, f, thickness=t, role=n.split("-")[0], label=n.upper()[:2])  # noqa
        walls_y = [plate(f"front-{i}", rect(-w / 2, 0, w / 2, h), Frame.xz(y)) for i, y in
                   enumerate((-d / 2 + t / 2, d / 2 - t / 2))]
        walls_x = [plate(f"side-{i}", rect(-d / 2, 0, d / 2, h), Frame.yz(x)) for i, x in
                   enumerate((-w / 2 + t / 2, w / 2 - t / 2))]
        flats = [plate("bottom", rect(-w / 2, -d / 2, w / 2, d / 2), Frame.xy(t / 2))]
        if p.lid:
            flats.append(plate("lid", rect(-w / 2, -d / 2, w / 2, d / 2), Frame.xy(h - t / 2)))
        size = p.finger * t
        for a in walls_y:  # front/back own the vertical corners, walls own the corners with the flats
            for b in walls_x:
                self.fingers(a, b, width=size)
        for a in walls_y + walls_x:
            for b in flats:
                self.fingers(a, b, width=size)
