"""Slice bench: the slice chair's ribs and slats, stretched to seat three, with a low back."""

from __future__ import annotations

from parametric.params import Count, Length

from .slice_chair import SliceChair


class SliceBench(SliceChair):
    """Slice bench: a long slice chair for two or three, ribs spread along its length."""

    name = "slice_bench"
    title = "Slice bench"
    users = 3
    width = Length(1300, min=800, max=2000, step=10, group="Size", help="Length of the bench over its outer ribs")
    back_height = Length(700, min=450, max=1000, step=5, group="Size", help="Floor to the top of the back")
    seat_depth = Length(400, min=300, max=520, step=5, group="Size", help="Front edge of the seat to the back")
    rib_count = Count(5, min=3, max=10, group="Structure", help="Number of ribs along the bench")
    rib_depth = Length(95, min=45, max=160, step=5, group="Structure",
                       help="Depth of the rib band under the seating surface")
    slat_depth = Length(60, min=20, max=140, step=5, group="Structure", help="How far the slats reach into the ribs")
    slat_count = Count(12, min=4, max=40, group="Structure", help="Number of slats along seat and back")
    presets = {
        "garden": {},
        "hall": {"width": 1000, "rib_count": 4, "back_height": 600, "slat_count": 10},
        "dining": {"width": 1600, "rib_count": 6, "back_height": 820, "slat_count": 14, "back_angle": 100},
    }
