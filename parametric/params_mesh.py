"""The ``Mesh`` parameter spec: a triangle mesh given as ``@FILE``, a built-in shape name, or a stored copy."""

from __future__ import annotations

from typing import Any

from .errors import GeometryError
from .mesh_import import BUILTIN, FORMATS, MeshData, builtin_mesh, read_mesh
from .spec import Spec


class Mesh(Spec):
    """A triangle mesh (no units: the model scales it to a size in mm).

    Values: ``"@shape.stl"`` (STL, OBJ, PLY, 3MF or OFF, read once, bounded), a built-in shape name
    (``cylinder``, ``cone``, ``sphere``, ``torus``, ``box``), the stored copy written to
    ``params.json`` (``{"source", "sha256", "vertices", "faces"}``: the arrays themselves, so a
    parameter file rebuilds the design without the mesh file, and an edited copy is refused), or a
    trimesh object (from Python).
    """

    kind = "mesh"

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name  # the default is made on first use: importing a model must not import trimesh

    @property
    def default(self) -> MeshData:
        """The default mesh (made on first use)."""
        if self._default is None:
            self._default = self.coerce(self._raw_default)
        return self._default

    @default.setter
    def default(self, value: Any) -> None:
        self._default = value

    def coerce(self, value: Any) -> MeshData:
        try:
            if isinstance(value, MeshData):
                return value
            if isinstance(value, str):
                text = value.strip()
                if text.startswith("@"):
                    return read_mesh(text[1:])
                return _builtin(text)
            if isinstance(value, dict):
                return MeshData.from_json(value)
            if hasattr(value, "vertices") and hasattr(value, "faces"):
                return MeshData("mesh", value.vertices, value.faces)
        except GeometryError as exc:
            raise self.error(str(exc)) from None
        raise self.error(f"expected @FILE ({', '.join(FORMATS)}) or one of {', '.join(BUILTIN)}, got "
                         f"{type(value).__name__}")

    def to_json(self, value: MeshData) -> Any:
        if value.source in BUILTIN and value == _builtin(value.source):
            return value.source
        return value.to_json()

    def range_text(self) -> str:
        return f"@FILE ({', '.join(FORMATS)}) or a built-in shape ({', '.join(BUILTIN)})"

    def describe(self) -> dict[str, Any]:
        return super().describe() | {"builtin": list(BUILTIN), "formats": list(FORMATS)}


_CACHE: dict[str, MeshData] = {}


def _builtin(name: str) -> MeshData:
    """The built-in mesh ``name``, made once per process."""
    if name not in _CACHE:
        _CACHE[name] = builtin_mesh(name)
    return _CACHE[name]
