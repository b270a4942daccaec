"""Parameter specs for 2D shapes: control-point profiles and drawn outlines (mm)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .errors import ParameterError
from .spec import Spec, _fmt
from .units import parse_length


class Profile(Spec):
    """A fixed number of 2D control points (mm), each coordinate within a box.

    Text input is ``"x,y; x,y; ..."``; JSON input is a list of ``[x, y]`` pairs.

    Attributes:
        points: names of the control points, in order (for widgets and messages).
    """

    kind = "profile"
    unit = "mm"

    def __init__(self, default: Sequence[Sequence[float]], *, min: Sequence[float], max: Sequence[float],
                 points: Sequence[str] = (), step: float = 1.0, **kw: Any):
        self.min, self.max, self.step = tuple(map(float, min)), tuple(map(float, max)), float(step)
        self.points = tuple(points) or tuple(f"p{i}" for i in range(len(default)))
        if len(self.points) != len(default):
            raise ValueError("one name per default point is needed")
        super().__init__(default, **kw)

    def coerce(self, value: Any) -> tuple[tuple[float, float], ...]:
        if isinstance(value, str):
            value = [chunk.split(",") for chunk in value.replace("\n", ";").split(";") if chunk.strip()]
        try:
            pts = tuple((round(parse_length(x, name=self.name), 6), round(parse_length(y, name=self.name), 6))
                        for x, y in value)
        except ParameterError:
            raise
        except (TypeError, ValueError):
            raise self.error(f"expected a list of x,y pairs, got {value!r}") from None
        if len(pts) != len(self.points):
            raise self.error(f"expected {len(self.points)} points ({', '.join(self.points)}), got {len(pts)}")
        if not all(math.isfinite(c) for p in pts for c in p):
            raise self.error("points must be finite numbers")
        return pts

    def check(self, value: tuple[tuple[float, float], ...]) -> None:
        for label, (x, y) in zip(self.points, value):
            if not (self.min[0] <= x <= self.max[0] and self.min[1] <= y <= self.max[1]):
                raise self.error(f"point {label} = ({_fmt(x)}, {_fmt(y)}) mm is outside the allowed box "
                                 f"{self.range_text()}")

    def range_text(self) -> str:
        return (f"x {_fmt(self.min[0])} to {_fmt(self.max[0])}, y {_fmt(self.min[1])} to "
                f"{_fmt(self.max[1])} mm")

    def to_json(self, value: Any) -> Any:
        return [list(p) for p in value]

    def describe(self) -> dict[str, Any]:
        return super().describe() | {"min": list(self.min), "max": list(self.max), "points": list(self.points),
                                     "step": self.step}


def outline_polygon(value):
    """The shapely polygon of an :class:`Outline` value (holes included), or None for None."""
    from shapely.geometry import Polygon

    if value is None:
        return None
    rings = outline_rings(value)
    return Polygon(rings[0], rings[1:])


def outline_rings(value) -> tuple:
    """An :class:`Outline` value as rings: ``(outline, hole, hole...)``, each a tuple of (x, y) mm."""
    if value and isinstance(value[0][0], (int, float)):
        return (tuple(value),)
    return tuple(value)


def _size(mm: float) -> str:
    """A drawing's size for a message: whole mm, or ``1e+300`` for an absurd one (not 300 digits)."""
    return f"{mm:.0f}" if abs(mm) < 1e9 else f"{mm:.3g}"


class Outline(Spec):
    """A closed 2D outline (mm), with any holes, drawn by hand or imported.

    File values: ``"@PATH[:UNIT][#NAME][?pick=largest]"``: ``@side.svg``, ``@side.dxf``,
    ``@side.dxf:in`` (a DXF without units), ``@side.svg#seat`` (an SVG element or group id),
    ``@side.dxf#PROFILE`` (a DXF layer), ``?pick=largest`` (the largest of several shapes). A
    drawing with several separate shapes or open paths is refused with a list of them. The points
    are stored, so a parameter file rebuilds the design without the drawing: a list of ``[x, y]``
    without holes, ``{"outline": [[x, y]...], "holes": [[[x, y]...]...]}`` with them. ``None``
    means "use the parametric shape".

    The value is a tuple of (x, y) points without holes, or a tuple of rings (outline first) with
    them; :func:`outline_polygon` turns either into a polygon.
    """

    kind = "outline"
    unit = "mm"

    def __init__(self, default=None, *, min_size: float = 50.0, max_size: float = 3000.0, **kw: Any):
        self.min_size, self.max_size = float(min_size), float(max_size)
        super().__init__(default, **kw)

    def coerce(self, value: Any):
        if value is None or value == "" or (isinstance(value, str) and value.strip().lower() == "none"):
            return None
        if isinstance(value, str) and value.startswith("@"):
            value = self._read(value[1:])
        if isinstance(value, dict):
            if set(value) - {"outline", "holes"} or "outline" not in value:
                raise self.error('expected {"outline": [[x, y], ...], "holes": [[[x, y], ...], ...]}')
            value = [value["outline"], *value.get("holes", [])]
        try:
            if value and isinstance(value[0], (list, tuple)) and value[0] and isinstance(value[0][0], (list, tuple)):
                rings = [self._ring(r) for r in value]  # rings: outline first, then holes
            else:
                rings = [self._ring(value)]
        except (TypeError, ValueError, IndexError):
            raise self.error("expected a list of x,y points or @file.svg / @file.dxf") from None
        if len(rings[0]) < 3 or any(len(r) < 3 for r in rings):
            raise self.error("an outline (and each hole) needs at least 3 points")
        return rings[0] if len(rings) == 1 else tuple(rings)

    @staticmethod
    def _ring(points) -> tuple[tuple[float, float], ...]:
        return tuple((round(float(x), 3), round(float(y), 3)) for x, y in points)

    def _read(self, ref: str):
        """The rings of a drawing reference (``profile_import.parse_ref`` syntax), size-checked with its unit."""
        from .errors import GeometryError
        from .profile_import import parse_ref, read_drawing_profile

        try:
            path, unit, select, pick = parse_ref(ref)
            poly, drawing = read_drawing_profile(path, unit=unit, select=select, pick=pick)
        except GeometryError as exc:
            raise self.error(str(exc)) from None
        minx, miny, maxx, maxy = poly.bounds
        size = max(maxx - minx, maxy - miny)
        if not self.min_size <= size <= self.max_size:
            how = {"declared": "declared in the file", "named by you": "as you named it"}.get(drawing.unit_note,
                                                                                          drawing.unit_note)
            raise self.error(f"the drawing's shape is {_size(size)} mm across ({size / drawing.unit_mm:.4g} "
                             f"{drawing.unit}, the unit {how}); allowed {self.range_text()}: check the drawing's "
                             "units")
        return [list(poly.exterior.coords)[:-1], *(list(r.coords)[:-1] for r in poly.interiors)]

    def check(self, value) -> None:
        if value is None:
            return
        poly = outline_polygon(value)
        if not poly.is_valid or poly.area <= 0:
            raise self.error("the outline crosses itself (or a hole crosses it) or has no area; redraw it")
        minx, miny, maxx, maxy = poly.bounds
        size = max(maxx - minx, maxy - miny)
        if not self.min_size <= size <= self.max_size:
            raise self.error(f"the outline is {_size(size)} mm across; allowed {self.range_text()} (check the "
                             "drawing's units)")

    def range_text(self) -> str:
        return f"{_fmt(self.min_size)} to {_fmt(self.max_size)} mm across"

    def to_json(self, value: Any) -> Any:
        if value is None:
            return None
        rings = outline_rings(value)
        points = [[list(p) for p in ring] for ring in rings]
        return points[0] if len(points) == 1 else {"outline": points[0], "holes": points[1:]}
