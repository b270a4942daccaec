"""Nesting input: parts and stock, validated, turned into flat arrays of pre-rotated variants."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

from parametric.curves import rotate
from parametric.errors import FabricationError
from parametric.tolerances import TOL

from . import _kernels as K
from ._convex import convex_flags
from .outline import convex_pieces, nest_shape


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
    """A sheet type: size (mm), how many are available (None = unlimited), and for an offcut its
    outline ``shape`` (sheet mm, inside ``[0, width] x [0, height]``; see ``Stock.remnant``)."""

    width: float
    height: float
    count: int | None = None
    name: str = "sheet"
    shape: Polygon | None = None

    @classmethod
    def remnant(cls, outline: Polygon, count: int = 1, name: str = "remnant") -> Stock:
        """An irregular offcut: its outline moved so its bounding box starts at the origin."""
        minx, miny, maxx, maxy = outline.bounds
        return cls(maxx - minx, maxy - miny, count, name, affinity.translate(outline, -minx, -miny))

    @property
    def area(self) -> float:
        """The sheet's area (mm^2): the outline's for a remnant."""
        return self.shape.area if self.shape is not None else self.width * self.height


@dataclass
class Variants:
    """Flat arrays of every variant (one part at one rotation / mirror, inflated by half the spacing),
    each cut into convex pieces (holes excluded) for the separating-axis kernels."""

    part: list[int] = field(default_factory=list)
    rotation: list[float] = field(default_factory=list)
    mirrored: list[bool] = field(default_factory=list)
    offset: list[tuple[float, float]] = field(default_factory=list)
    verts: np.ndarray | None = None   # (V, 2) vertices of every convex piece, counter-clockwise
    vnorm: np.ndarray | None = None   # (V, 2) unit outward normal of the edge from each vertex to the next
    vlow: np.ndarray | None = None    # (V,) least projection of the vertex's piece onto that normal
    pstart: np.ndarray | None = None  # (P,) first vertex of each piece
    pend: np.ndarray | None = None    # (P,) one past its last vertex
    pbb: np.ndarray | None = None     # (P, 4) piece bounding boxes
    proot: np.ndarray | None = None   # (P,) square root of each piece's area
    start: np.ndarray | None = None   # (N,) first piece of each variant
    end: np.ndarray | None = None     # (N,) one past its last piece
    size: np.ndarray | None = None    # (N, 2) variant bounding box (local origin at its lower-left)
    convex: np.ndarray | None = None  # (P,) whether each piece is certified convex (:func:`convex_flags`)
    by_part: list[np.ndarray] = field(default_factory=list)
    #: ((pieces, normals) it was made for, the projection table): see :meth:`projections`
    _table: tuple = field(default=(None, None), repr=False, compare=False)
    #: ((variants, pieces) they were made for, the loss terms): see :meth:`loss_terms`
    _terms: tuple = field(default=(None, None), repr=False, compare=False)

    @property
    def geo(self) -> tuple:
        """The arrays every kernel takes, as one tuple (the projection table, then the separator's
        loss terms, :meth:`loss_terms`)."""
        return (self.verts, self.vnorm, self.pstart, self.pend, self.pbb, self.proot, self.start, self.end,
                self.size, self.vlow, self.convex, self.projections(), self.loss_terms())

    def loss_terms(self) -> np.ndarray:
        """Per variant, ``(area^(1/4), LOSS_FLOOR x bounding-box diagonal)`` for the separator's
        loss (``_kernels.pair_loss``); square roots only, so every CPU gives the same bits."""
        key = (len(self.size), len(self.pstart))
        if self._terms[0] != key:
            w, h = self.size[:, 0], self.size[:, 1]
            root = np.maximum(np.sqrt(np.sqrt(variant_area(self))), 1e-9)  # never 0: a collision always costs
            terms = np.column_stack([root, K.LOSS_FLOOR * np.sqrt(w * w + h * h)])
            self._terms = (key, terms)
        return self._terms[1]

    def projections(self) -> np.ndarray:
        """Every piece's least and greatest projection onto every edge normal, ``(P, V, 2)``
        (``_kernels.projection_table``), made once for these pieces (again after obstacles are
        appended); empty ``(0, 0, 2)`` past ``_kernels.TABLE_MAX`` entries."""
        key = (len(self.pstart), len(self.verts))
        if self._table[0] != key:
            table = (K.projection_table(self.verts, self.vnorm, self.pstart, self.pend)
                     if key[0] * key[1] <= K.TABLE_MAX else np.zeros((0, 0, 2)))
            self._table = (key, table)
        return self._table[1]


def variant_area(v: Variants) -> np.ndarray:
    """Area (mm^2) of every variant: the sum of its convex pieces' areas (holes excluded)."""
    piece = v.proot ** 2
    return np.array([piece[s:e].sum() for s, e in zip(v.start, v.end)])


def check_inputs(parts: list[NestPart], stock: list[Stock]) -> None:
    """Refuse invalid polygons, quantities, rotations and stock with clear messages."""
    if not stock:
        raise FabricationError("no stock to nest on: give at least one sheet size")
    for s in stock:
        if not (s.width > 0 and s.height > 0) or (s.count is not None and s.count < 0):
            raise FabricationError(f"stock {s.name!r}: width and height must be positive, count >= 0")
        if s.shape is not None and (s.shape.geom_type != "Polygon" or not s.shape.is_valid or s.shape.area <= 0):
            raise FabricationError(f"stock {s.name!r}: the remnant outline must be one valid polygon with an area; "
                                   "redraw it as a single closed outline")
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


def build_variants(parts: list[NestPart], spacing: float, simplify: float = 0.2) -> Variants:
    """Each part's nesting shape (:func:`nest_shape`, mirrored when allowed) cut into convex pieces
    once (holes excluded), the pieces turned to every allowed rotation, packed into arrays. Equal
    polygons share their shape and pieces."""
    out = Variants()
    verts, counts, proot, starts, ends, sizes = [], [], [], [], [], []
    n_pieces = 0
    shapes: dict[tuple, list[tuple[Polygon, tuple]]] = {}
    for pi, p in enumerate(parts):
        ids = []
        for mirrored in ((False, True) if p.mirror else (False,)):
            stacked, count, roots = _shape_pieces(shapes, p.polygon, mirrored, spacing, simplify)
            for rot in p.rotations:
                turned = rotate(stacked, float(rot))
                low, high = turned.min(axis=0), turned.max(axis=0)
                verts.append(turned - low)
                counts.append(count)
                proot.append(roots)  # a turn keeps every area
                starts.append(n_pieces)
                n_pieces += len(count)
                ends.append(n_pieces)
                sizes.append(tuple(high - low))
                out.part.append(pi)
                out.rotation.append(float(rot))
                out.mirrored.append(mirrored)
                out.offset.append((float(low[0]), float(low[1])))
                ids.append(len(out.part) - 1)
        out.by_part.append(np.asarray(ids, dtype=np.int64))
    out.verts = np.concatenate(verts) if verts else np.zeros((0, 2))
    out.pend = np.cumsum(np.concatenate(counts)) if counts else np.zeros(0, dtype=np.int64)
    out.pstart = out.pend - (np.concatenate(counts) if counts else 0)
    out.vnorm, out.vlow = _normals(out.verts, out.pstart, out.pend)
    out.pbb = (np.hstack([np.minimum.reduceat(out.verts, out.pstart), np.maximum.reduceat(out.verts, out.pstart)])
               if len(out.pstart) else np.zeros((0, 4)))
    out.proot = np.concatenate(proot) if proot else np.zeros(0)
    out.start = np.asarray(starts, dtype=np.int64)
    out.end = np.asarray(ends, dtype=np.int64)
    out.size = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    out.convex = convex_flags(out.verts, out.pstart, out.pend)
    return out


def _shape_pieces(shapes: dict, poly: Polygon, mirrored: bool, spacing: float,
                  simplify: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The convex pieces of ``poly``'s nesting shape (mirrored in x if asked), stacked: their vertices,
    the vertex count and the square root of the area of each piece. ``shapes`` remembers them for
    equal polygons (same coordinates in the same order), looked up by area and bounds first (cheap,
    where serialising a curved outline to compare it costs a millisecond)."""
    key = (mirrored, poly.area, poly.bounds)
    for other, found in shapes.get(key, ()):
        if other is poly or other.equals_exact(poly, 0.0):
            return found
    shape = affinity.scale(poly, -1.0, 1.0, origin=(0, 0)) if mirrored else poly
    pieces = convex_pieces(nest_shape(shape, spacing, simplify))
    areas = [_area(piece) for piece in pieces]
    # a sliver the triangulation leaves between near-coincident vertices has no area (its shoelace sum
    # may even come out below zero): it covers nothing, and its root would poison every overlap sum; a
    # part of no area at all keeps its largest piece, weighted as TOL.area (a collision still counts)
    kept = [k for k, a in enumerate(areas) if a > TOL.area] or [int(np.argmax(areas))]
    pieces = [pieces[k] for k in kept]
    found = (np.concatenate(pieces), np.array([len(piece) for piece in pieces], dtype=np.int64),
             np.sqrt(np.maximum([areas[k] for k in kept], TOL.area)))
    shapes.setdefault(key, []).append((poly, found))
    return found


def _area(piece: np.ndarray) -> float:
    """A counter-clockwise ring's area (shoelace, summed exactly: the same on every CPU)."""
    x, y = piece[:, 0], piece[:, 1]
    return 0.5 * math.fsum(x * np.roll(y, -1) - np.roll(x, -1) * y)


def add_obstacles(variants: Variants, stock: Stock, inset: float) -> list[tuple[int, float, float]]:
    """Fixed obstacles that make a rectangular usable box into a remnant's usable shape.

    The box is the sheet less ``inset`` on every side (box coordinates start at the inset corner);
    inflated parts must stay inside the remnant outline eroded by ``inset``. Whatever of the box
    lies outside that (grown by 0.05 mm, so round-off never reaches the margin) becomes pinned
    variants appended to ``variants``. Returns ``(variant, x, y)`` per obstacle."""
    if stock.shape is None:
        return []
    usable = affinity.translate(stock.shape, -inset, -inset)
    usable = usable.buffer(-inset) if inset > 0 else usable
    blocked = box(0, 0, stock.width - 2 * inset, stock.height - 2 * inset).difference(usable)
    blocked = blocked.buffer(0.05, join_style="mitre").intersection(box(0, 0, stock.width - 2 * inset,
                                                                        stock.height - 2 * inset))
    out = []
    for poly in getattr(blocked, "geoms", [blocked]):
        if poly.geom_type != "Polygon" or poly.area <= 1e-9:
            continue
        minx, miny, maxx, maxy = poly.bounds
        first = len(variants.pstart)
        pieces = [piece - [minx, miny] for piece in convex_pieces(poly)]
        _append_pieces(variants, pieces)
        variants.start = np.append(variants.start, first)
        variants.end = np.append(variants.end, len(variants.pstart))
        variants.size = np.vstack([variants.size, [maxx - minx, maxy - miny]])
        variants.part.append(-1)
        variants.rotation.append(0.0)
        variants.mirrored.append(False)
        variants.offset.append((minx, miny))
        out.append((len(variants.part) - 1, minx, miny))
    return out


def _append_pieces(variants: Variants, pieces: list[np.ndarray]) -> None:
    """Append convex pieces (variant-local, counter-clockwise) to the flat piece arrays."""
    base = len(variants.verts)
    verts = np.concatenate(pieces)
    counts = np.array([len(p) for p in pieces])
    ends = base + np.cumsum(counts)
    normals, low = _normals(verts, ends - counts - base, ends - base)
    variants.verts = np.vstack([variants.verts, verts])
    variants.vnorm = np.vstack([variants.vnorm, normals])
    variants.vlow = np.concatenate([variants.vlow, low])
    variants.pstart = np.concatenate([variants.pstart, ends - counts])
    variants.pend = np.concatenate([variants.pend, ends])
    variants.pbb = np.vstack([variants.pbb, [[*p.min(axis=0), *p.max(axis=0)] for p in pieces]])
    variants.proot = np.concatenate([variants.proot, [np.sqrt(Polygon(p).area) for p in pieces]])
    variants.convex = np.concatenate([variants.convex, convex_flags(verts, ends - counts - base, ends - base)])


def _normals(verts: np.ndarray, starts, ends) -> tuple[np.ndarray, np.ndarray]:
    """Unit outward edge normals of counter-clockwise pieces and each piece's least projection on them."""
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    nxt = np.arange(1, len(verts) + 1)
    nxt[ends - 1] = starts  # each piece's last vertex closes to its first
    edge = verts[nxt % max(len(verts), 1)] - verts
    length = np.hypot(edge[:, 0], edge[:, 1])
    normals = np.stack([edge[:, 1], -edge[:, 0]], axis=1) / np.where(length > 0, length, 1.0)[:, None]
    # every (vertex, normal) pair of the same piece: the projections, and per normal their least
    counts = ends - starts
    piece = np.repeat(np.arange(len(starts)), counts)
    n_of = np.repeat(np.arange(len(verts)), counts[piece])  # each normal, once per vertex of its piece
    first = np.repeat(starts[piece], counts[piece])
    within = np.arange(len(n_of)) - np.repeat(np.cumsum(counts[piece]) - counts[piece], counts[piece])
    v_of = first + within
    proj = verts[v_of, 0] * normals[n_of, 0] + verts[v_of, 1] * normals[n_of, 1]
    low = np.full(len(verts), np.inf)
    np.minimum.at(low, n_of, proj)
    return normals, low if len(verts) else np.zeros(0)


def check_fits(parts: list[NestPart], variants: Variants, stock: list[Stock], margin: float, spacing: float) -> None:
    """Refuse a part that fits no sheet in any allowed rotation, naming sizes and the way out."""
    inset = margin - spacing / 2
    for pi, p in enumerate(parts):
        if p.quantity == 0:
            continue
        ok = any(variants.size[v, 0] <= s.width - 2 * inset + 1e-9
                 and variants.size[v, 1] <= s.height - 2 * inset + 1e-9
                 for v in variants.by_part[pi] for s in stock)
        if not ok:
            minx, miny, maxx, maxy = p.polygon.bounds
            sheets = ", ".join(f"{s.width:g} x {s.height:g}" for s in stock)
            w, h = maxx - minx, maxy - miny
            turned_fits = any(h + spacing <= s.width - 2 * inset + 1e-9 and w + spacing <= s.height - 2 * inset + 1e-9
                              for s in stock)  # the variants are grown by half the spacing each side
            # suggest a turn only where one is not allowed yet and would fit
            turn = " or allow it to turn 90 degrees" if turned_fits and not set(p.rotations) >= {0, 90} else ""
            raise FabricationError(
                f"part {p.id!r} ({maxx - minx:.0f} x {maxy - miny:.0f} mm) does not fit any sheet ({sheets} mm, "
                f"less a {margin:g} mm margin and {spacing:g} mm spacing): use a larger sheet{turn}, or split the part")
