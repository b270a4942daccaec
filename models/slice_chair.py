"""Slice chair: side ribs cut from a smooth seat-and-back profile, crossed by slats that follow it.

The profile is sculpted from control points (``profile``) or drawn elsewhere (``side_outline``,
``@side.svg`` / ``@side.dxf``): a drawing IS the rib, stood on the floor with its front at y = 0,
and the slats follow its upper edge from the seat front to the top of the back. The ribs and slats
themselves are :mod:`parametric.profile_slices`'; this module holds the chair's decisions (its
profile, legs, limits and loads), shared with ``models/bench.py``.
"""

from __future__ import annotations

import math

import numpy as np
from shapely.geometry import LineString, Polygon, box

from parametric import loads
from parametric import profile_slices as ps
from parametric.curves import arc_lengths, bspline, rotate, stations
from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Angle, Count, Length, Outline, Profile, require
from parametric.params_shape import outline_polygon
from parametric.part import Frame  # noqa: F401 - kept importable from here

POINTS = ("seat front", "seat middle", "seat back", "back middle", "back top")
#: drawn profiles: heights within this of the highest count as level (mm)
LEVEL_MM = 1.0
#: drawn profiles: the top of the back must rise this far above the seat front to count as a back (mm)
BACK_RISE_MM = 150.0
#: drawn profiles: shortest seating line that carries slats (mm)
MIN_LINE_MM = 200.0
#: a back must rise this far above the rearward loading point A to get the lean-back case (mm)
LEAN_MIN_MM = 100.0
#: material a rib keeps under the bottom of each slat slot (mm), as the rib_depth constraint asks
RIB_KEEP_MM = 15.0


def control_points(p) -> np.ndarray:
    """The five control points of the seating line (y, z) in mm, profile offsets applied."""
    tilt = math.radians(p.seat_tilt)
    front = np.array([0.0, p.seat_height])
    crease = front + p.seat_depth * np.array([math.cos(tilt), -math.sin(tilt)])
    back_dir = rotate(-(crease - front) / p.seat_depth, -p.back_angle)
    back_len = (p.back_height - crease[1]) / back_dir[1]
    ctrl = np.array([front, (front + crease) / 2 + [0.0, -p.seat_dip], crease,
                     crease + 0.5 * back_len * back_dir, crease + back_len * back_dir])
    return ctrl + np.asarray(p.profile)


def seating_line(p) -> np.ndarray:
    """The top edge of the ribs (seat then back) as a dense ``(n, 2)`` polyline in (y, z) mm."""
    if p.side_outline is not None:
        return drawn_seating_line(drawn_outline(p))
    return bspline(control_points(p), degree=3, samples=40)


def drawn_outline(p) -> Polygon:
    """The drawn side profile (holes kept), standing on the floor, front at y = 0, facing front."""
    return ps.stand_profile(outline_polygon(p.side_outline), back_rise=BACK_RISE_MM)


def drawn_seating_line(outline: Polygon) -> np.ndarray:
    """The seating line of a drawn profile: its upper edge from the seat front to the back top."""
    return ps.upper_edge(outline, level=LEVEL_MM, back_rise=BACK_RISE_MM)


def seat_end(p, line: np.ndarray) -> float:
    """Arc length along the seating line to where the seat meets the back (sculpted: the point nearest
    the "seat back" control point; drawn: :func:`parametric.profile_slices.knee`)."""
    if p.side_outline is not None:
        return ps.knee(line, back_rise=BACK_RISE_MM)
    return ps.nearest_station(line, control_points(p)[2])


def slat_stations(p, line: np.ndarray) -> np.ndarray:
    """Arc lengths of the slats, evenly spread between the ends of the seating line."""
    return ps.even_stations(line, p.slat_count, p.thickness / 2 + p.slat_inset)


def profile_ok(p) -> bool:
    """True when the sculpted seating line is simple and every slat station lies on the rib's edge
    (always true for a drawn profile, which has its own rules)."""
    if p.side_outline is not None:
        return True
    line = seating_line(p)
    if len(line) < 2 or not LineString(line).is_simple:
        return False
    rib = rib_outline(p, line)
    return rib.geom_type == "Polygon" and ps.on_edge(rib, line, slat_stations(p, line))


def _drawn(p, rule) -> bool:
    """A drawn profile's rule, checked only once its seating line is usable."""
    line = seating_line(p)
    return ps.line_ok(line, MIN_LINE_MM) and rule(line, slat_stations(p, line))


def rib_outline(p, line: np.ndarray) -> Polygon:
    """Side profile of one rib: a band under the seating line plus two legs, inner corners rounded."""
    band = LineString(line).buffer(-p.rib_depth, single_sided=True)
    s_front, s_back = 0.25 * p.seat_depth, p.seat_depth
    (top_f, top_b), (tan_f, tan_b) = stations(line, [s_front, s_back])
    inward = rotate(np.stack([tan_f, tan_b]), -90.0)
    attach_f = top_f + inward[0] * p.rib_depth * 0.5
    attach_b = top_b + inward[1] * p.rib_depth * 0.5
    foot_f = np.array([p.front_foot, -p.leg_width])
    foot_b = np.array([p.seat_depth + p.rear_foot, -p.leg_width])
    legs = [LineString([foot, attach]).buffer(p.leg_width / 2, cap_style="flat")
            for foot, attach in ((foot_f, attach_f), (foot_b, attach_b))]
    shape = band.union(legs[0]).union(legs[1])
    shape = shape.buffer(p.fillet, join_style="round").buffer(-p.fillet, join_style="round")
    # nothing may rise above the seating line: it is the surface the slats sit flush with
    above = LineString(line).buffer(p.leg_width + p.fillet + p.rib_depth, single_sided=True)
    shape = shape.difference(above)
    minx, _, maxx, maxy = shape.bounds
    return shape.intersection(box(minx - 1, 0.0, maxx + 1, maxy + 1))


class SliceChair(Model):
    """Slice chair: ribs cut from a smooth side profile, interlocked with slats that follow it."""

    name = "slice_chair"
    title = "Slice chair"
    version = "1.0"
    #: how many people it seats (the seated and strength loads scale with it)
    users = 1

    width = Length(460, min=320, max=800, step=5, group="Size", help="Width over the outer ribs")
    seat_height = Length(440, min=250, max=520, step=5, group="Size",
                         help="Floor to the front edge of the seat (adults 400-460 mm)")
    seat_depth = Length(420, min=280, max=560, step=5, group="Size",
                        help="Front edge of the seat to where the back starts")
    back_height = Length(820, min=450, max=1150, step=5, group="Size", help="Floor to the top of the back")
    back_angle = Angle(104, min=90, max=135, step=1, group="Shape",
                       help="Angle between seat and back (about 100-105 for dining)")
    seat_tilt = Angle(5, min=0, max=15, step=0.5, group="Shape", help="Backward slope of the seat")
    seat_dip = Length(10, min=0, max=40, step=1, group="Shape", help="How much the seat is scooped")
    profile = Profile([(0.0, 0.0)] * 5, min=(-150, -150), max=(150, 150), points=POINTS, group="Shape",
                      help="Offsets (forward/back, up/down) of the profile's control points, to sculpt it")
    side_outline = Outline(None, min_size=250, max_size=1600, group="Shape",
                           help="A side profile drawn elsewhere (@file.svg[#id] or @file.dxf[:unit][#LAYER]; add "
                                "?pick=largest to take the largest of several shapes; holes are kept): replaces the "
                                "parametric ribs; slats follow its upper edge from the seat front to the top of the "
                                "back")
    rib_count = Count(3, min=2, max=8, group="Structure", help="Number of side ribs across the width")
    rib_depth = Length(80, min=45, max=160, step=5, group="Structure",
                       help="Depth of the rib band under the seating surface")
    leg_width = Length(70, min=40, max=140, step=5, group="Structure", help="Width of each leg")
    front_foot = Length(20, min=-60, max=120, step=5, group="Structure",
                        help="Where the front foot lands, behind the seat's front edge")
    rear_foot = Length(60, min=-40, max=250, step=5, group="Structure",
                       help="How far behind the seat's back the rear foot lands")
    fillet = Length(30, min=0, max=80, step=5, group="Structure", help="Radius of the rounded inner corners")
    slat_count = Count(14, min=4, max=40, group="Structure", help="Number of slats along seat and back")
    slat_depth = Length(50, min=20, max=140, step=5, group="Structure",
                        help="How far the slats reach into the ribs")
    slat_inset = Length(20, min=0, max=60, step=1, group="Structure",
                        help="Clear space before the first and after the last slat")
    overhang = Length(25, min=0, max=120, step=5, group="Structure", help="How far slats reach past the outer ribs")
    thickness = MeasuredThickness()
    clearance = Clearance()

    #: which parameters fix which check findings (searched within their ranges by `d4d check --fix`)
    fixes = {"STAB-REAR": ["rear_foot", "back_angle", "back_height"],
             "STAB-ALONE": ["rear_foot", "back_angle", "back_height"], "STAB-FRONT": ["front_foot", "seat_height"],
             "STAB-SIDE": ["width", "overhang"], "STR": ["rib_count", "slat_depth", "thickness"],
             "MFG-NECK": ["slat_inset", "rib_depth", "slat_depth"], "MFG-STRIP": ["slat_count", "slat_depth"], "MFG-SLOT-DEPTH": ["rib_depth", "slat_depth"],
             "ERGO-SEAT-HIGH": ["seat_height"], "ERGO-SEAT-LOW": ["seat_height"], "ERGO-SEAT-DEEP": ["seat_depth"],
             "ERGO-SEAT-WIDTH": ["width"], "ERGO-BACK-LOW": ["back_height"], "ERGO-RECLINE": ["back_angle"]}

    #: who each preset is for (the fit checks and figure loads): a 440 mm seat is above the popliteal
    #: height + shoes of women of median size or less (ANSUR II), a lounge seat too deep for a small woman
    figures = {"dining": ("man-p50", "man-p95"), "lounge": ("woman-p50", "man-p50", "man-p95"),
               "kids": ("child-2", "child-3")}
    presets = {
        "dining": {},
        "lounge": {"seat_height": 380, "seat_depth": 500, "back_height": 800, "back_angle": 115,
                   "seat_tilt": 9, "width": 560, "rib_count": 4, "slat_count": 16, "rear_foot": 170},
        "kids": {"seat_height": 300, "seat_depth": 300, "back_height": 560, "width": 340, "rib_count": 3,
                 "slat_count": 10, "rib_depth": 65, "slat_depth": 40, "leg_width": 55, "rear_foot": 50,
                 "thickness": 11.5},
    }
    constraints = [
        require(lambda p: profile_ok(p),
                "the sculpted profile crosses or folds over itself, so some slats would sit inside a rib; move "
                "the profile points back towards their defaults", "profile"),
        require(lambda p: p.side_outline is not None or p.back_height >= p.seat_height + 150,
                "the back's top ({back_height} mm) must be at least 150 mm above the seat ({seat_height} mm)",
                "back_height", "seat_height"),
        require(lambda p: p.side_outline is not None or p.slat_depth <= p.rib_depth - RIB_KEEP_MM,
                "slats ({slat_depth} mm) must reach less deep than the rib band ({rib_depth} mm) by 15 mm or "
                "more, so the ribs stay whole under each slot", "slat_depth", "rib_depth"),
        require(lambda p: (p.width - p.thickness) / (p.rib_count - 1) >= 4 * p.thickness,
                "ribs are too close together: {rib_count} ribs need a wider chair than {width} mm",
                "rib_count", "width"),
        require(lambda p: p.side_outline is not None or ps.curve_gap(seating_line(p), slat_stations(p, seating_line(p)),
                                                                     p.thickness, p.slat_depth) >= 3.0,
                "{slat_count} slats do not fit along the profile (they would touch on its tightest curve); "
                "use fewer slats, shallower slats or a gentler back angle", "slat_count", "slat_depth",
                "back_angle"),
        # a drawn side profile (side_outline) replaces the sculpted one: its own rules
        require(lambda p: p.side_outline is None or ps.line_ok(seating_line(p), MIN_LINE_MM),
                "the drawn side profile has no seating edge to carry slats: its upper edge, from the seat front "
                f"to the top of the back, must run {MIN_LINE_MM:.0f} mm or more without crossing itself",
                "side_outline"),
        require(lambda p: p.side_outline is None or not ps.line_ok(seating_line(p), MIN_LINE_MM) or _drawn(
            p, lambda line, at: ps.reaches(drawn_outline(p), line, at, p.slat_depth + RIB_KEEP_MM)),
                "the drawn ribs are too thin for {slat_depth} mm slats: keep at least the slat depth + "
                f"{RIB_KEEP_MM:.0f} mm of material under the seat and back edge, or use shallower slats",
                "side_outline", "slat_depth"),
        require(lambda p: p.side_outline is None or not ps.line_ok(seating_line(p), MIN_LINE_MM) or _drawn(
            p, lambda line, at: ps.footprint_gap(ps.footprints(line, at, p.thickness, p.slat_depth)) >= 3.0),
                "{slat_count} slats do not fit along the drawn profile's seating edge (they would touch or "
                "come closer than 3 mm, e.g. in a sharp corner); use fewer or shallower slats, or round the "
                "corner in the drawing", "side_outline", "slat_count", "slat_depth", "slat_inset"),
    ]

    def profile_points(self, p) -> np.ndarray:
        """Where the ``profile`` control points are (y, z mm), for editors that drag them."""
        return control_points(p)

    def build(self, p) -> None:
        """Ribs from the side profile, slats at stations along the seating line, loads per EN 1022."""
        t = p.thickness
        line = seating_line(p)
        outline = drawn_outline(p) if p.side_outline is not None else rib_outline(p, line)
        ribs = ps.parallel_ribs(self, outline, width=p.width, count=p.rib_count, thickness=t)
        at = slat_stations(p, line)
        slats = ps.slats_along(self, line, at, half_length=p.width / 2 + p.overhang, depth=p.slat_depth, thickness=t)
        points, _ = stations(line, at)
        self.interlock(ribs, slats)
        s_crease = seat_end(p, line)
        seat_slats = [s.name for s, pt, arc in zip(slats, points, at)
                      if (pt[0] <= p.seat_depth if p.side_outline is None else arc <= s_crease)]
        self._loads_en1022(p, line, seat_slats)
        (crease, mid), _ = stations(line, [s_crease, (s_crease + arc_lengths(line)[-1]) / 2])
        back = line[-1][1] - crease[1] >= LEAN_MIN_MM  # the same back as the lean-back case
        seat = line[arc_lengths(line) <= s_crease]
        low = seat[np.argmin(seat[:, 1])] if back else crease  # the buttocks sit in the seat's lowest point
        places = self.sitters(p)
        self.seat_surface(p, front=(0, *line[0]), back=(0, *low), back_top=(0, *line[-1]) if back else None,
                          back_low=(0, *mid) if back else None, width=(p.width + 2 * p.overhang) / places,
                          places=places, profile=[(0, *q) for q in line])

    def sitters(self, p) -> int:
        """How many people the seating loads are for (``users``; the bench derives it from its length)."""
        return self.users

    def _loads_en1022(self, p, line: np.ndarray, seat_slats: list[str]) -> None:
        """Seating cases of EN 1022:2018 (parametric.loads), with A and B found on the seating line.

        The seat point is halfway to the seat/back line, the front point 60 mm in from the seat
        front, A 175 mm forward of the seat/back line and B 300 mm above A on the back (or the back's
        top if lower). A profile whose back rises less than ``LEAN_MIN_MM`` above A has no back to
        lean on, so it gets no rearward case.
        """
        cum = arc_lengths(line)
        crease = seat_end(p, line)
        (seat, front, a), _ = stations(line, [crease / 2, loads.EDGE_MM, max(0.0, crease - loads.REAR_A_MM)])
        side_x = p.width / 2 + p.overhang - loads.EDGE_MM
        loads.seating(self, seat=(0, *seat), front=(0, *front), side=(side_x, *seat), users=self.sitters(p),
                      seat_parts=seat_slats, seat_part_case="seat_slats")
        back = line[cum >= crease]  # B: 300 mm above A on the back, or its top if lower
        if back[:, 1].max() - a[1] < LEAN_MIN_MM:
            return
        b_z = min(a[1] + loads.REAR_B_MM, float(back[:, 1].max()))
        k = int(np.argmax(back[:, 1] >= b_z - 1e-9))  # where the back first reaches that height
        lo, hi = back[max(k - 1, 0)], back[k]
        f = 0.0 if hi[1] == lo[1] else (b_z - lo[1]) / (hi[1] - lo[1])
        loads.rearward(self, a=(0, *a), b=(0, float(lo[0] + f * (hi[0] - lo[0])), b_z), seat_z=a[1])
