"""Drag a slice family in 3D: a plane handle per family of a mesh kit (``sliced``), bound to its
``offset_a`` / ``offset_b`` parameter.

Each handle is a pyvista plane widget that only translates along the family's normal, placed on
the family's middle plane. Letting go of it sets the offset (moved by how far the handle went,
kept within the parameter's range) through the panel's own widget, so it rebuilds, goes on the undo
stack and shows in the panel exactly as moving that slider does.
"""

from __future__ import annotations

import numpy as np

#: which parts make each offset's family: (parameter, part name prefix), by style
FAMILIES = {"interlocked": (("offset_a", "a-"), ("offset_b", "b-")), "radial": (("offset_b", "ring-"),)}


def families(design) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Per draggable family of a kit: its offset parameter, unit normal and middle-plane point (mm)."""
    params = design.params
    if "offset_a" not in params or (params["style"] == "radial" and params.get("hub", "rings") != "rings"):
        return []
    out = []
    for name, prefix in FAMILIES.get(params["style"], ()):
        plates = [p for p in design.parts if p.name.startswith(prefix)]
        if not plates:
            continue
        normal = plates[0].frame.normal
        origins = np.array([p.frame.origin for p in plates])
        point = origins.mean(axis=0)
        point = point - normal * (point @ normal) + normal * float(np.median(origins @ normal))
        out.append((name, normal, point))
    return out


class SliceHandles:
    """The plane handles of one window's 3D view, placed again after every rebuild."""

    def __init__(self, window):
        self.window = window
        self.widgets: dict[str, object] = {}

    def update(self, scene) -> None:
        """Replace the handles for this scene's design (none for a model without slice offsets)."""
        plotter = self.window.plotter
        plotter.clear_plane_widgets()
        self.widgets = {}
        bounds = np.array([m.bounds for m in scene.meshes.values()])  # (parts, 2, 3): each part's lo, hi
        lo, hi = bounds[:, 0].min(axis=0), bounds[:, 1].max(axis=0)
        box = (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
        for name, normal, point in families(scene.design):
            start = float(scene.design.params[name])

            def moved(_normal, origin, name=name, normal=normal, point=point, start=start) -> None:
                self.drag(name, start + float((np.asarray(origin) - point) @ normal))

            self.widgets[name] = plotter.add_plane_widget(
                moved, normal=tuple(normal), origin=tuple(point), bounds=box, normal_rotation=False,
                outline_translation=False, implicit=False, color="#3a73d8", interaction_event="end")

    def drag(self, name: str, value: float) -> None:
        """Set an offset as its panel widget does (to the parameter's step, within its range); an
        unchanged value does not rebuild."""
        spec = self.window.cls.schema.specs[name]
        value = float(np.clip(round(value / spec.step) * spec.step, spec.min, spec.max))
        widget = self.window.panel.widgets[name]
        if abs(widget.value() - value) > 1e-9:
            widget.setValue(value)
