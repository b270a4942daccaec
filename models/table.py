"""Table: two arched end frames and a spine, cross-lapped, with the top fixed by tabs through slots."""

from __future__ import annotations

from shapely.geometry import box

from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Length, require
from parametric.part import Frame

#: static load on the top's middle: 1000 N (our working value; EN 12521's figures were not available)
TOP_N = 1000.0
#: someone leaning on the end: 600 N, 50 mm in from the edge (as EN 1022's edge loads)
LEAN_N, EDGE_MM = 600.0, 50.0


def frame_outline(span: float, height: float, leg: float, apron: float, radius: float):
    """An arched frame: two legs joined by an apron under the top."""
    outline = box(-span / 2, 0, span / 2, height)
    arch = box(-span / 2 + leg, -40, span / 2 - leg, height - apron)  # rounded corners end below the floor
    return outline.difference(arch.buffer(-radius).buffer(radius))


class Table(Model):
    """Table: arched end frames and a spine interlocked with cross-laps; the top is tabbed on."""

    name = "table"
    title = "Table"
    length = Length(1200, min=600, max=2200, step=10, group="Size", help="Length of the top")
    width = Length(750, min=450, max=1000, step=10, group="Size", help="Width of the top")
    height = Length(740, min=380, max=800, step=5, group="Size", help="Floor to the top surface")
    overhang = Length(120, min=40, max=300, step=5, group="Shape", help="How far the top reaches past the end frames")
    side_overhang = Length(60, min=20, max=200, step=5, group="Shape", help="How far the top reaches past the frames' sides")
    leg_width = Length(90, min=50, max=200, step=5, group="Structure", help="Width of each leg")
    apron = Length(120, min=60, max=250, step=5, group="Structure", help="Depth of the frames and spine under the top")
    thickness = MeasuredThickness()
    clearance = Clearance()
    fixes = {"STR": ["apron", "overhang", "thickness"], "STAB": ["overhang", "side_overhang"],
             "MFG-NECK": ["apron", "leg_width"], "ERGO-THIGH": ["height"]}
    #: who sits at each preset (thigh clearance): nobody sits with their knees under a coffee table
    figures = {"dining": ("woman-p5", "woman-p50", "man-p50", "man-p95"), "coffee": (),
               "desk": ("woman-p5", "woman-p50", "man-p50", "man-p95")}
    figure_notes = {"coffee": "nobody sits with their knees under a coffee table"}
    presets = {
        "dining": {},
        "coffee": {"length": 1000, "width": 550, "height": 420, "apron": 90, "overhang": 100},
        "desk": {"length": 1400, "width": 700, "height": 740, "overhang": 150},
    }
    constraints = [
        require(lambda p: p.length - 2 * p.overhang >= 0.5 * p.length,
                "the top overhangs too far ({overhang} mm each end) for its length ({length} mm)", "overhang", "length"),
        require(lambda p: p.width - 2 * p.side_overhang >= 3 * p.leg_width,
                "the frames are too narrow for their legs: reduce side_overhang or leg_width", "side_overhang",
                "leg_width", "width"),
        require(lambda p: p.apron + 100 <= p.height - p.thickness,
                "the apron ({apron} mm) leaves no room for the legs under a {height} mm table", "apron", "height"),
    ]

    def build(self, p) -> None:
        """End frames (YZ) and a spine (XZ) under a top (XY); cross-laps and tabs are derived."""
        t, h = p.thickness, p.height - p.thickness
        fx = p.length / 2 - p.overhang
        span = p.width - 2 * p.side_overhang
        shape = frame_outline(span, h, p.leg_width, p.apron, 25.0)
        frames = [self.plate(f"frame-{i + 1}", shape, Frame.yz(x), thickness=t, role="frame", label=f"F{i + 1}",
                             grain="v") for i, x in enumerate((-fx, fx))]
        spine_len = 2 * fx + 2 * min(p.leg_width / 2, p.overhang / 2)
        spine = self.plate("spine", box(-spine_len / 2, h - p.apron, spine_len / 2, h), Frame.xz(), thickness=t,
                           role="spine", label="SP", grain="u")
        top = self.plate("top", box(-p.length / 2, -p.width / 2, p.length / 2, p.width / 2).buffer(-15).buffer(15),
                         Frame.xy(h + t / 2), thickness=t, role="top", label="T", grain="u")
        for frame in frames:
            self.cross_lap(frame, spine)
            self.tabs(frame, top)
        self.tabs(spine, top)
        self.load("top_load", [((0, 0, p.height), (0, 0, -TOP_N))], kind="strength", parts=["top"],
                  standard="static load on the top (ours; EN 12521 not available)")
        self.load("lean_end", [((p.length / 2 - EDGE_MM, 0, p.height), (0, 0, -LEAN_N))],
                  standard="600 N at 50 mm from the end (as EN 1022 edge loads)")
        self.load("lean_side", [((0, p.width / 2 - EDGE_MM, p.height), (0, 0, -LEAN_N))],
                  standard="600 N at 50 mm from the side (as EN 1022 edge loads)")
        self.worktop(p, edge=(0, -p.width / 2, p.height), inward=(0, 1))
