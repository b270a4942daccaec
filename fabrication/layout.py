"""Sheets and placed parts: the layout data every exporter walks, plus a simple row layout.

A :class:`SheetLayout` holds parts placed on one sheet. The numba nesting engine
(:mod:`fabrication.nesting`) produces the same objects; the row layout here is the
dependable fallback (``--layout rows``) and what tests compare it against.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from shapely import affinity
from shapely.geometry import Polygon

from parametric.errors import FabricationError
from parametric.part import FlatPart

#: improvement rounds of the nesting search for a bundle or a build: a fixed work, so a seed gives
#: one layout on any machine (ours: on the catalogue on a router, 0.2 to 1.5 s a design; a time limit
#: of 2 s instead cut the search short on most designs, so the layout depended on the machine's speed)
NEST_ROUNDS = 60
#: seconds after which the nesting search stops even before its rounds are done: a guard, far above
#: what the rounds take (a layout cut short by it depends on the machine's speed)
NEST_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class PlacedPart:
    """A part on a sheet: its outline rotated by ``rotation`` degrees about the part-local
    origin, then translated by ``(x, y)``; ``outline`` is the result in sheet mm."""

    part: FlatPart
    x: float
    y: float
    rotation: float
    outline: Polygon


@dataclass(frozen=True)
class SheetLayout:
    """One sheet of stock with the parts placed on it (sheet mm, origin at the lower-left corner)."""

    index: int
    width: float
    height: float
    placed: tuple[PlacedPart, ...]
    material: str = ""
    thickness: float = 0.0
    #: an offcut's outline (sheet mm, inside ``[0, width] x [0, height]``); None for a full sheet
    outline: Polygon | None = None

    @property
    def utilisation(self) -> float:
        """Part area / sheet area (the offcut's area for an offcut)."""
        area = self.outline.area if self.outline is not None else self.width * self.height
        return sum(p.outline.area for p in self.placed) / area

    @property
    def used_length(self) -> float:
        """Largest x reached by a part (the rest of the sheet is one clean remnant)."""
        return max((p.outline.bounds[2] for p in self.placed), default=0.0)


def transform_xy(placed: PlacedPart, pts) -> list[tuple[float, float]]:
    """Map part-local points onto the sheet the way ``placed`` was placed (rotate, then translate)."""
    a = math.radians(placed.rotation)
    c, s = math.cos(a), math.sin(a)
    return [(c * x - s * y + placed.x, s * x + c * y + placed.y) for x, y in pts]


def place(part: FlatPart, x: float, y: float, rotation: float) -> PlacedPart:
    """Place a part: rotate its outline about the local origin, then translate."""
    outline = affinity.rotate(part.outline, rotation, origin=(0, 0)) if rotation else part.outline
    return PlacedPart(part, x, y, rotation, affinity.translate(outline, x, y))


def _orientation(part: FlatPart, width: float, height: float, margin: float) -> float:
    """0 or 90 degrees: keep the grain axis along the sheet's length unless only the turn fits."""
    w, h = part.size
    fits = [r for r, (pw, ph) in ((0.0, (w, h)), (90.0, (h, w)))
            if pw <= width - 2 * margin and ph <= height - 2 * margin]
    if part.grain == "u":
        fits = [r for r in fits if r == 0.0]
    elif part.grain == "v":
        fits = [r for r in fits if r == 90.0]
    if not fits:
        raise FabricationError(
            f"part {part.name} ({w:.0f} x {h:.0f} mm) does not fit the {width:.0f} x {height:.0f} mm sheet "
            f"inside a {margin:.0f} mm edge margin{' with its grain direction' if part.grain else ''}; "
            "use a larger sheet or split the part")
    return fits[0]


def grain_rotations(part: FlatPart) -> tuple[float, ...]:
    """Allowed rotations on the sheet: the sheet's grain runs along x (its first dimension), so a
    part whose u axis must follow the grain may turn 0 or 180 degrees, v-grain parts 90 or 270."""
    return {"u": (0.0, 180.0), "v": (90.0, 270.0)}.get(part.grain or "", (0.0, 90.0, 180.0, 270.0))


def nest_layout(parts: list[FlatPart], width: float, height: float, *, spacing: float = 10.0, margin: float = 15.0,
                material: str = "", thickness: float = 0.0, time_limit: float = NEST_TIME_LIMIT, seed: int = 0,
                max_rounds: int | None = NEST_ROUNDS, remnants: Sequence[Polygon] = (),
                progress: Callable[[float, int, float], None] | None = None,
                envelopes: Mapping[str, Polygon] | None = None, stats: dict | None = None) -> list[SheetLayout]:
    """True-shape nesting (the numba engine) of parts onto sheets, checked by the independent validator.

    ``remnants`` (offcut outlines, mm) are filled first, one sheet each, then as many
    ``width`` x ``height`` sheets as needed. The search stops after ``max_rounds`` improvement
    rounds (so a seed gives one layout) or ``time_limit`` seconds, whichever comes first.
    ``progress(elapsed_s, sheets, last_sheet_used_length)`` hears of every improvement. ``envelopes``
    (by part name) are outlines nested in place of the parts' own, each containing its part's outline
    (:attr:`fabrication.toolpath.CutPart.envelope`): a legal layout of them is one of the parts.
    ``stats`` (a dict, if given) receives the search's :attr:`.nesting.NestResult.stats`.

    Raises:
        FabricationError: a part fits no sheet, or (never expected) the layout fails validation.
    """
    from .nesting import NestPart, Stock, nest, validate

    envelopes = envelopes or {}
    nparts = [NestPart(p.name, envelopes.get(p.name, p.outline), p.quantity, grain_rotations(p)) for p in parts]
    stock = [Stock.remnant(r, 1, f"remnant-{k + 1}") for k, r in enumerate(remnants)] + [Stock(width, height)]
    result = nest(nparts, stock, spacing=spacing, margin=margin, time_limit=time_limit, seed=seed,
                  max_rounds=max_rounds, progress=progress)
    validate.check(result, spacing=spacing, margin=margin)
    if stats is not None:
        stats.update(result.stats)
    by_name = {p.name: p for p in parts}
    return [SheetLayout(k + 1, sheet.stock.width, sheet.stock.height,
                        tuple(place(by_name[pl.part_id], pl.x, pl.y, pl.rotation) for pl in sheet.placements),
                        material, thickness, sheet.stock.shape)
            for k, sheet in enumerate(result.sheets)]


def row_layout(parts: list[FlatPart], width: float, height: float, *, spacing: float = 10.0,
               margin: float = 15.0, material: str = "", thickness: float = 0.0) -> list[SheetLayout]:
    """Shelf-pack parts by bounding box, tallest first, in rows across as many sheets as needed.

    Raises:
        FabricationError: a part does not fit an empty sheet.
    """
    items = []
    for part in parts:
        rot = _orientation(part, width, height, margin)
        for _ in range(part.quantity):
            poly = affinity.rotate(part.outline, rot, origin=(0, 0)) if rot else part.outline
            items.append((part, rot, poly.bounds))
    items.sort(key=lambda it: (-(it[2][3] - it[2][1]), -(it[2][2] - it[2][0]), it[0].name))
    sheets: list[list[PlacedPart]] = []
    x = y = row_h = math.inf
    for part, rot, (minx, miny, maxx, maxy) in items:
        w, h = maxx - minx, maxy - miny
        if x + w > width - margin:  # new row
            x, y, row_h = margin, y + row_h + spacing, 0.0
        if y + h > height - margin:  # new sheet
            sheets.append([])
            x, y, row_h = margin, margin, 0.0
        sheets[-1].append(place(part, x - minx, y - miny, rot))
        x += w + spacing
        row_h = max(row_h, h)
    return [SheetLayout(i + 1, width, height, tuple(s), material, thickness) for i, s in enumerate(sheets)]


def sheet_lower_bound(parts: Sequence[FlatPart], width: float, height: float, margin: float,
                      offcut_area: float = 0.0) -> int:
    """Fewest full sheets the parts could fit on by area alone: (part area - offcut area) over the
    usable sheet area (the sheet less its edge margin), rounded up."""
    area = sum(p.outline.area * p.quantity for p in parts)
    usable = (width - 2 * margin) * (height - 2 * margin)
    if usable <= 0:
        raise FabricationError(f"a {width:g} x {height:g} mm sheet less a {margin:g} mm margin has no room; "
                               "use a larger sheet or a smaller --margin")
    return max(0, math.ceil((area - offcut_area) / usable - 1e-9))
