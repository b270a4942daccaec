"""A seat described by its side profile: the seating line a sitter rests on (sculpted or drawn), the
slats along it, and what the checks need from it (the EN 1022:2018 load cases and the seat surface
the seated figure sits on), for any product whose seat and back follow a curve in the side view
(the slice chair and bench; see :mod:`parametric.profile_slices` for the ribs and slats themselves).

The side view is (y forward, z up, mm) with the seat's front at y = 0; the seating line runs from
the seat front F to the top of the back R, and ``crease`` is its arc length to where seat meets back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from shapely.geometry import LineString, Polygon

from . import loads
from . import profile_slices as ps
from .curves import arc_lengths, stations
from .params import Constraint, require
from .params_shape import outline_polygon

#: drawn profiles: heights within this of the highest count as level (mm)
LEVEL_MM = 1.0
#: drawn profiles: the top of the back must rise this far above the seat front to count as a back (mm)
BACK_RISE_MM = 150.0
#: drawn profiles: shortest seating line that carries slats (mm)
MIN_LINE_MM = 200.0
#: a back must rise this far above the rearward loading point A to get the lean-back case (mm)
LEAN_MIN_MM = 100.0


def drawn_outline(side_outline) -> Polygon:
    """A drawn side profile (an ``Outline`` parameter's value; holes kept), standing on the floor, front
    at y = 0, facing front."""
    return ps.stand_profile(outline_polygon(side_outline), back_rise=BACK_RISE_MM)


def drawn_seating_line(outline: Polygon) -> np.ndarray:
    """The seating line of a drawn profile: its upper edge from the seat front to the back top."""
    return ps.upper_edge(outline, level=LEVEL_MM, back_rise=BACK_RISE_MM)


def drawn_seat_end(line: np.ndarray) -> float:
    """Arc length to where a drawn seat meets its back (:func:`parametric.profile_slices.knee`)."""
    return ps.knee(line, back_rise=BACK_RISE_MM)


def _slot_width(p) -> float:
    """The width of a slat's slot in a rib: the slat's thickness plus the slot clearance (if any)."""
    return float(p.thickness) + (float(p.clearance) if "clearance" in p else 0.0)


def slat_rules(line_of: Callable, stations_of: Callable, rib_of: Callable, *, keep: float) -> list[Constraint]:
    """The constraints slats crossing parallel ribs under a seating line must meet, for a model with the
    parameters ``width``, ``rib_count``, ``rib_depth``, ``slat_count``, ``slat_depth``, ``slat_inset``,
    ``thickness``, a sculpted ``profile`` and a drawn ``side_outline`` (which replaces it).

    Sculpted: the line is simple with every slat on the rib's edge, slats reach ``keep`` mm less deep
    than the rib band, and 3 mm or more apart on the tightest curve. Drawn: a seating edge
    ``MIN_LINE_MM`` long or more, ``keep`` mm of material under each slat slot, slats 3 mm or more
    apart. Either: ribs four thicknesses or more apart.

    Args:
        line_of: ``p -> (n, 2)`` the seating line; stations_of: ``(p, line) -> arc lengths`` of the slats;
        rib_of: ``(p, line) -> Polygon`` the sculpted rib's side outline.
    """
    def sculpted_ok(p) -> bool:
        if p.side_outline is not None:
            return True
        line = line_of(p)
        if len(line) < 2 or not LineString(line).is_simple:
            return False
        rib = rib_of(p, line)
        return rib.geom_type == "Polygon" and ps.on_edge(rib, line, stations_of(p, line))

    def drawn(p, test) -> bool:
        if p.side_outline is None or not ps.line_ok(line_of(p), MIN_LINE_MM):
            return True
        line = line_of(p)
        return test(line, stations_of(p, line))

    def curve_gap(p) -> float:
        line = line_of(p)
        return ps.curve_gap(line, stations_of(p, line), p.thickness, p.slat_depth)

    return [
        require(sculpted_ok, "the sculpted profile crosses or folds over itself, so some slats would sit inside a "
                "rib; move the profile points back towards their defaults", "profile"),
        require(lambda p: p.side_outline is not None or p.slat_depth <= p.rib_depth - keep,
                "slats ({slat_depth} mm) must reach less deep than the rib band ({rib_depth} mm) by "
                f"{keep:.0f} mm or more, so the ribs stay whole under each slot", "slat_depth", "rib_depth"),
        require(lambda p: (p.width - p.thickness) / (p.rib_count - 1) >= 4 * p.thickness,
                "ribs are too close together: {rib_count} ribs need a wider chair than {width} mm",
                "rib_count", "width"),
        require(lambda p: p.side_outline is not None or curve_gap(p) >= 3.0,
                "{slat_count} slats do not fit along the profile (they would touch on its tightest curve); "
                "use fewer slats, shallower slats or a gentler back angle", "slat_count", "slat_depth",
                "back_angle"),
        require(lambda p: p.side_outline is None or ps.line_ok(line_of(p), MIN_LINE_MM),
                "the drawn side profile has no seating edge to carry slats: its upper edge, from the seat front "
                f"to the top of the back, must run {MIN_LINE_MM:.0f} mm or more without crossing itself",
                "side_outline"),
        require(lambda p: drawn(p, lambda line, at: ps.reaches(drawn_outline(p.side_outline), line, at,
                                                               p.slat_depth + keep)),
                "the drawn ribs are too thin for {slat_depth} mm slats: keep at least the slat depth + "
                f"{keep:.0f} mm of material under the seat and back edge, or use shallower slats",
                "side_outline", "slat_depth"),
        require(lambda p: drawn(p, lambda line, at: not ps.slots_split(drawn_outline(p.side_outline), line, at,
                                                                        _slot_width(p), p.slat_depth)),
                "a slat's slot would cut a corner off the drawn ribs (a slat at a slanted end of the seating "
                "edge); use a larger slat_inset, shallower slats, or draw more material there",
                "side_outline", "slat_depth", "slat_inset"),
        require(lambda p: drawn(p, lambda line, at: ps.footprint_gap(
            ps.footprints(line, at, p.thickness, p.slat_depth)) >= 3.0),
                "{slat_count} slats do not fit along the drawn profile's seating edge (they would touch or "
                "come closer than 3 mm, e.g. in a sharp corner); use fewer or shallower slats, or round the "
                "corner in the drawing", "side_outline", "slat_count", "slat_depth", "slat_inset"),
    ]


def declare_seating(model, p, line: np.ndarray, crease: float, *, half_width: float, users: int,
                    seat_parts: Sequence[str]) -> None:
    """Declare the EN 1022 load cases (:func:`en1022_cases`) and the seat surface of a seating line
    (side view, in the product's x = 0 plane) ``2 * half_width`` wide, shared by ``users`` places."""
    en1022_cases(model, line, crease, side_x=half_width - loads.EDGE_MM, users=users, seat_parts=seat_parts)
    (knee, mid), _ = stations(line, [crease, (crease + arc_lengths(line)[-1]) / 2])
    back = line[-1][1] - knee[1] >= LEAN_MIN_MM  # the same back as the lean-back case
    seat = line[arc_lengths(line) <= crease]
    # the buttocks sit in the seat's lowest point; a seat lowest at its very front edge (no tilt and no
    # dip: the curve rises towards the back) takes the next point, as a seat tilted back by a hair would
    # (the front itself made a seat of no depth, and the figure's pose NaN); the figure then slides back
    # until the back stops it (figure._slide_back)
    low = seat[min(max(int(np.argmin(seat[:, 1])), 1), len(seat) - 1)] if back else knee
    model.seat_surface(p, front=(0, *line[0]), back=(0, *low), back_top=(0, *line[-1]) if back else None,
                       back_low=(0, *mid) if back else None, width=2 * half_width / users, places=users,
                       profile=[(0, *q) for q in line])


def en1022_cases(model, line: np.ndarray, crease: float, *, side_x: float, users: int,
                 seat_parts: Sequence[str]) -> None:
    """Seating cases of EN 1022:2018 (:mod:`parametric.loads`), with A and B found on the seating line.

    The seat point is halfway to the seat/back line, the front point 60 mm in from the seat front, the
    side point ``side_x`` out at the seat point, A 175 mm forward of the seat/back line and B 300 mm
    above A on the back (or the back's top if lower). A profile whose back rises less than
    ``LEAN_MIN_MM`` above A has no back to lean on, so it gets no rearward case.
    """
    cum = arc_lengths(line)
    (seat, front, a), _ = stations(line, [crease / 2, loads.EDGE_MM, max(0.0, crease - loads.REAR_A_MM)])
    loads.seating(model, seat=(0, *seat), front=(0, *front), side=(side_x, *seat), users=users,
                  seat_parts=seat_parts, seat_part_case="seat_slats")
    back = line[cum >= crease]  # B: 300 mm above A on the back, or its top if lower
    if back[:, 1].max() - a[1] < LEAN_MIN_MM:
        return
    b_z = min(a[1] + loads.REAR_B_MM, float(back[:, 1].max()))
    k = int(np.argmax(back[:, 1] >= b_z - 1e-9))  # where the back first reaches that height
    lo, hi = back[max(k - 1, 0)], back[k]
    f = 0.0 if hi[1] == lo[1] else (b_z - lo[1]) / (hi[1] - lo[1])
    loads.rearward(model, a=(0, *a), b=(0, float(lo[0] + f * (hi[0] - lo[0])), b_z), seat_z=a[1])
