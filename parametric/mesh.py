"""The fast mesh path: flat parts -> trimesh meshes by extruding their outlines (checks, viewer, STL).

The STL is the union of the part meshes (manifold3d), not a tessellated B-rep: the same watertight
product in milliseconds instead of an OCC boolean.

Extrusion of a polygon outline is exact (the outlines are polygons), so these meshes describe
the same solids as the CadQuery B-rep in :mod:`parametric.geometry`, in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import trimesh

from .design import Design
from .memo import wkb
from .part import FlatPart


@lru_cache(maxsize=512)
def _extrude(wkb: bytes, thickness: float) -> trimesh.Trimesh:
    poly = shapely.from_wkb(wkb)
    mesh = trimesh.creation.extrude_polygon(poly, thickness)
    mesh.apply_translation((0.0, 0.0, -thickness / 2))
    return mesh


def local_mesh(part: FlatPart) -> trimesh.Trimesh:
    """The part as a watertight mesh in its own frame (mid-plane at w = 0); cached, do not mutate."""
    return _extrude(wkb(part.outline), float(part.thickness))


def part_mesh(part: FlatPart) -> trimesh.Trimesh:
    """The part as a watertight mesh placed in the product frame (mm).

    The local mesh's points moved as ``Trimesh.apply_transform`` moves them (a frame is a rotation, so
    the winding is kept), without copying the cached mesh's caches first (four times faster)."""
    local = local_mesh(part)
    return trimesh.Trimesh(vertices=trimesh.transformations.transform_points(local.vertices, part.frame.matrix),
                           faces=local.faces.copy(), process=False)


def design_meshes(design: Design) -> dict[str, trimesh.Trimesh]:
    """One placed mesh per part, by part name."""
    return {p.name: part_mesh(p) for p in design.parts}


class PartMeshes(Mapping):
    """Part name -> placed mesh, as :func:`design_meshes` gives, but each made when first looked up and then
    kept: for checks that need the meshes of few parts (the overlap and collision checks of one
    :func:`parametric.checks.run_checks` call share it). Iterating its values makes them all."""

    def __init__(self, design: Design):
        self._parts = {p.name: p for p in design.parts}
        self._made: dict[str, trimesh.Trimesh] = {}

    def __getitem__(self, name: str) -> trimesh.Trimesh:
        mesh = self._made.get(name)
        if mesh is None:
            mesh = self._made[name] = part_mesh(self._parts[name])  # KeyError for a name not in the design
        return mesh

    def __contains__(self, name: object) -> bool:
        return name in self._parts  # without making the mesh

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


def product_mesh(design: Design, meshes: dict[str, trimesh.Trimesh] | None = None) -> trimesh.Trimesh:
    """All parts in one mesh (separate shells, not unioned): for display and mass properties."""
    meshes = meshes or design_meshes(design)
    return trimesh.util.concatenate(list(meshes.values()))


def watertight_mesh(design: Design, meshes: dict[str, trimesh.Trimesh] | None = None) -> trimesh.Trimesh:
    """The product as one watertight mesh: every part's exact extrusion unioned with manifold3d (parts
    touching at slot bottoms merge into one body; apart parts stay separate closed shells)."""
    import manifold3d

    meshes = meshes or design_meshes(design)
    # double precision: float32 (to_manifold) rounds rotated plates apart, so faces that touch exactly
    # (slot bottoms) no longer merge and the union falls into pieces pinched at shared edges
    solids = [manifold3d.Manifold(manifold3d.Mesh64(vert_properties=np.asarray(m.vertices, dtype=np.float64),
                                                    tri_verts=np.asarray(m.faces, dtype=np.uint64)))
              for m in meshes.values()]
    union = solids[0] if len(solids) == 1 else manifold3d.Manifold.batch_boolean(solids, manifold3d.OpType.Add)
    out = union.to_mesh64()
    return trimesh.Trimesh(vertices=np.asarray(out.vert_properties)[:, :3], faces=np.asarray(out.tri_verts),
                           process=False)


def export_stl(design: Design, path: str | Path) -> None:
    """Write the product as one watertight binary STL (mm), from :func:`watertight_mesh`."""
    watertight_mesh(design).export(str(Path(path)), file_type="stl")


class Manifolds(dict):
    """Part name -> manifold3d ``Manifold`` of ``meshes[name]``, each made on first use and then shared
    (the overlap and collision checks of one :func:`parametric.checks.run_checks` call need the same
    ones); it lives as long as its caller keeps it, so nothing outlives one design's checks."""

    def __init__(self, meshes: dict[str, trimesh.Trimesh]):
        super().__init__()
        self.meshes = meshes

    def __missing__(self, name: str):
        solid = self[name] = to_manifold(self.meshes[name])
        return solid


def to_manifold(mesh: trimesh.Trimesh):
    """A manifold3d ``Manifold`` of a watertight mesh (for exact booleans and volumes)."""
    import manifold3d

    m = manifold3d.Mesh(vert_properties=np.asarray(mesh.vertices, dtype=np.float32),
                        tri_verts=np.asarray(mesh.faces, dtype=np.uint32))
    return manifold3d.Manifold(m)


def from_manifold(manifold) -> trimesh.Trimesh:
    """A trimesh of a manifold3d ``Manifold`` (kept unprocessed, as manifold made it)."""
    out = manifold.to_mesh()
    return trimesh.Trimesh(vertices=np.asarray(out.vert_properties)[:, :3], faces=np.asarray(out.tri_verts),
                           process=False)
