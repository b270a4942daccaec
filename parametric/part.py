"""Flat parts: a 2D outline with holes, cut from sheet of a given thickness, placed in 3D."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from .errors import GeometryError
from .memo import ObjectMemo
from .tolerances import TOL

Vec3 = tuple[float, float, float]


def dot(d: Any, a: Any) -> np.ndarray | float:
    """``d @ a`` for a short vector ``a`` (2 or 3 long; ``d`` one such vector or rows of them), term
    by term in a fixed order: the same to the last bit on every CPU (a matrix product goes to BLAS,
    whose kernel, and so its rounding, depends on the CPU, and a last-bit difference in a slot's
    corner changes a nested layout)."""
    d = np.asarray(d, dtype=float)
    out = d[..., 0] * a[0]
    for k in range(1, len(a)):
        out = out + d[..., k] * a[k]
    return out


def _unit(v: Any) -> np.ndarray:
    arr = np.asarray(v, dtype=float)
    n = math.sqrt(float(dot(arr, arr)))
    if n < 1e-12:
        raise GeometryError(f"zero-length direction {tuple(arr)}")
    return arr / n


@dataclass(frozen=True)
class Frame:
    """A plate's placement: part-local ``(u, v, w)`` -> ``origin + u*xdir + v*ydir + w*normal``.

    The plate's mid-plane is ``w = 0``; its material spans ``-t/2 <= w <= t/2``.
    ``ydir`` is made orthogonal to ``xdir`` on construction.
    """

    origin: Vec3 = (0.0, 0.0, 0.0)
    xdir: Vec3 = (1.0, 0.0, 0.0)
    ydir: Vec3 = (0.0, 1.0, 0.0)

    def __post_init__(self) -> None:
        x = _unit(self.xdir)
        y = np.asarray(self.ydir, dtype=float)
        y = _unit(y - x * float(dot(x, y)))
        object.__setattr__(self, "origin", tuple(float(c) for c in self.origin))
        object.__setattr__(self, "xdir", tuple(float(c) for c in x))
        object.__setattr__(self, "ydir", tuple(float(c) for c in y))
        (a, b, c), (d, e, f) = self.xdir, self.ydir
        object.__setattr__(self, "_normal", (b * f - c * e, c * d - a * f, a * e - b * d))  # derived once
        axes = np.array([self.xdir, self.ydir, self._normal])  # rows u, v, w: product -> local
        axes.flags.writeable = False
        object.__setattr__(self, "_axes", axes)
        object.__setattr__(self, "_origin", np.array(self.origin))

    @property
    def normal(self) -> np.ndarray:
        """Unit normal ``xdir x ydir``."""
        return np.array(self._normal)

    @property
    def matrix(self) -> np.ndarray:
        """4x4 homogeneous transform from part-local to product coordinates."""
        m = np.eye(4)
        m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = self.xdir, self.ydir, self.normal, self.origin
        return m

    def to_world(self, uv: Any, w: float | np.ndarray = 0.0) -> np.ndarray:
        """Map local points ``(n, 2)`` (at offset ``w`` along the normal) to product ``(n, 3)``."""
        uv = np.atleast_2d(np.asarray(uv, dtype=float))
        return (np.asarray(self.origin) + uv[:, :1] * np.asarray(self.xdir) + uv[:, 1:2] * np.asarray(self.ydir)
                + np.reshape(w, (-1, 1)) * self.normal)

    def to_local(self, xyz: Any) -> np.ndarray:
        """Map product points ``(n, 3)`` to local ``(n, 3)`` = ``(u, v, w)``."""
        d = np.atleast_2d(np.asarray(xyz, dtype=float)) - self._origin
        return np.stack([dot(d, self._axes[0]), dot(d, self._axes[1]), dot(d, self._axes[2])], axis=1)

    def dir_to_local(self, d: Any) -> np.ndarray:
        """Express a product-frame direction in local ``(u, v, w)`` components."""
        d = np.asarray(d, dtype=float)
        return np.array([dot(d, self._axes[0]), dot(d, self._axes[1]), dot(d, self._axes[2])])

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-compatible form."""
        return {"origin": list(self.origin), "xdir": list(self.xdir), "ydir": list(self.ydir)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Frame":
        """Inverse of :meth:`to_dict`."""
        return cls(tuple(data["origin"]), tuple(data["xdir"]), tuple(data["ydir"]))

    @classmethod
    def yz(cls, x: float = 0.0) -> "Frame":
        """A plate in the YZ plane at ``x``: local u = product Y, v = Z (side profiles)."""
        return cls((x, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))

    @classmethod
    def xz(cls, y: float = 0.0) -> "Frame":
        """A plate in the XZ plane at ``y``: local u = product X, v = Z (front profiles)."""
        return cls((0.0, y, 0.0), (1.0, 0.0, 0.0), (0.0, 0.0, 1.0))

    @classmethod
    def xy(cls, z: float = 0.0) -> "Frame":
        """A horizontal plate at height ``z`` (mid-plane): local u = X, v = Y."""
        return cls((0.0, 0.0, z), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))


def clean_outline(geom: Any, *, name: str = "part") -> Polygon:
    """Validate and normalise an outline: one polygon, CCW exterior, CW holes. An outline this returned
    before comes back as it is (parts made from parts, e.g. ``dataclasses.replace``, share it).

    Raises:
        GeometryError: empty, zero-area, invalid or split into several pieces.
    """
    if is_clean(geom):
        return geom
    if geom is None or geom.is_empty:
        raise GeometryError(f"{name}: the outline is empty")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise GeometryError(f"{name}: the outline is not a valid polygon ({reason}); "
                            "check for self-intersections")
    if geom.geom_type == "MultiPolygon":
        pieces = [g for g in geom.geoms if g.area > TOL.area]
        if len(pieces) != 1:
            raise GeometryError(f"{name}: the outline falls apart into {len(pieces)} pieces")
        geom = pieces[0]
    if geom.geom_type != "Polygon" or geom.area <= TOL.area:
        raise GeometryError(f"{name}: the outline has no area")
    clean = orient(geom, 1.0)
    _CLEAN.get(clean, lambda _: True)
    return clean


#: the outlines :func:`clean_outline` returned, while they live
_CLEAN = ObjectMemo()


def is_clean(geom: Any) -> bool:
    """True for an outline :func:`clean_outline` returned (one valid polygon, exterior counter-clockwise,
    holes clockwise), while it lives."""
    return bool(_CLEAN.peek(geom, False))


@dataclass(frozen=True)
class FlatPart:
    """One physical flat part.

    Attributes:
        name: unique id within the design (``"rib-2"``).
        outline: the 2D shape in part-local mm (shapely Polygon, holes allowed).
        thickness: sheet thickness in mm (the measured one).
        frame: where the plate sits in the product.
        material: material profile name.
        role: what the part does (``"rib"``, ``"slat"``, ``"shelf"``): groups, colours, checks.
        label: human-readable label engraved on the part and shown in the BOM.
        grain: ``"u"`` if the part's local u axis must follow the sheet's grain, ``"v"`` likewise,
            ``None`` if free.
        quantity: identical copies this entry stands for (at the same placement; normally 1).
    """

    name: str
    outline: Polygon
    thickness: float
    frame: Frame = field(default_factory=Frame)
    material: str = "birch-ply"
    role: str = "part"
    label: str = ""
    grain: str | None = None
    quantity: int = 1

    def __post_init__(self) -> None:
        if not (self.thickness > 0 and math.isfinite(self.thickness)):
            raise GeometryError(f"{self.name}: thickness must be a positive number of mm, got {self.thickness}")
        if self.quantity < 1:
            raise GeometryError(f"{self.name}: quantity must be at least 1")
        object.__setattr__(self, "outline", clean_outline(self.outline, name=self.name))
        if not self.label:
            object.__setattr__(self, "label", self.name)

    @property
    def area(self) -> float:
        """Area of the outline (holes excluded), mm^2."""
        return float(self.outline.area)

    @property
    def volume(self) -> float:
        """Material volume, mm^3."""
        return self.area * self.thickness

    @property
    def size(self) -> tuple[float, float]:
        """Bounding-box size (width along u, height along v) of the outline, mm."""
        minx, miny, maxx, maxy = self.outline.bounds
        return maxx - minx, maxy - miny

    @property
    def cut_length(self) -> float:
        """Total length of every contour (outer and holes), mm."""
        return float(self.outline.exterior.length + sum(r.length for r in self.outline.interiors))

    def with_outline(self, outline: Polygon) -> "FlatPart":
        """A copy with another outline (validated)."""
        return replace(self, outline=outline)

    def centroid_world(self) -> np.ndarray:
        """Centre of mass of the plate in product coordinates (mm)."""
        c = self.outline.centroid
        return self.frame.to_world([[c.x, c.y]])[0]

    def summary(self) -> dict[str, Any]:
        """JSON-compatible summary for ``design.json``."""
        w, h = self.size
        return {"name": self.name, "label": self.label, "role": self.role, "material": self.material,
                "thickness": self.thickness, "quantity": self.quantity, "area": round(self.area, 4),
                "size": [round(w, 3), round(h, 3)], "holes": len(self.outline.interiors),
                "frame": self.frame.to_dict()}
