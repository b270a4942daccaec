"""The main window: parameter panel, 3D product with check overlays, checks table, sheets, export."""

from __future__ import annotations

import sys

import numpy as np

from parametric.registry import get_model

from ._qt import QtCore, QtGui, QtInteractor, QtWidgets
from .figure import FigureControls, stability_cases
from .files import FileActions
from .panel import ParamPanel
from .sheets import draw_sheets
from .slice_drag import SliceHandles
from .worker import Rebuilder, Scene

ROLE_COLOURS = {"new": "#3a73d8", "rib": "#c89e66", "slat": "#edcc94", "frame": "#b88a55", "top": "#e8c48c", "leg": "#b88a55",
                "seat": "#e8c48c", "shelf": "#e8c48c", "side": "#b88a55"}
SEVERITY_COLOURS = {"error": "#f4b6b6", "warning": "#f7e3a1", "pass": "#c9ecc9"}


class MainWindow(FileActions, QtWidgets.QMainWindow):
    """A live editor for one model."""

    def __init__(self, model: str = "slice_chair", preset: str | None = None, values: dict | None = None):
        super().__init__()
        self.cls = get_model(model)
        self.values: dict = dict(self.cls.schema.preset(preset)) if preset else {}
        self.values.update(values or {})
        self.undo_stack: list[dict] = []
        self.redo_stack: list[dict] = []
        self.scene: Scene | None = None
        self.sheets: list = []
        self.setWindowTitle(f"d4d: {self.cls.title or model}")
        self.rebuilder = Rebuilder(self)
        self.rebuilder.ready.connect(self.show_scene)
        self.rebuilder.sheets_ready.connect(self._draw_sheets)
        self._build_ui()
        self.panel.set_values(self.cls.schema.make(self.values).to_dict())
        self.rebuild()

    # -- layout ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        left = QtWidgets.QWidget()
        lv = QtWidgets.QVBoxLayout(left)
        self.presets = QtWidgets.QComboBox()
        self.presets.addItems(["(custom)", *self.cls.schema.presets])
        self.presets.currentTextChanged.connect(self.apply_preset)
        buttons = QtWidgets.QHBoxLayout()
        for text, slot in (("Reset", self.reset), ("Undo", self.undo), ("Redo", self.redo)):
            b = QtWidgets.QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        lv.addWidget(QtWidgets.QLabel("Preset"))
        lv.addWidget(self.presets)
        lv.addLayout(buttons)
        self.panel = ParamPanel(self.cls.schema)
        self.panel.changed.connect(self.edit)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        lv.addWidget(scroll, 1)
        self.tabs = QtWidgets.QTabWidget()
        self.plotter = QtInteractor(self)
        self.plotter.set_background("white")
        self.tabs.addTab(self.plotter.interactor, "3D")
        self.slice_handles = SliceHandles(self)  # a mesh kit's slice families, dragged in 3D
        from .profile import ProfileEditor

        self.profile_editor = ProfileEditor()
        self.profile_editor.moved.connect(self.drag_profile)
        if "profile" in self.cls.schema.specs and hasattr(self.cls, "profile_points"):
            self.tabs.addTab(self.profile_editor, "Profile")
        self.sheet_view = QtWidgets.QGraphicsView()
        self.sheet_view.setScene(QtWidgets.QGraphicsScene())
        self.tabs.addTab(self.sheet_view, "Sheets")
        right = QtWidgets.QWidget()
        rv = QtWidgets.QVBoxLayout(right)
        self.checks = QtWidgets.QTableWidget(0, 4)
        self.checks.setHorizontalHeaderLabels(["code", "where", "margin", "message"])
        self.checks.horizontalHeader().setStretchLastSection(True)
        rv.addWidget(QtWidgets.QLabel("Checks"))
        rv.addWidget(self.checks)
        self.explode = QtWidgets.QSlider(QtCore.Qt.Horizontal)
        self.explode.setRange(0, 100)
        self.explode.valueChanged.connect(lambda _: self.scene and self._draw_parts(self.scene))
        rv.addWidget(QtWidgets.QLabel("Explode"))
        rv.addWidget(self.explode)
        self.step = QtWidgets.QSpinBox()
        self.step.setRange(0, 0)
        self.step.setSpecialValueText("all parts")
        self.step.valueChanged.connect(lambda _: self.scene and self._draw_parts(self.scene))
        play = QtWidgets.QPushButton("Play assembly")
        play.clicked.connect(self.play_assembly)
        steps = QtWidgets.QHBoxLayout()
        steps.addWidget(self.step, 1)
        steps.addWidget(play)
        rv.addWidget(QtWidgets.QLabel("Assembly step"))
        rv.addLayout(steps)
        self.figure_controls = FigureControls(lambda: self.scene and self._show_figure(self.scene, redraw=True))
        self.show_figure, self.figure, self.lean = (self.figure_controls.show, self.figure_controls.figure,
                                                    self.figure_controls.lean)
        rv.addWidget(QtWidgets.QLabel("Figure"))
        rv.addWidget(self.figure_controls)
        self.case = QtWidgets.QComboBox()
        self.case.currentTextChanged.connect(lambda _: self.scene and self._draw_overlays(self.scene))
        rv.addWidget(QtWidgets.QLabel("Load case"))
        rv.addWidget(self.case)
        from fabrication.machines import load_machines
        from parametric.materials import load_materials

        self.machine = QtWidgets.QComboBox()
        self.machine.addItems(list(load_machines()))
        self.machine.setCurrentText("cnc-router-6mm")
        self.material = QtWidgets.QComboBox()
        self.material.addItems(list(load_materials()))
        rv.addWidget(QtWidgets.QLabel("Machine / material"))
        rv.addWidget(self.machine)
        rv.addWidget(self.material)
        fix = QtWidgets.QPushButton("Apply suggested fix")
        fix.clicked.connect(self.apply_fix)
        export = QtWidgets.QPushButton("Export bundle...")
        export.clicked.connect(self.export_bundle)
        rv.addWidget(fix)
        rv.addWidget(export)
        split = QtWidgets.QSplitter()
        for w, stretch in ((left, 0), (self.tabs, 1), (right, 0)):
            split.addWidget(w)
        split.setSizes([330, 700, 420])
        self.setCentralWidget(split)
        bar = self.menuBar().addMenu("&File")
        bar.addAction("Open parameters...", self.open_params)
        bar.addAction("Save parameters...", self.save_params)
        if "mesh" in self.cls.schema.specs:
            bar.addAction("Open mesh...", self.open_mesh)
        self.resize(1400, 800)

    # -- editing -----------------------------------------------------------------------------
    def edit(self, name: str, value) -> None:
        """A widget changed one value: remember the old state, rebuild in the background."""
        self.undo_stack.append(dict(self.values))
        self.redo_stack.clear()
        self.values[name] = value
        self.presets.blockSignals(True)
        self.presets.setCurrentText("(custom)")
        self.presets.blockSignals(False)
        self.rebuild()

    def set_values(self, values: dict, *, remember: bool = True) -> None:
        """Replace all overrides (presets, undo/redo, open, fixes)."""
        if remember:
            self.undo_stack.append(dict(self.values))
        self.values = dict(values)
        try:
            self.panel.set_values(self.cls.schema.make(self.values).to_dict())
        except Exception:  # noqa: BLE001 - invalid sets still show what they can
            self.panel.set_values(self.values)
        self.rebuild()

    def apply_preset(self, name: str) -> None:
        """Switch to a preset's values."""
        if name in self.cls.schema.presets:
            self.set_values(dict(self.cls.schema.preset(name)))

    def reset(self) -> None:
        """Back to the model's defaults."""
        self.set_values({})

    def undo(self) -> None:
        """Undo the last edit."""
        if self.undo_stack:
            self.redo_stack.append(dict(self.values))
            self.set_values(self.undo_stack.pop(), remember=False)

    def redo(self) -> None:
        """Redo an undone edit."""
        if self.redo_stack:
            self.undo_stack.append(dict(self.values))
            self.set_values(self.redo_stack.pop(), remember=False)

    def rebuild(self) -> None:
        """Ask the worker for a new scene."""
        self.statusBar().showMessage("rebuilding...")
        self.rebuilder.request(self.cls, self.values)

    # -- showing -----------------------------------------------------------------------------
    def show_scene(self, scene: Scene) -> None:
        """Show a finished scene (or its error, keeping the previous good one on screen)."""
        if scene.error:
            self.statusBar().showMessage(f"error: {scene.error}")
            self._fill_checks([("INPUT", "", "", scene.error, "error")])
            return
        self.scene = scene

        self.cases = {c.name: c for c in stability_cases(scene.design)}
        cases = list(self.cases)
        if cases != [self.case.itemText(i) for i in range(self.case.count())]:
            self.case.blockSignals(True)
            self.case.clear()
            self.case.addItems(cases)
            self.case.blockSignals(False)
        self._draw_parts(scene)
        self.slice_handles.update(scene)
        if "profile" in self.cls.schema.specs and hasattr(self.cls, "profile_points"):
            rib = next((p for p in scene.design.parts if p.role == "rib"), scene.design.parts[0])
            self.profile_editor.show_profile(rib.outline, self.cls().profile_points(scene.design.params))
        self._show_figure(scene)
        if self.scene is scene and not getattr(self, "_camera_set", False):
            self.plotter.view_vector((1.0, -1.1, 0.8), viewup=(0, 0, 1))  # from the front, like the docs
            self._camera_set = True
        self.plotter.reset_camera()
        rows = [(f.code, f.part or f.case, "" if f.margin is None else f"{f.margin:.1f} {f.unit}",
                 f.message + (f" Fix: {f.fix}" if f.fix else ""), f.severity) for f in scene.report.findings]
        self._fill_checks(rows)
        verdict = "all checks pass" if scene.report.ok else f"{len(scene.report.errors)} check(s) fail"
        self.statusBar().showMessage(f"{len(scene.design.parts)} parts, {verdict}; rebuilt in "
                                     f"{scene.seconds * 1000:.0f} ms")

    def _draw_parts(self, scene: Scene) -> None:
        """The parts (pushed apart from the product's centre by the explode slider) and overlays."""
        import pyvista as pv

        from fabrication.export.pdf import assembly_steps

        self.plotter.clear()
        spread = self.explode.value() / 100.0
        centre = np.mean([m.centroid for m in scene.meshes.values()], axis=0)
        steps = assembly_steps(scene.design)
        self.step.blockSignals(True)
        self.step.setRange(0, len(steps))
        self.step.blockSignals(False)
        shown = {n for s in steps[: self.step.value()] for n in s.parts} if self.step.value() else set(scene.meshes)
        new = set(steps[self.step.value() - 1].parts) if self.step.value() else set()
        for name, mesh in scene.meshes.items():
            if name not in shown:
                continue
            role = "new" if name in new else scene.design.part(name).role
            shifted = pv.wrap(mesh).translate((mesh.centroid - centre) * spread, inplace=False)
            self.plotter.add_mesh(shifted, color=ROLE_COLOURS.get(role, "#d9b27c"), name=name)
        for piece in scene.report.overlaps.values():
            self.plotter.add_mesh(pv.wrap(piece), color="red", name=f"overlap-{id(piece)}")
        if hasattr(self.cls, "reference_mesh"):  # the solid a kit was sliced from, see-through
            self.plotter.add_mesh(pv.wrap(self.cls().reference_mesh(scene.design.params)), color="#7f9fbf",
                                  opacity=0.2, name="reference")
        self._draw_overlays(scene)
        if self.scene is scene:
            self._show_figure(scene)

    def figure_poses(self, scene: Scene) -> list:
        """The chosen figure seated on the scene's seat (one per place), or [] (no seat, or hidden)."""
        return self.figure_controls.poses(scene.design)

    def _show_figure(self, scene: Scene, redraw: bool = False) -> None:
        """Draw the chosen figure in the 3D view and in the profile editor (or remove it)."""
        self.figure_controls.draw(self.plotter, self.profile_editor, scene.design)
        if redraw:
            self.plotter.render()

    def _draw_overlays(self, scene: Scene) -> None:
        """Support polygon, centre of mass, and the selected load case's forces and floor point."""
        import pyvista as pv

        report = scene.report
        if not report.support_polygon:
            return
        pts = np.array([[x, y, 0.5] for x, y in report.support_polygon])
        self.plotter.add_mesh(pv.lines_from_points(np.vstack([pts, pts[:1]])), color="blue", line_width=3,
                              name="support")
        self.plotter.add_mesh(pv.Sphere(radius=12, center=report.centre_of_mass), color="black", name="com")
        case = getattr(self, "cases", {}).get(self.case.currentText())
        if case is None:
            return
        for k, (point, force) in enumerate(case.loads):
            f = np.asarray(force)
            length = 150.0 * np.linalg.norm(f) / 600.0 + 40.0
            direction = f / (np.linalg.norm(f) or 1.0)
            start = np.asarray(point) - direction * length
            arrow = pv.Arrow(start=start, direction=direction, scale=length)
            self.plotter.add_mesh(arrow, color="orange", name=f"load-{k}")
        if case.name in report.cops:
            x, y = report.cops[case.name]
            self.plotter.add_mesh(pv.Sphere(radius=10, center=(x, y, 1)), color="orange", name="cop")

    def play_assembly(self) -> None:
        """Step through the assembly, one step per second."""
        self._steps_left = list(range(1, self.step.maximum() + 1)) + [0]

        def tick():
            if self._steps_left:
                self.step.setValue(self._steps_left.pop(0))
                QtCore.QTimer.singleShot(1000, tick)

        tick()

    def highlight(self, name: str | None) -> None:
        """Show one part in a strong colour in 3D (hovering it in the sheets tab)."""
        for part_name, actor in self.plotter.actors.items():
            if self.scene is not None and part_name in self.scene.meshes:
                role = self.scene.design.part(part_name).role
                colour = "#3a73d8" if part_name == name else ROLE_COLOURS.get(role, "#d9b27c")
                actor.prop.color = colour
        self.plotter.render()

    def drag_profile(self, index: int, dy: float, dz: float) -> None:
        """A profile control point was dragged: move its offset (within the declared box) and rebuild."""
        spec = self.cls.schema.specs["profile"]
        current = [list(p) for p in self.cls.schema.make(self.values).to_dict()["profile"]]
        y, z = current[index][0] + dy, current[index][1] + dz
        current[index] = [min(max(y, spec.min[0]), spec.max[0]), min(max(z, spec.min[1]), spec.max[1])]
        self.edit("profile", current)

    def _fill_checks(self, rows) -> None:
        self.checks.setRowCount(len(rows))
        for r, (*cells, severity) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(str(text))
                item.setBackground(QtGui.QColor(SEVERITY_COLOURS.get(severity, "#ffffff")))
                self.checks.setItem(r, c, item)

    def _draw_sheets(self, sheets) -> None:
        """Draw the nested sheets (arrives after the 3D scene); hovering a part highlights it in 3D."""
        if isinstance(sheets, Exception):
            self.statusBar().showMessage(f"sheets: {sheets}")
            return
        self.sheets = sheets
        draw_sheets(self.sheet_view, sheets, self.highlight)

    # -- actions -----------------------------------------------------------------------------
    def apply_fix(self) -> None:
        """Search the parameters for the nearest set that passes and apply it."""
        if self.scene is None or self.scene.report.ok:
            self.statusBar().showMessage("nothing to fix")
            return
        from parametric.checks import fix

        result = fix(self.scene.design)
        self.statusBar().showMessage(result.message)
        if result.ok:
            self.set_values({**self.values, **result.changes})

def run(model: str = "slice_chair", preset: str | None = None, values: dict | None = None) -> int:
    """Open the viewer and run the Qt event loop."""
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv)
    window = MainWindow(model, preset, values)
    window.show()
    return app.exec()
