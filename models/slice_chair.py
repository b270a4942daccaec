"""Slice chair: side ribs cut from a smooth seat-and-back profile, crossed by slats that follow it.

The profile is sculpted from control points (``profile``) or drawn elsewhere (``side_outline``, ``@side.svg``
/ ``@side.dxf``; a drawing IS the rib). Ribs, slats, the drawn profile's rules, EN 1022 loads and seat surface
are :mod:`parametric.profile_slices`' and :mod:`parametric.seat_profile`'s; this module holds the chair's
decisions (its profile, legs, limits and presets), shared with ``models/bench.py``.
"""

from __future__ import annotations

import math

import numpy as np
from shapely.geometry import Polygon

from parametric import profile_slices as ps
from parametric import seat_profile as sp
from parametric.curves import bspline, rotate, stations
from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Angle, Count, Length, Outline, Profile, require

POINTS = ("seat front", "seat middle", "seat back", "back middle", "back top")
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
        return sp.drawn_seating_line(sp.drawn_outline(p.side_outline))
    return bspline(control_points(p), degree=3, samples=40)


def seat_end(p, line: np.ndarray) -> float:
    """Arc length along the seating line to where the seat meets the back (sculpted: nearest "seat back")."""
    return sp.drawn_seat_end(line) if p.side_outline is not None else ps.nearest_station(line, control_points(p)[2])


def slat_stations(p, line: np.ndarray) -> np.ndarray:
    """Arc lengths of the slats, evenly spread between the ends of the seating line."""
    return ps.even_stations(line, p.slat_count, p.thickness / 2 + p.slat_inset)


def rib_outline(p, line: np.ndarray) -> Polygon:
    """Side profile of one rib: a band under the seating line plus a leg a quarter of the seat in and
    one at the seat's back, inner corners rounded."""
    legs = [(0.25 * p.seat_depth, (p.front_foot, -p.leg_width)),
            (p.seat_depth, (p.seat_depth + p.rear_foot, -p.leg_width))]
    return ps.legged_band(line, depth=p.rib_depth, legs=legs, leg_width=p.leg_width, fillet=p.fillet)


class SliceChair(Model):
    """Slice chair: ribs cut from a smooth side profile, interlocked with slats that follow it."""

    name = "slice_chair"
    title = "Slice chair"
    version = "1.0"

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
                                "parametric ribs; slats follow its upper edge from the seat front to the back top")
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
    slat_depth = Length(50, min=20, max=140, step=5, group="Structure", help="How far the slats reach into the ribs")
    slat_inset = Length(20, min=0, max=60, step=1, group="Structure",
                        help="Clear space before the first and after the last slat")
    overhang = Length(25, min=0, max=120, step=5, group="Structure", help="How far slats reach past the outer ribs")
    thickness = MeasuredThickness()
    clearance = Clearance()

    #: which parameters fix which check findings (searched within their ranges by `d4d check --fix`)
    fixes = {"STAB-REAR": ["rear_foot", "back_angle", "back_height"],
             "STAB-ALONE": ["rear_foot", "back_angle", "back_height"], "STAB-FRONT": ["front_foot", "seat_height"],
             "STAB-SIDE": ["width", "overhang"], "STR": ["rib_count", "slat_depth", "thickness"],
             "MFG-NECK": ["slat_inset", "rib_depth", "slat_depth"], "MFG-STRIP": ["slat_count", "slat_depth"],
             "MFG-SLOT-DEPTH": ["rib_depth", "slat_depth"],
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
        require(lambda p: p.side_outline is not None or p.back_height >= p.seat_height + 150,
                "the back's top ({back_height} mm) must be at least 150 mm above the seat ({seat_height} mm)",
                "back_height", "seat_height"),
        *sp.slat_rules(seating_line, slat_stations, rib_outline, keep=RIB_KEEP_MM),
    ]

    def profile_points(self, p) -> np.ndarray:
        """Where the ``profile`` control points are (y, z mm), for editors that drag them."""
        return control_points(p)

    def build(self, p) -> None:
        """Ribs from the side profile, slats at stations along the seating line, loads per EN 1022."""
        t, line = p.thickness, seating_line(p)
        outline = sp.drawn_outline(p.side_outline) if p.side_outline is not None else rib_outline(p, line)
        ribs = ps.parallel_ribs(self, outline, width=p.width, count=p.rib_count, thickness=t)
        at = slat_stations(p, line)
        slats = ps.slats_along(self, line, at, half_length=p.width / 2 + p.overhang, depth=p.slat_depth, thickness=t)
        self.interlock(ribs, slats)
        crease = seat_end(p, line)
        points, _ = stations(line, at)
        seat = [s.name for s, pt, arc in zip(slats, points, at)
                if (pt[0] <= p.seat_depth if p.side_outline is None else arc <= crease)]
        sp.declare_seating(self, p, line, crease, half_width=p.width / 2 + p.overhang, users=self.sitters(p),
                           seat_parts=seat)
