"""The viewer with a mesh kit (``sliced``): the original drawn see-through behind the kit, a mesh opened
from a file, slice counts dragged through their widgets, and a slice family dragged in 3D."""

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


def test_drag_a_slice_family_in_3d_sets_its_offset_and_rebuilds(qapp, window):
    """Letting go of family a's plane handle 7 mm along its normal sets offset_a (as the panel's slider
    does: undoable, shown in the panel) and the a slices are rebuilt 7 mm further on."""
    import numpy as np

    scene = window.scene
    window.set_values({"count_a": 4, "count_b": 4})  # the default cylinder
    wait_for(qapp, lambda: window.scene is not scene)
    scene, handle = window.scene, window.slice_handles.widgets["offset_a"]
    before = {p.name: np.asarray(p.frame.origin) for p in scene.design.parts if p.name.startswith("a-")}
    normal = np.asarray(handle.GetNormal())
    handle.SetCenter(*(np.asarray(handle.GetCenter()) + 7.0 * normal))
    handle.InvokeEvent("EndInteractionEvent")  # what the widget sends when the user lets go
    wait_for(qapp, lambda: window.scene is not scene)
    assert window.values["offset_a"] == pytest.approx(7.0) and window.panel.widgets["offset_a"].value() == 7.0
    after = {p.name: np.asarray(p.frame.origin) for p in window.scene.design.parts if p.name.startswith("a-")}
    assert after.keys() == before.keys()
    assert all((after[n] - before[n]) @ normal == pytest.approx(7.0, abs=1e-6) for n in before)
    assert set(window.slice_handles.widgets) == {"offset_a", "offset_b"}  # placed again on the new kit
    window.undo()
    wait_for(qapp, lambda: window.scene.design.params["offset_a"] == 0)
