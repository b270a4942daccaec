"""Drawn side profiles for tests: a chair-like outline from a few sizes, and a hypothesis strategy.

``tests/strategies.py`` may use :func:`side_outlines` for ``Outline`` specs
(``st.one_of(st.none(), side_outlines())``); the values are what ``@file.svg`` would store: a
list of ``[y, z]`` points in mm.
"""

from __future__ import annotations

from hypothesis import strategies as st
from shapely.geometry import Polygon


def chair_side(seat_h=445.0, seat_d=430.0, back_top=835.0, lean=95.0, back_t=80.0, band=130.0, leg=70.0,
               rear_foot=60.0, radius=25.0, mirror=False) -> list[list[float]]:
    """A slice-chair side outline (y forward to back, z up, mm) with rounded corners.

    Args:
        seat_h: height of the seat front; seat_d: seat front to where the back starts.
        back_top: height of the back's top (at or below ``seat_h`` + 150 gives a backless bench side).
        lean: how far the back's top sits behind its foot; back_t: the back's thickness.
        band: depth of the rib under the seat; leg: leg width; rear_foot: rear foot behind the back.
        radius: corner rounding (at most 0.4 x the thinnest member); mirror: draw it facing right.
    """
    under = seat_h - band
    crease_z = seat_h - 0.08 * seat_d
    corners = [(15, 0), (15 + leg, 0), (25 + leg, under), (seat_d - leg + 40, under),
               (seat_d + rear_foot - leg, 0), (seat_d + rear_foot, 0)]
    if back_top > crease_z + 40:
        corners += [(seat_d + back_t + lean, back_top), (seat_d + lean, back_top), (seat_d, crease_z)]
    else:
        corners += [(seat_d + rear_foot, crease_z)]
    corners += [(0, seat_h)]
    poly = Polygon(corners)
    radius = min(radius, 0.4 * min(leg, back_t, band))  # round the corners, keep the legs
    if radius > 0 and poly.is_valid:
        poly = poly.buffer(-radius, join_style="round").buffer(radius, join_style="round")
        poly = poly.buffer(radius / 2, join_style="round").buffer(-radius / 2, join_style="round")
    if poly.geom_type != "Polygon":
        poly = Polygon(corners)
    return [[(-y if mirror else y), z] for y, z in list(poly.exterior.coords)[:-1]]


@st.composite
def side_outlines(draw):
    """Chair and bench sides, from sensible to awkward (thin, tall, backless, mirrored, crossing)."""
    seat_h = draw(st.integers(250, 550))
    return chair_side(
        seat_h=seat_h, seat_d=draw(st.integers(250, 600)), back_top=seat_h + draw(st.integers(0, 600)),
        lean=draw(st.integers(-40, 250)), back_t=draw(st.integers(30, 140)), band=draw(st.integers(30, 200)),
        leg=draw(st.integers(30, 120)), rear_foot=draw(st.integers(-20, 250)), radius=draw(st.integers(0, 60)),
        mirror=draw(st.booleans()))
