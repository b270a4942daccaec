"""Triangle meshes as parameter values: bounded, safe reading (STL, OBJ, PLY, 3MF, OFF via trimesh),
a stored copy that rebuilds the same design, and preparation for slicing (units, up axis, bodies).

A :class:`MeshData` holds the vertices and faces as plain arrays plus the SHA-256 of their bytes;
``params.json`` stores it as zlib-compressed base64 with that hash, and a stored copy whose bytes do
not match its hash is refused (an edited file never rebuilds silently into another design).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import GeometryError

#: largest mesh file read (bytes): a 300k-face binary STL is 15 MB; ASCII and OBJ run ~3x larger
MAX_FILE_BYTES = 64 * 1024 * 1024
#: most triangles accepted: enough for any furniture-sized kit; decimate larger scans first
MAX_FACES = 300_000
#: file types read, by suffix (trimesh's loader names)
FORMATS = {".stl": "stl", ".obj": "obj", ".ply": "ply", ".3mf": "3mf", ".off": "off"}
#: meshes made by d4d itself (no file): name -> maker (unit size, z up)
BUILTIN = ("cylinder", "cone", "sphere", "torus", "box")


@dataclass(frozen=True, eq=False)
class MeshData:
    """A triangle mesh as a parameter value: vertices ``(n, 3)`` float64, faces ``(m, 3)`` int64.

    Attributes:
        source: where it came from (a file name or a built-in shape name), for messages only.
        sha256: hex digest of the vertex bytes then the face bytes (little-endian), its identity.
    """

    source: str
    vertices: np.ndarray = field(repr=False)
    faces: np.ndarray = field(repr=False)
    sha256: str = ""

    def __post_init__(self) -> None:
        v = np.ascontiguousarray(self.vertices, dtype="<f8").reshape(-1, 3)
        f = np.ascontiguousarray(self.faces, dtype="<i8").reshape(-1, 3)
        v.flags.writeable = f.flags.writeable = False
        object.__setattr__(self, "vertices", v)
        object.__setattr__(self, "faces", f)
        object.__setattr__(self, "sha256", hashlib.sha256(v.tobytes() + f.tobytes()).hexdigest())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MeshData) and other.sha256 == self.sha256

    def __hash__(self) -> int:
        return hash(self.sha256)

    def __str__(self) -> str:
        return f"{self.source} ({len(self.faces)} faces, sha256 {self.sha256[:12]})"

    def to_json(self) -> dict[str, Any]:
        """The stored copy: ``{"source", "sha256", "vertices", "faces"}`` (zlib + base64 of the arrays)."""
        def pack(a: np.ndarray) -> str:
            return base64.b64encode(zlib.compress(a.tobytes(), 6)).decode("ascii")

        return {"source": self.source, "sha256": self.sha256, "vertices": pack(self.vertices),
                "faces": pack(self.faces)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MeshData":
        """Inverse of :meth:`to_json`; refuses a copy whose arrays do not match its ``sha256``.

        Raises:
            GeometryError: malformed, too large, or edited (hash mismatch).
        """
        if not isinstance(data, dict) or set(data) != {"source", "sha256", "vertices", "faces"}:
            raise GeometryError('a stored mesh is {"source", "sha256", "vertices", "faces"}; re-import the file '
                                "with mesh=@FILE")
        try:
            v = np.frombuffer(_unpack(data["vertices"], MAX_FACES * 3 * 3 * 8), dtype="<f8")
            f = np.frombuffer(_unpack(data["faces"], MAX_FACES * 3 * 8), dtype="<i8")
        except (ValueError, TypeError, zlib.error) as exc:
            raise GeometryError(f"the stored mesh cannot be decoded ({exc}); re-import it with mesh=@FILE") from None
        if v.size % 3 or f.size % 3:
            raise GeometryError("the stored mesh's arrays are not triples; re-import it with mesh=@FILE")
        mesh = cls(str(data["source"]), v.reshape(-1, 3), f.reshape(-1, 3))
        if mesh.sha256 != data["sha256"]:
            raise GeometryError(f"the stored mesh {data['source']!r} does not match its sha256 (it was edited); "
                                "re-import the mesh file with mesh=@FILE")
        _validate(mesh.vertices, mesh.faces, mesh.source)
        return mesh


def _unpack(text: str, limit: int) -> bytes:
    """base64 + zlib, refusing more than ``limit`` bytes decompressed (a zip bomb stops early)."""
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    inflater = zlib.decompressobj()
    out = inflater.decompress(raw, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise ValueError(f"more than {MAX_FACES:,} faces")
    return out


def _validate(vertices: np.ndarray, faces: np.ndarray, source: str) -> None:
    if len(faces) == 0:
        raise GeometryError(f"{source} holds no triangles; export the solid as a mesh (STL, OBJ, PLY, 3MF)")
    if len(faces) > MAX_FACES:
        raise GeometryError(f"{source} has {len(faces):,} triangles, more than {MAX_FACES:,}; decimate it first "
                            "(e.g. Blender's Decimate modifier or MeshLab's quadric edge collapse)")
    if not np.isfinite(vertices).all():
        raise GeometryError(f"{source} has coordinates that are not finite numbers; repair or re-export it")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise GeometryError(f"{source} has faces that point at missing vertices; repair or re-export it")
    used = vertices[np.unique(faces)]
    spread = np.linalg.svd(used - used.mean(axis=0), compute_uv=False)
    if spread[-1] <= 1e-6 * spread[0]:
        raise GeometryError(f"{source} has no volume: all its points lie in one plane (or on a line); slice a "
                            "closed solid")


def builtin_mesh(name: str) -> MeshData:
    """A mesh made by d4d (unit size, z up): ``cylinder``, ``cone``, ``sphere``, ``torus`` or ``box``."""
    import trimesh

    makers = {"cylinder": lambda: trimesh.creation.cylinder(radius=0.5, height=1.0, sections=64),
              "sphere": lambda: trimesh.creation.icosphere(subdivisions=3, radius=0.5),
              "torus": lambda: trimesh.creation.torus(major_radius=0.35, minor_radius=0.15),
              "box": lambda: trimesh.creation.box((1.0, 1.0, 1.0))}
    if name not in BUILTIN:
        raise GeometryError(f"no built-in mesh {name!r}; choose one of {', '.join(BUILTIN)} or give a file as @FILE")
    if name == "cone":  # a frustum: a cylinder whose top is drawn in to 60 %
        mesh = makers["cylinder"]()
        top = mesh.vertices[:, 2] > 0
        mesh.vertices[top, :2] *= 0.6
    else:
        mesh = makers[name]()
    return MeshData(name, mesh.vertices, mesh.faces)


def read_mesh(path: str | Path) -> MeshData:
    """Read a mesh file (STL ascii/binary, OBJ, PLY, 3MF, OFF), bounded in size and face count.

    Several objects in one file are kept together (their shells are unioned when sliced).

    Raises:
        GeometryError: not a regular file, empty, too large, an unknown type, unreadable, or no triangles.
    """
    import trimesh

    p = Path(path).expanduser()
    if not p.is_file():
        what = "does not exist" if not p.exists() else "is not a regular file"
        raise GeometryError(f"{p} {what}; give a mesh file as mesh=@shape.stl")
    kind = FORMATS.get(p.suffix.lower())
    if kind is None:
        raise GeometryError(f"{p.name}: unknown mesh type {p.suffix!r}; d4d reads {', '.join(FORMATS)}")
    size = p.stat().st_size
    if size == 0:
        raise GeometryError(f"{p.name} is empty (0 bytes); export the mesh again")
    if size > MAX_FILE_BYTES:
        raise GeometryError(f"{p.name} is {size / 2**20:.0f} MB, more than {MAX_FILE_BYTES // 2**20} MB; "
                            f"decimate it below {MAX_FACES:,} triangles first")
    try:
        with p.open("rb") as fh:
            mesh = trimesh.load(fh, file_type=kind, force="mesh", process=True)
    except Exception as exc:  # trimesh raises many kinds on garbage: each means "not a readable mesh"
        raise GeometryError(f"{p.name} is not a readable {kind.upper()} mesh ({type(exc).__name__}: {exc}); "
                            "check the file or export it again") from None
    faces = np.asarray(getattr(mesh, "faces", np.zeros((0, 3))), dtype=np.int64).reshape(-1, 3)
    vertices = np.asarray(getattr(mesh, "vertices", np.zeros((0, 3))), dtype=float).reshape(-1, 3)
    _validate(vertices, faces, p.name)
    return MeshData(p.name, vertices, faces)


@dataclass(frozen=True)
class PreparedMesh:
    """A mesh ready to slice: mm, z up, centred on the z axis, standing on z = 0, split into bodies.

    Attributes:
        bodies: one trimesh per connected shell (the shells are unioned section by section).
        repaired: bodies whose holes trimesh closed; ``open_bodies``: bodies still open (capped in 2D).
        dropped_faces: degenerate or duplicate triangles removed.
        scale: the factor applied to the file's units to reach mm.
        volume: of the closed shells' union (mm^3; open shells are left out).
    """

    bodies: tuple
    bounds: np.ndarray
    volume: float
    watertight: bool
    repaired: int
    open_bodies: int
    dropped_faces: int
    scale: float


UP = {"z": np.eye(3), "y": np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]), "x": np.array([[0, 0, -1.0], [0, 1, 0],
                                                                                              [1, 0, 0]])}


@lru_cache(maxsize=16)
def prepare(data: MeshData, up: str, size: float, size_of: str) -> PreparedMesh:
    """Orient (``up`` axis to z), scale (``size`` mm of the height or of the longest side), centre and
    split a mesh; fill the holes trimesh can fill. Cached: treat the result as read-only.

    Raises:
        GeometryError: the mesh has no volume (flat or a line), or nothing is left after cleaning.
    """
    import trimesh

    mesh = trimesh.Trimesh(data.vertices @ UP[up].T, data.faces, process=True)
    before = len(mesh.faces)
    mesh.update_faces(mesh.nondegenerate_faces() & mesh.unique_faces())
    mesh.remove_unreferenced_vertices()
    if len(mesh.faces) == 0:
        raise GeometryError(f"{data.source}: every triangle is degenerate; the mesh has no surface")
    ext = mesh.extents
    if ext.min() <= 1e-6 * ext.max():
        raise GeometryError(f"{data.source} has no volume: it is flat ({' x '.join(f'{e:.4g}' for e in ext)} "
                            "units); slice a closed solid")
    scale = size / (ext[2] if size_of == "height" else ext.max())
    lo, hi = mesh.bounds
    mesh.apply_translation(-np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]]))
    mesh.apply_scale(scale)
    bodies, repaired, still_open = [], 0, 0
    for body in mesh.split(only_watertight=False, repair=False):
        if not body.is_watertight:
            trimesh.repair.fill_holes(body)
            repaired += body.is_watertight
            still_open += not body.is_watertight
        bodies.append(body)
    closed = [b for b in bodies if b.is_watertight]
    volume = float(abs(closed[0].volume)) if len(closed) == 1 else 0.0
    if len(closed) > 1:  # overlapping shells count once
        volume = float(trimesh.boolean.union(closed, engine="manifold").volume)
    return PreparedMesh(tuple(bodies), mesh.bounds.copy(), volume, still_open == 0, repaired, still_open,
                        before - len(mesh.faces), float(scale))
