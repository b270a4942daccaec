"""Stool: interlocking leg plates (two crossing for 4 legs, a triangle of three for 3) under a tabbed seat."""

from __future__ import annotations

import math

from shapely.geometry import Point, Polygon, box

from parametric import loads
from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Choice, Count, Length, require
from parametric.part import Frame



def leg_plate(width: float, height: float, foot: float, top: float, arch: float) -> Polygon:
    """A splayed leg plate: wide at the floor, narrower under the seat, arched between its feet."""
    shape = Polygon([(-width / 2, 0), (width / 2, 0), (top / 2, height), (-top / 2, height)])
    cut = box(-width / 2 + foot, -40, width / 2 - foot, arch)  # rounded corners end below the floor
    drop = 2 * foot  # the sides extended below the floor, so the inset keeps the feet open at the bottom
    spread = (width - top) / 2 / height * drop
    sides = Polygon([(-width / 2 - spread, -drop), (width / 2 + spread, -drop), (top / 2, height), (-top / 2, height)])
    cut = cut.intersection(sides.buffer(-foot, join_style="mitre"))
    return shape.difference(cut.buffer(-20).buffer(20))


class Stool(Model):
    """Stool: three or four interlocking legs under a round or square seat fixed with tabs."""

    name = "stool"
    title = "Stool"
    height = Length(450, min=250, max=780, step=5, group="Size", help="Floor to the top of the seat")
    seat = Choice("round", ["round", "square"], group="Size", help="Seat shape")
    seat_width = Length(360, min=260, max=500, step=5, group="Size", help="Seat diameter or side")
    legs = Count(4, min=3, max=4, group="Structure", help="Three legs (a triangle of plates) or four (a cross)")
    splay = Length(60, min=0, max=200, step=5, group="Structure", help="How much wider the feet are than the seat")
    foot = Length(70, min=45, max=150, step=5, group="Structure", help="Width of each foot")
    thickness = MeasuredThickness()
    clearance = Clearance()
    fixes = {"STAB": ["splay", "seat_width"], "MFG-NECK": ["foot"], "STR": ["thickness"], "ERGO-SEAT-HIGH": ["height"],
             "ERGO-SEAT-LOW": ["height"], "ERGO-SEAT-WIDTH": ["seat_width"], "ERGO-SEAT-DEEP": ["seat_width"]}
    #: who each preset is for: a 450 mm seat is above the popliteal height + shoes of women of median size or
    #: less (ANSUR II); a bar stool's sitters rest their feet on the bar's foot rail, so no figure is checked
    figures = {"kitchen": ("man-p50", "man-p95"), "bar": (),
               "low": ("woman-p5", "woman-p50", "man-p50", "man-p95", "child-2", "child-3", "child-4")}
    figure_notes = {"bar": "a perch at a bar: the sitters rest their feet on the bar's foot rail"}
    presets = {"kitchen": {}, "bar": {"height": 750, "seat_width": 380, "splay": 160, "foot": 80},
               "low": {"height": 300, "seat": "square", "seat_width": 320, "legs": 3, "splay": 40}}
    constraints = [
        require(lambda p: p.seat_width + p.splay >= 0.5 * p.height + 80,
                "the stool is too narrow for its height and would feel tippy: widen the seat or the splay",
                "seat_width", "splay", "height"),
        require(lambda p: p.seat_width * 0.48 >= 6 * p.thickness,
                "a {seat_width} mm seat leaves no room for tabs in {thickness} mm sheet: use a larger seat or "
                "thinner sheet", "seat_width", "thickness"),
        require(lambda p: p.height - p.thickness > 2.2 * p.foot,
                "the feet ({foot} mm) are too wide for so low a stool", "foot", "height"),
    ]

    def build(self, p) -> None:
        """Leg plates crossing under the seat; cross-laps and seat tabs are derived."""
        t, h = p.thickness, p.height - p.thickness
        if p.legs == 4:
            span = p.seat_width * 0.8
            shape = leg_plate(span + p.splay, h, p.foot, span * 0.6, h * 0.45)
            plates = [self.plate("leg-a", shape, Frame.xz(), thickness=t, role="leg", label="LA", grain="v"),
                      self.plate("leg-b", shape, Frame((0, 0, 0), (0, 1, 0), (0, 0, 1)), thickness=t, role="leg",
                                 label="LB", grain="v")]
            self.cross_lap(plates[0], plates[1])
        else:  # three plates along the sides of a triangle, crossing each other near its corners
            r = p.seat_width * 0.18
            half = r * math.tan(math.radians(60)) + 35.0  # reaches 35 mm past the triangle's corners (material beyond the 60-degree slots)
            shape = leg_plate(2 * half + p.splay, h, p.foot + 20, 2 * half, h * 0.45)
            plates = []
            for k in range(3):
                a = math.radians(90 + 120 * k)
                nx, ny = math.cos(a), math.sin(a)
                frame = Frame((r * nx, r * ny, 0), (-ny, nx, 0), (0, 0, 1))
                plates.append(self.plate(f"leg-{k + 1}", shape, frame, thickness=t, role="leg", label=f"L{k + 1}",
                                         grain="v"))
            for i in range(3):
                self.cross_lap(plates[i], plates[(i + 1) % 3])
        outline = (Point(0, 0).buffer(p.seat_width / 2, quad_segs=32) if p.seat == "round"
                   else box(-p.seat_width / 2, -p.seat_width / 2, p.seat_width / 2, p.seat_width / 2).buffer(-20)
                   .buffer(20))
        seat = self.plate("seat", outline, Frame.xy(h + t / 2), thickness=t, role="seat", label="S")
        for plate in plates:
            self.tabs(plate, seat)
        edge = p.seat_width / 2 - loads.EDGE_MM
        loads.seating(self, seat=(0, 0, p.height), front=(0, -edge, p.height), side=(edge, 0, p.height),
                      seat_parts=["seat"])
        self.seat_surface(p, front=(0, -p.seat_width / 2, p.height), back=(0, p.seat_width / 2, p.height),
                          width=p.seat_width)
