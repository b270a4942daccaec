"""Off-screen pictures of a design (pyvista, no window, no Qt): docs, PDF guides, batch galleries."""

from __future__ import annotations

from pathlib import Path

from .design import Design
from .mesh import design_meshes

#: colours by part role (RGB 0..1); others cycle through the palette
ROLE_COLOURS = {"rib": (0.80, 0.62, 0.40), "slat": (0.93, 0.80, 0.58)}
PALETTE = [(0.85, 0.70, 0.50), (0.70, 0.55, 0.38), (0.95, 0.85, 0.65), (0.60, 0.48, 0.33)]
VIEWS = {"iso": (1.0, -1.1, 0.8), "front": (0.0, -1.0, 0.0), "side": (1.0, 0.0, 0.0), "top": (0.0, 0.0, 1.0)}


def render_png(design: Design, path: str | Path, *, view: str = "iso", size: tuple[int, int] = (800, 600),
               parts: list[str] | None = None, highlight: list[str] | None = None) -> Path:
    """Render the design (or some of its parts) to a PNG file from a named view.

    Args:
        view: ``"iso"``, ``"front"``, ``"side"`` or ``"top"``.
        parts: names of the parts to draw (default all).
        highlight: parts drawn in a strong colour (e.g. the ones an assembly step adds).
    """
    import pyvista as pv

    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    meshes = design_meshes(design)
    names = parts or list(meshes)
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    plotter.set_background("white")
    roles = {}
    for name in names:
        part = design.part(name)
        colour = ROLE_COLOURS.get(part.role) or PALETTE[roles.setdefault(part.role, len(roles)) % len(PALETTE)]
        if highlight and name in highlight:
            colour = (0.20, 0.45, 0.85)
        plotter.add_mesh(pv.wrap(meshes[name]), color=colour, smooth_shading=False)
    bounds = [m for n, m in meshes.items()]
    import numpy as np

    lo = np.min([m.bounds[0] for m in bounds], axis=0)
    hi = np.max([m.bounds[1] for m in bounds], axis=0)
    centre, radius = (lo + hi) / 2, float(np.linalg.norm(hi - lo))
    direction = np.asarray(VIEWS[view]) / np.linalg.norm(VIEWS[view])
    up = (0, 1, 0) if view == "top" else (0, 0, 1)
    plotter.camera_position = [tuple(centre + direction * radius * 1.6), tuple(centre), up]
    path = Path(path)
    plotter.screenshot(str(path))
    plotter.close()
    return path
