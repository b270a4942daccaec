"""Slice kits: a solid cut by families of planes into flat parts placed in 3D, joined by the joinery.

Three styles, named as in Slicer for Fusion 360:

- ``interlocked``: two families of parallel vertical planes at ``angle`` to each other (default
  square), cross-lapped (:func:`parametric.joinery.cross_lap`) where they cross. Both plates of a
  pair are sections of the same solid, so they span the same stretch of their crossing line: every
  slot of family a opens downwards and every slot of family b upwards, and each plate of a drops
  straight down onto the b plates.
- ``radial``: vertical fins on planes through the z axis. With ``hub="rings"`` they start ``core`` mm
  out from the axis and cross stacked horizontal rings, slotted from their rim; each fin slides in
  towards the axis. With ``hub="spine"`` opposite fins are one plate through the axis and the plates
  slot into each other there in stacked bands (``_spine``): the central spine is their crossing, two
  plates (four fins) a cross, three a six-armed star; they drop in one after another from above.
- ``stacked``: horizontal layers one thickness apart, glued face to face, with dowel holes through
  each pair of neighbours where both keep room for one.

Defects are handled, not hidden (see :mod:`parametric.sections`): shells are unioned section by
section, open shells are capped, section fragments narrower than ``min_feature`` are dropped, a
slice that falls into islands gives one part per island, and an island no joint holds is dropped.
Each of these is a coded note (``MESH-*``, ``SLICE-*``) that reaches the check report.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point

from .edge_joints import glue_joint
from .errors import GeometryError
from .kit_joints import Kit, assembly_note, assembly_order, interlock  # noqa: F401 - assembly_order re-exported
from .mesh_import import MeshData, PreparedMesh, prepare
from .part import FlatPart, Frame, dot
from .sections import pieces, section
from .tolerances import simplified

STYLES = ("interlocked", "radial", "stacked")
HUBS = ("rings", "spine")


@dataclass(frozen=True)
class SliceSpec:
    """How to slice (mm and degrees): the style, how many planes, their directions and offsets.

    ``count_a``/``count_b``: planes of the two families (interlocked), fins and rings (radial);
    stacked uses one layer per ``thickness``. ``rotation`` turns family a (or the first fin) about
    z; ``angle`` is between the families. ``offset_a``/``offset_b`` shift the planes along their
    normals (fins: ``offset_a`` is ignored; rings: ``offset_b`` raises them). ``core``: the radial
    fins start this far from the axis. ``dowel``: dowel diameter for stacked layers (0: none).
    ``hub``: what holds radial fins, ``rings`` or ``spine`` (fins meet on the axis; no rings).
    """

    style: str = "interlocked"
    count_a: int = 5
    count_b: int = 5
    thickness: float = 17.7
    clearance: float = 0.2
    min_feature: float = 15.0
    angle: float = 90.0
    rotation: float = 0.0
    offset_a: float = 0.0
    offset_b: float = 0.0
    core: float = 60.0
    dowel: float = 8.0
    hub: str = "rings"


def vertical_frame(normal_deg: float, height: float) -> Frame:
    """A vertical plate whose normal points at ``normal_deg`` about z, ``height`` mm along it (v = z)."""
    n = np.array([math.cos(math.radians(normal_deg)), math.sin(math.radians(normal_deg)), 0.0])
    return Frame(tuple(height * n), (-n[1], n[0], 0.0), (0.0, 0.0, 1.0))


def family_heights(mesh: PreparedMesh, normal: np.ndarray, count: int, offset: float) -> tuple[np.ndarray, float]:
    """``count`` planes spread evenly across the mesh along ``normal`` (each in the middle of its
    share), shifted by ``offset``; returns the heights and the spacing (mm)."""
    d = np.concatenate([dot(b.vertices, normal) for b in mesh.bodies])
    lo, hi = float(d.min()), float(d.max())
    spacing = (hi - lo) / count
    return lo + (np.arange(count) + 0.5) * spacing + offset, spacing


def _extent(mesh: PreparedMesh, normal_deg: float) -> float:
    """The mesh's extent along a horizontal direction (mm)."""
    n = np.array([math.cos(math.radians(normal_deg)), math.sin(math.radians(normal_deg)), 0.0])
    d = np.concatenate([dot(b.vertices, n) for b in mesh.bodies])
    return float(d.max() - d.min())


def max_count(mesh: PreparedMesh, spec: SliceSpec, normal_deg: float) -> int:
    """Most planes a family may have so the material left between two neighbouring slots in a crossing
    plate is ``min_feature`` wide. Planes ``s`` apart cross the other family ``s / sin(angle)`` apart,
    and each slot there is ``(t + clearance) / sin(angle) + t |cot(angle)|`` wide, so
    ``s >= sin * min_feature + t + clearance + t |cos|``."""
    a = math.radians(spec.angle if spec.style == "interlocked" else 90.0)
    step = abs(math.sin(a)) * spec.min_feature + spec.thickness + spec.clearance + spec.thickness * abs(math.cos(a))
    return max(1, int(_extent(mesh, normal_deg) // step))


def counts_problem(mesh: PreparedMesh, spec: SliceSpec) -> str | None:
    """Why these counts (or offsets) give slivers or crowd the slots (a sentence with the limit), or None."""
    t = spec.thickness + spec.clearance + spec.min_feature
    if spec.style == "interlocked":
        for name, count, deg, off in (("count_a", spec.count_a, spec.rotation, spec.offset_a),
                                      ("count_b", spec.count_b, spec.rotation + spec.angle, spec.offset_b)):
            most = max_count(mesh, spec, deg)
            if count > most:
                return (f"{name} = {count} slices leave less than min_feature ({spec.min_feature:g} mm) between "
                        f"neighbouring slots; use at most {most} at this size and thickness")
            half = _extent(mesh, deg) / count / 2
            if abs(off) >= half:
                return (f"offset_{name[-1]} = {off:g} mm moves the slices by half their spacing or more; keep it "
                        f"under {half:.0f} mm")
    elif spec.style == "radial" and spec.hub == "spine":
        if spec.count_a < 4 or spec.count_a % 2:
            return (f"count_a = {spec.count_a}: a spine joins fins in opposite pairs, each pair one plate through "
                    "the axis; use an even count of 4 or more")
        height, plates = float(mesh.bounds[1][2] - mesh.bounds[0][2]), spec.count_a // 2
        if height / plates < t:
            return (f"count_a = {spec.count_a} fins stack {plates} plates on the axis, each keeping "
                    f"{height / plates:.0f} mm of it, less than thickness + clearance + min_feature; use at "
                    f"most {2 * max(1, int(height // t))} fins")
    elif spec.style == "radial":
        if spec.count_a < 3:
            return "count_a: a radial kit needs at least 3 fins to stand"
        reach = max(float(np.hypot(*np.asarray(b.vertices)[:, :2].T).max()) for b in mesh.bodies)
        if spec.core + spec.min_feature >= reach:
            return (f"core = {spec.core:g} mm: the fins would start beyond the mesh (it reaches {reach:.0f} mm from "
                    f"its axis) and no fin is left; use a core under {max(0.0, reach - spec.min_feature):.0f} mm")
        chord = 2 * spec.core * math.sin(math.pi / spec.count_a)
        if chord < t:
            need = t / (2 * math.sin(math.pi / spec.count_a))
            return (f"count_a = {spec.count_a} fins crowd each other at the core ({chord:.0f} mm apart there); "
                    f"raise core to {math.ceil(need):.0f} mm or more, or use fewer fins")
        height = float(mesh.bounds[1][2] - mesh.bounds[0][2])
        if height / spec.count_b < t:
            return (f"count_b = {spec.count_b} rings are closer than thickness + clearance + min_feature; use at "
                    f"most {max(1, int(height // t))}")
        if abs(spec.offset_b) >= height / spec.count_b / 2:
            return (f"offset_b = {spec.offset_b:g} mm moves the rings by half their spacing or more; keep it under "
                    f"{height / spec.count_b / 2:.0f} mm")
    return None


def _family(mesh: PreparedMesh, frames: list[Frame], prefix: str, label: str, role: str, spec: SliceSpec,
            kit: Kit, keep=None) -> list[FlatPart]:
    """Cut the mesh by each frame's mid-plane; one part per island that keeps ``min_feature``."""
    out, dropped, empty, gap, loops, total = [], [], [], 0.0, 0, 0.0
    normals = {}
    for i, frame in enumerate(frames, start=1):
        key = tuple(np.round(frame.normal, 12))
        if key not in normals:
            normals[key] = [dot(b.vertices, frame.normal) for b in mesh.bodies]
        sec = section(mesh.bodies, frame, dists=normals[key])
        gap, loops = max(gap, sec.capped_gap), loops + sec.open_loops
        area = sec.area if keep is None else sec.area.intersection(keep)
        total += area.area
        kept, small = pieces(area, spec.min_feature)
        dropped += [(f"{prefix}-{i:02d}", p.area) for p in small]
        if not kept:
            empty.append(f"{prefix}-{i:02d}")
        for k, poly in enumerate(kept, start=1):
            name = f"{prefix}-{i:02d}" + (f".{k}" if len(kept) > 1 else "")
            poly = simplified(poly)
            out.append(FlatPart(name, poly, spec.thickness, frame, role=role,
                                label=f"{label}{i}" + (f".{k}" if len(kept) > 1 else "")))
    kit.sections[prefix] = total
    if loops:
        kit.note("MESH-OPEN", "warning", f"{loops} open loops in the {prefix} sections were capped with straight "
                 f"lines (the mesh is not closed); the largest gap bridged is {gap:.1f} mm", measured=gap,
                 unit="mm", fix="close the mesh's holes (e.g. MeshLab: Close Holes) for the exact shape")
    if dropped:
        names = ", ".join(sorted({n for n, _ in dropped}))
        kit.note("SLICE-TINY", "warning", f"{len(dropped)} section fragments narrower than min_feature "
                 f"({spec.min_feature:g} mm) were dropped (in {names}; largest {max(a for _, a in dropped):.0f} mm^2)",
                 part=names, measured=max(a for _, a in dropped), unit="mm2",
                 fix="lower min_feature, or move the slices with offset_a / offset_b")
    if empty:
        kit.note("SLICE-EMPTY", "warning", f"planes {', '.join(empty)} cut nothing a tool could cut",
                 part=", ".join(empty), fix="use fewer slices or shift them with offset_a / offset_b")
    return out


def _stacked(mesh: PreparedMesh, spec: SliceSpec, kit: Kit) -> None:
    """Layers one thickness apart (each the section at its mid-height), glued to the neighbours they
    touch, with up to two dowel holes through each glued pair where both keep room round them. A glued
    pair whose holes would leave it less face than a glue joint needs (a small top layer) keeps none,
    and neither do the pairs whose holes fall on that face."""
    t = spec.thickness
    height = float(mesh.bounds[1][2])
    n = max(1, round(height / t))
    frames = [Frame.xy((i + 0.5) * t) for i in range(n)]
    layers = _family(mesh, frames, "layer", "L", "layer", spec, kit)
    kit.spacing["layer"] = t
    if abs(n * t - height) > t / 4:
        kit.note("SLICE-HEIGHT", "pass", f"{n} layers of {t:g} mm stack to {n * t:.0f} mm (the mesh is {height:.0f} mm)",
                 measured=n * t, unit="mm")
    level = defaultdict(list)
    for p in layers:
        level[round(p.frame.origin[2] / t - 0.5)].append(p)
    holes: dict[str, list] = defaultdict(list)
    drills: dict[tuple[str, str], list] = {}
    r = (spec.dowel + spec.clearance) / 2
    by_name = {p.name: p for p in layers}
    for i in range(n - 1):
        for a in level[i]:
            for b in level[i + 1]:
                if glue_joint(a, b) is None:
                    continue
                kit.glued.append((a.name, b.name))
                if spec.dowel > 0:
                    room = a.outline.intersection(b.outline).buffer(-(r + spec.min_feature))
                    drills[a.name, b.name] = [pt.buffer(r, 24) for pt in _dowel_points(room, 4 * r)]
                    holes[a.name] += drills[a.name, b.name]
                    holes[b.name] += drills[a.name, b.name]

    made_parts: dict[str, FlatPart] = {}  # each layer drilled once, again only when its holes change

    def drilled(name: str) -> FlatPart:
        if name not in made_parts:
            part = by_name[name]
            made_parts[name] = (part.with_outline(part.outline.difference(shapely.union_all(holes[name])))
                                if holes[name] else part)
        return made_parts[name]

    # holes leaving a glued pair too little face (a small top layer, ...): the pairs drilling them keep
    # none; each round empties at least one pair's holes, so there are at most as many rounds as pairs
    for _ in range(len(drills)):
        weak = next(((x, y) for x, y in kit.glued if (holes[x] or holes[y])
                     and glue_joint(drilled(x), drilled(y)) is None), None)
        if weak is None:
            break
        face = by_name[weak[0]].outline.intersection(by_name[weak[1]].outline)
        undo = [pair for pair, made in drills.items()
                if set(pair) & set(weak) and any(h.intersects(face) for h in made)]
        if not undo:
            break
        for pair in undo:
            for name in pair:
                holes[name] = [h for h in holes[name] if all(h is not m for m in drills[pair])]
                made_parts.pop(name, None)
            drills[pair] = []
    glued = {n for pair in kit.glued for n in pair}
    loose = [p.name for p in layers if p.name not in glued] if len(layers) > 1 else []
    kit.parts = [drilled(p.name) for p in layers if p.name not in loose]
    if loose:
        kit.note("SLICE-ISLAND", "warning", f"{len(loose)} layer pieces touch no neighbour and were left out: "
                 f"{', '.join(loose)}", part=", ".join(loose), fix="use thinner sheet or a larger size")


def _dowel_points(room, min_apart: float) -> list[Point]:
    """Up to two dowel centres in ``room``: the ends of its longest stretch, or one point if it is small."""
    if room.is_empty:
        return []
    box = room.minimum_rotated_rectangle
    coords = np.asarray(box.exterior.coords)[:4] if box.geom_type == "Polygon" else np.asarray(box.coords)
    c = coords.mean(axis=0)
    far = coords[np.argmax(np.linalg.norm(coords - c, axis=1))]
    ends = [shapely.ops.nearest_points(room, Point(c + s * 0.6 * (far - c)))[0] for s in (1, -1)]
    if ends[0].distance(ends[1]) < min_apart:
        return [room.representative_point()]
    return ends


def _spine(mesh: PreparedMesh, spec: SliceSpec, kit: Kit) -> None:
    """``n = count_a / 2`` plates through the z axis, ``180 / n`` degrees apart, cross-lapped on the axis
    in stacked bands: plate k (1 on top) keeps the k-th band of the axis from the top. Each plate is
    cross-lapped with the next (its share of the crossing is ``(n - k) / n``, slotted from below), so
    plate k's slots remove the axis above and below its band and each plate drops in from above onto
    those after it. Plates further apart need no joint of their own: neighbours are the closest to
    parallel (or to the opposite side, 180 - 180 / n), so their slots are the widest any crossing on
    the axis needs. The crossing line of plates k < m runs up (k's normal turns anticlockwise to m's
    by less than 180 degrees), so the earlier plate's slot opens at the bottom."""
    n = spec.count_a // 2
    frames = [vertical_frame(spec.rotation + i * 180.0 / n - 90.0, 0.0) for i in range(n)]
    plates = _family(mesh, frames, "fin", "F", "fin", spec, kit)
    order = {p.name: int(p.name.split("-")[1].split(".")[0]) for p in plates}
    kit.parts = plates
    interlock(kit, plates, None, spec.clearance,
              share=lambda a, b: (n - order[a.name]) / n if order[b.name] == order[a.name] + 1 else None)
    if not kit.laps:
        raise GeometryError("the fins of a spine meet nowhere: the mesh has no material on its vertical axis "
                            "(a ring or a shape standing on legs); use hub = rings")


def make_kit(mesh: PreparedMesh, spec: SliceSpec) -> Kit:
    """Slice a prepared mesh into a kit (parts uncut, joints derived).

    Raises:
        GeometryError: an unknown style, counts that crowd the slots, or no part left to cut.
    """
    if spec.style not in STYLES:
        raise GeometryError(f"unknown slicing style {spec.style!r}; choose one of {', '.join(STYLES)}")
    if spec.hub not in HUBS:
        raise GeometryError(f"unknown radial hub {spec.hub!r}; choose one of {', '.join(HUBS)}")
    problem = counts_problem(mesh, spec)
    if problem:
        raise GeometryError(problem)
    kit = Kit([])
    if len(mesh.bodies) > 1:
        kit.note("MESH-SHELLS", "pass", f"the mesh has {len(mesh.bodies)} separate shells; their sections are "
                 "unioned, so overlapping shells count once", measured=len(mesh.bodies))
    if mesh.dropped_faces:
        kit.note("MESH-DEGENERATE", "pass", f"{mesh.dropped_faces} degenerate or duplicate triangles were dropped",
                 measured=mesh.dropped_faces)
    if mesh.repaired:
        kit.note("MESH-REPAIRED", "pass", f"{mesh.repaired} shells had holes that were filled before slicing")
    if spec.style == "stacked":
        _stacked(mesh, spec, kit)
    elif spec.style == "interlocked":
        groups = []
        for name, count, deg, off in (("a", spec.count_a, spec.rotation, spec.offset_a),
                                      ("b", spec.count_b, spec.rotation + spec.angle, spec.offset_b)):
            n = np.array([math.cos(math.radians(deg)), math.sin(math.radians(deg)), 0.0])
            heights, kit.spacing[name] = family_heights(mesh, n, count, off)
            groups.append(_family(mesh, [vertical_frame(deg, h) for h in heights], name, name.upper(), "slice",
                                  spec, kit))
        kit.parts = groups[0] + groups[1]
        interlock(kit, *groups, spec.clearance)
    elif spec.hub == "spine":
        _spine(mesh, spec, kit)
    else:
        top = float(mesh.bounds[1][2])
        reach = float(np.abs(mesh.bounds[:, :2]).max()) * 2 + 10
        keep = shapely.box(spec.core, -1.0, reach, top + 1.0)  # u >= core in every fin's own frame
        frames = [vertical_frame(spec.rotation + i * 360.0 / spec.count_a - 90.0, 0.0)  # u runs out from the axis
                  for i in range(spec.count_a)]
        fins = _family(mesh, frames, "fin", "F", "fin", spec, kit, keep=keep)
        spacing = top / spec.count_b
        frames = [Frame.xy((i + 0.5) * spacing + spec.offset_b) for i in range(spec.count_b)]
        hole = max(0.0, spec.core - 2 * spec.min_feature)
        keep = Point(0, 0).buffer(reach).difference(Point(0, 0).buffer(hole, 64)) if hole else None
        rings = _family(mesh, frames, "ring", "R", "ring", spec, kit, keep=keep)
        kit.spacing["ring"] = spacing
        kit.parts = fins + rings
        interlock(kit, fins, rings, spec.clearance)
    assembly_note(kit)
    if not kit.parts:
        raise GeometryError("no part is left to cut: every section was dropped as a sliver or is unjoined; "
                            "use a larger size or fewer, thicker slices")
    return kit


def prepared(data: MeshData, up: str, size: float, size_of: str) -> PreparedMesh:
    """The mesh oriented, scaled to ``size`` mm and split (cached: see :func:`mesh_import.prepare`)."""
    return prepare(data, up, float(size), size_of)


@lru_cache(maxsize=8)
def cached_kit(data: MeshData, up: str, size: float, size_of: str, spec: SliceSpec) -> Kit:
    """:func:`make_kit` of a mesh value, cached per mesh and choices (do not mutate the result)."""
    return make_kit(prepared(data, up, size, size_of), spec)


def reference_mesh(data: MeshData, up: str, size: float, size_of: str):
    """The prepared mesh as one trimesh (all shells), placed as the kit is: for drawing it behind the kit."""
    import trimesh

    return trimesh.util.concatenate(list(prepared(data, up, size, size_of).bodies))
