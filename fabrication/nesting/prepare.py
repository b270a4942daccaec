"""Nesting input: parts and stock, validated, turned into flat arrays of pre-rotated variants."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon

from parametric.errors import FabricationError


@dataclass(frozen=True)
class NestPart:
    """A part to nest: a polygon (holes allowed, part-local mm), how many, and how it may turn.

    Attributes:
        rotations: allowed rotations in degrees, counter-clockwise about the local origin
            (``(0, 180)`` keeps the grain direction).
        mirror: whether the part may also be flipped (mirrored in x).
    """

    id: str
    polygon: Polygon
    quantity: int = 1
    rotations: tuple[float, ...] = (0.0, 90.0, 180.0, 270.0)
    mirror: bool = False


@dataclass(frozen=True)
class Stock:
    """A sheet type: size (mm), how many are available (None = unlimited)."""

    width: float
    height: float
    count: int | None = None
    name: str = "sheet"


@dataclass
class Variants:
    """Flat arrays of every variant (one part at one rotation / mirror, inflated by half the spacing)."""

    part: list[int] = field(default_factory=list)
    rotation: list[float] = field(default_factory=list)
    mirrored: list[bool] = field(default_factory=list)
    offset: list[tuple[float, float]] = field(default_factory=list)
    tris: np.ndarray | None = None
    tbb: np.ndarray | None = None
    tri_area: np.ndarray | None = None
    start: np.ndarray | None = None
    end: np.ndarray | None = None
    size: np.ndarray | None = None
    by_part: list[np.ndarray] = field(default_factory=list)


def check_inputs(parts: list[NestPart], stock: list[Stock]) -> None:
    """Refuse invalid polygons, quantities, rotations and stock with clear messages."""
    if not stock:
        raise FabricationError("no stock to nest on: give at least one sheet size")
    for s in stock:
        if not (s.width > 0 and s.height > 0) or (s.count is not None and s.count < 0):
            raise FabricationError(f"stock {s.name!r}: width and height must be positive, count >= 0")
    seen = set()
    for p in parts:
        if p.id in seen:
            raise FabricationError(f"two parts are called {p.id!r}; part ids must be unique")
        seen.add(p.id)
        poly = p.polygon
        if poly is None or poly.is_empty or poly.geom_type != "Polygon":
            raise FabricationError(f"part {p.id!r}: needs one polygon with a positive area")
        if not poly.is_valid:
            raise FabricationError(f"part {p.id!r}: invalid polygon ({shapely.is_valid_reason(poly)}); "
                                   "fix self-intersections before nesting")
        if poly.area <= 0:
            raise FabricationError(f"part {p.id!r}: needs one polygon with a positive area")
        if p.quantity < 0 or not p.rotations:
            raise FabricationError(f"part {p.id!r}: quantity must be >= 0 and at least one rotation allowed")


def _variant_shape(poly: Polygon, rotation: float, mirrored: bool, grow: float, simplify: float) -> Polygon:
    shape = affinity.scale(poly, -1.0, 1.0, origin=(0, 0)) if mirrored else poly
    shape = affinity.rotate(shape, rotation, origin=(0, 0)) if rotation else shape
    if grow > 0:
        shape = shape.buffer(grow, join_style="mitre", mitre_limit=4.0)
        if simplify > 0:
            shape = shape.simplify(simplify, preserve_topology=True)
    return shape


def build_variants(parts: list[NestPart], spacing: float, simplify: float = 0.2) -> Variants:
    """Pre-rotate, inflate by spacing/2 (+ the simplification tolerance, so the simplified outline
    still contains the true offset), triangulate (holes excluded), and pack into arrays."""
    grow = spacing / 2 + (simplify if spacing > 0 else 0.0)
    out = Variants()
    tris, starts, ends, sizes = [], [], [], []
    count = 0
    for pi, p in enumerate(parts):
        ids = []
        for mirrored in ((False, True) if p.mirror else (False,)):
            for rot in p.rotations:
                shape = _variant_shape(p.polygon, float(rot), mirrored, grow, simplify if spacing > 0 else 0.0)
                minx, miny, maxx, maxy = shape.bounds
                tri = shapely.constrained_delaunay_triangles(shape)
                coords = np.array([np.asarray(t.exterior.coords)[:3] for t in tri.geoms]) - [minx, miny]
                tris.append(coords)
                starts.append(count)
                count += len(coords)
                ends.append(count)
                sizes.append((maxx - minx, maxy - miny))
                out.part.append(pi)
                out.rotation.append(float(rot))
                out.mirrored.append(mirrored)
                out.offset.append((minx, miny))
                ids.append(len(out.part) - 1)
        out.by_part.append(np.asarray(ids, dtype=np.int64))
    out.tris = np.concatenate(tris) if tris else np.zeros((0, 3, 2))
    out.tbb = np.concatenate([out.tris.min(axis=1), out.tris.max(axis=1)], axis=1) if tris else np.zeros((0, 4))
    if tris:
        e1, e2 = out.tris[:, 1] - out.tris[:, 0], out.tris[:, 2] - out.tris[:, 0]
        out.tri_area = 0.5 * np.abs(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0])
    else:
        out.tri_area = np.zeros(0)
    out.start = np.asarray(starts, dtype=np.int64)
    out.end = np.asarray(ends, dtype=np.int64)
    out.size = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    return out


def check_fits(parts: list[NestPart], variants: Variants, stock: list[Stock], margin: float, spacing: float) -> None:
    """Refuse a part that fits no sheet in any allowed rotation, naming sizes and the way out."""
    inset = margin - spacing / 2
    for pi, p in enumerate(parts):
        if p.quantity == 0:
            continue
        ok = any(variants.size[v, 0] <= s.width - 2 * inset + 1e-9 and variants.size[v, 1] <= s.height - 2 * inset + 1e-9
                 for v in variants.by_part[pi] for s in stock)
        if not ok:
            minx, miny, maxx, maxy = p.polygon.bounds
            sheets = ", ".join(f"{s.width:g} x {s.height:g}" for s in stock)
            turn = "" if set(p.rotations) >= {0, 90} else " or allow it to turn 90 degrees"
            raise FabricationError(
                f"part {p.id!r} ({maxx - minx:.0f} x {maxy - miny:.0f} mm) does not fit any sheet ({sheets} mm, "
                f"less a {margin:g} mm margin and {spacing:g} mm spacing): use a larger sheet{turn}, or split the part")
