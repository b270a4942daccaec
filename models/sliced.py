"""Sliced: any closed mesh (STL, OBJ, PLY, 3MF) as a flat-pack slice kit cut to your sheet.

The mesh is a parameter (``--set mesh=@shape.stl``, or a built-in shape); meshes rarely carry units,
so it is scaled to ``size`` mm of its height or longest side, stood on the floor and centred. The
slicing, repairs and joints are :mod:`parametric.slicing`'s; this model only names the choices.
"""

from __future__ import annotations

from parametric.errors import GeometryError
from parametric.model import Clearance, MeasuredThickness, Model
from parametric.params import Angle, Choice, Count, Length, require
from parametric.params_mesh import Mesh
from parametric.slicing import HUBS, STYLES, SliceSpec, cached_kit, counts_problem, prepared, reference_mesh


def spec(p) -> SliceSpec:
    """The slicing choices of parameters ``p``."""
    return SliceSpec(p.style, p.count_a, p.count_b, p.thickness, p.clearance, p.min_feature, p.angle, p.rotation,
                     p.offset_a, p.offset_b, p.core, p.dowel, p.hub)


def counts_problem_of(p) -> str:
    """Why the mesh cannot be sliced, the slice counts or offsets would crowd the slots (with the limit),
    or no part would be left to cut; "" when they fit. The kit is sliced here (and cached for the build),
    so a set of parameters is refused by name rather than failing in the build."""
    try:
        problem = counts_problem(prepared(p.mesh, p.up, p.size, p.size_of), spec(p))
        if problem:
            return problem
        cached_kit(p.mesh, p.up, p.size, p.size_of, spec(p))
        return ""
    except GeometryError as exc:
        return f"mesh: {exc}"


class Sliced(Model):
    """A slice kit from a mesh: interlocked, radial or stacked slices, slotted to your measured sheet."""

    name = "sliced"
    title = "Sliced mesh"
    mesh = Mesh("cylinder", group="Shape", help="The solid to slice: @file.stl/.obj/.ply/.3mf or a built-in shape")
    up = Choice("z", ["z", "y", "x"], group="Shape", help="The mesh's up axis (STL is usually z, OBJ often y)")
    size = Length(450, min=100, max=2500, step=5, group="Shape", help="Size of the kit in mm (see size_of)")
    size_of = Choice("height", ["height", "longest"], group="Shape",
                     help="What size measures: the height, or the longest side")
    style = Choice("interlocked", list(STYLES), group="Slices",
                   help="interlocked: two crossing families; radial: fins round the z axis through rings; "
                        "stacked: glued layers")
    count_a = Count(4, min=1, max=40, group="Slices", help="Slices in the first family (radial: fins)")
    count_b = Count(4, min=1, max=40, group="Slices",
                    help="Slices in the second family (radial: rings; a spine has none)")
    angle = Angle(90, min=30, max=150, step=1, group="Slices", help="Angle between the two families")
    rotation = Angle(0, min=-90, max=90, step=1, group="Slices", help="Turn of the first family about the z axis")
    offset_a = Length(0, min=-100, max=100, step=0.5, group="Slices",
                      help="Shift of the first family along its normal (less than half its spacing)")
    offset_b = Length(0, min=-100, max=100, step=0.5, group="Slices",
                      help="Shift of the second family (radial: raises the rings)")
    hub = Choice("rings", list(HUBS), group="Slices",
                 help="Radial: rings (fins cross stacked rings) or spine (opposite fins are one plate through the "
                      "axis; the plates slot into each other there, no rings)")
    core = Length(60, min=0, max=400, step=5, group="Slices",
                  help="Radial with rings: the fins start this far from the axis")
    dowel = Length(8, min=0, max=25, step=0.5, group="Slices", help="Stacked: dowel diameter (0: glue only)")
    min_feature = Length(15, min=3, max=100, step=1, group="Slices",
                         help="Narrowest piece kept; narrower fragments are dropped and reported")
    thickness = MeasuredThickness()
    clearance = Clearance()
    constraints = [
        require(counts_problem_of, "the slice counts or offsets crowd the slots", "mesh", "count_a", "count_b",
                "core", "offset_a", "offset_b", "hub", "size", "min_feature"),
    ]
    presets = {
        "pouf": {},
        "side-table": {"mesh": "cone", "style": "radial", "count_a": 6, "count_b": 4, "core": 60, "size": 500},
        "stacked-stool": {"mesh": "cylinder", "style": "stacked", "size": 300, "thickness": 17.7},
    }

    def reference_mesh(self, p):
        """The mesh as sliced (mm, on the floor), for the viewer to draw behind the kit."""
        return reference_mesh(p.mesh, p.up, p.size, p.size_of)

    def build(self, p) -> None:
        """Slice the mesh (cached per mesh and slicing choices), then add its plates, joints and notes."""
        kit = cached_kit(p.mesh, p.up, p.size, p.size_of, spec(p))
        for part in kit.parts:
            self.plate(part.name, part.outline, part.frame, thickness=part.thickness, role=part.role,
                       label=part.label)
        self.add_laps(kit.laps)
        for a, b in kit.glued:
            self.glue(self._parts[a], self._parts[b])
        for note in kit.notes:
            self.note(**note)
