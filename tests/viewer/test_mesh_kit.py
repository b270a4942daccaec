"""The viewer with a mesh kit (``sliced``): the original drawn see-through behind the kit, a mesh opened
from a file, and slice counts dragged through their widgets."""

from __future__ import annotations


import pytest
from viewer_helpers import close_window, open_window, wait_for


@pytest.fixture(scope="module")
def window(qapp):
    win = open_window(qapp, "sliced")
    yield win
    close_window(win)


def test_the_mesh_shows_see_through_behind_the_kit(qapp, window):
    reference = window.plotter.actors["reference"]
    assert reference.prop.opacity == pytest.approx(0.2)
    kit = [name for name in window.scene.meshes]
    assert kit and all(name in window.plotter.actors for name in kit)
    lo, hi = reference.bounds[4], reference.bounds[5]
    assert lo == pytest.approx(0.0, abs=1e-6) and hi == pytest.approx(window.values.get("size", 450))


def test_open_a_mesh_file_and_drag_the_slice_count(qapp, window, tmp_path):
    import trimesh

    path = tmp_path / "block.stl"
    trimesh.creation.box((2.0, 1.0, 1.0)).export(path)
    scene = window.scene
    window.open_mesh(str(path))
    wait_for(qapp, lambda: window.scene is not scene)
    assert window.scene.design.params["mesh"].source == "block.stl"
    parts = len(window.scene.design.parts)
    scene = window.scene
    window.panel.widgets["count_a"].setValue(6)  # as a user dragging the count
    wait_for(qapp, lambda: window.scene is not scene)
    assert len(window.scene.design.parts) == parts + 2


def test_a_bad_mesh_file_goes_to_the_status_bar(qapp, window, tmp_path):
    path = tmp_path / "empty.stl"
    path.write_bytes(b"")
    good = window.scene
    window.open_mesh(str(path))
    assert "empty.stl is empty" in window.statusBar().currentMessage()
    assert window.scene is good
