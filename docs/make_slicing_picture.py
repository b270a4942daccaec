"""Draw docs/img/sliced-teapot.png: the shared teapot mesh next to its slice kit (``python docs/make_slicing_picture.py``).

The mesh is read in place from ``../shared/bench/meshes/teapot.stl`` (never copied into the project).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from parametric import get_model
from parametric.mesh import design_meshes
from parametric.slicing import prepared

DOCS = Path(__file__).resolve().parent
MESH = DOCS.parents[1] / "shared" / "bench" / "meshes" / "teapot.stl"
VALUES = {"size": 600, "size_of": "longest", "count_a": 8, "count_b": 7, "min_feature": 10}


def main() -> None:
    import pyvista as pv
    from PIL import Image

    cls = get_model("sliced")
    params = cls.params({"mesh": f"@{MESH}", **VALUES})
    design = cls.design(params)
    mesh = prepared(params.mesh, params.up, params.size, params.size_of)
    shift = np.array([0.0, 0.0, 0.0])
    width = float(mesh.bounds[1][0] - mesh.bounds[0][0])
    plotter = pv.Plotter(off_screen=True, window_size=[1200, 520])
    plotter.set_background("white")
    for body in mesh.bodies:  # the mesh on the left, the kit over a translucent copy on the right
        plotter.add_mesh(pv.wrap(body.copy().apply_translation(shift - [0.6 * width, 0, 0])), color=(0.62, 0.7, 0.8))
        plotter.add_mesh(pv.wrap(body.copy().apply_translation(shift + [0.6 * width, 0, 0])), color=(0.62, 0.7, 0.8),
                         opacity=0.18)
    for part_mesh in design_meshes(design).values():
        plotter.add_mesh(pv.wrap(part_mesh.copy().apply_translation([0.6 * width, 0, 0])), color=(0.85, 0.7, 0.5))
    plotter.camera_position = [(0.0, -2.2 * width, 0.9 * width), (0.0, 0.0, 0.2 * width), (0, 0, 1)]
    image = np.asarray(plotter.screenshot(return_img=True))[..., :3]
    plotter.close()
    Image.fromarray(image).save(DOCS / "img" / "sliced-teapot.png")
    print(f"wrote {DOCS / 'img' / 'sliced-teapot.png'}: {len(design.parts)} parts")


if __name__ == "__main__":
    main()
