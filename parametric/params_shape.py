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


class Outline(Spec):
    """A closed 2D outline (mm), drawn by hand or imported: ``"@drawing.svg"`` or ``"@side.dxf"``
    (``"@side.dxf:in"`` for a DXF without units). The points are stored, so a parameter file
    rebuilds the design without the drawing. ``None`` means "use the parametric shape"."""

    kind = "outline"
    unit = "mm"

    def __init__(self, default=None, *, min_size: float = 50.0, max_size: float = 3000.0, **kw: Any):
        self.min_size, self.max_size = float(min_size), float(max_size)
        super().__init__(default, **kw)

    def coerce(self, value: Any):
        if value is None or value == "" or (isinstance(value, str) and value.strip().lower() == "none"):
            return None
        if isinstance(value, str) and value.startswith("@"):
            from .errors import GeometryError
            from .profile_import import import_profile

            target, unit = value[1:], None
            head, sep, tail = target.rpartition(":")
            if sep and tail in ("mm", "cm", "in"):
                target, unit = head, tail
            try:
                poly = import_profile(target, unit=unit)
            except GeometryError as exc:
                raise self.error(str(exc)) from None
            value = list(poly.exterior.coords)[:-1]
        try:
            pts = tuple((round(float(x), 3), round(float(y), 3)) for x, y in value)
        except (TypeError, ValueError):
            raise self.error("expected a list of x,y points or @file.svg / @file.dxf") from None
        if len(pts) < 3:
            raise self.error("an outline needs at least 3 points")
        return pts

    def check(self, value) -> None:
        if value is None:
            return
        from shapely.geometry import Polygon

        poly = Polygon(value)
        if not poly.is_valid or poly.area <= 0:
            raise self.error("the outline crosses itself or has no area; redraw it")
        minx, miny, maxx, maxy = poly.bounds
        size = max(maxx - minx, maxy - miny)
        if not self.min_size <= size <= self.max_size:
            raise self.error(f"the outline is {size:.0f} mm across; allowed {self.range_text()} (check the "
                             "drawing's units)")

    def range_text(self) -> str:
        return f"{_fmt(self.min_size)} to {_fmt(self.max_size)} mm across"

    def to_json(self, value: Any) -> Any:
        return None if value is None else [list(p) for p in value]
