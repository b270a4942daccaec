"""Drive the real viewer window under Xvfb: edit through widgets, wait for rebuilds, check the scene."""

from __future__ import annotations

from pathlib import Path

import pytest
from viewer_helpers import close_window, open_window, wait_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "viewer"


@pytest.fixture(scope="module")
def window(qapp):
    win = open_window(qapp, "slice_chair")
    yield win
    close_window(win)


def bounds(win):
    return tuple(round(v, 1) for v in win.plotter.bounds)


def check_text(win, code):
    return next(win.checks.item(r, 3).text() for r in range(win.checks.rowCount()) if win.checks.item(r, 0).text() == code)


def test_edit_a_parameter_through_its_widget(qapp, window):
    before, scene = bounds(window), window.scene
    mass_before = window.scene.report.mass_kg
    mass_row = check_text(window, "MASS")
    window.panel.widgets["width"].setValue(600.0)  # as a user typing into the spin box
    wait_for(qapp, lambda: window.scene is not scene)
    assert window.values["width"] == 600.0
    assert bounds(window) != before  # the 3D scene changed
    assert window.scene.report.mass_kg > mass_before
    assert check_text(window, "MASS") != mass_row  # the checks panel shows the new result
    masses = [window.checks.item(r, 3).text() for r in range(window.checks.rowCount())]
    assert any("mass" in m for m in masses)
    assert window.panel.sliders["width"].value() == round((600 - 320) / 5)


def test_preset_switch_undo_and_bad_input(qapp, window):
    scene = window.scene
    window.presets.setCurrentText("lounge")
    wait_for(qapp, lambda: window.scene is not scene)
    assert window.scene.design.params["seat_height"] == 380
    window.undo()
    wait_for(qapp, lambda: window.scene.design.params["seat_height"] == 440)
    good = window.scene
    window.panel.widgets["back_height"].setValue(500.0)  # below seat + 150: a constraint error
    wait_for(qapp, lambda: "error" in window.statusBar().currentMessage())
    assert "back_height" in window.statusBar().currentMessage()
    assert window.scene is good and window.isVisible()  # the last good scene stays
    assert window.checks.item(0, 0).text() == "INPUT"
    window.undo()
    wait_for(qapp, lambda: window.scene is not good)


def test_sheets_tab_and_screenshot(qapp, window):
    wait_for(qapp, lambda: bool(window.sheets))  # the nested sheets follow the 3D scene
    assert window.sheet_view.scene().items()
    assert all(p.part.name in window.scene.meshes for s in window.sheets for p in s.placed)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window.tabs.setCurrentIndex(0)
    qapp.processEvents()
    shot = ARTIFACTS / "window.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 10_000


def test_export_bundle_from_the_window(qapp, window, tmp_path):
    path = window.export_bundle(str(tmp_path))
    assert path is not None and path.exists() and path.suffix == ".zip"


def test_drag_a_profile_point_and_explode(qapp, window):
    scene = window.scene
    window.tabs.setCurrentWidget(window.profile_editor)
    handle = window.profile_editor.handles[4]  # the top of the back
    handle.setPos(handle.pos() + __import__("PySide6").QtCore.QPointF(60, 0))
    window.profile_editor.point_moved(4, 60.0, 0.0)  # what the mouse release reports
    wait_for(qapp, lambda: window.scene is not scene)
    assert window.values["profile"][4][0] == 60.0
    assert window.scene.design.part("rib-1").outline.bounds[2] > scene.design.part("rib-1").outline.bounds[2]
    window.explode.setValue(50)
    qapp.processEvents()
    assert window.plotter.bounds[1] - window.plotter.bounds[0] > 1.2 * (scene.design.params["width"] + 50)
    window.explode.setValue(0)
    window.case.setCurrentText("lean_back")
    qapp.processEvents()
    assert "load-1" in window.plotter.actors and "cop" in window.plotter.actors


def test_assembly_steps_and_sheet_hover(qapp, window):
    window.step.setValue(1)  # the ribs alone
    qapp.processEvents()
    names = set(window.plotter.actors)
    assert any(n.startswith("rib") for n in names) and not any(n.startswith("slat") for n in names)
    window.step.setValue(0)
    qapp.processEvents()
    assert any(n.startswith("slat") for n in window.plotter.actors)
    window.highlight("slat-01")
    colour = window.plotter.actors["slat-01"].prop.color
    assert tuple(round(c, 2) for c in colour)[:3] == (0.23, 0.45, 0.85)
    window.highlight(None)


def test_seated_figure_toggle_and_chooser(qapp, window):
    window.presets.setCurrentText("dining")
    wait_for(qapp, lambda: window.scene.design.params["seat_height"] == 440 and not window.values.get("width"))
    assert "figure-0" not in window.plotter.actors  # off by default
    cases = [window.case.itemText(i) for i in range(window.case.count())]
    assert {"lean_back", "seated:man-p50", "lean_back:man-p95"} <= set(cases)  # the figure's load cases too
    window.case.setCurrentText("lean_back:man-p95")
    qapp.processEvents()
    assert "cop" in window.plotter.actors and "load-0" in window.plotter.actors
    window.show_figure.setChecked(True)
    qapp.processEvents()
    adult = window.plotter.actors["figure-0"].GetBounds()
    assert adult[5] > 1200  # a seated man's head is above the back (820 mm)
    assert len(window.profile_editor.figure_items) == len(window.figure_poses(window.scene)[0].segments)
    window.figure.setCurrentText("child-2")
    qapp.processEvents()
    child = window.plotter.actors["figure-0"].GetBounds()
    assert child[5] < adult[5] - 200
    window.lean.setChecked(True)
    qapp.processEvents()
    assert window.plotter.actors["figure-0"].GetBounds()[3] > child[3]  # leaning back reaches further back (+y)
    window.explode.setValue(10)  # a redraw of the parts keeps the figure
    qapp.processEvents()
    assert "figure-0" in window.plotter.actors
    window.explode.setValue(0)
    window.show_figure.setChecked(False)
    qapp.processEvents()
    assert "figure-0" not in window.plotter.actors and not window.profile_editor.figure_items
