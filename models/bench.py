"""Slice bench: the slice chair's ribs and slats, stretched to seat two or three, with a low back.

Everything but the sizes comes from ``models/slice_chair.py``: the seating line (sculpted from
control points, or drawn: ``--set side_outline=@bench_side.dxf``), the ribs under it, slats at
arc-length stations along it, cross-lap slots derived where they cross, and the EN 1022:2018
seating loads (``parametric.loads``): the seated load of 110 kg per sitter (EN 1022:2018 covers
users up to 110 kg), 600 N + 20 N outward 60 mm in from the front and from the side edge, and the
rearward case (600 N at A, 175 mm forward of the seat/back line; the push at B, 300 mm above it,
or the back's top if lower, force x height kept). The seated and slat-strength loads are for
every sitter at once: two up to 1.5 m, three from there (``sitters``).
"""

from __future__ import annotations

from parametric.params import Count, Length

from .slice_chair import SliceChair

#: width of one seat place (mm): our working figure for counting sitters, not from EN 1022
PLACE_MM = 500.0


def sitters(width: float) -> int:
    """How many adults a bench of this length seats for the load cases: two or three."""
    return int(min(3, max(2, width // PLACE_MM)))


class SliceBench(SliceChair):
    """Slice bench: a long slice chair for two or three, ribs spread along its length."""

    name = "slice_bench"
    title = "Slice bench"
    #: the most people it seats (the load cases use ``sitters(width)``)
    users = 3
    width = Length(1300, min=800, max=2000, step=10, group="Size", help="Length of the bench over its outer ribs")
    back_height = Length(700, min=450, max=1000, step=5, group="Size", help="Floor to the top of the back")
    seat_depth = Length(400, min=300, max=520, step=5, group="Size", help="Front edge of the seat to the back")
    rib_count = Count(5, min=3, max=10, group="Structure", help="Number of ribs along the bench")
    rib_depth = Length(95, min=45, max=160, step=5, group="Structure",
                       help="Depth of the rib band under the seating surface")
    slat_depth = Length(60, min=20, max=140, step=5, group="Structure", help="How far the slats reach into the ribs")
    slat_count = Count(12, min=4, max=40, group="Structure", help="Number of slats along seat and back")
    #: who each preset is for: a 440 mm seat is above the popliteal height + shoes of women of median
    #: size or less (ANSUR II)
    figures = {"garden": ("man-p50", "man-p95"), "hall": ("man-p50", "man-p95"), "dining": ("man-p50", "man-p95")}
    presets = {
        "garden": {},
        "hall": {"width": 1000, "rib_count": 4, "back_height": 600, "slat_count": 10},
        "dining": {"width": 1600, "rib_count": 6, "back_height": 820, "slat_count": 14, "back_angle": 100},
    }

    def sitters(self, p) -> int:
        """Two sitters up to 1.5 m of length, three from there (``PLACE_MM`` per place)."""
        return sitters(p.width)
