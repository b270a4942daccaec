"""Off-screen pictures of a design (pyvista, no window, no Qt): docs, PDF guides, batch galleries.

A seated figure (:mod:`parametric.figure`) is drawn so that it never hides the product: as a pale
silhouette in a render layer beneath the product's (the product is drawn whole over it; the figure
shows between and around the parts) and as a faint see-through veil among the parts (front faces only,
:data:`VEIL_OPACITY`), which tints the parts it is in front of (the thighs on the seat) so it reads as
sitting in the product, not behind it. :data:`FIGURE_VIEW`, a three-quarter view from the side, is
where both read, down to a 320 px thumbnail.
"""

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
#: the seated figure's ghost: a pale blue-grey, lighter than every part colour, drawn behind the product
FIGURE_COLOUR = (0.72, 0.80, 0.94)
#: the figure is also drawn see-through at this opacity among the product's parts, tinting the parts it is in
#: front of (depth: the thighs on the seat, the legs before the front legs) without hiding them
VEIL_OPACITY = 0.25
#: camera directions (from the product's centre towards the camera; the products face -y)
VIEWS = {"iso": (1.0, -1.1, 0.8), "front": (0.0, -1.0, 0.0), "side": (1.0, 0.0, 0.0), "top": (0.0, 0.0, 1.0),
         "three-quarter": (1.0, -0.55, 0.35)}
#: the view for pictures with a seated figure: mostly from the side (the figure's profile on the seat:
#: thighs, back, feet on the floor) and a little from the front and above (the product's depth)
FIGURE_VIEW = "three-quarter"

#: one picture: ``(parts, highlight)`` or ``(parts, highlight, figures)``
Shot = tuple


def _figure_names(figure: str | Sequence[str] | None) -> tuple[str, ...]:
    if figure is None:
        return ()
    return (figure,) if isinstance(figure, str) else tuple(dict.fromkeys(figure))


def _ghost_layer(plotter, design: Design, names: tuple[str, ...], posture: str) -> tuple[dict, list]:
    """The figures' meshes in a renderer beneath the product's (layer 0, white) and, see-through, among the
    product's parts; returns the actors per figure name and the meshes (for framing)."""
    import pyvista as pv
    from vtkmodules.vtkRenderingCore import vtkRenderer

    from .figure import figure_mesh, poses

    ghost = vtkRenderer()
    ghost.SetBackground(1.0, 1.0, 1.0)
    ghost.SetLayer(0)
    plotter.ren_win.SetNumberOfLayers(max(2, plotter.ren_win.GetNumberOfLayers()))
    plotter.renderer.SetLayer(1)  # a layer above 0 keeps the colours beneath: the product is drawn over the ghost
    plotter.ren_win.AddRenderer(ghost)
    ghost.SetActiveCamera(plotter.renderer.GetActiveCamera())
    actors: dict[str, list] = {}
    meshes = []
    for name in names:
        for placed in poses(design.seat, name, posture):
            body = figure_mesh(placed)
            actor = pv.Actor(mapper=pv.DataSetMapper(pv.wrap(body)))
            actor.prop.color = FIGURE_COLOUR
            actor.prop.ambient, actor.prop.diffuse, actor.prop.specular = 0.45, 0.55, 0.0
            ghost.AddActor(actor)
            veil = plotter.add_mesh(pv.wrap(body), color=FIGURE_COLOUR, opacity=VEIL_OPACITY, smooth_shading=True,
                                    culling="back")  # one layer: its front faces
            actors.setdefault(name, []).extend((actor, veil))
            meshes.append(body)
    return actors, meshes


def render_images(design: Design, shots: Sequence[Shot], *, view: str = "iso", size: tuple[int, int] = (800, 600),
                  figure: str | Sequence[str] | None = None, posture: str = "upright") -> list[np.ndarray]:
    """Several pictures of one design from one off-screen plotter (set up once: the meshes, camera
    and GL context are shared; each shot only changes which parts and figures show and which parts are
    highlighted).

    Args:
        shots: ``(parts, highlight)`` or ``(parts, highlight, figures)`` per picture: names of the parts to
            draw (None: all), of those drawn in a strong colour (e.g. the ones an assembly step adds) and of
            the figures to seat (None: every one in ``figure``; ``()``: none).
        view: a name in :data:`VIEWS` (the camera frames the whole design and every figure, so every shot
            has the same scale).
        figure: a figure name (:data:`parametric.figure.FIGURES`), or several, seated on the design's seat
            without hiding any part (see the module docstring; a design without a seat is drawn without
            them); ``posture``:
            ``"upright"`` or ``"lean_back"``.

    Returns:
        One RGB image (``height x width x 3`` uint8) per shot.
    """
    import pyvista as pv

    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    names = _figure_names(figure) if design.seat is not None else ()
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
        ghosts: dict[str, list] = {}
        if names:
            ghosts, bodies = _ghost_layer(plotter, design, names, posture)
            framed += bodies
        lo = np.min([m.bounds[0] for m in framed], axis=0)
        hi = np.max([m.bounds[1] for m in framed], axis=0)
        centre, radius = (lo + hi) / 2, float(np.linalg.norm(hi - lo))
        direction = np.asarray(VIEWS[view]) / np.linalg.norm(VIEWS[view])
        up = (0, 1, 0) if view == "top" else (0, 0, 1)
        plotter.camera_position = [tuple(centre + direction * radius * 1.6), tuple(centre), up]
        plotter.camera.clipping_range = (radius * 0.1, radius * 4.0)  # shared by the ghost layer
        images = []
        for shot in shots:
            parts, highlight = shot[0], shot[1]
            seated = names if len(shot) < 3 or shot[2] is None else set(shot[2])
            shown, strong = set(meshes) if parts is None else set(parts), set(highlight or ())
            for name, actor in actors.items():
                actor.SetVisibility(name in shown)
                actor.prop.color = HIGHLIGHT if name in strong else colours[name]
            for name, figure_actors in ghosts.items():
                for actor in figure_actors:
                    actor.SetVisibility(name in seated)
            plotter.render()  # screenshot() renders only the first time: each shot renders anew
            images.append(np.asarray(plotter.screenshot(return_img=True))[..., :3].copy())
        return images
    finally:
        plotter.close()


def render_png(design: Design, path: str | Path, *, view: str = "iso", size: tuple[int, int] = (800, 600),
               parts: list[str] | None = None, highlight: list[str] | None = None,
               figure: str | Sequence[str] | None = None, posture: str = "upright") -> Path:
    """Render the design (or some of its parts) to a PNG file from a named view.

    Args:
        view: a name in :data:`VIEWS` (:data:`FIGURE_VIEW` suits a seated figure).
        parts: names of the parts to draw (default all).
        highlight: parts drawn in a strong colour (e.g. the ones an assembly step adds).
        figure, posture: seated figures, drawn without hiding the product (see :func:`render_images`).
    """
    from PIL import Image

    (image,) = render_images(design, [(parts, highlight)], view=view, size=size, figure=figure, posture=posture)
    path = Path(path)
    Image.fromarray(image).save(path)
    return path
