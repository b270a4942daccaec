"""Off-screen pictures of a design (pyvista, no window, no Qt): docs, PDF guides, batch galleries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .design import Design
from .mesh import design_meshes

#: colours by part role (RGB 0..1); others cycle through the palette
ROLE_COLOURS = {"rib": (0.80, 0.62, 0.40), "slat": (0.93, 0.80, 0.58)}
PALETTE = [(0.85, 0.70, 0.50), (0.70, 0.55, 0.38), (0.95, 0.85, 0.65), (0.60, 0.48, 0.33)]
HIGHLIGHT = (0.20, 0.45, 0.85)
FIGURE_COLOUR = (0.44, 0.56, 0.72)
VIEWS = {"iso": (1.0, -1.1, 0.8), "front": (0.0, -1.0, 0.0), "side": (1.0, 0.0, 0.0), "top": (0.0, 0.0, 1.0)}


def render_images(design: Design, shots: Sequence[tuple[Sequence[str] | None, Sequence[str] | None]], *,
                  view: str = "iso", size: tuple[int, int] = (800, 600), figure: str | None = None,
                  posture: str = "upright") -> list[np.ndarray]:
    """Several pictures of one design from one off-screen plotter (set up once: the meshes, camera
    and GL context are shared; each shot only changes which parts show and which are highlighted).

    Args:
        shots: ``(parts, highlight)`` per picture: names of the parts to draw (None: all) and of
            those drawn in a strong colour (e.g. the ones an assembly step adds).
        view: ``"iso"``, ``"front"``, ``"side"`` or ``"top"`` (the camera frames the whole design).
        figure: a figure name (:data:`parametric.figure.FIGURES`) to seat on the design's seat, in every
            shot (a design without a seat is drawn without it); ``posture``: ``"upright"`` or ``"lean_back"``.

    Returns:
        One RGB image (``height x width x 3`` uint8) per shot.
    """
    import pyvista as pv

    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    meshes = design_meshes(design)
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        plotter.set_background("white")
        roles, actors, colours = {}, {}, {}
        for name, mesh in meshes.items():
            part = design.part(name)
            colours[name] = (ROLE_COLOURS.get(part.role)
                             or PALETTE[roles.setdefault(part.role, len(roles)) % len(PALETTE)])
            actors[name] = plotter.add_mesh(pv.wrap(mesh), color=colours[name], smooth_shading=False)
        framed = list(meshes.values())
        if figure is not None and design.seat is not None:
            from .figure import figure_mesh, poses

            for k, placed in enumerate(poses(design.seat, figure, posture)):
                body = figure_mesh(placed)
                plotter.add_mesh(pv.wrap(body), color=FIGURE_COLOUR, smooth_shading=True, name=f"figure-{k}")
                framed.append(body)
        lo = np.min([m.bounds[0] for m in framed], axis=0)
        hi = np.max([m.bounds[1] for m in framed], axis=0)
        centre, radius = (lo + hi) / 2, float(np.linalg.norm(hi - lo))
        direction = np.asarray(VIEWS[view]) / np.linalg.norm(VIEWS[view])
        up = (0, 1, 0) if view == "top" else (0, 0, 1)
        plotter.camera_position = [tuple(centre + direction * radius * 1.6), tuple(centre), up]
        images = []
        for parts, highlight in shots:
            shown, strong = set(parts or meshes), set(highlight or ())
            for name, actor in actors.items():
                actor.SetVisibility(name in shown)
                actor.prop.color = HIGHLIGHT if name in strong else colours[name]
            images.append(np.asarray(plotter.screenshot(return_img=True))[..., :3].copy())
        return images
    finally:
        plotter.close()


def render_png(design: Design, path: str | Path, *, view: str = "iso", size: tuple[int, int] = (800, 600),
               parts: list[str] | None = None, highlight: list[str] | None = None, figure: str | None = None,
               posture: str = "upright") -> Path:
    """Render the design (or some of its parts) to a PNG file from a named view.

    Args:
        view: ``"iso"``, ``"front"``, ``"side"`` or ``"top"``.
        parts: names of the parts to draw (default all).
        highlight: parts drawn in a strong colour (e.g. the ones an assembly step adds).
        figure, posture: a seated figure to draw on the seat (see :func:`render_images`).
    """
    from PIL import Image

    (image,) = render_images(design, [(parts, highlight)], view=view, size=size, figure=figure, posture=posture)
    path = Path(path)
    Image.fromarray(image).save(path)
    return path
