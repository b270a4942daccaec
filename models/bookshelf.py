"""Bookshelf: two sides and egg-crate shelves (cross-lapped through the sides), with a back kick rail."""

from __future__ import annotations

from shapely.geometry import box

from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Count, Flag, Length, require
from parametric.part import Frame

#: books: 30-60 kg per metre of shelf (fabrication-reference.md section 4); we load 50 kg/m
BOOKS_KG_PER_M = 50.0
#: pulling the top shelf forward in use (shelves full of books): 40 N (our working value; EN 16122
#: figures not verified). An empty tall unit tips far more easily: the README tells makers to fix
#: units taller than 600 mm to the wall.
PULL_N = 40.0
#: units taller than this must be fixed to the wall (README: tall storage; ours), so the empty pull
#: case counts on the fixing above it. Every preset does (all are over 600 mm) and none stands free
#: when empty: standard tips at 24 N, low at 30 N, tall at 27 N (``d4d check``); the fixing is part of
#: the kit (the bundle README's "Before use", ``fabrication.export.naming.restraint_lines``)
WALL_FIX_MM = 600.0


class Bookshelf(Model):
    """Bookshelf: sides and shelves interlocked with cross-laps; optional back kick rail for rigidity."""

    name = "bookshelf"
    title = "Bookshelf"
    width = Length(700, min=400, max=1200, step=10, group="Size", help="Overall width (shelves included)")
    height = Length(1200, min=400, max=2000, step=10, group="Size", help="Overall height")
    depth = Length(300, min=200, max=450, step=5, group="Size", help="Depth of sides and shelves")
    shelf_count = Count(4, min=2, max=8, group="Shelves", help="Number of shelves")
    bottom_gap = Length(90, min=60, max=300, step=5, group="Shelves", help="Floor to the bottom shelf")
    top_gap = Length(40, min=25, max=200, step=5, group="Shelves", help="Top shelf to the top of the sides")
    overhang = Length(40, min=25, max=150, step=5, group="Shelves", help="How far shelves reach past the sides")
    back_rail = Flag(True, group="Structure", help="A kick rail at the back, low down, against racking")
    thickness = MeasuredThickness()
    clearance = Clearance()
    fixes = {"STR": ["thickness", "width", "overhang"], "STAB": ["depth", "height"], "MFG": ["top_gap"]}
    presets = {"standard": {}, "low": {"height": 700, "shelf_count": 3, "width": 750},
               "tall": {"height": 1800, "shelf_count": 6, "depth": 320, "width": 700}}
    constraints = [
        require(lambda p: (p.height - p.bottom_gap - p.top_gap) / (p.shelf_count - 1) >= 180,
                "{shelf_count} shelves leave less than 180 mm between them in a {height} mm bookshelf",
                "shelf_count", "height"),
        require(lambda p: p.height <= 6 * p.depth,
                "a {height} mm bookshelf only {depth} mm deep tips too easily; make it deeper or lower",
                "height", "depth"),
        require(lambda p: p.bottom_gap >= 75 or not p.back_rail,
                "the back rail needs a bottom gap of at least 75 mm", "bottom_gap", "back_rail"),
    ]

    def build(self, p) -> None:
        """Sides (YZ) with feet, shelves (XY) crossing them, a back rail (XZ); joints are derived."""
        t = p.thickness
        x_side = p.width / 2 - p.overhang
        side_shape = box(0, 0, p.depth, p.height).difference(box(60, -40, p.depth - 60, 40).buffer(-15).buffer(15))
        sides = [self.plate(f"side-{i + 1}", side_shape, Frame.yz(x), thickness=t, role="side", label=f"SD{i + 1}",
                            grain="v") for i, x in enumerate((-x_side, x_side))]
        pitch = (p.height - p.bottom_gap - p.top_gap) / (p.shelf_count - 1)
        shelves = []
        for k in range(p.shelf_count):
            z = p.bottom_gap + k * pitch
            outline = box(-p.width / 2, 0, p.width / 2, p.depth)
            shelves.append(self.plate(f"shelf-{k + 1}", outline, Frame.xy(z), thickness=t, role="shelf",
                                      label=f"SH{k + 1}", grain="u"))
        self.interlock(sides, shelves)
        if p.back_rail:
            rail = self.plate("rail", box(-p.width / 2 + 10, 0, p.width / 2 - 10, 60), Frame.xz(p.depth - 30),
                              thickness=t, role="rail", label="RL", grain="u")
            self.interlock(sides, [rail])
        per_shelf = BOOKS_KG_PER_M * 9.81 * p.width / 1000
        self.load("shelf_books", [((0, p.depth / 2, z), (0, 0, -per_shelf * p.shelf_count))], kind="strength",
                  parts=[s.name for s in shelves], standard="books at 50 kg/m of shelf (reference section 4)")
        books = [((0, p.depth / 2, p.bottom_gap + k * pitch), (0, 0, -per_shelf)) for k in range(p.shelf_count)]
        self.load("pull_top", [*books, ((0, 0, p.height - p.top_gap), (0, -PULL_N, 0))],
                  standard="40 N pull at the top shelf's front edge, shelves full (ours)")
        # empty, a free-standing unit tips at 24-30 N; above WALL_FIX_MM it must be fixed to the wall
        self.load("pull_top_empty", [((0, 0, p.height - p.top_gap), (0, -PULL_N, 0))],
                  standard="40 N pull at the top shelf's front edge, shelves empty (ours)",
                  restraint="its wall fixing (anti-tip strap)" if p.height > WALL_FIX_MM else "")
