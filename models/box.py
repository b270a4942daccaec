"""Box: the classic laser-cut box, finger-jointed on every edge, with a lift-off lid (a top panel
with a lip glued under it that locates inside the walls), a fixed top, or open."""

from __future__ import annotations

from shapely.geometry import box as rect

from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Choice, Count, Length, require
from parametric.part import Frame


#: clearance of a lift-off lid's lip inside the walls, per side (mm): lifts freely, does not rattle (ours)
LIP_GAP = 0.5


def wall_height(p) -> float:
    """Height of the walls: a lift-off lid sits on them, so they stop one thickness short."""
    return p.height - (p.thickness if p.lid == "lift-off" else 0.0)


class Box(Model):
    """Box: five or six panels finger-jointed on every edge (fingers in multiples of the thickness)."""

    name = "box"
    title = "Finger-jointed box"
    width = Length(200, min=60, max=800, step=1, group="Size", help="Outside width (x)")
    depth = Length(150, min=60, max=800, step=1, group="Size", help="Outside depth (y)")
    height = Length(100, min=40, max=600, step=1, group="Size", help="Outside height (z)")
    finger = Count(3, min=2, max=8, group="Joints", help="Finger width in multiples of the sheet thickness")
    lid = Choice("lift-off", ("lift-off", "fixed", "none"), group="Size",
                 help="lift-off: a top panel with a lip glued under it; fixed: a finger-jointed top; none: open")
    thickness = MeasuredThickness(3.0, min=2.5, max=12.0)
    clearance = Clearance(0.1)
    #: only the outside sizes change how large a panel is (the fix search tries nothing else for it)
    fixes = {"MFG-SHEET": ["width", "depth", "height"]}
    presets = {"3mm-ply": {}, "6mm-ply": {"width": 360, "depth": 260, "height": 180, "thickness": 6.4, "finger": 3},
               "open-tray": {"lid": "none", "height": 60, "width": 300, "depth": 200}}
    constraints = [require(lambda p: min(p.width, p.depth, wall_height(p)) >= (3 * p.finger + 2) * p.thickness,
                           "the box is too small for {finger}-thickness fingers: make it larger or the fingers "
                           "smaller", "finger", "width", "depth", "height")]

    def build(self, p) -> None:
        """Full-size panels whose corner columns overlap; the fingers are derived where they meet.
        A lift-off lid sits on the walls (they stop one thickness short of ``height``); its lip
        clears the walls' inner faces by ``LIP_GAP``."""
        t, w, d, h = p.thickness, p.width, p.depth, wall_height(p)
        plate = lambda n, o, f: self.plate(n, o, f, thickness=t, role=n.split("-")[0], label=n.upper()[:2])  # noqa
        walls_y = [plate(f"front-{i}", rect(-w / 2, 0, w / 2, h), Frame.xz(y)) for i, y in
                   enumerate((-d / 2 + t / 2, d / 2 - t / 2))]
        walls_x = [plate(f"side-{i}", rect(-d / 2, 0, d / 2, h), Frame.yz(x)) for i, x in
                   enumerate((-w / 2 + t / 2, w / 2 - t / 2))]
        flats = [plate("bottom", rect(-w / 2, -d / 2, w / 2, d / 2), Frame.xy(t / 2))]
        if p.lid == "fixed":
            flats.append(plate("lid", rect(-w / 2, -d / 2, w / 2, d / 2), Frame.xy(h - t / 2)))
        size = p.finger * t
        for a in walls_y:  # front/back own the vertical corners, walls own the corners with the flats
            for b in walls_x:
                self.fingers(a, b, width=size)
        for a in walls_y + walls_x:
            for b in flats:
                self.fingers(a, b, width=size)
        if p.lid == "lift-off":
            lid = self.plate("lid", rect(-w / 2, -d / 2, w / 2, d / 2), Frame.xy(h + t / 2), thickness=t, role="lid",
                             label="LID")
            half_w, half_d = w / 2 - t - LIP_GAP, d / 2 - t - LIP_GAP
            lip = self.plate("lip", rect(-half_w, -half_d, half_w, half_d), Frame.xy(h - t / 2), thickness=t,
                             role="lip", label="LIP")
            self.glue(lid, lip)
            self.lift_off(lid, lip)
